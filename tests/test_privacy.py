"""Issue 17: the personal-information lifecycle (PIPL arts. 17, 19, 44–47).

Retention: after the station's period, a finished case keeps nothing of its submitter,
anywhere: every text column of every table is read back and searched for the name, the phone
and the e-mail, and the files are gone from the disk; the statistics do not move. A person's
requests: a search (logged) finds all their cases and nothing of others, the export holds
them, a correction and an erasure act at once. Contact details show on a case's page only
through the recorded read.
"""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from notifications.models import Notification
from privacy import person_requests
from privacy.anonymise import anonymise, expired_cases, run_retention
from privacy.models import Anonymisation, ContactRead, PersonRequest
from submissions import metrics, roles, workflow
from submissions.models import Case, CaseEvent, CaseLogEntry, CasePhoto
from tests.factories import (
    CommitteeFactory,
    DepartmentFactory,
    DeputyFactory,
    StationFactory,
    make_case,
    make_user,
)

NAME, PHONE, EMAIL = "欧阳隐私", "13912345678", "pipl-person@example.com"
KEPT_NAME, KEPT_PHONE = "司马保留", "13787654321"
OPEN_NAME, OPEN_PHONE = "诸葛在办", "13655554444"
NOW = timezone.now()
YEAR = datetime.timedelta(days=365)


def all_text():
    """Every value of every column of every table in the database, one line per row with its
    table's name: what a dump of the database would show."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the schema)
            for row in cursor.fetchall():
                values = " | ".join(str(value) for value in row if value is not None)
                lines.append(f"{table}: {values}")
    return "\n".join(lines)


def copies(values, text):
    """The rows (table: values) that still hold any of the values."""
    return [line[:300] for line in text.splitlines() if any(v in line for v in values)]


def backdate(case, delta):
    """Move a case's whole history back in time, as if it had happened delta ago."""
    for event in CaseEvent.objects.filter(case=case):
        CaseEvent.objects.filter(pk=event.pk).update(created_at=event.created_at - delta)
    Case.objects.filter(pk=case.pk).update(
        created_at=case.created_at - delta,
        updated_at=case.updated_at - delta,
        received_on=case.received_on - delta,
    )
    for a in case.assignments.all():
        type(a).objects.filter(pk=a.pk).update(
            assigned_at=a.assigned_at - delta,
            due_at=a.due_at - delta,
            sign_due_at=a.sign_due_at and a.sign_due_at - delta,
            signed_at=a.signed_at and a.signed_at - delta,
            replied_at=a.replied_at and a.replied_at - delta,
            approved_at=a.approved_at and a.approved_at - delta,
        )
    for f in case.feedback.all():
        type(f).objects.filter(pk=f.pk).update(created_at=f.created_at - delta)


