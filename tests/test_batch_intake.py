"""Batch intake from the weekly government–enterprise meeting: visits/batch.py and its views."""

import io
import re
from types import SimpleNamespace

import pytest
from django.contrib.messages import SUCCESS, get_messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from openpyxl import Workbook

from portal.spreadsheets import SheetError
from submissions import roles
from submissions.models import Case, CaseEvent, Category
from tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    StationFactory,
    make_case,
    make_user,
    valid_credit_code,
)
from visits import batch, batch_views
from visits.batch import RowsChanged, import_rows, parse_text, parse_xlsx, review

HEADING = ["企业", "类别", "内容", "来源"]
HIRING = "园区企业普遍反映招工难，尤其是技术工人短缺，希望人社局组织专场招聘会。"
LIGHTS = "厂区周边路灯不亮，夜班职工出行不安全。"
TRUCKS = "厂区门口货车掉头困难。"


def tsv(*rows):
    """Text as Excel puts it on the clipboard: tabs between cells, CRLF between rows."""
    return "\r\n".join("\t".join(row) for row in rows) + "\r\n"


def xlsx(*rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("例会问题.xlsx", buffer.getvalue())


def codes(result):
    return [code for code, _message in result.errors]


@pytest.fixture
def world(db):
    station = StationFactory()
    Category.objects.create(name="旧类别", is_active=False)
    return SimpleNamespace(
        station=station,
        steel=EnterpriseFactory(
            name="新余钢铁有限公司", contact_name="张三", contact_phone="13800138000"
        ),
        paper=EnterpriseFactory(
            name="江西造纸有限公司", contact_name=" 李四 ", contact_phone="0790-6221234"
        ),
        bare=EnterpriseFactory(name="无联系人有限公司", contact_name="", contact_phone=""),
        wordy=EnterpriseFactory(name="长联系人有限公司", contact_name="欧阳" * 16),
        staff=make_user("staff", roles.STAFF),
    )


# --- turning rows into cases ----------------------------------------------------------------


def test_good_rows_become_liaison_meeting_cases_with_the_enterprise_contact(world):
    rows = parse_text(
        tsv(
            HEADING,
            [world.steel.name, "用工招聘", HIRING, "县人社局台账"],
            [world.paper.credit_code.lower(), "物流交通", TRUCKS, "第12次政企例会"],
        )
    )
    assert [codes(result) for result in review(rows)] == [[], []]

    hiring, trucks = import_rows(rows, world.staff)

    assert Case.objects.count() == 2
    assert (hiring.kind, hiring.channel, hiring.status) == (
        "problem",
        "liaison_meeting",
        "submitted",
    )
    assert (hiring.enterprise, hiring.enterprise_name) == (world.steel, "新余钢铁有限公司")
    assert (hiring.category.name, hiring.description) == ("用工招聘", HIRING)
    assert (hiring.submitter_name, hiring.submitter_phone) == ("张三", "13800138000")
    assert (hiring.consent_given, hiring.consent_in_person) == (True, True)
    assert (hiring.received_by, hiring.recorded_by, hiring.station) == (
        "县人社局台账",
        world.staff,
        world.station,
    )
    assert hiring.title == "园区企业普遍反映招工难，尤其是技术工人短缺"
    assert (trucks.enterprise, trucks.submitter_name, trucks.submitter_phone) == (
        world.paper,
        "李四",
        "0790-6221234",
    )
    assert (trucks.title, trucks.received_by) == ("厂区门口货车掉头困难", "第12次政企例会")
    first_event = hiring.events.get()
    assert (first_event.action, first_event.actor) == (CaseEvent.Action.RECORDED, world.staff)


@pytest.mark.parametrize(
    ("content", "title"),
    [
        (TRUCKS, "厂区门口货车掉头困难"),
        ("厂区周边路灯不亮，夜班职工出行不安全。希望维修，" + "尽快" * 9, LIGHTS[:-1]),
        ("园区" * 20, "园区" * 15),  # no mark: cut at 30 characters
        ("你好，" + "啊" * 40, "你好，" + "啊" * 27),  # a mark that early would make no title
        ("第一行\n第二行", "第一行 第二行"),
    ],
)
def test_title_is_cut_at_an_early_punctuation_mark(content, title):
    assert batch.make_title(content) == title
    assert len(batch.make_title(content)) <= 30


# --- bad rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        (["不存在的有限公司", "用工招聘", HIRING], "unknown_enterprise"),
        ([valid_credit_code(9_999_999), "用工招聘", HIRING], "unknown_enterprise"),
        (["", "用工招聘", HIRING], "unknown_enterprise"),
        (["steel", "不存在的类别", HIRING], "unknown_category"),
        (["steel", "旧类别", HIRING], "unknown_category"),
        (["steel", "", HIRING], "unknown_category"),
        (["steel", "用工招聘", ""], "empty_content"),
        (["steel", "用工招聘", "长" * 2001], "long_content"),
        (["steel", "用工招聘", "招工难\x07"], "control"),
        (["steel", "用工招聘", HIRING, "县人社局\x1b台账"], "control"),
        (["steel", "用工招聘", "<script>alert(1)</script>"], "markup"),
        (["steel", "用工招聘", HIRING, "源" * 61], "long_source"),
        (["bare", "用工招聘", HIRING], "no_contact"),
        (["wordy", "用工招聘", HIRING], "no_contact"),
        (["steel", "用工招聘"], "columns"),
        (["steel 用工招聘 " + HIRING], "columns"),  # spaces instead of tabs
        (["steel", "用工招聘", HIRING, "例会", "多出的一列"], "columns"),
    ],
)
def test_each_bad_row_is_reported_with_its_reason(world, cells, code):
    enterprises = {"steel": world.steel, "bare": world.bare, "wordy": world.wordy}
    if cells[0] in enterprises:
        cells = [enterprises[cells[0]].name, *cells[1:]]
    elif cells[0].startswith("steel "):
        cells = [cells[0].replace("steel", world.steel.name)]

    (result,) = review(parse_text(tsv(cells)))

    assert codes(result) == [code]
    assert all(message for _code, message in result.errors)
    with pytest.raises(RowsChanged):
        import_rows([result.raw], world.staff)
    assert not Case.objects.exists()


