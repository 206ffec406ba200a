import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from deputies import enterprise_import
from deputies.enterprise_import import ImportReport, import_enterprises
from deputies.models import Enterprise
from deputies.validators import credit_code_check_character
from portal.spreadsheets import SheetError

HEADINGS = ["企业名称", "统一社会信用代码", "地址", "行业", "重点企业", "联系人", "联系电话"]


def code(serial):
    """A valid credit code; serial keeps codes distinct."""
    first17 = f"91360500MA{serial:07d}"
    return first17 + credit_code_check_character(first17)


def wrong_check(serial):
    valid = code(serial)
    return valid[:17] + ("1" if valid[17] != "1" else "2")


def xlsx(*rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def messages_for(report, row):
    return [message for number, message in report.errors if number == row]


@pytest.mark.django_db
def test_good_rows_are_saved_and_bad_rows_reported():
    sheet = xlsx(
        HEADINGS,
        ["新余钢铁", code(1), " 新余市渝水区 ", "钢铁", "是", "张三", 13800138000],  # row 2
        ["坏校验码公司", wrong_check(2), "", "", "", "", ""],  # row 3
        ["短代码公司", code(3)[:17], "", "", "", "", ""],  # row 4
        [None, code(4), "", "", "", "", ""],  # row 5
        [None, None, None],  # row 6: blank, skipped
        ["重复公司", code(1), "", "", "否", "", ""],  # row 7
        ["长" * 121, code(5), "", "", "", "", ""],  # row 8
        ["小微企业", code(6).lower(), None, "服务业", "N", None, None],  # row 9
        ["奇怪标记", code(7), "", "", "也许", "", ""],  # row 10
    )

    report = import_enterprises(sheet)

    assert isinstance(report, ImportReport)
    assert (report.created, report.updated) == (2, 0)
    assert sorted({number for number, _ in report.errors}) == [3, 4, 5, 7, 8, 10]
    assert all("统一社会信用代码" in message for message in messages_for(report, 3))
    assert all("统一社会信用代码" in message for message in messages_for(report, 4))
    assert all("企业名称" in message for message in messages_for(report, 5))
    assert "2" in messages_for(report, 7)[0]  # points at the first occurrence
    assert all("企业名称" in message for message in messages_for(report, 8))
    assert all("重点企业" in message for message in messages_for(report, 10))
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == {code(1), code(6)}
    steel = Enterprise.objects.get(credit_code=code(1))
    assert (steel.address, steel.is_key, steel.contact_phone) == (
        "新余市渝水区",
        True,
        "13800138000",
    )
    assert Enterprise.objects.get(credit_code=code(6)).is_key is False


@pytest.mark.django_db
def test_existing_code_updates_the_enterprise():
    Enterprise.objects.create(
        name="旧名称", credit_code=code(1), address="旧地址", is_key=True, notes="保留"
    )

    report = import_enterprises(xlsx(["企业名称", "统一社会信用代码"], ["新名称", code(1)]))

    assert (report.created, report.updated, report.errors) == (0, 1, [])
    enterprise = Enterprise.objects.get()
    # Columns absent from the sheet keep their values.
    assert (enterprise.name, enterprise.address, enterprise.notes) == ("新名称", "旧地址", "保留")
    assert enterprise.is_key is True


@pytest.mark.django_db
def test_reordered_and_english_headings():
    chinese = xlsx(
        ["联系电话", "统一社会信用代码", "重点企业", "企业名称"], ["0790-6221234", code(1), 1, "甲"]
    )
    english = xlsx([" credit_code ", "is_key", "name", "industry"], [code(2), "true", "乙", "化工"])

    assert import_enterprises(chinese).created == 1
    assert import_enterprises(english).created == 1
    first, second = Enterprise.objects.get(name="甲"), Enterprise.objects.get(name="乙")
    assert (first.credit_code, first.contact_phone, first.is_key) == (code(1), "0790-6221234", True)
    assert (second.credit_code, second.industry, second.is_key) == (code(2), "化工", True)


@pytest.mark.django_db
def test_django_uploaded_file_is_accepted():
    upload = SimpleUploadedFile("企业.xlsx", xlsx(HEADINGS, ["甲", code(1)]).getvalue())

    assert import_enterprises(upload).created == 1


def empty_workbook():
    return xlsx()


def header_only():
    return xlsx(HEADINGS)


@pytest.mark.parametrize(
    ("make_file", "unreadable"),
    [
        (lambda: SimpleUploadedFile("企业.xlsx", bytes(range(256)) * 40), True),
        (
            lambda: SimpleUploadedFile("企业.xlsx", "企业名称,统一社会信用代码\n甲,x\n".encode()),
            True,
        ),
        (empty_workbook, False),
        (header_only, False),
    ],
    ids=["random-bytes", "csv", "empty", "header-only"],
)
@pytest.mark.django_db
def test_malformed_files_are_refused(make_file, unreadable):
    with pytest.raises(SheetError) as caught:
        import_enterprises(make_file())

    # openpyxl's own exception is kept as the cause of an unreadable file, never of an empty one.
    assert (caught.value.__cause__ is not None) == unreadable
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_missing_required_column_is_named():
    with pytest.raises(SheetError) as caught:
        import_enterprises(xlsx(["企业名称", "地址"], ["甲", "新余"]))

    assert "统一社会信用代码" in caught.value.message
    assert "企业名称" not in caught.value.message


@pytest.mark.django_db
def test_wrong_heading_is_reported_before_emptiness():
    with pytest.raises(SheetError) as caught:
        import_enterprises(xlsx(["企业名称", "信用代码"]))

    assert "统一社会信用代码" in caught.value.message


@pytest.mark.django_db
def test_same_column_twice_is_refused():
    with pytest.raises(SheetError) as caught:
        import_enterprises(xlsx(["企业名称", "name", "统一社会信用代码"], ["甲", "甲", code(1)]))

    assert "企业名称" in caught.value.message


@pytest.mark.django_db
def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(enterprise_import, "MAX_ROWS", 3)
    rows = [[f"企业{n}", code(n)] for n in range(4)]

    with pytest.raises(SheetError):
        import_enterprises(xlsx(["企业名称", "统一社会信用代码"], *rows))
    assert import_enterprises(xlsx(["企业名称", "统一社会信用代码"], *rows[:3])).created == 3


@pytest.mark.django_db
def test_too_large_file(monkeypatch):
    sheet = xlsx(["企业名称", "统一社会信用代码"], ["甲", code(1)])
    monkeypatch.setattr(enterprise_import, "MAX_BYTES", len(sheet.getvalue()) - 1)

    with pytest.raises(SheetError):
        import_enterprises(sheet)


@pytest.mark.django_db
def test_database_failure_leaves_nothing_saved(monkeypatch):
    original_save = Enterprise.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.credit_code)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        original_save(self, *args, **kwargs)

    monkeypatch.setattr(Enterprise, "save", failing_save)
    rows = [[f"企业{n}", code(n)] for n in range(3)]

    with pytest.raises(RuntimeError):
        import_enterprises(xlsx(["企业名称", "统一社会信用代码"], *rows))
    assert len(calls) == 2
    assert not Enterprise.objects.exists()
