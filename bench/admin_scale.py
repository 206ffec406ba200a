"""Time the admin's case queues at county scale: 1,000,000 cases on PostgreSQL.

    .venv/bin/python bench/admin_scale.py [--cases 1000000] [--repeat 3] [--keep] [--name NAME]
        [--database postgres://postgres@127.0.0.1:5432]

Creates the database bench_admin_<pid> on a loopback server, migrates it, fills it in SQL
(INSERT … SELECT generate_series: a realistic status mix over five years, Chinese titles from a
vocabulary, a round for every case that reached a department), then signs in as station staff,
the committee and a department's handler and opens, through Django's test client, every queue
each one's menu shows: its first page, a filtered page (a category), a Chinese search of three
characters and one of two. For each it prints the best time of --repeat, the query count and
the slowest query's plan (for a search, its slowest LIKE's or STRPOS's): the indexes it uses,
or "Seq Scan" on the table it reads (in full, or until a LIMIT is met). The database is
dropped at the end unless --keep; --name reuses a kept one (migrated again, filled only when
its number of cases differs, analysed).

The menu's counts are kept per scope (submissions/count_cache.py, --counts-timeout seconds), so
the pages are timed with them kept, as every page but the first after a change finds them; the
cost of counting them afresh is printed first, per role.
"""

import argparse
import os
import re
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBJECTS = (
    "园区道路 厂区路灯 职工宿舍 员工食堂 物流通道 停车场 公交站点 污水管网 变电站 消防通道 "
    "创业孵化 人才公寓 跨境电商 技改项目 仓储用地 网络信号 货车限行 排污许可 安全生产 招工用工"
).split()
PROBLEMS = "照明不足 雨天积水 高峰拥堵 缺少班车 补贴未兑现 审批时间长 噪音扰民 存在安全隐患 \
    贷款难融资难 招聘难留人难 电力容量不够 政策不清楚 证照办理慢 环境卫生差 信号覆盖弱".split()
PLACES = "园区大道 工业一路 科创路 纬三路 滨江路 物流园 创新港 产业园东区".split()
FIRMS = "恒通 华泰 远航 新材 精工 鑫达 博远 安和 富邦 联创 正泰 鸿基".split()

# Statuses by share of 1000: most of five years' cases are long closed.
MIX = [
    ("closed", 850),
    ("rejected", 40),
    ("merged", 10),
    ("assigned", 50),
    ("awaiting_feedback", 20),
    ("replied", 10),
    ("listed", 10),
    ("submitted", 10),
]


def sql_array(words):
    return "(ARRAY[" + ",".join(f"'{word}'" for word in words) + "])"


def status_case():
    """A CASE expression giving case n its status by n mod 1000, in MIX's shares."""
    parts, low = [], 0
    for status, share in MIX:
        parts.append(f"WHEN n %% 1000 < {low + share} THEN '{status}'")
        low += share
    return "CASE " + " ".join(parts) + " END"


