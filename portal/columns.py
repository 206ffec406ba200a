"""Listing columns shared by the apps' admin screens."""

from wagtail.admin.ui.tables import Column


class AbsoluteDateColumn(Column):
    """A date as the locale writes it (2026年12月3日), not Wagtail's relative "3 月，1 周 之前":
    staff compare dates with paper ledgers and deadlines."""

    cell_template_name = "portal/admin/date_cell.html"
