"""What the public form tells a person on a phone before and after sending: the linked error
summary, the browser check's words (the server's own), 选填 and *, the category notice, and
what an unsatisfied rating leads to."""

import html as htmllib
import re

import pytest
from django.utils.timezone import localtime

from submissions import roles, workflow
from submissions.forms import SubmissionForm
from submissions.models import Assignment, Case, Category
from tests.factories import DepartmentFactory, StationFactory, make_case, make_user
from tests.test_rating_trust import track
from tests.test_submissions import field_error, form_data


@pytest.fixture
def station(db):
    return StationFactory()


@pytest.fixture
def world(db):
    """A case whose reply was approved: its submitter may rate it."""
    department = DepartmentFactory(name="县卫健委")
    staff, committee = make_user("staff", roles.STAFF), make_user("committee", roles.COMMITTEE)
    handler = make_user("handler", roles.HANDLER, department=department)
    case = workflow.accept(make_case(StationFactory()), staff)
    case = workflow.assign(case, committee, department)
    case = workflow.sign(case, handler)
    case = workflow.reply(case, handler, "已协调解决", "resolved")
    return {"case": workflow.approve(case, committee)}


REQUIRED = [name for name, field in SubmissionForm().fields.items() if field.required]
EMERGENCY = "紧急情况请立即拨打119/110"


def summary(html):
    match = re.search(r'<div class="alert alert-danger error-summary[^"]*"(.*?)</div>', html, re.S)
    return match.group(0) if match else ""


def required_messages(html):
    """{field name: the message the browser shows when it is left empty}."""
    found = {}
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        message = re.search(r'data-required-message="([^"]+)"', tag)
        if name and message:
            found[name.group(1)] = htmllib.unescape(message.group(1))
    return found


def labels(html):
    """{field id: label text with any asterisk} for the visible fields' labels."""
    return {
        target: re.sub(r"<[^>]+>", "", text).strip()
        for target, text in re.findall(r'<label[^>]*for="id_(\w+)"[^>]*>(.*?)</label>', html, re.S)
    }


@pytest.mark.django_db
class TestBeforeAndAfterSending:
    def test_the_browser_says_what_the_server_says_for_each_required_field(self, client, station):
        messages = required_messages(client.get("/submit/").content.decode())
        assert set(messages) == set(REQUIRED)
        for name in REQUIRED:
            html = client.post("/submit/", form_data(**{name: None})).content.decode()
            assert htmllib.unescape(field_error(html, name) or "") == messages[name], name
        assert Case.objects.count() == 0

    def test_the_summary_links_every_error_to_its_field(self, client, station):
        html = client.post(
            "/submit/", form_data(title=None, consent=None, submitter_phone="1380796", kind="x")
        ).content.decode()
        box = summary(html)
        assert 'role="alert"' in box and 'tabindex="-1"' in box and "d-none" not in box
        links = dict(re.findall(r'<a href="#(\w+)">(.*?)</a>', box))
        assert set(links) == {"id_kind_0", "id_title", "id_submitter_phone", "id_consent"}
        for anchor in links:
            assert f'id="{anchor}"' in html  # each link lands on a field that exists
        assert links["id_title"] == "请填写标题。"
        assert htmllib.unescape(links["id_consent"]) == htmllib.unescape(
            field_error(html, "consent")
        )

    def test_a_clean_form_has_an_empty_hidden_summary(self, client, station):
        box = summary(client.get("/submit/").content.decode())
        assert "d-none" in box and "<li>" not in box

    def test_optional_fields_say_so_and_required_ones_carry_the_star(self, client, station):
        form = SubmissionForm()
        shown = labels(client.get("/submit/").content.decode())
        for name, field in form.fields.items():
            if field.widget.is_hidden or name == "website" or name not in shown:
                continue
            if field.required:
                assert shown[name].endswith("*"), name
            elif field.widget.input_type != "checkbox":  # an opt-in box is a choice itself
                assert "（选填" in shown[name], name
        assert {"place", "enterprise_name", "submitter_email", "photos"} <= set(shown)


@pytest.mark.django_db
class TestCategoryNotice:
    def test_the_options_carry_the_notice_for_the_script(self, client, station):
        html = client.get("/submit/").content.decode()
        emergency = Category.objects.get(name="基础设施与安全")
        assert re.search(
            rf'<option value="{emergency.pk}" data-notice="{EMERGENCY}">基础设施与安全</option>',
            html,
        )
        assert html.count("data-notice=") == 1  # the data migration gave only this one a note

    def test_the_notice_is_shown_again_after_an_error(self, client, station):
        emergency = Category.objects.get(name="基础设施与安全")
        html = client.post(
            "/submit/", form_data(category=emergency.pk, consent=None)
        ).content.decode()
        assert re.search(
            rf'<p class="category-notice alert alert-warning" id="category-notice"'
            rf"[^>]*>{EMERGENCY}</p>",
            html,
        )

    def test_a_category_without_a_note_shows_none_and_the_station_can_write_one(
        self, client, station
    ):
        html = client.post("/submit/", form_data(consent=None)).content.decode()
        assert re.search(
            r'class="category-notice[^"]* d-none" id="category-notice"[^>]*></p>', html
        )
        Category.objects.filter(name="用工招聘").update(notice="工资拖欠可同时拨打12333")
        html = client.post("/submit/", form_data(consent=None)).content.decode()
        assert ">工资拖欠可同时拨打12333</p>" in html

    @pytest.mark.parametrize("category", ["abc", "999999", ""])
    def test_a_mangled_category_shows_no_notice_and_an_error(self, client, station, category):
        html = client.post("/submit/", form_data(category=category)).content.decode()
        assert field_error(html, "category") and 'id="category-notice"' in html
        assert Case.objects.count() == 0


@pytest.mark.django_db
class TestAfterAnUnsatisfiedRating:
    def test_the_tracker_says_it_went_back_under_continued_supervision(self, client, world):
        case = world["case"]
        html = track(client, case, rate="1", rating="unsatisfied").content.decode()
        case.refresh_from_db()
        assert case.status == Case.Status.ASSIGNED
        assert case.current_assignment.supervision == Assignment.Supervision.CONTINUED
        assert "退回承办单位重新办理，并列入持续督办" in html
        assert "县卫健委" in html  # the department and its new deadline, from the tracker
        assert localtime(case.current_assignment.due_at).strftime("%Y年%-m月%-d日") in html

    def test_a_satisfied_rating_says_nothing_of_supervision(self, client, world):
        html = track(client, world["case"], rate="1", rating="satisfied").content.decode()
        assert "谢谢，您的评价已记录。" in html and "持续督办" not in html
