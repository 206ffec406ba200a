"""How the site writes dates, so templates name a format (|date:"SHORT_DATE_FORMAT") instead of
spelling one out. Formats not set here fall back to Django's own zh_Hans module.

Prose and public pages write dates in words (2026年12月3日); the staff screens' tables, which
are read beside paper ledgers, use the compact numeric form (2026-12-03)."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y年n月"
# Django's zh_Hans pads the month (09月5日); the station's documents do not.
MONTH_DAY_FORMAT = "n月j日"
