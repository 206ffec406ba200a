"""Creating a case: the one place that numbers it, stores it and starts its timeline.

The year's reference counter is a row lock that every submission of the station queues on, so
the locked section does only what needs the number: insert the case, its photos' rows and its
first event, and store the receipt. Photos are decoded and re-encoded by the form, and their
files written and the tracking code drawn here, before the lock is taken."""

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
    tracking_code = unique_tracking_code()
    stored = store_photos(photos)
    try:
        with transaction.atomic():
            sequence = next_sequence(station, year)  # locked from here to the commit
            case = Case.objects.create(
                station=station,
                year=year,
                sequence=sequence,
                reference=format_reference(station.reference_prefix, year, sequence),
                tracking_code=tracking_code,
                submission_key=submission_key,
                recorded_by=actor,
                status=Case.Status.SUBMITTED,
                **fields,
            )
            for photo in stored:
                photo.case = case
            CasePhoto.objects.bulk_create(stored)
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                action=CaseEvent.Action.RECORDED if actor else CaseEvent.Action.SUBMITTED,
                to_status=Case.Status.SUBMITTED,
                is_public=True,
            )
            announce(case, "submit", "", actor)  # the submitter's receipt
    except BaseException as error:
        for photo in stored:  # no case holds them: nothing may keep a stray copy
            photo.file.delete(save=False)
        # Two identical posts raced each other: the other one won, and that is the case.
        if isinstance(error, IntegrityError) and submission_key:
            if existing := Case.objects.filter(submission_key=submission_key).first():
                return existing, False
        raise
    return case, True


def store_photos(photos):
    """Unsaved CasePhoto rows whose files are already written, so no file is written while the
    counter is locked."""
    stored = []
    for content, (width, height) in photos:
        photo = CasePhoto(width=width, height=height)
        photo.file.save(content.name, content, save=False)
        stored.append(photo)
    return stored


def unique_tracking_code():
    while True:
        code = new_tracking_code()
        if not Case.objects.filter(tracking_code=code).exists():
            return code