def fill(cursor, count, station, categories, departments):
    """count cases, newest last, 5 years back from now; rounds for those that reached one."""
    cursor.execute("TRUNCATE submissions_case, submissions_assignment CASCADE")
    # Building an index once is far faster than growing it a row at a time (the trigram one
    # above all): the cases' indexes that no constraint needs go, and come back at the end.
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'submissions_case' "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
    )
    indexes = cursor.fetchall()
    for index, _definition in indexes:
        cursor.execute(f'DROP INDEX "{index}"')
    subjects, problems = sql_array(SUBJECTS), sql_array(PROBLEMS)
    places, firms = sql_array(PLACES), sql_array(FIRMS)
    cursor.execute(
        f"""
        INSERT INTO submissions_case (
            station_id, reference, year, sequence, tracking_code, kind, channel, category_id,
            title, description, place, enterprise_name, submitter_name, submitter_phone,
            submitter_email, consent_given, consent_in_person, allow_direct_contact,
            original_title, original_description, allow_disclosure, received_by, received_on,
            status, status_reason, key_supervised, created_at, updated_at)
        SELECT %(station)s, 'B-' || extract(year FROM at)::int || '-' || n,
            extract(year FROM at)::int, n, 'T' || lpad(n::text, 9, '0'),
            CASE WHEN n %% 4 = 0 THEN 'suggestion' ELSE 'problem' END,
            (ARRAY['online','reception','visit','wechat','liaison_meeting','letter_phone'])
                [1 + n %% 6],
            (%(categories)s::bigint[])[1 + n %% array_length(%(categories)s::bigint[], 1)],
            {subjects}[1 + n %% {len(SUBJECTS)}] || {problems}[1 + (n / 7) %% {len(PROBLEMS)}],
            {firms}[1 + (n / 3) %% {len(FIRMS)}] || '公司反映：' || {subjects}[1 + (n / 11) %%
                {len(SUBJECTS)}] || {problems}[1 + n %% {len(PROBLEMS)}] || '，影响生产经营，'
                || '请协调解决。编号' || n,
            {places}[1 + n %% {len(PLACES)}] || (n %% 300) || '号',
            '云溪' || {firms}[1 + (n / 3) %% {len(FIRMS)}] || '科技有限公司',
            '王**', '138' || lpad((n %% 100000000)::text, 8, '0'), '', true, false, false,
            '', '', n %% 3 = 0, '', (at AT TIME ZONE 'Asia/Shanghai')::date,
            {status_case()}, '', n %% 997 = 0, at, at
        FROM (
            SELECT n, now() - interval '1825 days' * (1 - n::float / %(count)s) AS at
            FROM generate_series(1, %(count)s) AS n
        ) AS numbered
        """,  # noqa: S608 - built from this file's constants, not from input
        {"station": station, "categories": categories, "count": count},
    )
    # One round for every case a department got; open for assigned ones (a tenth overdue, a
    # tenth due within two days), replied for the others.
    cursor.execute(
        """
        INSERT INTO submissions_assignment (
            case_id, round, handling_round, lead_department_id, supervision, instructions,
            assigned_at, due_at, signed_at, return_reason, reply_text, outcome,
            reply_document, sent_back_reason, extension_reason, replied_at)
        SELECT c.id, 1, 1,
            (%(departments)s::bigint[])[1 + c.id %% array_length(%(departments)s::bigint[], 1)],
            CASE WHEN c.id %% 17 = 0 THEN 'continued' ELSE 'normal' END, '',
            c.created_at + interval '1 day',
            CASE WHEN c.status = 'assigned' THEN
                now() + interval '1 day' * ((c.id %% 10) - 1)
                ELSE c.created_at + interval '8 days' END,
            CASE WHEN c.id %% 3 = 0 THEN NULL ELSE c.created_at + interval '2 days' END,
            '', CASE WHEN c.status = 'assigned' THEN '' ELSE '已协调解决。' END,
            CASE WHEN c.status = 'assigned' THEN '' ELSE 'resolved' END, '', '', '',
            CASE WHEN c.status = 'assigned' THEN NULL ELSE c.created_at + interval '6 days' END
        FROM submissions_case c
        WHERE c.status IN ('assigned', 'replied', 'awaiting_feedback', 'closed')
        """,
        {"departments": departments},
    )
    cursor.execute(
        """
        UPDATE submissions_case c SET current_assignment_id = a.id
        FROM submissions_assignment a WHERE a.case_id = c.id
        """
    )
    for _index, definition in indexes:
        cursor.execute(definition)
    cursor.execute("VACUUM ANALYZE submissions_case")
    cursor.execute("VACUUM ANALYZE submissions_assignment")


def plan_indexes(cursor, sql):
    """The indexes a query's plan reads, and the tables it scans in full."""
    cursor.execute("EXPLAIN " + sql)
    plan = "\n".join(row[0] for row in cursor.fetchall())
    used = re.findall(r"(?:Index Scan|Index Only Scan)(?: Backward)? using (\w+)", plan)
    used += re.findall(r"Bitmap Index Scan on (\w+)", plan)
    full = [f"Seq Scan on {table}" for table in re.findall(r"Seq Scan on (\w+)", plan)]
    return ", ".join(dict.fromkeys(used + full)) or "-"


