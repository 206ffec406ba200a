"""Creating a case: the one place that numbers it, stores it and starts its timeline."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from submissions.models import Case, CaseEvent, CasePhoto
from submissions.references import format_reference, new_tracking_code, next_sequence
from submissions.signals import announce


def create_case(*, station, photos=(), submission_key=None, actor=None, **fields):
    """Save a new case with its reference, tracking code, photos and first event, all or nothing.

    `photos` are (ContentFile, (width, height)) pairs already cleaned by submissions.photos.
    A repeated `submission_key` (double tap, reload after POST) returns the first case instead.
    """
    if submission_key:
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing, False
    year = timezone.localdate().year
    try:
        with transaction.atomic():
            sequence = next_sequence(station, year)
            case = Case.objects.create(
                station=station,
                year=year,
                sequence=sequence,
                reference=format_reference(station.reference_prefix, year, sequence),
                tracking_code=unique_tracking_code(),
                submission_key=submission_key,
                recorded_by=actor,
                status=Case.Status.SUBMITTED,
                **fields,
            )
            for content, (width, height) in photos:
                CasePhoto.objects.create(case=case, file=content, width=width, height=height)
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                action=CaseEvent.Action.RECORDED if actor else CaseEvent.Action.SUBMITTED,
                to_status=Case.Status.SUBMITTED,
                is_public=True,
            )
            announce(case, "submit", "", actor)  # the submitter's receipt
    except IntegrityError:
        # Two identical posts raced each other: the other one won, and that is the case.
        if submission_key and (
            existing := Case.objects.filter(submission_key=submission_key).first()
        ):
            return existing, False
        raise
    return case, True


def unique_tracking_code():
    while True:
        code = new_tracking_code()
        if not Case.objects.filter(tracking_code=code).exists():
            return code