def test_limits_are_inclusive(world):
    (result,) = review(parse_text(tsv([world.steel.name, "用工招聘", "长" * 2000, "源" * 60])))

    assert result.errors == []


def test_a_name_shared_by_two_enterprises_needs_the_credit_code(world):
    twin = EnterpriseFactory(name=world.steel.name, contact_name="王五")

    by_name, by_code = review(
        parse_text(
            tsv([world.steel.name, "用工招聘", HIRING], [twin.credit_code, "用工招聘", HIRING])
        )
    )

    assert codes(by_name) == ["ambiguous_enterprise"]
    assert (codes(by_code), by_code.enterprise) == ([], twin)


def test_rows_that_went_bad_since_the_review_import_nothing(world):
    rows = parse_text(
        tsv([world.steel.name, "用工招聘", HIRING], [world.paper.name, "物流交通", TRUCKS])
    )
    assert all(not result.errors for result in review(rows))
    world.paper.contact_phone = ""
    world.paper.save()

    with pytest.raises(RowsChanged):
        import_rows(rows, world.staff)
    assert not Case.objects.exists()


def test_a_failure_on_the_third_case_leaves_no_case_and_no_gap(world, monkeypatch):
    real_create_case, calls = batch.create_case, []

    def failing_create_case(**fields):
        calls.append(fields["description"])
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real_create_case(**fields)

    monkeypatch.setattr(batch, "create_case", failing_create_case)
    texts = [HIRING, LIGHTS, TRUCKS, "污水管网堵塞，雨天厂区积水。", "希望兑现技改补贴。"]
    rows = parse_text(tsv(*[[world.steel.name, "用工招聘", text] for text in texts]))

    with pytest.raises(RuntimeError):
        import_rows(rows, world.staff)
    assert len(calls) == 3
    assert not Case.objects.exists()

    monkeypatch.undo()
    cases = import_rows(rows, world.staff)
    assert [case.sequence for case in cases] == [1, 2, 3, 4, 5]  # the counter was rolled back