@pytest.fixture
def world(db):
    station = StationFactory(phone="0796-5550100", address="园区大道1号")
    department, committee_body = DepartmentFactory(), CommitteeFactory()
    users = {
        "staff": make_user("pipl_staff", roles.STAFF),
        "committee": make_user("pipl_committee", roles.COMMITTEE),
        "handler": make_user("pipl_handler", roles.HANDLER, department=department),
        "deputy": make_user("pipl_deputy", roles.DEPUTY, deputy=DeputyFactory(station=station)),
        "editor": make_user("pipl_editor", roles.EDITOR),
        "moderator": make_user("pipl_moderator", roles.MODERATOR),
    }
    staff, committee, handler = users["staff"], users["committee"], users["handler"]

    def closed(name, phone, email="", follow_up=False):
        case = make_case(
            station,
            title=f"{name}反映路灯",
            description=f"我是{name}，电话{phone}，邮箱{email or '无'}，路灯坏了。",
            place=f"{name}家门口",
            submitter_name=name,
            submitter_phone=phone,
            submitter_email=email,
        )
        case = workflow.accept(case, staff)
        case = workflow.assign(case, committee, department, committee_body)
        case = workflow.sign(case, handler)
        workflow.add_note(
            case, handler, f"已电话联系{name}（{phone}）。", ContentFile(b"%PDF note", "n.pdf")
        )
        case = workflow.reply(
            case,
            handler,
            f"经与{name}沟通，已修复。",
            "resolved",
            document=ContentFile(b"%PDF reply", name="r.pdf"),
        )
        case = workflow.approve(case, committee)
        if follow_up:
            return workflow.record_feedback(
                case,
                "satisfied",
                f"{name}表示满意",
                actor=staff,
                follow_up={
                    "means": "phone",
                    "contacted_person": name,
                    "contacted_at": timezone.now(),
                },
            )
        return workflow.record_feedback(case, "satisfied", "满意")

    expired = closed(NAME, PHONE, EMAIL, follow_up=True)
    CasePhoto.objects.create(
        case=expired, file=ContentFile(b"\xff\xd8 photo", name="p.jpg"), width=1, height=1
    )
    # Copies elsewhere: a digest naming the person, a legacy generic log entry, a contact
    # read and a person's search.
    Notification.objects.create(
        channel="email",
        recipient="committee@example.com",
        template="weekly_digest",
        subject="本周",
        body=f"{expired.reference} {NAME} {PHONE}",
    )
    log(instance=expired, action="wagtail.edit", title=f"{expired.reference} {NAME}")
    ModelLogEntry.objects.create(
        content_type_id=CaseLogEntry.objects.first().content_type_id,
        object_id=str(expired.pk),
        label=f"{NAME} {PHONE}",
        action="wagtail.edit",
        timestamp=timezone.now(),
        data={"phone": PHONE},
    )
    ContactRead.objects.create(case=expired, user=staff, reason=f"回访{NAME}")
    person_requests.record(staff, PersonRequest.Action.SEARCH, "本人来电", [expired], PHONE)
    backdate(expired, 4 * YEAR)

    kept = closed(KEPT_NAME, KEPT_PHONE)
    backdate(kept, 2 * YEAR)
    open_case = make_case(
        station, title="在办", submitter_name=OPEN_NAME, submitter_phone=OPEN_PHONE
    )
    open_case = workflow.assign(
        workflow.accept(open_case, staff), committee, department, committee_body
    )
    backdate(open_case, 6 * YEAR)
    return {
        "station": station,
        "users": users,
        "expired": expired,
        "kept": kept,
        "open": open_case,
    }


def files_of(case):
    case = Case.objects.get(pk=case.pk)
    files = [p.file for p in case.photos.all()]
    files += [a.reply_document for a in case.assignments.all() if a.reply_document]
    files += [e.attachment for e in case.events.all() if e.attachment]
    return files


def figures():
    start, end = (NOW - 10 * YEAR).date(), NOW.date()
    return metrics.compute(start, end, now=NOW, by_month=False)


