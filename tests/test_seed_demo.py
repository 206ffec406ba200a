import datetime
import io
import os
import re
import subprocess

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F
from django.http import HttpRequest
from django.test import override_settings
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from home.models import NewsPage, PrivacyNoticePage, SiteSettings


def counts():
    from deputies.models import Deputy, Enterprise, Pairing, ReceptionDay
    from disclosure.models import DisclosureNotice, KeyIssue
    from submissions.models import Case, CaseEvent

    models = [Page, get_image_model(), get_user_model(), Deputy, Enterprise, Pairing]
    models += [ReceptionDay, Case, CaseEvent, DisclosureNotice, KeyIssue]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
@override_settings(WAGTAILADMIN_BASE_URL="http://192.0.2.7:8123")
def test_seed_demo_builds_the_site_and_is_idempotent(site, client, capsys, monkeypatch):
    """Also: what `make run HOST=0.0.0.0 PORT=8123` seeds points at the address it serves on
    (the Makefile passes SITE_BASE_URL, see test_make_run_serves_links_from_its_host_and_port)."""
    from deputies.models import Deputy
    from notifications.models import Notification

    monkeypatch.setenv("DEMO_PASSWORD", "s3cret-demo")
    call_command("seed_demo")
    first = counts()
    assert all(first.values()), first
    call_command("seed_demo")
    assert counts() == first
    output = capsys.readouterr().out
    assert "admin" in output and "s3cret-demo" in output

    assert "http://192.0.2.7:8123/track/" in output
    assert Site.objects.get(is_default_site=True).root_url == "http://192.0.2.7:8123"
    deputy = Deputy.objects.first()
    assert deputy.qr_url.startswith("http://192.0.2.7:8123/q/")
    receipts = Notification.objects.filter(template="case_received").exclude(body="")
    assert receipts.exists()
    assert all(
        "http://192.0.2.7:8123/track/" in body for body in receipts.values_list("body", flat=True)
    )
    assert not Notification.objects.filter(body__contains="127.0.0.1:8000").exists()

    assert NewsPage.objects.live().count() >= 5
    assert PrivacyNoticePage.objects.live().count() == 1
    assert SiteSettings.for_site(site).icp_number
    assert client.login(request=HttpRequest(), username="admin", password="s3cret-demo")
    for url in ("/", "/rules/", "/process/", "/news/", "/privacy/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production():
    with override_settings(PORTAL_ENV="production"), pytest.raises(CommandError):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_seed_demo_builds_deputies_enterprises_pairings_and_a_staffed_roster(demo):
    """demo: the rows seed_demo made once for this test process (tests/conftest.py)."""
    from deputies.models import Deputy, Enterprise, Pairing, ReceptionDay
    from deputies.validators import validate_credit_code

    assert Deputy.objects.filter(role="resident").count() == 12
    assert Deputy.objects.filter(role="liaison").count() == 2
    assert len(set(Deputy.objects.values_list("level", flat=True))) >= 4
    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) >= 30
    for enterprise in enterprises:
        validate_credit_code(enterprise.credit_code)
    assert Pairing.objects.count() >= 30
    receptions = ReceptionDay.objects.upcoming().filter(kind="reception")
    assert receptions.count() >= 5
    assert all(day.deputies.count() >= 3 for day in receptions)


@pytest.mark.django_db
def test_seed_demo_discloses_closed_cases_and_builds_the_key_issue(demo, client):
    from disclosure.models import DisclosureNotice, KeyIssue
    from submissions.models import Case

    live = DisclosureNotice.objects.live()
    assert live.count() >= 25
    assert not live.filter(case__allow_disclosure=False).exists()
    assert set(live.values_list("case__status", flat=True)) == {Case.Status.CLOSED}
    assert len(live.dates("disclosed_on", "month")) >= 2  # the month filter has a choice
    issue = KeyIssue.objects.live().get()
    assert issue.title == "企业融资难" and len(issue.meetings) == 4 and len(issue.figures) == 3
    linked = Case.objects.filter(key_issue_link__key_issue=issue)
    assert linked.exists() and all(case.key_supervised for case in linked)
    for url in ("/disclosure/", "/stats/", "/key-issues/", "/key-issues/financing/"):
        assert client.get(url).status_code == 200, url


