"""The XLSX reader both importers share (portal/spreadsheets.py), driven through each importer:
files damaged inside a sound zip, a wrong size written into the file, a sheet far over the row
limit. Each importer's own tests cover its headings and row checks."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from deputies import enterprise_import
from portal.spreadsheets import SheetError
from tests.factories import valid_credit_code
from visits import batch

SHEET = "xl/worksheets/sheet1.xml"
DAMAGED = "这不是 Excel 工作簿（.xlsx），或文件已损坏。"


def take_enterprises(upload):
    return enterprise_import.import_enterprises(upload).created


def take_batch(upload):
    return len(batch.parse_xlsx(upload))


# Per importer: its module (for the limits), a heading row, row n, and the number of rows taken.
IMPORTERS = {
    "enterprises": (
        enterprise_import,
        ["企业名称", "统一社会信用代码"],
        lambda n: [f"企业{n}", valid_credit_code(n)],
        take_enterprises,
    ),
    "batch": (
        batch,
        ["企业", "类别", "内容"],
        lambda n: ["新余钢铁有限公司", "用工招聘", f"第{n}件事"],
        take_batch,
    ),
}


@pytest.fixture(params=IMPORTERS.values(), ids=IMPORTERS.keys())
def importer(request, db):
    return request.param


def workbook(heading, *rows, blank_above=0):
    book = Workbook()
    for _ in range(blank_above):
        book.active.append([])
    for row in (heading, *rows):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data, name, change):
    """The workbook with one part changed; change returns None to leave the part out."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                content = change(content)
            if content is not None:
                target.writestr(item, content)
    return out.getvalue()


def upload(data):
    return SimpleUploadedFile("表格.xlsx", data)


DAMAGES = {
    # Each makes openpyxl raise something else, at load time or only once the rows are read.
    "sheet-xml-cut-short": lambda data: rewrite(data, SHEET, lambda xml: xml[: len(xml) * 2 // 3]),
    "workbook-xml-cut-short": lambda data: rewrite(data, "xl/workbook.xml", lambda xml: xml[:50]),
    "sheet-part-missing": lambda data: rewrite(data, SHEET, lambda xml: None),
    "letters-in-a-number-cell": lambda data: rewrite(
        data,
        SHEET,
        lambda xml: xml.replace(b"</t></is></c></row>", b"</t></is></c><c><v>x1</v></c></row>"),
    ),
    "zip-cut-short": lambda data: data[: len(data) // 2],
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_workbook_is_refused_as_damaged(importer, damage):
    _module, heading, row, take = importer
    data = damage(workbook(heading, row(1), row(2)))

    with pytest.raises(SheetError) as caught:
        take(upload(data))

    assert caught.value.message == DAMAGED
    assert caught.value.__cause__ is not None  # openpyxl's own error, kept for the log


def test_a_wrong_size_written_in_the_file_drops_no_row(importer):
    _module, heading, row, take = importer
    data = workbook(heading, *(row(n) for n in range(1, 6)))
    # Some programs write the size of a sheet wrongly; read as written, only row 1 would remain.
    data = rewrite(
        data, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', xml)
    )

    assert take(upload(data)) == 5


def test_blank_rows_above_the_heading_are_skipped(importer):
    _module, heading, row, take = importer

    assert take(upload(workbook(heading, row(1), row(2), blank_above=2))) == 2


def test_reading_stops_at_the_row_limit(importer, monkeypatch):
    module, heading, row, take = importer
    monkeypatch.setattr(module, "MAX_ROWS", 3)
    # Far more rows than the limit, then a broken tail: a reader that went on reading after the
    # limit (a small file can unpack to millions of rows) would report damage instead.
    data = workbook(heading, *(row(n) for n in range(1, 2001)))
    data = rewrite(data, SHEET, lambda xml: xml.replace(b"</sheetData>", b"<row><c"))

    with pytest.raises(SheetError) as caught:
        take(upload(data))

    assert caught.value.message == "表格超过 3 行，请拆分成几个文件。"
    assert take(upload(workbook(heading, row(1), row(2), row(3)))) == 3