@pytest.mark.django_db(transaction=False)
class TestRetention:
    def test_no_copy_of_an_expired_case_survives_while_the_figures_stay(
        self, world, django_capture_on_commit_callbacks
    ):
        before = all_text()
        assert NAME in before and PHONE in before and EMAIL in before  # the probes work
        stored = files_of(world["expired"])
        assert len(stored) == 3 and all(f.storage.exists(f.name) for f in stored)
        figures_before = figures()

        with django_capture_on_commit_callbacks(execute=True):
            done = run_retention()

        assert done == [world["expired"].reference]
        after = all_text()
        assert copies((NAME, PHONE, EMAIL, "pipl-person", "12345678"), after) == []
        assert not any(f.storage.exists(f.name) for f in stored)
        assert files_of(world["expired"]) == []
        # The controls: not yet expired, and open however old, are untouched.
        for value in (KEPT_NAME, KEPT_PHONE, OPEN_NAME, OPEN_PHONE):
            assert value in after
        assert all(f.storage.exists(f.name) for f in files_of(world["kept"]))
        assert figures() == figures_before
        case = Case.objects.get(pk=world["expired"].pk)
        assert case.status == Case.Status.CLOSED and case.feedback.count() == 1
        # Logged: the case's audit log says so, the run names its references.
        entry = CaseLogEntry.objects.get(case=case, action="privacy.anonymise")
        assert entry.label == case.reference
        run = ModelLogEntry.objects.get(action="privacy.retention_run")
        assert run.data == {"count": 1, "references": [case.reference]}
        assert Anonymisation.objects.get(case=case).trigger == "retention"

    def test_a_second_run_changes_nothing(self, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            run_retention()
        once = all_text()
        with django_capture_on_commit_callbacks(execute=True):
            assert run_retention() == []
        assert all_text() == once
        assert anonymise(world["expired"], trigger="retention") is False

    def test_dry_run_changes_nothing_and_says_what_it_would_do(self, world):
        before = all_text()
        out = io.StringIO()
        call_command("anonymise_expired", "--dry-run", stdout=out)
        assert world["expired"].reference in out.getvalue()
        assert world["kept"].reference not in out.getvalue()
        assert world["open"].reference not in out.getvalue()
        assert all_text() == before

    def test_the_command_anonymises(self, world):
        out = io.StringIO()
        call_command("anonymise_expired", stdout=out)
        assert "anonymised 1" in out.getvalue()
        assert not Case.objects.filter(submitter_phone=PHONE).exists()

    def test_failed_sign_ins_are_forgotten_once_they_lock_nothing(self, world, settings):
        """Axes keeps a failed sign-in (a username, an address, a browser) until the same login
        or address tries again; the retention job forgets those past the cool-off."""
        from axes.models import AccessAttempt

        def attempt(username, minutes_ago):
            row = AccessAttempt.objects.create(
                username=username, ip_address="198.51.100.4", user_agent="x", failures_since_start=1
            )
            when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
            AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=when)

        cool_off = settings.AXES_COOLOFF_TIME.total_seconds() / 60
        attempt("old-typo", cool_off + 1)
        attempt("still-locking", cool_off - 1)
        out = io.StringIO()
        call_command("anonymise_expired", "--dry-run", stdout=out)
        assert "would forget 1 expired failed sign-in" in out.getvalue()
        assert AccessAttempt.objects.count() == 2
        call_command("anonymise_expired", stdout=out)
        assert "forgot 1 expired failed sign-in" in out.getvalue()
        remaining = AccessAttempt.objects.values_list("username", flat=True)
        assert list(remaining) == ["still-locking"]

    def test_the_station_sets_the_period(self, world):
        world["station"].retention_years = 1
        world["station"].save()
        due = {case.reference for case in expired_cases()}
        assert due == {world["expired"].reference, world["kept"].reference}
        world["station"].retention_years = 5
        world["station"].save()
        assert not expired_cases().exists()


def post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