# What each category's cases may be handed to: departments whose remit it is (a round the
# department returned as not its remit does not count).
REMITS = {
    "用工招聘": {"县人社局"},
    "融资贷款": {"县金融中心"},
    "物流交通": {"县交警大队", "园区管委会"},
    "政务服务": {"县住建局", "县卫健委", "县人社局"},
    "基础设施与安全": {"县住建局", "园区管委会"},
    "环境卫生": {"县城管局", "园区管委会"},
    "惠企政策兑现": {"园区管委会", "县农业农村局", "县卫健委", "县人社局"},
}


@pytest.mark.django_db
def test_each_categorys_cases_go_to_a_department_whose_remit_it_is(demo):
    from submissions.models import Assignment

    rounds = Assignment.objects.filter(returned_at__isnull=True).values_list(
        "case__category__name", "lead_department__short_name"
    )
    assert rounds.count() >= 40
    wrong = {(category, department) for category, department in rounds}
    wrong = {pair for pair in wrong if pair[1] not in REMITS[pair[0]]}
    assert not wrong


@pytest.mark.django_db
def test_demo_cases_are_spread_over_the_past_twelve_months_in_office_hours(demo):
    from submissions.deadlines import official_workday
    from submissions.models import Assignment, Case, CaseEvent

    today = timezone.localdate()
    received = list(Case.objects.values_list("received_on", flat=True))
    assert min(received) >= today - datetime.timedelta(days=366) and max(received) <= today
    months = {(day.year, day.month) for day in received}
    assert len(months) >= 12  # each of the last twelve months has cases
    assert max(received) >= today - datetime.timedelta(days=3)  # and some came in just now

    moments = [
        timezone.localtime(t) for t in CaseEvent.objects.values_list("created_at", flat=True)
    ]
    assert max(moments) <= timezone.localtime()
    in_office = [m for m in moments if 8 <= m.hour < 18 and official_workday(m.date())[0]]
    assert len(in_office) >= 0.95 * len(moments)
    assert len({m.strftime("%H:%M") for m in moments}) > len(moments) / 4  # not one stamp

    # Replies mostly within their deadline, some late; no case replied before it was assigned.
    replied = Assignment.objects.filter(replied_at__isnull=False)
    late = replied.filter(replied_at__gt=F("due_at")).count()
    assert 0 < late < replied.count() / 4
    assert not replied.filter(replied_at__lt=F("assigned_at")).exists()
    for case in Case.objects.all():  # each timeline, in time order, moves as the workflow can
        status = ""
        for event in case.events.order_by("created_at", "pk"):
            assert event.from_status in ("", status), (case.reference, event.action)
            status = event.to_status or status
        assert status == case.status, case.reference


@pytest.mark.django_db
def test_demo_notices_are_all_different(demo):
    from disclosure.models import DisclosureNotice

    live = DisclosureNotice.objects.live()
    for field in ("title", "handling", "summary", "case"):
        values = list(live.values_list(field, flat=True))
        assert len(set(values)) == len(values), field
    for notice in live:  # dated as the case went, never ahead of it
        assert notice.received_on <= notice.replied_on <= notice.closed_on <= notice.disclosed_on


@pytest.mark.django_db
def test_demo_rates_are_not_all_perfect(demo):
    from submissions import metrics

    today = timezone.localdate()
    figures = metrics.compute(today - datetime.timedelta(days=366), today, by_month=False)
    assert 60 <= figures["on_time_rate"] < 100
    assert 80 <= figures["satisfaction_rate"] < 100 and figures["unsatisfied"]
    assert figures["returned"] and figures["extended"] and figures["reworked"]
    assert figures["overdue"] and figures["repeat"]


@pytest.mark.django_db
def test_the_demo_retells_the_articles_cases(demo):
    from submissions.models import Case

    def handled_by(text):
        case = Case.objects.get(title__contains=text)
        return case.current_assignment or case.assignments.order_by("-round").first()

    assert handled_by("板房").lead_department.short_name == "县卫健委"
    assert "9.9万元" in handled_by("板房").reply_text
    assert handled_by("产权证").lead_department.short_name == "县住建局"
    assert handled_by("富硒").lead_department.short_name == "县农业农村局"
    assert handled_by("过桥资金").case.key_supervised


