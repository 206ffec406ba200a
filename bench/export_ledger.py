"""Peak memory and time of exporting the problem-list ledger with 50,000 cases.

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
        from submissions.ledgers import export
        from submissions.models import Case

        user = fill(args.cases)
        Case.objects.update(status="listed")  # on the problem list
        for kind in ("problems", "claims"):
            # Timed without tracing, which slows Python; then traced for peak memory.
            start = time.perf_counter()
            chunks, _name, rows = export(kind, user)
            next(chunks)
            first_byte = time.perf_counter() - start
            for _chunk in chunks:
                pass
            seconds = time.perf_counter() - start
            tracemalloc.start()
            chunks, _name, rows = export(kind, user)
            size = sum(len(chunk) for chunk in chunks)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"{kind:10} {rows:6d} rows  first byte {first_byte * 1000:5.0f} ms  "
                f"all {seconds:5.1f} s  peak {peak / 2**20:5.1f} MiB  "
                f"file {size / 2**20:5.1f} MiB  ({connection.vendor})"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
