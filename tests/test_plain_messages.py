"""Plain messages that name the field, never Django's generic wording, and full-width input read
as what it shows (portal.forms.PlainMessages), on the public forms through the test client and
on every kind of field a form may hold."""

import html
import re
import unicodedata

import pytest
from django import forms
from django.core import validators
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deputies.models import Station
from portal.forms import PlainMessages
from submissions.models import Case, Category, Feedback
from tests.factories import StationFactory, make_case
from tests.test_submission_fuzz import ERRORS
from tests.test_submissions import field_error, form_data


def django_defaults():
    """Every message Django's form fields and validators give by default, in Chinese."""
    classes = [getattr(forms, name) for name in dir(forms) if name.endswith("Field")]
    found = set()
    with translation.override("zh-hans"):
        for cls in classes:
            if isinstance(cls, type) and issubclass(cls, forms.Field):
                for klass in cls.__mro__:
                    for message in getattr(klass, "default_error_messages", {}).values():
                        found.add(str(message))
        for validator in (
            validators.MaxLengthValidator,
            validators.MinLengthValidator,
            validators.MaxValueValidator,
            validators.MinValueValidator,
            validators.EmailValidator,
        ):
            found.add(str(validator.message))
    # Compared without their parameters: "确保该变量包含不超过 %(limit_value)d 字符 (...)".
    return {re.split(r"%\(", message)[0].strip() for message in found if message}


DEFAULTS = django_defaults()


def is_django_default(message):
    return any(default and message.startswith(default) for default in DEFAULTS)


class EveryKind(PlainMessages, forms.Form):
    name = forms.CharField(label="姓名", max_length=5, min_length=2)
    email = forms.EmailField(label="电子邮箱（选填）", required=False)
    day = forms.DateField(label="日期")
    count = forms.IntegerField(label="人数", min_value=1, max_value=9)
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲")])
    category = forms.ModelChoiceField(label="类别", queryset=Category.objects.all())
    agree = forms.BooleanField(label="我同意")
    file = forms.FileField(label="附件")
    own = forms.CharField(label="自有", error_messages={"required": "自有的话"})


@pytest.mark.django_db
def test_every_kind_of_field_says_what_is_wrong_in_words_naming_it():
    bad = {
        "name": "太长的一个名字",
        "email": "不是邮箱",
        "day": "明天",
        "count": "十",
        "kind": "z",
        "category": "999999",
    }
    with translation.override("zh-hans"):
        form = EveryKind(data=bad)
        assert not form.is_valid()
        errors = {name: form.errors[name][0] for name in form.errors}
        too_many = EveryKind(data={"count": "10", "name": "一"})
        too_many.is_valid()
    assert errors == {
        "name": "姓名不超过5字（现在7字）。",
        "email": "请填写正确的电子邮箱，例如 name@example.com。",
        "day": "请按“年-月-日”填写日期，例如 2026-12-03。",
        "count": "人数请填写整数。",
        "kind": "请从列表中选择类型。",
        "category": "请从列表中选择类别。",
        "agree": "请勾选“我同意”。",
        "file": "请选择附件。",
        "own": "自有的话",  # a form's own words are kept
    }
    assert too_many.errors["count"] == ["人数不能大于9。"]
    assert too_many.errors["name"] == ["姓名至少2字（现在1字）。"]


@pytest.mark.django_db
def test_the_public_form_names_each_field(client):
    StationFactory()
    page = client.post("/submit/", form_data(title="", category="", submitter_phone="")).content
    page = page.decode()
    assert field_error(page, "title") == "请填写标题。"
    assert field_error(page, "category") == "请选择类别。"
    assert field_error(page, "submitter_phone") == "请填写手机号码。"
    page = client.post("/submit/", form_data(title="长" * 61, submitter_email="a@b")).content
    assert field_error(page.decode(), "title") == "标题不超过60字（现在61字）。"
    assert field_error(page.decode(), "submitter_email").startswith("请填写正确的电子邮箱")
    assert not Case.objects.exists()


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=2100)
FIELDS = ["kind", "category", "title", "description", "place", "submitter_name"]
FIELDS += ["submitter_phone", "submitter_email", "consent"]


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.dictionaries(st.sampled_from(FIELDS), texts | st.just(""), min_size=1, max_size=5))
def test_no_input_brings_back_a_django_default_message(client, overrides):
    if not Station.objects.exists():
        StationFactory()
    response = client.post("/submit/", form_data(**overrides))
    if response.status_code == 200:
        errors = ERRORS.findall(response.text)
        shown = [html.unescape(error) for error in errors]
        assert not [message for message in shown if is_django_default(message)], shown


FULL_WIDTH = str.maketrans(
    "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)


def full_width(text):
    wide = text.translate(FULL_WIDTH)
    assert unicodedata.normalize("NFKC", wide) == text and wide != text
    return wide


@pytest.mark.django_db
def test_a_phone_typed_in_full_width_is_the_phone(client):
    StationFactory()
    response = client.post("/submit/", form_data(submitter_phone=full_width("13807961234")))
    assert response.status_code == 302
    assert Case.objects.get().submitter_phone == "13807961234"


@pytest.mark.django_db
def test_a_reference_and_code_typed_in_full_width_find_the_case(client):
    case = make_case(StationFactory(reference_prefix="YXGY"))
    response = client.post(
        "/track/",
        {"reference": full_width(case.reference), "code": full_width(case.tracking_code)},
    )
    assert case.reference in response.text and case.get_status_display() in response.text


@pytest.mark.django_db
def test_a_rating_form_sent_without_a_rating_asks_for_one_and_keeps_the_comment(client):
    case = make_case(StationFactory(reference_prefix="YXGY"))
    Case.objects.filter(pk=case.pk).update(status=Case.Status.AWAITING_FEEDBACK)
    response = client.post(
        "/track/",
        {"reference": case.reference, "code": case.tracking_code, "rate": "1", "comment": "还行"},
    )
    assert "请选择满意度。" in response.text and "还行</textarea>" in response.text
    assert not Feedback.objects.exists()
    assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_FEEDBACK


@pytest.mark.django_db
def test_the_form_explains_the_star_and_asks_before_publishing(client):
    """The "*" is explained, and consent to publish the outcome is never pre-ticked."""
    StationFactory()
    page = client.get("/submit/").text
    assert "带 * 号的为必填项，其余为选填。" in page
    checkbox = re.search(r'<input[^>]*name="allow_disclosure"[^>]*>', page)[0]
    assert "checked" not in checkbox
    contact = re.search(r'<input[^>]*name="allow_direct_contact"[^>]*>', page)[0]
    assert "checked" not in contact
