"""A person's requests about their data (PIPL arts. 44–47): find their cases, give them a copy,
correct it, erase it. Every step is recorded (PersonRequest) with the staff member, the time
and the reason given; corrections and erasures also go to the cases' audit log, without the
values themselves."""

import re
import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.log_actions import log

from portal.xlsx_print import DATE, WRAP, Column, PrintableWorkbook
from privacy.anonymise import anonymise, personal_values, scrubber
from privacy.models import Anonymisation, PersonRequest
from submissions.models import Case
from submissions.validators import normalise_mobile

CORRECT_ACTION = "privacy.correct"
MIN_PHONE_DIGITS = 7


def normalise_phone(value):
    """A phone as typed by anyone: full-width digits, spaces, dashes, dots, brackets, +86 or
    0086 in front all come to the digits stored on a case."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    value = re.sub(r"[\s.\-_()·‐‑‒–—―−]", "", value)
    if value.startswith("0086"):
        value = "+86" + value[4:]
    return normalise_mobile(value)


def is_phone(query):
    digits = normalise_phone(query)
    return digits.isascii() and digits.isdigit() and len(digits) >= MIN_PHONE_DIGITS


def find_cases(user, query):
    """The person's cases the user may see, not yet anonymised: by phone when the query is a
    number, else by the exact name (stripped of spaces, full-width forms folded)."""
    cases = Case.objects.visible_to(user).filter(anonymisation__isnull=True)
    if is_phone(query):
        phone = normalise_phone(query)
        cases = cases.filter(submitter_phone__in={phone, query.strip()})
    else:
        name = re.sub(r"\s", "", unicodedata.normalize("NFKC", query or ""))
        if not name:
            return cases.none()
        cases = cases.filter(submitter_name=name)
    return cases.select_related("category", "station").order_by("created_at", "pk")


def stored_query(query):
    """What a search log keeps of the words searched: the phone as stored on cases (so an
    erasure finds and masks it), or the name as matched."""
    if is_phone(query):
        return normalise_phone(query)
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", query or ""))


def record(user, action, reason, cases, query=""):
    return PersonRequest.objects.create(
        user=user,
        action=action,
        query=stored_query(query)[:100] if query else "",
        reason=reason[:200],
        references=" ".join(case.reference for case in cases),
    )


def case_data(case):
    """Everything the portal holds about the person and their case, for their copy."""
    rounds = case.assignments.select_related("lead_department").order_by("round")
    return {
        "reference": case.reference,
        "received_on": case.received_on.isoformat(),
        "kind": str(case.get_kind_display()),
        "channel": str(case.get_channel_display()),
        "category": str(case.category),
        "title": case.title,
        "description": case.description,
        "original_title": case.original_title,
        "original_description": case.original_description,
        "place": case.place,
        "enterprise": str(case.enterprise or case.enterprise_name),
        "submitter_name": case.submitter_name,
        "submitter_phone": case.submitter_phone,
        "submitter_email": case.submitter_email,
        "consent_given": case.consent_given,
        "allow_direct_contact": case.allow_direct_contact,
        "allow_disclosure": case.allow_disclosure,
        "status": str(case.get_status_display()),
        "photos": case.photos.count(),
        "replies": [
            {
                "department": str(a.lead_department),
                "outcome": str(a.get_outcome_display()),
                "reply": a.reply_text,
                "replied_at": a.replied_at.isoformat() if a.replied_at else None,
            }
            for a in rounds
            if a.replied_at
        ],
        "ratings": [
            {"rating": str(f.get_rating_display()), "comment": f.comment}
            for f in case.feedback.order_by("created_at")
        ],
    }


# Headings marked for translation here, translated when the sheet is written.
EXPORT_FIELDS = [
    ("reference", gettext_noop("Reference number"), 16, None),
    ("received_on", gettext_noop("Date received"), 14, DATE),
    ("category", gettext_noop("Category"), 12, None),
    ("title", gettext_noop("Title"), 24, WRAP),
    ("description", gettext_noop("Description"), 40, WRAP),
    ("place", gettext_noop("Place in the park"), 16, WRAP),
    ("enterprise", gettext_noop("Enterprise"), 20, WRAP),
    ("submitter_name", gettext_noop("Name"), 10, None),
    ("submitter_phone", gettext_noop("Mobile phone"), 14, None),
    ("submitter_email", gettext_noop("E-mail"), 20, None),
    ("status", gettext_noop("Status"), 14, None),
    ("replies", gettext_noop("Replies"), 40, WRAP),
    ("ratings", gettext_noop("Ratings"), 20, WRAP),
]


def export_xlsx(cases, station):
    """The person's copy as a printable workbook: one row per case."""
    book = PrintableWorkbook()
    columns = [
        Column(_(heading), width, kind or "text") for _k, heading, width, kind in EXPORT_FIELDS
    ]
    title = _("%(station)s: personal data held (%(date)s)") % {
        "station": station,
        "date": timezone.localdate().isoformat(),
    }
    sheet = book.sheet(_("Personal data"), title, columns, numbered=True)
    for case in cases:
        data = case_data(case)
        data["received_on"] = case.received_on
        data["replies"] = "\n".join(
            f"{r['department']} {r['outcome']}：{r['reply']}" for r in data["replies"]
        )
        data["ratings"] = "\n".join(
            f"{r['rating']} {r['comment']}".strip() for r in data["ratings"]
        )
        sheet.row([data[key] for key, *_rest in EXPORT_FIELDS])
    return book.close()


def correct(user, cases, reason, *, name=None, phone=None, email=None):
    """Set the given contact fields on each case; the audit log names the fields changed and
    the reason, never the old or new values (that would be one more copy)."""
    changes = {
        field: value
        for field, value in (
            ("submitter_name", name),
            ("submitter_phone", phone),
            ("submitter_email", email),
        )
        if value is not None
    }
    with transaction.atomic():
        for case in cases:
            changed = [f for f, v in changes.items() if getattr(case, f) != v]
            if not changed:
                continue
            Case.objects.filter(pk=case.pk).update(**{f: changes[f] for f in changed})
            log(
                instance=case,
                action=CORRECT_ACTION,
                user=user,
                title=case.reference,
                data={"fields": changed, "reason": reason},
            )
        return record(user, PersonRequest.Action.CORRECT, reason, cases)


def erase(user, cases, reason):
    """Anonymise each case now, as the retention job would."""
    cases = list(cases)
    scrub = scrubber([value for case in cases for value in personal_values(case)])
    reason = scrub(reason)
    done = [
        case
        for case in cases
        if anonymise(case, trigger=Anonymisation.Trigger.REQUEST, user=user, reason=reason)
    ]
    # The reason and the references only: the query would be a copy of what was just erased.
    return record(user, PersonRequest.Action.ERASE, reason, done), done