def test_confirming_the_same_batch_twice_creates_its_cases_once(world):
    rows = parse_text(
        tsv([world.steel.name, "用工招聘", HIRING], [world.paper.name, "物流交通", TRUCKS])
    )

    first = import_rows(rows, world.staff, batch_key="abc")
    again = import_rows(rows, world.staff, batch_key="abc")
    other_batch = import_rows(rows[:1], world.staff, batch_key="def")

    assert again == first
    assert other_batch[0] not in first
    assert Case.objects.count() == 3


# --- likely repeats ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", Case.Status.values)
def test_a_likely_repeat_of_an_open_case_is_flagged(world, status):
    existing = make_case(
        world.station,
        enterprise=world.steel,
        title="技术工人招聘难",
        description="园区企业普遍反映招工难，技术工人短缺，希望组织专场招聘会。",
    )
    Case.objects.filter(pk=existing.pk).update(status=status)
    reworded = "企业普遍反映招工难，尤其技术工人短缺，希望人社局组织专场招聘会"

    same_enterprise, other_enterprise, other_text = review(
        parse_text(
            tsv(
                [world.steel.name, "用工招聘", reworded],
                [world.paper.name, "用工招聘", reworded],
                [world.steel.name, "基础设施与安全", LIGHTS],
            )
        )
    )

    is_open = status not in ("closed", "rejected", "merged")
    assert same_enterprise.duplicate_of == (existing if is_open else None)
    assert same_enterprise.duplicate_case == (existing if is_open else None)
    assert other_enterprise.duplicate_of is None
    assert other_text.duplicate_of is None
    assert [codes(row) for row in (same_enterprise, other_enterprise, other_text)] == [[], [], []]


def test_a_repeat_within_the_batch_points_at_the_earlier_line(world):
    first, repeat, elsewhere = review(
        parse_text(
            tsv(
                HEADING,
                [world.steel.name, "基础设施与安全", LIGHTS],
                [
                    world.steel.name,
                    "基础设施与安全",
                    "厂区周边的路灯晚上不亮，夜班职工出行很不安全",
                ],
                [world.paper.name, "基础设施与安全", LIGHTS],
            )
        )
    )

    assert first.duplicate_of is None
    assert (repeat.duplicate_of, repeat.duplicate_line) == (first, 2)
    assert repeat.duplicate_case is None
    assert elsewhere.duplicate_of is None


# --- pasted text --------------------------------------------------------------------------------


def test_pasted_text_with_a_heading_in_any_order(world):
    text = (
        "序号\t内容\t企业\t类别\t来源\r\n"
        "\r\n"
        f'1\t"{LIGHTS}\r\n东段尤其严重"\t{world.steel.name}\t基础设施与安全\t第12次政企例会\r\n'
        f"2\t{TRUCKS}\t{world.paper.credit_code}\t物流交通\t\r\n"
        "\t\t\t\t\r\n"
    )

    rows = parse_text(text)

    assert rows == [
        {
            "line": 3,
            "enterprise": world.steel.name,
            "category": "基础设施与安全",
            "content": f"{LIGHTS}\r\n东段尤其严重",
            "source": "第12次政企例会",
        },
        {
            "line": 5,
            "enterprise": world.paper.credit_code,
            "category": "物流交通",
            "content": TRUCKS,
            "source": "",
        },
    ]


def test_pasted_text_without_a_heading_and_without_a_source(world):
    rows = parse_text(
        tsv([world.steel.name, "用工招聘", HIRING], [world.paper.name, "物流交通", TRUCKS, "例会"])
    )

    assert [(row["line"], row["enterprise"], row["source"]) for row in rows] == [
        (1, world.steel.name, ""),
        (2, world.paper.name, "例会"),
    ]
    assert all(not result.errors for result in review(rows))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", None),
        (" \r\n\t\t\r\n", None),
        (tsv(HEADING), None),
        (tsv(["企业", "类别", "备注"], ["甲", "用工招聘", "x"]), "内容"),
        (tsv(["企业", "类别", "内容", "企业"]), "企业"),
        ('甲\t用工招聘\t"没有结束的引号\r\n乙\t用工招聘\t内容\r\n', "1"),
    ],
    ids=["empty", "blank", "heading-only", "missing-column", "twice", "open-quote"],
)
def test_unreadable_text_gives_one_clear_error(text, named):
    with pytest.raises(SheetError) as caught:
        parse_text(text)

    assert caught.value.message
    if named:
        assert named in caught.value.message


