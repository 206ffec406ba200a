"""Import enterprises from an XLSX sheet: every row is checked before anything is written."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from deputies.models import Enterprise
from portal.spreadsheets import SheetError, cell_text, map_columns, read_xlsx

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


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (Excel row number, message)


def import_enterprises(file):
    """Create or update (by credit code) an Enterprise per sheet row; bad rows are reported."""
    columns, rows = _read_sheet(file)
    report = ImportReport()
    codes = {cell_text(row[columns["credit_code"]]).upper() for _, row in rows}
    existing = Enterprise.objects.in_bulk(codes - {""}, field_name="credit_code")
    first_row_of = {}
    to_save = []
    for number, row in rows:
        values = {name: cell_text(row[i]) for name, i in columns.items()}
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
    """Column indexes by field, and the data rows with their Excel row numbers."""
    lines = read_xlsx(file, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    empty = _("The sheet is empty: it needs a heading row and enterprise rows.")
    if not lines:
        raise SheetError(empty)
    (_number, heading), *rows = lines
    # Before the row check: a wrong heading is the likelier mistake.
    columns = map_columns(heading, HEADINGS, REQUIRED)
    if not rows:
        raise SheetError(empty)
    return columns, rows


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
