"""XLSX files that open in Excel or WPS ready to print and file, as the county's paper forms.

Every sheet gets: a title row across the table (station, list, period); a bold heading row with
borders, repeated on every printed page together with the title; set column widths, long text
wrapped; landscape A4, one page wide; "第 1 页 共 3 页" in the footer. Dates are real Excel dates
shown as 2026年12月3日 and rates real numbers shown as 85.0%, so they sort and sum.

The workbook is written by XlsxWriter in its constant_memory mode: each row goes to a temporary
file as it comes, so memory stays flat however many rows there are; :meth:`PrintableWorkbook.close`
assembles the file and returns it, ready to stream (:func:`attachment`). The first byte leaves
only once the file is complete (a zip is assembled at its end): about 3 s for a 20,000-row
ledger (bench/export_ledger.py). Every text cell passes through
:func:`portal.exports.neutralise`, so a submitter cannot plant a formula.

One table::

    book = PrintableWorkbook()
    sheet = book.sheet("问题清单", "XX联络站 问题清单（2026年11月）", columns, numbered=True)
    for values in rows:
        sheet.row(values)
    return attachment(book.close(), "问题清单-2026年11月.xlsx")  # in a view

Several tables on one sheet (a report): ``book.sheet(name, title, width=5)`` then
``sheet.table(columns, caption=...)`` before each table's rows.
"""

import datetime
import tempfile
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exports import neutralise

# How a column's cells are written and shown.
TEXT = "text"  # one line (codes, names, short labels)
WRAP = "wrap"  # long text, wrapped inside the column's width
DATE = "date"  # a real date, shown as 2026年12月3日
INTEGER = "integer"
PERCENT = "percent"  # a ratio (0.85), shown as 85.0%

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
PERCENT_FORMAT = "0.0%"
FONT = {"font_name": "宋体", "font_size": 11}
A4 = 9  # Excel's paper size code


@dataclass(frozen=True)
class Column:
    """A table column: its heading, width in characters (a Chinese character counts about two)
    and how its cells are written (TEXT, WRAP, DATE, INTEGER or PERCENT)."""

    heading: str
    width: float = 12
    kind: str = TEXT


SERIAL = Column("序号", 6, INTEGER)


def percent(rate):
    """A rate the metrics give in percent (85.0) as the ratio a PERCENT cell holds (0.85)."""
    return None if rate is None else rate / 100


class PrintableWorkbook:
    def __init__(self):
        self.file = tempfile.TemporaryFile()
        self.book = xlsxwriter.Workbook(
            self.file,
            {
                "constant_memory": True,
                # Text is text: never turned into a formula, a number or a link.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "default_format_properties": FONT,
            },
        )
        cell = {"border": 1, "valign": "top"}
        self.formats = {
            TEXT: self.book.add_format(cell),
            WRAP: self.book.add_format(cell | {"text_wrap": True}),
            DATE: self.book.add_format(cell | {"num_format": DATE_FORMAT, "align": "left"}),
            INTEGER: self.book.add_format(cell | {"num_format": "0"}),
            PERCENT: self.book.add_format(cell | {"num_format": PERCENT_FORMAT}),
        }
        self.heading = self.book.add_format(
            {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
        )
        self.caption = self.book.add_format({"bold": True, "font_size": 12})
        self.title = self.book.add_format(
            {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
        )

    def sheet(self, name, title, columns=None, *, numbered=False, width=None):
        """A new sheet called name (at most 31 characters) with title across its top.

        With columns, the table's heading row follows the title and both repeat on every
        printed page; numbered puts a 序号 column first. Without columns, give width (the
        number of columns the widest table will have) and add tables with :meth:`PrintSheet.table`;
        then only the title repeats."""
        return PrintSheet(self, name, title, columns, numbered=numbered, width=width)

    def close(self):
        """The finished file, positioned at its start (a temporary file: deleted on close)."""
        self.book.close()
        self.file.seek(0)
        return self.file


def attachment(file, filename):
    """A download of a finished file (:meth:`PrintableWorkbook.close`), streamed in blocks.
    A Chinese filename is sent as RFC 5987 ``filename*=utf-8''…``; the copy is not cached."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


class PrintSheet:
    def __init__(self, workbook, name, title, columns, *, numbered, width):
        self.workbook = workbook
        self.sheet = workbook.book.add_worksheet(name[:31])
        self.next_row = 0
        self.widths = {}
        self.columns = []
        self.serial = None
        self.started = False
        if columns is not None:
            width = len(columns) + (1 if numbered else 0)
        sheet = self.sheet
        sheet.set_landscape()
        sheet.set_paper(A4)
        sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as it takes
        sheet.center_horizontally()
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        sheet.set_header(f"&R{_header_text(name)}")
        sheet.set_footer("&C" + _("Page &P of &N"))
        sheet.set_row(0, 30)
        if width > 1:
            sheet.merge_range(0, 0, 0, width - 1, neutralise(title), workbook.title)
        else:
            sheet.write_string(0, 0, neutralise(title), workbook.title)
        self.next_row = 1
        if columns is not None:
            self.table(columns, numbered=numbered)
            sheet.repeat_rows(0, self.next_row - 1)
            sheet.freeze_panes(self.next_row, 0)
        else:
            sheet.repeat_rows(0)

    def table(self, columns, *, numbered=False, caption=None, headings=True):
        """Start a table: after a blank line if it is not the first, a bold caption when given,
        then its heading row (unless headings is False). The rows written next follow its
        columns."""
        if self.started:
            self.next_row += 1  # a blank line between tables
        self.started = True
        if caption is not None:
            self.sheet.write_string(self.next_row, 0, neutralise(caption), self.workbook.caption)
            self.next_row += 1
        self.columns = [SERIAL, *columns] if numbered else list(columns)
        self.serial = 0 if numbered else None
        for index, column in enumerate(self.columns):
            if column.width > self.widths.get(index, 0):
                self.widths[index] = column.width
                self.sheet.set_column(index, index, column.width)
        if headings:
            for index, column in enumerate(self.columns):
                heading = neutralise(str(column.heading))
                self.sheet.write_string(self.next_row, index, heading, self.workbook.heading)
            self.next_row += 1

    def row(self, values, kinds=None):
        """Write one row of the current table. kinds, when given, overrides the columns' kinds
        cell by cell (a table of figures where some rows are rates)."""
        if self.serial is not None:
            self.serial += 1
            values = [self.serial, *values]
            kinds = [INTEGER, *kinds] if kinds else None
        kinds = kinds or [column.kind for column in self.columns]
        for index, (value, kind) in enumerate(zip(values, kinds, strict=False)):
            self._cell(index, value, kind)
        self.next_row += 1

    def _cell(self, index, value, kind):
        formats, row, sheet = self.workbook.formats, self.next_row, self.sheet
        if value is None or value == "":
            sheet.write_blank(row, index, None, formats[kind])
        elif isinstance(value, str):  # most cells: tested first, a ledger has a million
            sheet.write_string(row, index, neutralise(value), formats[kind])
        elif isinstance(value, bool):
            sheet.write_string(row, index, "是" if value else "否", formats[TEXT])
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, index, float(value), formats[kind])
        elif isinstance(value, datetime.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            sheet.write_datetime(row, index, value.date(), formats[DATE])
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row, index, value, formats[DATE])
        else:
            sheet.write_string(row, index, neutralise(str(value)), formats[kind])


def _header_text(text):
    """Text for a page header: "&" starts a code there, so it is doubled."""
    return text.replace("&", "&&")
