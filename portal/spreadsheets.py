"""Reading uploaded XLSX sheets, and the heading row of rows pasted from Excel: the steps every
importer repeats. An importer keeps its own rules: its HEADINGS (Chinese heading -> field name;
messages name columns by these headings), the fields it requires, and its row checks."""

import io
import zipfile
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

# A damaged or foreign file can fail anywhere inside openpyxl, also while rows are read lazily;
# a broken XML part inside a sound zip raises the XML parser's ParseError (a SyntaxError).
UNREADABLE = (
    zipfile.BadZipFile,
    InvalidFileException,
    ParseError,
    KeyError,
    IndexError,
    OSError,
    ValueError,
)


class SheetError(Exception):
    """The sheet as a whole is refused; no row was looked at or saved. The message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def read_xlsx(file, *, max_bytes, max_rows):
    """The non-blank rows of the first sheet as (Excel row number, cells): the heading row, then at
    most max_rows rows under it, each at least as wide as the heading row."""
    file.seek(0)
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        message = _("The file is larger than %(size)d MB.")
        raise SheetError(message % {"size": max_bytes // 1024 // 1024})
    rows = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # Some programs write a wrong size into the file; trusting it would silently drop rows.
            sheet.reset_dimensions()
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if any(cell_text(cell) for cell in cells):
                    width = len(rows[0][1]) if rows else 0
                    rows.append((number, tuple(cells) + (None,) * (width - len(cells))))
                # A small file can unpack to millions of rows: stop as soon as one is too many.
                if len(rows) > max_rows + 1:
                    message = _(
                        "The sheet has more than %(limit)d rows; split it into several files."
                    )
                    raise SheetError(message % {"limit": max_rows})
        finally:
            workbook.close()
    except UNREADABLE as error:
        message = _("This is not an Excel workbook (.xlsx), or the file is damaged.")
        raise SheetError(message) from error
    return rows


def field_of(cell, headings):
    """The field a heading cell names, by its Chinese heading or the field name itself."""
    heading = cell_text(cell)
    if heading in headings:
        return headings[heading]
    return heading.lower() if heading.lower() in headings.values() else None


def map_columns(cells, headings, required):
    """Field name -> column index. Columns with other headings (remarks, serial numbers) are
    common and harmless, so they are left out rather than refused."""
    columns = {}
    heading_of = {name: heading for heading, name in headings.items()}
    for index, cell in enumerate(cells):
        if (name := field_of(cell, headings)) in columns:
            message = _("The column %(column)s appears more than once.")
            raise SheetError(message % {"column": heading_of[name]})
        if name:
            columns[name] = index
    if missing := [heading_of[name] for name in required if name not in columns]:
        message = _("Required columns are missing: %(columns)s.")
        raise SheetError(message % {"columns": "、".join(missing)})
    return columns


def cell_text(value):
    """A cell as stripped text: Excel stores codes and phone numbers typed as digits as numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
