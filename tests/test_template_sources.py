"""Templates stay plain (STYLE.md): they print what the locale, the models and the views decide.
Read from the sources, so a template added tomorrow is held to the same rules."""

import re

from django.conf import settings

TEMPLATES = settings.BASE_DIR / "templates"

# The formats a template may name; the locale (portal/formats) says what they look like.
NAMED_FORMATS = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
    "TIME_FORMAT",
    # The weekday's name (星期六): no named format holds it.
    "l",
}
FORMAT_ARGUMENT = re.compile(r"\|(?:date|time):([\"'])(.*?)\1")
# Read by machines, not people: <time datetime="…"> and query strings (?start=…&end=…).
MACHINE_READABLE = re.compile(r"(?:datetime=[\"']|[?&;]\w+=)$")


def html_templates():
    return sorted(TEMPLATES.rglob("*.html"))


def spelled_out_formats(source):
    """The display formats written into a template instead of named."""
    found = []
    for match in FORMAT_ARGUMENT.finditer(source):
        fmt = match.group(2)
        opening = max(source.rfind("{{", 0, match.start()), source.rfind("{%", 0, match.start()))
        printed_for_machines = source.startswith("{{", opening) and MACHINE_READABLE.search(
            source[:opening]
        )
        if fmt not in NAMED_FORMATS and not printed_for_machines:
            found.append(fmt)
    return found


def test_the_rule_finds_a_spelled_out_format_and_passes_named_and_machine_ones():
    assert spelled_out_formats('{{ d|date:"Y年n月j日" }}') == ["Y年n月j日"]
    assert spelled_out_formats('{% blocktranslate with a=d|date:"Y-m-d" %}') == ["Y-m-d"]
    assert not spelled_out_formats(
        '<time datetime="{{ d|date:\'Y-m-d\' }}">{{ d|date }} {{ d|date:"SHORT_DATE_FORMAT" }}'
        "</time> <a href=\"?start={{ d|date:'Y-m-d' }}&amp;end={{ e|date:'Y-m-d' }}\">"
    )


def test_no_html_template_spells_out_a_date_format():
    offenders = {
        str(path.relative_to(TEMPLATES)): formats
        for path in html_templates()
        if (formats := spelled_out_formats(path.read_text()))
    }
    assert offenders == {}
