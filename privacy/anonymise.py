"""Anonymising a case's personal data, every copy of it (DESIGN §5, PIPL arts. 19 and 47).

What identifies the submitter goes: their name, phone and e-mail on the case; the same values
and anything personal-looking (masking.mask) in the free text of the case, its rounds, its
timeline, its ratings, its messages, its audit-log entries, its disclosure notice and the
privacy records; photos and attached documents, from the database and from the disk. What the
statistics count stays: status, dates, category, department, outcome, ratings, kind, channel,
so the figures do not change. Each case is anonymised once (an Anonymisation row), so a second
run changes nothing.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from privacy.models import Anonymisation, ContactRead, PersonRequest
from submissions import masking
from submissions.models import Assignment, Case, CaseEvent, CaseLogEntry, Feedback

ANONYMISE_ACTION = "privacy.anonymise"
RETENTION_RUN_ACTION = "privacy.retention_run"

CASE_TEXT = (
    "title",
    "description",
    "place",
    "original_title",
    "original_description",
    "status_reason",
    "enterprise_name",
)
ROUND_TEXT = ("instructions", "return_reason", "reply_text", "sent_back_reason", "extension_reason")


def personal_values(case):
    """What identifies the person behind a case: its contact fields, and the names staff wrote
    down when they called them back."""
    values = [case.submitter_name, case.submitter_phone, case.submitter_email]
    values += Feedback.objects.filter(case=case).values_list("contacted_person", flat=True)
    return [value.strip() for value in values if value and value.strip()]


def scrubber(values):
    """A function that masks personal data in a text: the known values wholly (a phone as
    asterisks, not 138****1234), then whatever else masking recognises."""
    literal = sorted({v for v in values if len(v) >= 2}, key=len, reverse=True)

    def scrub(text):
        if not text:
            return text
        return masking.mask(scrub_literal(text, literal), values)

    return scrub


def scrub_literal(text, values):
    """Only the known values, as asterisks: for keys and codes that masking must not reword."""
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, "*" * len(value))
    return text


def scrub_json(data, scrub):
    if isinstance(data, str):
        return scrub(data)
    if isinstance(data, list):
        return [scrub_json(item, scrub) for item in data]
    if isinstance(data, dict):
        return {key: scrub_json(value, scrub) for key, value in data.items()}
    return data


def contains_any(field, values):
    condition = models.Q(pk__in=[])
    for value in values:
        condition |= models.Q(**{f"{field}__contains": value})
    return condition


def _delete_file(field_file):
    if field_file:
        field_file.storage.delete(field_file.name)


def _update_text(queryset, fields, scrub):
    """Scrub text fields row by row, through update() so no timestamp moves."""
    for row in queryset.only("pk", *fields):
        changed = {f: scrub(getattr(row, f)) for f in fields}
        changed = {f: v for f, v in changed.items() if v != getattr(row, f)}
        if changed:
            type(row).objects.filter(pk=row.pk).update(**changed)


def anonymise(case, *, trigger, user=None, reason=""):
    """Remove the personal data of one case, every copy. Returns False when it was already
    anonymised (nothing changes). Files are deleted once the database work has committed."""
    from disclosure.models import DisclosureNotice
    from notifications.models import Notification

    files = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        case = Case.objects.select_for_update().get(pk=case.pk)
        if Anonymisation.objects.filter(case=case).exists():
            return False
        values = personal_values(case)
        scrub = scrubber(values)
        # The case: contact fields emptied, free text masked; no timestamp moves.
        fields = {name: scrub(getattr(case, name)) for name in CASE_TEXT}
        Case.objects.filter(pk=case.pk).update(
            submitter_name=_("Anonymised"), submitter_phone="", submitter_email="", **fields
        )
        _update_text(Feedback.objects.filter(case=case), ("comment",), scrub)
        Feedback.objects.filter(case=case).update(contacted_person="")
        rounds = Assignment.objects.filter(case=case)
        _update_text(rounds, ROUND_TEXT, scrub)
        files += [a.reply_document for a in rounds.exclude(reply_document="")]
        rounds.update(reply_document="")
        events = CaseEvent.objects.filter(case=case)
        _update_text(events, ("note", "public_text"), scrub)
        files += [e.attachment for e in events.exclude(attachment="")]
        events.update(attachment="")
        files += [photo.file for photo in case.photos.all()]
        case.photos.all().delete()
        # Messages: the case's own, and any other (a digest) that names it or the person.
        messages = Notification.objects.filter(
            models.Q(case=case)
            | contains_any("body", values)
            | contains_any("subject", values)
            | contains_any("recipient", values)
        )
        for message in messages:
            extra = {}
            if message.recipient in values:
                # A message to the person not yet sent never will be: there is nobody to send to.
                extra["recipient"] = "*" * len(message.recipient)
                if message.status != Notification.Status.SENT:
                    extra["status"] = Notification.Status.GAVE_UP
            Notification.objects.filter(pk=message.pk).update(
                subject=scrub(message.subject),
                body=scrub(message.body),
                last_error=scrub(message.last_error),
                # The key that makes a message unique names its recipient.
                dedupe_key=message.dedupe_key and scrub_literal(message.dedupe_key, values),
                **extra,
            )
        # The audit log: the case's own entries (their label is "<reference> <title>"), the
        # generic ones Wagtail kept before cases had their own, and any entry naming the person.
        case_type = models.Q(
            content_type__app_label="submissions",
            content_type__model="case",
            object_id=str(case.pk),
        )
        for model, own in (
            (CaseLogEntry, models.Q(case_id=case.pk)),
            (ModelLogEntry, case_type),
            (PageLogEntry, models.Q(pk__in=[])),
        ):
            for entry in model.objects.filter(own | contains_any("label", values)):
                model.objects.filter(pk=entry.pk).update(
                    label=scrub(entry.label), data=scrub_json(entry.data, scrub)
                )
        # A disclosure notice is redacted by an editor; mask what is left, its drafts included.
        notices = DisclosureNotice.objects.filter(case=case)
        _update_text(
            notices, ("title", "seo_title", "search_description", "summary", "handling"), scrub
        )
        notices.update(confirmed_leftovers="")
        for revision in Revision.objects.filter(
            base_content_type__app_label="wagtailcore",
            object_id__in=[str(pk) for pk in notices.values_list("pk", flat=True)],
        ):
            Revision.objects.filter(pk=revision.pk).update(
                content=scrub_json(revision.content, scrub)
            )
        # The privacy records themselves.
        _update_text(ContactRead.objects.filter(case=case), ("reason",), scrub)
        _update_text(
            PersonRequest.objects.filter(
                contains_any("query", values) | contains_any("reason", values)
            ),
            ("query", "reason"),
            scrub,
        )
        for request in PersonRequest.objects.filter(query__in=_search_forms(values)):
            PersonRequest.objects.filter(pk=request.pk).update(query="*" * len(request.query))
        reason = scrub(reason)
        Anonymisation.objects.create(case=case, trigger=trigger, user=user, reason=reason)
        log(
            instance=case,
            action=ANONYMISE_ACTION,
            user=user,
            title=case.reference,
            data={"trigger": trigger, "reason": reason},
        )
        transaction.on_commit(lambda: [_delete_file(f) for f in files])
    return True


def _search_forms(values):
    """A phone as staff may have typed it in a search, normalised or not."""
    from privacy.person_requests import normalise_phone

    return set(values) | {normalise_phone(v) for v in values}


# --- retention ---------------------------------------------------------------------------


def years_before(moment, years):
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def finished_at():
    """When each case reached the finished status it is in (closed, rejected, merged): the
    last event that moved it there. A rating recorded after closing does not count."""
    moves = CaseEvent.objects.filter(
        case=models.OuterRef("pk"), to_status=models.OuterRef("status")
    ).exclude(from_status=models.F("to_status"))
    return models.Subquery(moves.order_by("-created_at").values("created_at")[:1])


def expired_cases(now=None):
    """Finished cases, not yet anonymised, whose station's retention period has run out since
    they finished. Open cases are never expired, however old."""
    from deputies.models import Station

    now = now or timezone.now()
    condition = models.Q(pk__in=[])
    for station in Station.objects.all():
        cutoff = years_before(now, station.retention_years)
        condition |= models.Q(station=station, finished__lt=cutoff)
    return (
        Case.objects.filter(status__in=Case.FINISHED, anonymisation__isnull=True)
        .annotate(finished=models.functions.Coalesce(finished_at(), "updated_at"))
        .filter(condition)
        .order_by("finished", "pk")
    )


def run_retention(*, dry_run=False, now=None):
    """Anonymise every expired case; the references done (or, on a dry run, due). The run is
    logged on the station's audit log: how many, which references."""
    from deputies.models import Station

    due = list(expired_cases(now).select_related("station"))
    if dry_run:
        return [case.reference for case in due]
    done = [c.reference for c in due if anonymise(c, trigger=Anonymisation.Trigger.RETENTION)]
    if done:
        station = Station.default()
        if station is not None:
            log(
                instance=station,
                action=RETENTION_RUN_ACTION,
                data={"count": len(done), "references": done},
            )
    return done
