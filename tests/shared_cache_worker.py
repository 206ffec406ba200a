"""A stand-in web worker for tests/test_shared_cache.py: production settings from the
environment, one command per line on stdin, one answer per line on stdout."""

import os
import sys

import django

django.setup()

from disclosure import stats  # noqa: E402
from portal import ratelimit  # noqa: E402


def answer(command, *args):
    if command == "hit":  # one submission counted against a limit of args[1] an hour
        return ratelimit.hit(args[0], int(args[1]), 3600)
    if command == "figures":  # cached figures; computing them here leaves this process's id
        return stats._cached("probe", os.getpid)
    if command == "invalidate":  # what a saved case does after its commit
        stats.invalidate()
        return "done"
    raise ValueError(command)


print(os.getpid(), flush=True)
for line in sys.stdin:
    print(answer(*line.split()), flush=True)
