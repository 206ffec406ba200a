"""Batch intake from the weekly government–enterprise meeting (政企例会): rows pasted from Excel
or uploaded as a sheet are checked, and compared with open cases, before any is saved; the rows
that staff choose then become cases together."""

import csv
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from deputies.models import Enterprise, Station
from portal.spreadsheets import SheetError, cell_text, field_of, map_columns, read_xlsx
from submissions.intake import create_case
from submissions.models import Case, Category
from submissions.validators import validate_plain_text

MAX_ROWS = 200
MAX_BYTES = 2 * 1024 * 1024
SIMILAR = 0.6  # difflib ratio of the normalised texts from which a row likely repeats another
TITLE_LENGTH = 30
MAX_CONTENT, MAX_SOURCE, MAX_NAME, MAX_PHONE = (
    Case._meta.get_field(name).max_length
    for name in ("description", "received_by", "submitter_name", "submitter_phone")
)
HEADINGS = {"企业": "enterprise", "类别": "category", "内容": "content", "来源": "source"}
FIELDS = tuple(HEADINGS.values())
REQUIRED = FIELDS[:3]
CREDIT_CODE_RE = re.compile(r"^[0-9A-Z]{18}$")
SENTENCE_MARKS, CLAUSE_MARKS = "。！？；!?;", "，、：,:"


class RowsChanged(Exception):
    """A chosen row no longer passes the checks (data changed since the review); nothing saved."""


@dataclass
class RowResult:
    line: int
    raw: dict
    enterprise: Enterprise | None = None
    category: Category | None = None
    content: str = ""
    source: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (code, message)
    duplicate_of: "Case | RowResult | None" = None  # an open case, or an earlier row

    @property
    def duplicate_case(self):
        return self.duplicate_of if isinstance(self.duplicate_of, Case) else None

    @property
    def duplicate_line(self):
        return self.duplicate_of.line if isinstance(self.duplicate_of, RowResult) else None


