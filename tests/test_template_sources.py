"""Templates stay plain (STYLE.md): they print what the locale, the models and the views decide.
Read from the sources, so a template added tomorrow is held to the same rules."""

import re

from django.apps import apps
from django.conf import settings
from django.utils.text import smart_split

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


CONDITION = re.compile(r"{%\s*(?:if|elif)\s(.*?)%}", re.S)


def is_literal(token):
    return len(token) > 1 and token[0] in "\"'" and token[-1] == token[0]


def literal_comparisons(source):
    """(variable, string) for each condition that compares a variable with a quoted string."""
    for condition in CONDITION.findall(source):
        tokens = list(smart_split(condition))
        for i, token in enumerate(tokens[1:-1], start=1):
            if token not in ("==", "!=", "in"):
                continue
            left = tokens[i - 2] if token == "in" and tokens[i - 1] == "not" else tokens[i - 1]
            right = tokens[i + 1]
            if is_literal(left) != is_literal(right):
                variable, literal = (right, left) if is_literal(left) else (left, right)
                yield variable, literal[1:-1]


def choice_fields():
    """Names of the model fields that hold a choice: status, outcome, kind, level…"""
    return {
        field.name
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "choices", None)
    }


def status_values():
    """Every value any model's status field can take, whatever the variable holding it is called."""
    return {
        value
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.name == "status" and getattr(field, "choices", None)
        for value, _label in field.flatchoices
    }


def literal_status_tests(source, fields, values):
    """The conditions that test a choice against a literal: a field with choices, by its name,
    or a status, by its value."""
    return [
        f"{variable} {literal!r}"
        for variable, literal in literal_comparisons(source)
        if variable.split("|")[0].split(".")[-1] in fields or literal in values
    ]


def test_the_rule_finds_choices_compared_with_literals_and_passes_other_comparisons():
    fields, values = {"status", "outcome"}, {"closed"}
    assert literal_status_tests(
        '{% if case.status == "assigned" and x %}{% elif "resolved" != a.outcome|lower %}'
        "{% elif state == 'closed' %}{% elif 'closed' not in states %}",
        fields,
        values,
    ) == [
        "case.status 'assigned'",
        "a.outcome|lower 'resolved'",
        "state 'closed'",
        "states 'closed'",
    ]
    assert not literal_status_tests(
        '{% if case.is_closed %}{% if field.name == "station" %}{% if request.path == "/x/" %}'
        '{% if case.status == Status.CLOSED %}{% if codename|slice:":8" == "publish_" %}',
        fields,
        values,
    )


def test_no_template_compares_a_choice_with_a_literal_value():
    """Statuses and other choices are asked of the model (case.is_with_department) or compared
    with constants from the context, so renaming a value cannot silently break a page."""
    fields, values = choice_fields(), status_values()
    offenders = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and (found := literal_status_tests(path.read_text(), fields, values))
    }
    assert offenders == {}