def time_page(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best, response, queries = None, None, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            took = time.perf_counter() - started
        best = took if best is None else min(best, took)
        queries = captured.captured_queries
    assert response.status_code == 200, (url, response.status_code)
    slowest = max(queries, key=lambda q: float(q["time"]))
    searching = [q for q in queries if " LIKE " in q["sql"] or "STRPOS(" in q["sql"]]
    if searching:  # the search's own plan, whichever query is the slowest
        slowest = max(searching, key=lambda q: float(q["time"]))
    return best * 1000, len(queries), slowest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--refill", action="store_true", help="with --name: fill again even if already filled"
    )
    parser.add_argument(
        "--name", help="a bench_admin_* database kept by --keep, to skip most of the migrating"
    )
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--counts-timeout",
        type=int,
        default=60,
        help="CASE_COUNTS_TIMEOUT: seconds the menu's counts are kept (0: count on every page)",
    )
    args = parser.parse_args()
    if not 1 <= args.cases <= 2_000_000:
        sys.exit("Refused: --cases must be between 1 and 2,000,000.")
    host = urllib.parse.urlsplit(args.database).hostname
    if host not in {"127.0.0.1", "::1", "localhost"}:
        sys.exit(f"Refused: the database server {host!r} is not a loopback address.")
    name = args.name or f"bench_admin_{os.getpid()}"
    if not re.fullmatch(r"bench_admin_\w+", name):
        sys.exit("Refused: the database's name must start with bench_admin_.")
    os.environ["DATABASE_URL"] = args.database.rstrip("/") + f"/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

    import psycopg2

    admin = psycopg2.connect(args.database.rstrip("/") + "/postgres")
    admin.autocommit = True
    cursor = admin.cursor()
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if not cursor.fetchone():
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run(args):
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from deputies.models import Station
    from submissions import roles
    from submissions.models import Case, Category, Department
    from submissions.queues import QUEUES, board_is_shown_to, count_queues
    from tests.factories import DepartmentFactory, StationFactory, make_user
    from tests.second_step import pass_second_step

    setup_test_environment()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    # A kept database (--name) has them already.
    station = Station.objects.first() or StationFactory()
    departments = list(Department.objects.all()) or [DepartmentFactory() for _ in range(30)]
    categories = list(Category.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    if args.refill or Case.objects.count() != args.cases:
        with connection.cursor() as cursor:
            fill(cursor, args.cases, station.pk, categories, [d.pk for d in departments])
    print(f"filled {args.cases:,} cases in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # A kept database may have got an index (a migration) since it was filled: the planner
        # needs the statistics of its expression, as autovacuum would gather in production.
        cursor.execute("ANALYZE submissions_case")
        cursor.execute("ANALYZE submissions_assignment")
    people = {
        "station staff": make_user(f"bench-staff-{os.getpid()}", roles.STAFF),
        "committee": make_user(f"bench-committee-{os.getpid()}", roles.COMMITTEE),
        "department handler": make_user(
            f"bench-handler-{os.getpid()}", roles.HANDLER, department=departments[0]
        ),
    }
    category = categories[1]
    # What a page costs when the counts are not kept yet (the first page after a case moved):
    # the counts alone, counted afresh, best of --repeat.
    for who, user in people.items():
        request = RequestFactory().get("/admin/")
        request.user = user
        best = None
        for _ in range(args.repeat):
            started = time.perf_counter()
            count_queues(
                user,
                [queue for queue in QUEUES if queue.is_shown_to(user)],
                board_is_shown_to(user),
                timezone.now(),
            )
            took = (time.perf_counter() - started) * 1000
            best = took if best is None else min(best, took)
        print(f"{who:<19}counts afresh (uncached, once per change): {best:.0f} ms", flush=True)
    settings.CASE_COUNTS_TIMEOUT = args.counts_timeout
    print(f"CASE_COUNTS_TIMEOUT = {args.counts_timeout}")
    print(f"{'who':<19}{'queue':<12}{'page':<10}{'ms':>7}{'queries':>9}  slowest query's plan")
    for who, user in people.items():
        client = Client()
        client.force_login(user)
        pass_second_step(client)
        for queue in QUEUES:
            if not queue.is_shown_to(user):
                continue
            base = f"/admin/cases/{queue.name}/"
            pages = {
                "first": base,
                "filtered": f"{base}?category={category}",
                "search 3": f"{base}?q=" + urllib.parse.quote("招聘难"),
                "search 2": f"{base}?q=" + urllib.parse.quote("路灯"),
            }
            for page, url in pages.items():
                ms, count, slowest = time_page(client, url, args.repeat)
                with connection.cursor() as cursor:
                    plan = plan_indexes(cursor, slowest["sql"])
                print(
                    f"{who:<19}{queue.name:<12}{page:<10}{ms:>7.0f}{count:>9}  "
                    f"{float(slowest['time']) * 1000:.0f} ms: {plan}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