@pytest.mark.django_db
class TestPersonRequests:
    def test_search_is_logged_and_finds_all_of_their_cases_and_nothing_else(self, client, world):
        second = make_case(world["station"], submitter_name=NAME, submitter_phone=PHONE)
        response = post(
            client,
            world["users"]["staff"],
            "/admin/privacy/requests/",
            {"query": "+86 139-1234-5678", "reason": "本人到站申请查阅"},
        )
        html = response.content.decode()
        assert world["expired"].reference in html and second.reference in html
        assert world["kept"].reference not in html and KEPT_PHONE not in html
        entry = PersonRequest.objects.get(action="search", reason="本人到站申请查阅")
        assert entry.user == world["users"]["staff"] and entry.query == PHONE
        assert second.reference in entry.references

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        prefix=st.sampled_from(["", "+86", "+86 ", "86", "0086", "+８６"]),
        separator=st.sampled_from(["", " ", "-", "  ", "－", "—"]),
        full_width=st.booleans(),
    )
    def test_any_way_of_writing_the_phone_finds_the_cases(
        self, world, prefix, separator, full_width
    ):
        digits = f"139{separator}1234{separator}5678"
        if full_width:
            digits = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        found = person_requests.find_cases(world["users"]["staff"], prefix + digits)
        assert [c.pk for c in found] == [world["expired"].pk]

    def test_export_holds_their_cases_and_nothing_of_others(self, client, world):
        staff = world["users"]["staff"]
        second = make_case(world["station"], submitter_name=NAME, submitter_phone=PHONE)
        chosen = [world["expired"].pk, second.pk]
        response = post(
            client,
            staff,
            "/admin/privacy/requests/export/",
            {"query": PHONE, "cases": chosen, "reason": "本人索取副本", "format": "json"},
        )
        data = json.loads(response.content)
        assert [c["reference"] for c in data["cases"]] == [
            world["expired"].reference,
            second.reference,
        ]
        assert KEPT_NAME not in response.content.decode()
        response = post(
            client,
            staff,
            "/admin/privacy/requests/export/",
            {"query": PHONE, "cases": chosen, "reason": "本人索取副本", "format": "xlsx"},
        )
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
        assert PHONE in cells and world["expired"].reference in cells
        assert not any(KEPT_PHONE in c or KEPT_NAME in c for c in cells)
        assert PersonRequest.objects.filter(action="export").count() == 2

    def test_correction_changes_the_contact_and_records_why_not_what(self, client, world):
        staff, case = world["users"]["staff"], world["expired"]
        post(
            client,
            staff,
            "/admin/privacy/requests/correct/",
            {
                "query": NAME,
                "cases": [case.pk],
                "reason": "本人更换手机",
                "submitter_phone": "13800001111",
            },
        )
        case.refresh_from_db()
        assert case.submitter_phone == "13800001111" and case.submitter_name == NAME
        entry = CaseLogEntry.objects.get(case=case, action="privacy.correct")
        assert entry.data == {"fields": ["submitter_phone"], "reason": "本人更换手机"}
        assert PersonRequest.objects.filter(action="correct", reason="本人更换手机").exists()

    def test_erasure_is_immediate(self, client, world, django_capture_on_commit_callbacks):
        staff, case = world["users"]["staff"], world["kept"]  # not yet expired
        stored = files_of(case)
        with django_capture_on_commit_callbacks(execute=True):
            post(
                client,
                staff,
                "/admin/privacy/requests/erase/",
                {
                    "query": KEPT_PHONE,
                    "cases": [case.pk],
                    "reason": "本人要求删除",
                    "confirm": "on",
                },
            )
        assert copies((KEPT_NAME, KEPT_PHONE), all_text()) == []
        assert not any(f.storage.exists(f.name) for f in stored)
        assert Anonymisation.objects.get(case=case).trigger == "request"
        assert Anonymisation.objects.get(case=case).user == staff

    def test_only_the_cases_the_search_finds_can_be_chosen(self, client, world):
        post(
            client,
            world["users"]["staff"],
            "/admin/privacy/requests/erase/",
            {"query": PHONE, "cases": [world["kept"].pk], "reason": "x", "confirm": "on"},
        )
        assert not Anonymisation.objects.exists()

    def test_erasure_needs_the_confirmation(self, client, world):
        post(
            client,
            world["users"]["staff"],
            "/admin/privacy/requests/erase/",
            {"query": KEPT_PHONE, "cases": [world["kept"].pk], "reason": "本人要求删除"},
        )
        assert not Anonymisation.objects.exists()

    @pytest.mark.parametrize("role", ["committee", "handler", "deputy", "editor", "moderator"])
    def test_only_station_staff_handle_requests(self, client, world, role):
        user = world["users"][role]
        client.force_login(user)
        # Wagtail refuses an admin view to a login without the right: to the dashboard, with
        # its message, and nothing of the page.
        response = client.get("/admin/privacy/requests/")
        assert (response.status_code, response["Location"]) == (302, "/admin/")
        for action in ("export", "correct", "erase"):
            response = client.post(
                f"/admin/privacy/requests/{action}/",
                {
                    "query": KEPT_PHONE,
                    "cases": [world["kept"].pk],
                    "reason": "x",
                    "format": "json",
                    "confirm": "on",
                    "submitter_phone": "13800001111",
                },
            )
            assert (response.status_code, response["Location"]) == (302, "/admin/")
            assert KEPT_NAME not in response.content.decode()
        response = client.post("/admin/privacy/requests/", {"query": KEPT_PHONE, "reason": "x"})
        assert KEPT_NAME not in response.content.decode()
        assert not PersonRequest.objects.filter(user=user).exists()
        assert not Anonymisation.objects.exists()
        assert Case.objects.get(pk=world["kept"].pk).submitter_phone == KEPT_PHONE


