"""Import enterprises from an XLSX sheet: every row is checked before anything is written."""

import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from deputies.models import Enterprise

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

# The headings staff type in their own sheets; error messages name columns by these.
HEADINGS = {
    "企业名称": "name",
    "统一社会信用代码": "credit_code",
    "地址": "address",
    "行业": "industry",
    "重点企业": "is_key",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
}
COLUMN_OF = {name: heading for heading, name in HEADINGS.items()}
REQUIRED = ("name", "credit_code")
YES = {"是", "y", "yes", "1", "true"}
NO = {"", "否", "n", "no", "0", "false"}

# A damaged or foreign file can fail anywhere inside openpyxl, also while rows are read lazily.
UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, OSError, ValueError)


class ImportFileError(Exception):
    """The file as a whole cannot be imported; no row was looked at or saved."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (Excel row number, message)


def import_enterprises(file):
    """Create or update (by credit code) an Enterprise per sheet row; bad rows are reported."""
    columns, rows = _read_sheet(file)
    report = ImportReport()
    codes = {_text(row[columns["credit_code"]]).upper() for _, row in rows}
    existing = Enterprise.objects.in_bulk(codes - {""}, field_name="credit_code")
    first_row_of = {}
    to_save = []
    for number, row in rows:
        values = {name: _text(row[i]) for name, i in columns.items()}
        values["credit_code"] = values["credit_code"].upper()
        code = values["credit_code"]
        if code in first_row_of:
            # Saving both would let the later row silently overwrite the earlier one.
            message = _("This code already appears in row %(row)d.") % {"row": first_row_of[code]}
            report.errors.append((number, _row_error(number, "credit_code", message)))
            continue
        if code:
            first_row_of[code] = number
        enterprise, errors = _build(existing.get(code), values)
        if errors:
            report.errors.extend((number, _row_error(number, *error)) for error in errors)
        else:
            to_save.append(enterprise)
    with transaction.atomic():
        for enterprise in to_save:
            if enterprise.pk is None:
                report.created += 1
            else:
                report.updated += 1
            enterprise.save()
    return report


def _read_sheet(file):
    """Column indexes by field, and the non-blank data rows with their Excel row numbers."""
    file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // 1024 // 1024}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            header, rows = _sheet_rows(workbook.worksheets[0])
        finally:
            workbook.close()
    except UNREADABLE as error:
        raise ImportFileError(
            _("This is not an Excel workbook (.xlsx), or the file is damaged.")
        ) from error
    empty = _("The sheet is empty: it needs a heading row and enterprise rows.")
    if not any(_text(value) for value in header):
        raise ImportFileError(empty)
    columns = _map_columns(header)  # before the row check: a wrong heading is the likelier mistake
    if not rows:
        raise ImportFileError(empty)
    # Short rows (trailing blank cells) are padded so every column index is valid.
    return columns, [(number, row + (None,) * (len(header) - len(row))) for number, row in rows]


def _sheet_rows(sheet):
    # Some programs write a wrong size into the file; trusting it would silently drop rows.
    sheet.reset_dimensions()
    header, rows = (), []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number == 1:
            header = tuple(row)
        elif any(_text(value) for value in row):
            rows.append((number, tuple(row)))
        if len(rows) > MAX_ROWS:
            message = _("The sheet has more than %(limit)d rows; split it into several files.")
            raise ImportFileError(message % {"limit": MAX_ROWS})
    return header, rows


def _map_columns(header):
    """Field name -> column index, from Chinese headings or the English field names."""
    columns = {}
    for index, value in enumerate(header):
        heading = _text(value)
        name = HEADINGS.get(heading) or (heading.lower() if heading.lower() in COLUMN_OF else None)
        if name is None:
            continue  # extra columns (remarks, serial numbers) are common and harmless
        if name in columns:
            raise ImportFileError(
                _("The column %(column)s appears more than once.") % {"column": COLUMN_OF[name]}
            )
        columns[name] = index
    missing = [COLUMN_OF[name] for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s.") % {"columns": "、".join(missing)}
        )
    return columns


def _build(enterprise, values):
    """The enterprise with the row's values, and a list of (field, message) problems."""
    errors = []
    if "is_key" in values:
        flag = values.pop("is_key").lower()
        if flag in YES or flag in NO:
            values["is_key"] = flag in YES
        else:
            errors.append(("is_key", _("Enter %(yes)s or %(no)s.") % {"yes": "是", "no": "否"}))
    # Only columns present in the sheet are set, so a short sheet leaves other fields alone.
    enterprise = enterprise or Enterprise()
    for name, value in values.items():
        setattr(enterprise, name, value)
    try:
        # Uniqueness is settled by update-by-code and the duplicate check, not by the database.
        enterprise.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.extend((name, message) for name, ms in error.message_dict.items() for message in ms)
    return enterprise, errors


def _row_error(number, name, message):
    column = COLUMN_OF.get(name, name)
    return _("Row %(row)d, column %(column)s: %(error)s") % {
        "row": number,
        "column": column,
        "error": message,
    }


def _text(value):
    """A cell as stripped text: Excel stores codes and phone numbers typed as digits as numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