def parse_text(text):
    """Rows pasted from Excel: tab-separated, one item per line, optionally under a heading line.
    Excel quotes a cell that holds line breaks, so the csv module reads what it copies."""
    if len(text.encode()) > MAX_BYTES:
        message = _("The list is larger than %(size)d MB.")
        raise SheetError(message % {"size": MAX_BYTES // 1024 // 1024})
    # Strict: a stray quotation mark must not silently swallow the lines after it.
    reader, lines, start = csv.reader(io.StringIO(text), delimiter="\t", strict=True), [], 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                lines.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        message = _(
            'Line %(line)d: a cell starts with a quotation mark (") but does not end with one; '
            "remove the mark, or copy the cells from Excel again."
        )
        raise SheetError(message % {"line": start}) from error
    return _rows(lines, pasted=True)


def parse_xlsx(file):
    """Rows of the first sheet under its heading row, numbered as Excel numbers them."""
    return _rows(read_xlsx(file, max_bytes=MAX_BYTES, max_rows=MAX_ROWS), pasted=False)


def _rows(lines, pasted):
    """Raw rows {line, enterprise, category, content, source}, plain data that can be signed."""
    # Two known headings make a heading line; one could be a cell that happens to say 内容.
    heading = bool(lines) and sum(1 for cell in lines[0][1] if field_of(cell, HEADINGS)) >= 2
    if lines and not heading and not pasted:
        message = _("The first row must be the heading row (%(columns)s); delete rows above it.")
        raise SheetError(message % {"columns": "、".join(HEADINGS)})
    columns = dict(zip(FIELDS, range(4), strict=True))  # pasted without a heading: in order
    if heading:
        columns, lines = map_columns(lines[0][1], HEADINGS, REQUIRED), lines[1:]
    if not lines:
        raise SheetError(_("There are no items: add one line per item under the heading."))
    if len(lines) > MAX_ROWS:
        message = _("A batch holds at most %(limit)d items; split the list into several batches.")
        raise SheetError(message % {"limit": MAX_ROWS})
    needed = max(columns[name] for name in REQUIRED) + 1
    rows = []
    for line, cells in lines:
        row = {"line": line}
        for name in FIELDS:
            index = columns.get(name)  # the optional 来源 column may be missing
            row[name] = cell_text(cells[index]) if index is not None and index < len(cells) else ""
        # Pasted text with spaces instead of tabs, or a column too many, would shift the cells.
        if pasted and (len(cells) < needed or (not heading and len(cells) > len(FIELDS))):
            row["problem"] = _(
                "This line has %(count)d columns: separate %(columns)s with tabs, as Excel does "
                "when you copy its cells."
            ) % {"count": len(cells), "columns": "、".join(HEADINGS)}
        rows.append(row)
    return rows


def review(rows):
    """Check every row and flag likely repeats, in three queries whatever the batch's size."""
    keys = {row["enterprise"] for row in rows}
    enterprises = Enterprise.objects.filter(
        Q(credit_code__in={key.upper() for key in keys}) | Q(name__in=keys)
    )
    by_key = defaultdict(list)  # credit code or name -> enterprises
    for enterprise in enterprises:
        by_key[enterprise.credit_code].append(enterprise)
        by_key[enterprise.name].append(enterprise)
    categories = {category.name: category for category in Category.objects.all()}
    cases, earlier = defaultdict(list), defaultdict(list)  # enterprise pk -> [(case/row, texts)]
    open_cases = Case.objects.open().filter(enterprise__in=enterprises)
    for case in open_cases.only("pk", "reference", "title", "description", "enterprise_id"):
        texts = [_normalise(case.description), _normalise(case.title + case.description)]
        cases[case.enterprise_id].append((case, texts))
    results = []
    for row in rows:
        result = RowResult(row["line"], row, content=row["content"], source=row["source"])
        result.errors = _errors(result, by_key, categories)
        if not result.errors:
            text, pk = _normalise(result.content), result.enterprise.pk
            result.duplicate_of = _most_similar(text, cases[pk]) or _most_similar(text, earlier[pk])
            earlier[pk].append((result, [text]))
        results.append(result)
    return results


def _errors(result, by_key, categories):
    """(code, message) for each problem of the row; sets the enterprise and category found."""
    if result.raw.get("problem"):
        return [("columns", result.raw["problem"])]
    errors = []
    key = result.raw["enterprise"]
    matches = by_key.get(key.upper() if CREDIT_CODE_RE.match(key.upper()) else key, [])
    result.enterprise = enterprise = matches[0] if len(matches) == 1 else None
    name, phone = (
        (enterprise.contact_name.strip(), enterprise.contact_phone.strip())
        if enterprise
        else ("", "")
    )
    if len(matches) > 1:
        message = _("Several enterprises have this name; enter the credit code instead.")
        errors.append(("ambiguous_enterprise", message))
    elif not matches:
        message = _("No enterprise has exactly this name or credit code; check it, or add it.")
        errors.append(("unknown_enterprise", message))
    elif not (name and phone):
        # The enterprise's contact becomes the case's submitter, whom the station calls back.
        message = _("The enterprise has no contact person and phone; add them to the enterprise.")
        errors.append(("no_contact", message))
    elif len(name) > MAX_NAME or len(phone) > MAX_PHONE:
        message = _("The enterprise's contact person or phone is too long; shorten it there.")
        errors.append(("no_contact", message))
    result.category = categories.get(result.raw["category"])
    if result.category is None or not result.category.is_active:
        names = "、".join(c.name for c in categories.values() if c.is_active)
        message = _("Enter one of these categories: %(names)s.") % {"names": names}
        errors.append(("unknown_category", message))
    if not result.content:
        errors.append(("empty_content", _("The content is empty; write what the problem is.")))
    elif len(result.content) > MAX_CONTENT:
        message = _("The content has %(count)d characters; at most %(limit)d: shorten or split it.")
        limits = {"count": len(result.content), "limit": MAX_CONTENT}
        errors.append(("long_content", message % limits))
    if len(result.source) > MAX_SOURCE:
        message = _("The source has more than %(limit)d characters; shorten it.")
        errors.append(("long_source", message % {"limit": MAX_SOURCE}))
    try:
        validate_plain_text(f"{result.content}\n{result.source}")
    except ValidationError as error:
        errors.append((error.code, error.messages[0]))
    return errors


def _normalise(text):
    """Letters and digits only, full-width folded: punctuation and spacing do not make news."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def _most_similar(text, candidates):
    best, best_ratio = None, SIMILAR
    for candidate, texts in candidates:
        for other in filter(None, texts):
            # autojunk would ignore common characters (的, 公司) in longer Chinese texts.
            matcher = SequenceMatcher(None, text, other, autojunk=False)
            # The quick upper bounds spare the slow exact ratio for most pairs.
            if min(matcher.real_quick_ratio(), matcher.quick_ratio()) < best_ratio:
                continue
            if (ratio := matcher.ratio()) >= best_ratio:
                best, best_ratio = candidate, ratio
    return best if text else None


def make_title(content):
    """At most 30 characters: up to a sentence or clause mark if one ends a long enough part."""
    text = " ".join(content.split())
    if len(text) <= TITLE_LENGTH:
        return text.rstrip(SENTENCE_MARKS + CLAUSE_MARKS) or text
    window = text[: TITLE_LENGTH + 1]
    for marks in (SENTENCE_MARKS, CLAUSE_MARKS):
        if (cut := max(window.rfind(mark) for mark in marks)) >= TITLE_LENGTH // 3:
            return window[:cut]
    return text[:TITLE_LENGTH]


def import_rows(rows, actor, *, batch_key=None):
    """Create a case per row, all or none; the rows are checked again, as data may have changed.
    With a batch_key, confirming the same batch twice returns the cases made the first time."""
    with transaction.atomic():
        results = review(rows)
        if any(result.errors for result in results):
            raise RowsChanged
        station, cases = Station.default(), []
        for result in results:
            key = f"{batch_key}:{result.line}".encode() if batch_key else None
            enterprise = result.enterprise
            case, _created = create_case(
                station=station,
                actor=actor,
                submission_key=hashlib.sha256(key).hexdigest()[:40] if key else None,
                kind=Case.Kind.PROBLEM,
                channel=Case.Channel.LIAISON_MEETING,
                category=result.category,
                title=make_title(result.content),
                description=result.content,
                enterprise=enterprise,
                enterprise_name=enterprise.name,
                submitter_name=enterprise.contact_name.strip(),
                submitter_phone=enterprise.contact_phone.strip(),
                consent_given=True,
                consent_in_person=True,
                received_by=result.source,
            )
            cases.append(case)
        return cases