@pytest.mark.django_db
class TestContactReads:
    def test_contact_details_show_only_through_the_recorded_read(self, client, world):
        staff, case = world["users"]["staff"], world["open"]
        client.force_login(staff)
        html = client.get(f"/admin/cases/{case.pk}/").content.decode()
        assert OPEN_PHONE not in html and OPEN_NAME not in html
        assert 'data-action="reveal-contact"' in html
        # No reason, no read.
        client.post(f"/admin/cases/{case.pk}/contact/", {"reason": " "})
        assert not ContactRead.objects.filter(case=case).exists()
        html = client.post(f"/admin/cases/{case.pk}/contact/", {"reason": "回访"}).content
        assert OPEN_PHONE in html.decode() and OPEN_NAME in html.decode()
        read = ContactRead.objects.get(case=case)
        assert (read.case, read.user, read.reason) == (case, staff, "回访")

    def test_the_reads_are_listed_for_the_committee(self, client, world):
        ContactRead.objects.create(
            case=world["open"], user=world["users"]["staff"], reason="回访核实"
        )
        client.force_login(world["users"]["committee"])
        html = client.get("/admin/privacy_contact_reads/").content.decode()
        assert "回访核实" in html and world["open"].reference in html
        client.force_login(world["users"]["handler"])
        response = client.get("/admin/privacy_contact_reads/")
        assert (response.status_code, response["Location"]) == (302, "/admin/")  # refused

    # The handler's department has the case, and the editor and moderator may not act on cases
    # at all: Wagtail refuses them (to the dashboard). The case is not addressed to the deputy:
    # for them it does not exist (404, as an unknown id answers).
    @pytest.mark.parametrize(
        ("role", "answer"),
        [("handler", 302), ("deputy", 404), ("editor", 302), ("moderator", 302)],
    )
    def test_roles_without_contact_rights_cannot_read(self, client, world, role, answer):
        client.force_login(world["users"][role])
        response = client.post(f"/admin/cases/{world['open'].pk}/contact/", {"reason": "看看"})
        assert response.status_code == answer
        assert answer == 404 or response["Location"] == "/admin/"
        assert OPEN_PHONE not in response.content.decode()
        assert not ContactRead.objects.filter(case=world["open"]).exists()

    def test_a_department_the_submitter_allowed_reads_through_the_record(self, client, world):
        case = world["open"]
        Case.objects.filter(pk=case.pk).update(allow_direct_contact=True)
        client.force_login(world["users"]["handler"])
        assert OPEN_PHONE not in client.get(f"/admin/cases/{case.pk}/").content.decode()
        html = client.post(f"/admin/cases/{case.pk}/contact/", {"reason": "联系核实"}).content
        assert OPEN_PHONE in html.decode()
        assert ContactRead.objects.get(case=case).user == world["users"]["handler"]


@pytest.mark.django_db
def test_the_privacy_notice_states_the_period_and_the_contact(client, world, home_page):
    from home.models import PrivacyNoticePage

    world["station"].retention_years = 5
    world["station"].save()
    page = home_page.add_child(
        instance=PrivacyNoticePage(title="个人信息保护告知", slug="privacy", body=[])
    )
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "5" in html and "0796-5550100" in html


def test_phone_normalisation_examples():
    assert person_requests.normalise_phone("＋８６ １３９－１２３４－５６７８") == PHONE
    assert person_requests.normalise_phone("0086 139 1234 5678") == PHONE
    assert not person_requests.is_phone("欧阳隐私")


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(
        alphabet="王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗建国小明丽华", min_size=2, max_size=4
    ),
    head=st.sampled_from(["13", "15", "18", "19"]),
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
    before=st.sampled_from(["", "我是", "联系人：", "请联系", "反映人"]),
    between=st.sampled_from(["，电话", " 手机：", "，", "（", " tel "]),
    after=st.sampled_from(["", "。", "，路灯坏了。", "）"]),
)
def test_scrubbing_leaves_neither_the_name_nor_the_phone(name, head, rest, before, between, after):
    from privacy.anonymise import scrubber

    phone = head + rest
    text = f"{before}{name}{between}{phone}{after}"
    scrubbed = scrubber([name, phone])(text)
    assert name not in scrubbed and phone not in scrubbed
    assert not any(ch.isdigit() for ch in scrubbed)  # not even 138****1234: all of it