def test_batch_size_limits(monkeypatch):
    monkeypatch.setattr(batch, "MAX_ROWS", 3)
    rows = [["甲", "用工招聘", f"内容{n}"] for n in range(4)]

    assert len(parse_text(tsv(*rows[:3]))) == 3
    with pytest.raises(SheetError):
        parse_text(tsv(*rows))
    assert len(parse_xlsx(xlsx(HEADING, *rows[:3]))) == 3
    with pytest.raises(SheetError):
        parse_xlsx(xlsx(HEADING, *rows))

    monkeypatch.setattr(batch, "MAX_BYTES", 100)
    with pytest.raises(SheetError):
        parse_text("甲\t用工招聘\t" + "长" * 40)  # 40 characters, but 120 bytes
    with pytest.raises(SheetError):
        parse_xlsx(xlsx(HEADING))


# --- XLSX upload --------------------------------------------------------------------------------


def test_xlsx_rows_are_read_under_the_heading_row(world):
    upload = xlsx(
        ["序号", "来源", "内容", "企业", "类别"],
        [1, "县人社局台账", HIRING, world.steel.credit_code, "用工招聘"],
        [None, None, None, None, None],
        [2, None, TRUCKS, world.paper.name, "物流交通"],
        [3, 2026, 12345, world.paper.name],  # numbers typed into cells; a short row
    )

    rows = parse_xlsx(upload)

    assert [row["line"] for row in rows] == [2, 4, 5]
    assert rows[0] == {
        "line": 2,
        "enterprise": world.steel.credit_code,
        "category": "用工招聘",
        "content": HIRING,
        "source": "县人社局台账",
    }
    assert (rows[1]["source"], rows[2]["content"], rows[2]["category"]) == ("", "12345", "")
    assert [codes(result) for result in review(rows)] == [[], [], ["unknown_category"]]


@pytest.mark.parametrize(
    ("make_upload", "named"),
    [
        (lambda: SimpleUploadedFile("例会.xlsx", bytes(range(256)) * 40), None),
        (lambda: SimpleUploadedFile("例会.xlsx", "企业,类别,内容\n甲,乙,丙\n".encode()), None),
        (lambda: xlsx(), None),
        (lambda: xlsx(HEADING), None),
        (lambda: xlsx(["第12次政企例会问题清单"], HEADING, ["甲", "用工招聘", "x"]), "企业"),
        (lambda: xlsx(["企业", "内容"], ["甲", "x"]), "类别"),
    ],
    ids=["random-bytes", "csv", "empty", "heading-only", "title-row", "missing-column"],
)
def test_unreadable_workbook_gives_one_clear_error(make_upload, named):
    with pytest.raises(SheetError) as caught:
        parse_xlsx(make_upload())

    assert caught.value.message
    if named:
        assert named in caught.value.message


# --- queries ----------------------------------------------------------------------------------


def many_rows(world, count):
    enterprises = EnterpriseFactory.create_batch(20, contact_name="王五")
    for enterprise in enterprises[:10]:
        make_case(world.station, enterprise=enterprise, description=LIGHTS)
    cells = [
        [
            enterprise.credit_code if n % 2 else enterprise.name,
            "基础设施与安全",
            LIGHTS if n < 10 else f"第{n}号厂房屋顶漏水，影响生产",
        ]
        for n, enterprise in zip(range(count), enterprises * 10, strict=False)
    ]
    return tsv(HEADING, *cells)


