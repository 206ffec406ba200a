"""Time the claim list (认领清单) with 10,000 cases in it.

    .venv/bin/python bench/claim_list.py [--cases 10000]

Builds a throwaway test database (SQLite by default, PostgreSQL with DATABASE_URL), fills it
with cases in bulk, then times the committee's first claim-list page and a filtered, searched
one, and counts their queries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench.data import fill  # noqa: E402


def measure(client, url, runs=5):
    client.get(url)  # warm
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        client = Client()
        client.force_login(fill(args.cases))
        for label, url in [
            ("claim list, page 1", "/admin/cases/claims/"),
            ("claim list, overdue + search", "/admin/cases/claims/?overdue=true&q=诉求99"),
            ("claim list, page 200", "/admin/cases/claims/?p=200"),
        ]:
            seconds, queries = measure(client, url)
            print(
                f"{label:32} {seconds * 1000:7.1f} ms  {queries:3d} queries  "
                f"({args.cases} cases, {connection.vendor})"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
