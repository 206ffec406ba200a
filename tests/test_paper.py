"""The 交办单 and the 答复函: every field on the printed form, the QR code to the case, the reader's
masking, and only for those who may see the round."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from submissions import roles, workflow
from tests.factories import (
    CommitteeFactory,
    DepartmentFactory,
    StationFactory,
    make_case,
    make_user,
)


@pytest.fixture
def round_(db):
    station = StationFactory(name="云溪县工业园区人大代表联络站")
    committee = CommitteeFactory(name="城乡建设环境保护工委")
    lead = DepartmentFactory(name="县住建局", committee=committee)
    helper = DepartmentFactory(name="县交通局", committee=committee)
    case = make_case(
        station,
        title="北门路灯不亮，联系13807961234",
        description="夜班职工出行不安全，王小明反映。",
        enterprise_name="恒通电子",
    )
    case = workflow.accept(case, make_user("s", roles.STAFF))
    case = workflow.assign(
        case, make_user("c", roles.COMMITTEE), lead, committee, [helper], "请三日内现场查看。"
    )
    return {"case": case, "lead": lead, "helper": helper, "a": case.current_assignment}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_assignment_sheet_carries_every_field_of_the_paper_form(round_, monkeypatch):
    from submissions import paper

    encoded = []
    real = paper.qr_image
    monkeypatch.setattr(paper, "qr_image", lambda url, fmt: encoded.append(url) or real(url, fmt))
    case, a = round_["case"], round_["a"]
    handler = make_user("h", roles.HANDLER, department=round_["lead"])
    html = client_for(handler).get(f"/admin/cases/{case.pk}/rounds/{a.pk}/sheet/").content.decode()
    fields = dict(re.findall(r'data-field="(\w+)">(.*?)</(?:td|span|section)>', html, re.S))
    assert fields["number"] == f"{case.reference}-1"
    assert fields["reference"] == case.reference
    assert "请三日内现场查看。" in fields["instructions"]
    assert fields["lead"] == "县住建局" and fields["assisting"] == "县交通局"
    assert fields["committee"] == "城乡建设环境保护工委"
    due = timezone.localtime(a.due_at)
    assert f"{due.year}年{due.month}月{due.day}日" in fields["due"]
    assert "恒通电子" in fields["enterprise"]
    assert "签收栏" in html and "盖章" in html and "交办单" in html
    # The QR code, drawn inline (prints without another request), opens the case in the admin.
    assert "<svg" in html and encoded == [
        f"{settings.WAGTAILADMIN_BASE_URL}/admin/cases/{case.pk}/"
    ]
    # A department reads the case masked, on paper as on screen.
    assert "13807961234" not in html and "王小明" not in html


def test_the_reply_letter_offers_the_outcome_codes(round_):
    case, a = round_["case"], round_["a"]
    html = (
        client_for(make_user("c2", roles.COMMITTEE))
        .get(f"/admin/cases/{case.pk}/rounds/{a.pk}/letter/")
        .content.decode()
    )
    for code in ("A 已解决或基本解决", "B 正在解决", "C 列入计划解决", "D 因条件限制解释说明"):
        assert f"□ {code}" in html
    assert case.reference in html and "县住建局" in html and "答复函" in html


def test_the_forms_are_only_for_those_who_may_see_the_round(round_):
    case, a = round_["case"], round_["a"]
    other = make_user("o", roles.HANDLER, department=DepartmentFactory(name="县人社局"))
    for kind in ("sheet", "letter"):
        url = f"/admin/cases/{case.pk}/rounds/{a.pk}/{kind}/"
        assert client_for(other).get(url).status_code == 404
        assert Client().get(url).status_code == 302  # to the login
    staff = client_for(make_user("s2", roles.STAFF))
    assert staff.get(f"/admin/cases/{case.pk}/rounds/{a.pk}/memo/").status_code == 404
    page = staff.get(f"/admin/cases/{case.pk}/").content.decode()
    assert f"/admin/cases/{case.pk}/rounds/{a.pk}/sheet/" in page