def test_review_of_200_rows_takes_three_queries(world, django_assert_max_num_queries):
    rows = parse_text(many_rows(world, 200))

    with django_assert_max_num_queries(3):
        results = review(rows)

    assert len(results) == 200 and not any(result.errors for result in results)
    assert sum(1 for result in results if result.duplicate_case) == 10


# --- the admin views ----------------------------------------------------------------------------


def payload_of(response):
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)


def ticked_lines(response):
    boxes = re.findall(
        r'<input type="checkbox" name="import" value="(\d+)"([^>]*>)', response.content.decode()
    )
    return [line for line, tag in boxes if tag.endswith(" checked>")]


def test_staff_paste_review_and_confirm(client, world):
    existing = make_case(world.station, enterprise=world.steel, description=LIGHTS)
    client.force_login(world.staff)
    assert client.get("/admin/cases/batch/").status_code == 200
    text = tsv(
        HEADING,
        [world.steel.name, "用工招聘", HIRING, "县人社局台账"],
        [world.paper.name, "物流交通", TRUCKS, "第12次政企例会"],
        [world.steel.name, "基础设施与安全", LIGHTS, "第12次政企例会"],
        ["不存在的有限公司", "用工招聘", HIRING, ""],
    )

    review_page = client.post("/admin/cases/batch/", {"text": text})

    html = review_page.content.decode()
    assert review_page.status_code == 200
    assert HIRING in html and "不存在的有限公司" in html
    assert f'href="/admin/cases/{existing.pk}/"' in html and existing.reference in html
    assert ticked_lines(review_page) == ["2", "3"]  # the likely repeat (line 4) is not ticked
    assert html.count('name="import"') == 3  # the row with an error cannot be chosen
    assert html.count('type="checkbox" disabled') == 1
    assert Case.objects.count() == 1  # reviewing saves nothing

    confirm = {"payload": payload_of(review_page), "import": ticked_lines(review_page)}
    response = client.post("/admin/cases/batch/confirm/", confirm)

    assert (response.status_code, response.url) == (302, "/admin/cases/intake/")
    created = Case.objects.filter(channel="liaison_meeting").order_by("pk")
    assert [case.enterprise for case in created] == [world.steel, world.paper]
    assert [case.received_by for case in created] == ["县人社局台账", "第12次政企例会"]
    (message,) = get_messages(response.wsgi_request)
    assert message.level == SUCCESS and "2" in str(message)

    client.post("/admin/cases/batch/confirm/", confirm)  # a second click, or a reload
    assert Case.objects.filter(channel="liaison_meeting").count() == 2


def test_staff_can_import_a_flagged_repeat_on_purpose(client, world):
    make_case(world.station, enterprise=world.steel, description=LIGHTS)
    client.force_login(world.staff)
    review_page = client.post(
        "/admin/cases/batch/", {"text": tsv([world.steel.name, "基础设施与安全", LIGHTS])}
    )
    assert ticked_lines(review_page) == []

    client.post(
        "/admin/cases/batch/confirm/", {"payload": payload_of(review_page), "import": ["1"]}
    )

    assert Case.objects.filter(channel="liaison_meeting").count() == 1


def test_xlsx_upload_through_the_form(client, world):
    client.force_login(world.staff)
    upload = xlsx(HEADING, [world.steel.credit_code, "用工招聘", HIRING, "县人社局台账"])

    review_page = client.post("/admin/cases/batch/", {"file": upload})

    assert ticked_lines(review_page) == ["2"]
    client.post(
        "/admin/cases/batch/confirm/", {"payload": payload_of(review_page), "import": ["2"]}
    )
    assert Case.objects.get().enterprise == world.steel


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "企业\t类别\t备注\r\n新余钢铁有限公司\t用工招聘\t招工难\r\n"}, "text"),
        ({"text": ""}, "text"),
        ({"file": SimpleUploadedFile("例会.xlsx", b"not a workbook")}, "file"),
        ({"text": "甲\t用工招聘\t招工难", "file": SimpleUploadedFile("例会.xlsx", b"x")}, "file"),
    ],
    ids=["wrong-heading", "nothing", "not-xlsx", "both"],
)
def test_a_bad_batch_is_refused_next_to_its_field_and_the_text_kept(client, world, data, field):
    client.force_login(world.staff)

    response = client.post("/admin/cases/batch/", data)

    html = response.content.decode()
    (error,) = response.context["form"].errors[field]
    assert response.status_code == 200
    assert escape(error) in html
    assert 'name="payload"' not in html
    if data.get("text"):
        assert data["text"].replace("\r\n", "\n").strip() in html.replace("\r\n", "\n")
    assert not Case.objects.exists()


