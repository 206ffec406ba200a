"""Peak memory and time of exporting the problem and claim ledgers with 50,000 cases.

    .venv/bin/python bench/export_ledger.py [--cases 50000]

Memory is measured with tracemalloc around the export only (after the data is built), so the
figure is what one export costs the web process.
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.data import fill  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from submissions.ledgers import Period, export
        from submissions.models import Case

        user = fill(args.cases)
        Case.objects.update(status="listed")  # on the problem list
        period = Period.this_month()  # the cases were all received today
        for kind in ("problems", "claims"):
            # Timed without tracing, which slows Python; then traced for peak memory. The file
            # is complete before its first byte can be sent (the zip is assembled at the end),
            # so the first byte is the time to build it.
            start = time.perf_counter()
            result = export(kind, user, period)
            seconds = time.perf_counter() - start
            size = len(result.file.read())
            result.file.close()
            tracemalloc.start()
            result = export(kind, user, period)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            result.file.close()
            print(
                f"{kind:10} {result.rows:6d} rows  first byte = all {seconds:5.1f} s  "
                f"peak {peak / 2**20:5.1f} MiB  file {size / 2**20:5.1f} MiB  ({connection.vendor})"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
