"""Issue 13: admin forms and listings speak to station staff, in Chinese, and ask for the
station only when there is more than one."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from deputies.models import Deputy, ReceptionDay
from tests.factories import DeputyFactory, EnterpriseFactory, StationFactory

DEPUTY_ADD = "/admin/snippets/deputies/deputy/add/"
RECEPTION_ADD = "/admin/snippets/deputies/receptionday/add/"


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("boss", password="pw"))
    return client


# Wording issue 13 introduced; it reaches Chinese through locale/, which another engineer
# updates. Until the catalogue carries a msgid there is nothing Chinese to check for it.
NEW_MSGIDS = [
    "full name",
    "Provincial level",
    "City level",
    "County level",
    "Township level",
    "The person agrees that the outcome may be published without their name or contact details",
]


def untranslated(msgid):
    with translation.override("zh-hans"):
        return gettext(msgid) == msgid


def needs_translation(msgid):
    if untranslated(msgid):
        pytest.skip(f"locale/ does not translate {msgid!r} yet")


def field_label(html, name):
    match = re.search(rf'<label[^>]*for="id_{name}"[^>]*>(.*?)</label>', html, re.S)
    if not match:
        return None
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()).removesuffix(" *")


def column_headings(client, url):
    html = client.get(url).content.decode()
    table = re.search(r'<table class="listing.*?</thead>', html, re.S)
    assert table, f"{url} shows no listing"
    headings = re.findall(r"<th[^>]*>(.*?)</th>", table.group(0), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", h).split()) for h in headings]


def deputy_post(**fields):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    return nested_form_data(
        {
            "name": "新代表",
            "level": "county",
            "role": "resident",
            "is_active": "on",
            "pairings": inline_formset([]),
            **fields,
        }
    )


def reception_post(**fields):
    return {
        "kind": "duty",
        "date": "2027-02-01",
        "start_time": "09:00",
        "end_time": "12:00",
        "place": "值班室",
        **fields,
    }


# --------------------------------------------------------------------------------------------
# Labels


@pytest.mark.django_db
def test_offline_entry_form_asks_about_the_submitter_not_you(admin_client, home_page):
    StationFactory()
    html = admin_client.get("/admin/cases/record/").content.decode()
    assert field_label(html, "submitter_name") == "反映人姓名"
    assert field_label(html, "submitter_phone") == "联系电话"
    assert field_label(html, "enterprise_name") == "企业"
    assert "您的姓名" not in html and "手机号码" not in html and "所在企业" not in html


@pytest.mark.django_db
def test_the_public_form_keeps_speaking_to_the_submitter(client, home_page):
    StationFactory()
    html = client.get("/submit/").content.decode()
    assert "您的姓名" in html and "手机号码" in html
    assert "反映人姓名" not in html


@pytest.mark.django_db
def test_staff_disclosure_consent_is_the_persons_not_mine(admin_client, home_page):
    StationFactory()
    html = admin_client.get("/admin/cases/record/").content.decode()
    assert "同意在隐去姓名和联系方式后公开办理结果" != field_label(html, "allow_disclosure")
    needs_translation(
        "The person agrees that the outcome may be published without their name or contact details"
    )
    assert field_label(html, "allow_disclosure").startswith("反映人")


@pytest.mark.django_db
def test_deputy_form_asks_for_a_full_name_and_levels_read_as_levels(admin_client):
    StationFactory()
    html = admin_client.get(DEPUTY_ADD).content.decode()
    assert field_label(html, "name") != "名称"
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]*)</option>', html)
    levels = dict(o for o in options if o[0] in Deputy.Level.values)
    assert levels["national"] == "全国"
    needs_translation("full name")
    needs_translation("County level")
    assert field_label(html, "name") == "姓名"
    assert [levels[v] for v in ("county", "city", "provincial", "national", "township")] == [
        "县级",
        "市级",
        "省级",
        "全国",
        "乡镇级",
    ]


@pytest.mark.django_db
def test_admin_listings_have_no_english_column_headings(admin_client):
    from visits.models import Visit, VisitCampaign, VisitPlan, VisitTeam

    station = StationFactory()
    deputy = DeputyFactory(station=station)
    enterprise = EnterpriseFactory()
    ReceptionDay.objects.create(
        station=station,
        date=datetime.date(2027, 1, 4),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place="接待室",
    )
    team = VisitTeam.objects.create(name="第一走访组", leader="组长")
    Visit.objects.create(enterprise=enterprise, team=team).deputies.add(deputy)
    VisitCampaign.objects.create(
        name="走访周", start=datetime.date(2026, 5, 1), end=datetime.date(2026, 5, 7)
    )
    VisitPlan.objects.create(month=datetime.date(2026, 5, 1), leader="组长")
    listings = {
        "/admin/snippets/deputies/deputy/": ["在站", "状态"],
        "/admin/snippets/deputies/enterprise/": ["重点企业"],
        "/admin/snippets/deputies/receptionday/": [],
        "/admin/snippets/deputies/station/": [],
        "/admin/visits/visit/": [],
        "/admin/visits/team/": [],
        "/admin/visits/campaign/": [],
        "/admin/visits/plan/": [],
    }
    # A heading still in English because its (translated) msgid awaits the catalogue is fine.
    pending = {capfirst(msgid) for msgid in NEW_MSGIDS if untranslated(msgid)}
    for url, expected in listings.items():
        headings = column_headings(admin_client, url)
        english = [h for h in headings if re.search("[A-Za-z]", h) and h not in pending]
        assert not english, (url, headings)
        assert set(expected) <= set(headings), (url, headings)


# --------------------------------------------------------------------------------------------
# The station chooser


@pytest.mark.django_db
def test_with_one_station_the_forms_do_not_ask_for_it(admin_client):
    station = StationFactory()
    for url in (DEPUTY_ADD, RECEPTION_ADD):
        html = admin_client.get(url).content.decode()
        assert 'name="station"' not in html, url

    response = admin_client.post(DEPUTY_ADD, deputy_post(name="单站代表"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Deputy.objects.get(name="单站代表").station == station
    response = admin_client.post(RECEPTION_ADD, reception_post(place="单站值班室"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert ReceptionDay.objects.get(place="单站值班室").station == station

    deputy = Deputy.objects.get(name="单站代表")
    edit = admin_client.get(f"/admin/snippets/deputies/deputy/edit/{deputy.pk}/")
    assert 'name="station"' not in edit.content.decode()


@pytest.mark.django_db
def test_with_two_stations_the_forms_ask_which(admin_client):
    StationFactory(name="园区联络站")
    township = StationFactory(name="乡镇联络站")
    for url in (DEPUTY_ADD, RECEPTION_ADD):
        html = admin_client.get(url).content.decode()
        assert 'name="station"' in html, url

    response = admin_client.post(DEPUTY_ADD, deputy_post(name="没选站的代表"))
    assert response.status_code == 200
    assert not Deputy.objects.filter(name="没选站的代表").exists()

    response = admin_client.post(DEPUTY_ADD, deputy_post(name="乡镇代表", station=township.pk))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Deputy.objects.get(name="乡镇代表").station == township
    response = admin_client.post(RECEPTION_ADD, reception_post(station=township.pk))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert ReceptionDay.objects.get().station == township