def test_a_tampered_forged_or_expired_payload_imports_nothing(client, world, monkeypatch):
    client.force_login(world.staff)
    review_page = client.post(
        "/admin/cases/batch/", {"text": tsv([world.steel.name, "用工招聘", HIRING])}
    )
    payload = payload_of(review_page)
    rows = parse_text(tsv([world.steel.name, "用工招聘", HIRING]))
    forged = signing.dumps({"key": "x", "rows": rows}, salt="visits.batch:0", compress=True)
    tampered = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")

    for bad in (tampered, forged, ""):
        response = client.post("/admin/cases/batch/confirm/", {"payload": bad, "import": ["1"]})
        assert response.status_code == 400
    monkeypatch.setattr(batch_views, "MAX_AGE", -1)
    response = client.post("/admin/cases/batch/confirm/", {"payload": payload, "import": ["1"]})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_rows_changed_since_the_review_are_shown_again_and_nothing_imported(client, world):
    client.force_login(world.staff)
    text = tsv([world.steel.name, "用工招聘", HIRING], [world.paper.name, "物流交通", TRUCKS])
    review_page = client.post("/admin/cases/batch/", {"text": text})
    Category.objects.filter(name="物流交通").update(is_active=False)

    response = client.post(
        "/admin/cases/batch/confirm/", {"payload": payload_of(review_page), "import": ["1", "2"]}
    )

    assert response.status_code == 200
    assert ticked_lines(response) == ["1"]  # the choice is kept; line 2 can no longer be chosen
    assert response.content.decode().count('type="checkbox" disabled') == 1
    assert not Case.objects.exists()


def test_only_station_staff_may_use_batch_intake(client, rf, world):
    handler = make_user("handler", roles.HANDLER, department=DepartmentFactory())
    text = tsv([world.steel.name, "用工招聘", HIRING])
    client.force_login(world.staff)
    confirm = {"payload": payload_of(client.post("/admin/cases/batch/", {"text": text}))}

    # Plain Django answers 403; inside the admin, Wagtail turns that into a redirect home with
    # its "no permission" message (and keeps the 403 for script requests).
    request = rf.get("/admin/cases/batch/")
    request.user = handler
    with pytest.raises(PermissionDenied):
        batch_views.batch_form(request)
    client.force_login(handler)
    ajax = {"headers": {"x-requested-with": "XMLHttpRequest"}}
    assert client.get("/admin/cases/batch/", **ajax).status_code == 403
    for response in (
        client.get("/admin/cases/batch/"),
        client.post("/admin/cases/batch/", {"text": text}),
        client.post("/admin/cases/batch/confirm/", {**confirm, "import": ["1"]}),
    ):
        assert (response.status_code, response.url) == (302, "/admin/")
        assert 'name="payload"' not in response.content.decode()
    client.logout()
    assert client.get("/admin/cases/batch/").url.startswith("/admin/login/")
    assert not Case.objects.exists()


def test_review_page_queries_do_not_grow_with_the_rows(client, world):
    client.force_login(world.staff)
    text = many_rows(world, 200)
    lines = text.split("\r\n")
    client.post("/admin/cases/batch/", {"text": "\r\n".join(lines[:3])})  # warm caches

    with CaptureQueriesContext(connection) as two:
        small = client.post("/admin/cases/batch/", {"text": "\r\n".join(lines[:3])})
    with CaptureQueriesContext(connection) as two_hundred:
        large = client.post("/admin/cases/batch/", {"text": text})

    assert small.content.decode().count('name="import"') == 2
    assert large.content.decode().count('name="import"') == 200
    assert len(two_hundred) == len(two)