@pytest.mark.django_db
def test_demo_statistics_agree_with_its_notices_and_key_issue(demo, client):
    from disclosure import stats
    from disclosure.models import DisclosureNotice, KeyIssue
    from submissions.models import Case, Feedback

    period = stats.choose("last_12_months")
    figures = stats.compute(period.start, period.end)
    cases = Case.objects.filter(received_on__range=(period.start, period.end))
    assert figures["received"] == cases.count()
    closed = cases.filter(status=Case.Status.CLOSED)
    assert figures["closed"] == closed.count()
    # Every closed case its submitter let be published is on the disclosure list, once.
    live = DisclosureNotice.objects.live().filter(case__in=cases)
    assert set(live.values_list("case", flat=True)) == set(
        closed.filter(allow_disclosure=True).values_list("pk", flat=True)
    )
    # The ratings the notices show are the closing ratings the statistics count.
    for notice in live.select_related("case"):
        last = notice.case.feedback.order_by("-created_at").first()
        assert notice.rating == (last.rating if last else "")
    ratings = Feedback.objects.filter(case__in=cases)
    assert figures["rated"] == ratings.count()
    assert figures["unsatisfied"] == ratings.filter(rating="unsatisfied").count()

    issue = KeyIssue.objects.live().get()
    this_year = stats.compute(*stats.period_for("this_year"))
    financing = next(row for row in this_year["by_category"] if row["name"] == "融资贷款")
    assert financing["received"] == issue.linked_cases().count() > 0

    page = client.get("/stats/?period=last_12_months").content.decode()
    assert f">{figures['received']}<" in page.replace(" ", "")
    issue_page = client.get(issue.url).content.decode()
    for case in issue.linked_cases():
        assert case.reference in issue_page


@pytest.mark.django_db
def test_the_printed_tracking_code_opens_the_rating_form(demo, client):
    from submissions.models import Case

    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    found = re.search(r"reference (\S+)\s+tracking code (\S+)", output.getvalue())
    reference, code = found.groups()
    page = client.post("/track/", {"reference": reference, "code": code}).content.decode()
    assert 'name="rating"' in page
    client.post(
        "/track/", {"reference": reference, "code": code, "rate": "1", "rating": "satisfied"}
    )
    assert Case.objects.get(reference=reference).status == Case.Status.CLOSED
    # The next run offers another case still waiting for its rating.
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    assert reference not in output.getvalue()


def test_make_run_serves_links_from_its_host_and_port():
    from portal.demo import serve_settings

    def lan():
        return "192.0.2.44"

    assert serve_settings("127.0.0.1", "8080", {}, lan) == {
        "SITE_BASE_URL": "http://127.0.0.1:8080",
        "ALLOWED_HOSTS": "localhost,127.0.0.1,[::1]",
    }
    every_address = "0.0.0.0"  # noqa: S104 (what make run HOST=0.0.0.0 passes)
    on_the_lan = serve_settings(every_address, 8123, {}, lan)
    assert on_the_lan["SITE_BASE_URL"] == "http://192.0.2.44:8123"
    assert on_the_lan["ALLOWED_HOSTS"].split(",")[-1] == "192.0.2.44"
    assert serve_settings("::1", 8000, {}, lan)["SITE_BASE_URL"] == "http://[::1]:8000"
    # What the caller set stays in force.
    assert serve_settings(
        every_address, 8123, {"SITE_BASE_URL": "https://x.example"}, lan
    ).keys() == {"ALLOWED_HOSTS"}
    # The Makefile hands them to both the seeding and the server.
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_BASE_URL", "ALLOWED_HOSTS")}
    plan = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0", "PORT=8123"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    seed = next(line for line in plan if "seed_demo" in line)
    serve = next(line for line in plan if "runserver" in line)
    assert serve.endswith("runserver 0.0.0.0:8123")
    for line in (seed, serve):
        assert re.search(r"SITE_BASE_URL=http://[\d.]+:8123 ", line), line
        assert "ALLOWED_HOSTS=" in line


@pytest.mark.django_db
def test_demo_portraits_look_like_people_and_the_wechat_qr_scans(demo, site):
    import zxingcpp
    from PIL import Image, ImageStat

    from deputies.models import Deputy
    from home.demo import WECHAT_GROUP_LINK

    for deputy in Deputy.objects.select_related("photo")[:3]:
        with deputy.photo.file.open() as file, Image.open(file) as photo:
            assert photo.width * 4 == photo.height * 3
            assert len(photo.getcolors(1 << 16) or range(999)) > 4  # not a flat colour
            # a figure in the middle, darker and different from the backdrop at the corners
            corner = ImageStat.Stat(photo.crop((0, 0, 60, 60))).mean
            chest = ImageStat.Stat(photo.crop((250, 700, 350, 790))).mean
            assert sum(abs(a - b) for a, b in zip(corner, chest, strict=True)) > 100
    qr = SiteSettings.for_site(site).wechat_qr
    with qr.file.open() as file, Image.open(file) as image:
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [WECHAT_GROUP_LINK]
