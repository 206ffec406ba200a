"""Who may open a case on the public tracker: whoever types its reference and tracking code,
throttled per reference, or whoever holds a signed, expiring link that stands for the pair.

Wrong codes are counted per reference, not per network: hundreds of workers share a factory's
Wi-Fi or a carrier's NAT, and counting per address locked them all out together. After
TRACK_LOCK[0] wrong codes for one reference, typed look-ups of it are refused for
TRACK_LOCK[1] seconds from every address, the right code included (else the lock would not
stop a guesser). Tries during the lock are neither checked nor counted and do not extend it,
so the submitter's right code works as soon as it ends however long someone keeps trying; a
guesser gets TRACK_LOCK[0] tries per lock period, about 500 a day against 31**8 codes.

References are sequential, so anyone can lock one with a few wrong codes. That costs its
submitter only the typed form, for a quarter of an hour: the signed link in their SMS and
查我的反映 (an SMS code) never pass through the lock, and the refusal says so. A wide ceiling
of wrong codes per address (TRACK_FAILURES_PER_IP) keeps one machine from locking every
reference or enumerating.

Links carry a signed "<case pk><kind>" and its time, never the code: a link forwarded in
WeChat is a bearer pass only until it expires. The signing salt holds the case's tracking
code, so a link dies with the code (anonymisation, a new code) without the code being in it."""

import re
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import ratelimit
from submissions.models import Case
from submissions.references import normalise_tracking_code

# A link sent in a message, one shown on a page, or one on a submitter's list (mycases): the
# last lasts only as long as the list, so that its pages left in a shared phone's history close
# with it.
SMS, PAGE, LIST = "s", "p", "m"
TOKEN_VALUE = re.compile(r"(\d{1,12})([spm])")


class Refused(Exception):
    """A look-up or link that does not open a case; str() is the message for the person."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def max_age(kind):
    if kind == SMS:
        return timedelta(days=settings.TRACK_LINK_DAYS)
    if kind == LIST:
        return timedelta(minutes=settings.MY_CASES_MINUTES)
    return timedelta(hours=settings.TRACK_PAGE_LINK_HOURS)


def signer(case):
    return signing.TimestampSigner(salt=f"submissions.tracking:{case.tracking_code}")


def link_path(case, kind=PAGE):
    """The path of a signed link to the case's tracking page."""
    return reverse("track_link", args=[signer(case).sign(f"{case.pk}{kind}")])


def case_for_link(token):
    """The case a signed link opens, or Refused with a plain message."""
    value = token.rsplit(":", 2)[0]
    match = TOKEN_VALUE.fullmatch(value)
    case = match and Case.objects.select_related("category").filter(pk=match[1]).first()
    if not case:
        raise Refused(broken_link_message(), 404)
    try:
        signer(case).unsign(token, max_age=max_age(match[2]))
    except signing.SignatureExpired:
        raise Refused(
            _(
                "This link has expired: links are valid for a limited time to protect your "
                "information. Enter the reference number and tracking code below, or find your "
                "cases with your phone under “My submissions”."
            ),
            410,
        ) from None
    except signing.BadSignature:
        raise Refused(broken_link_message(), 404) from None
    return case


def broken_link_message():
    return _(
        "This link is incomplete or wrong. Enter the reference number and tracking code "
        "below, or find your cases with your phone under “My submissions”."
    )


def look_up(reference, code, address):
    """The case for a typed reference and tracking code, or Refused; throttled as the module
    says."""
    reference = reference.strip().upper()
    failures, lock_seconds = settings.TRACK_LOCK
    if ratelimit.locked_until(f"track-ref:{reference}"):
        raise Refused(
            _(
                "After several wrong tracking codes this reference number is locked for "
                "%(minutes)d minutes. Please try again later, open the link in your SMS, or "
                "find your cases with your phone under “My submissions”."
            )
            % {"minutes": lock_seconds // 60},
            429,
        )
    limit, window = settings.TRACK_FAILURES_PER_IP
    if ratelimit.used(f"track-ip:{address}") >= limit:
        raise Refused(
            _(
                "Too many wrong tries from this network. Please try again in an hour, or open "
                "the link in your SMS."
            ),
            429,
        )
    case = Case.objects.filter(
        reference=reference, tracking_code=normalise_tracking_code(code)
    ).first()
    if case is None:
        ratelimit.count(f"track-ip:{address}", window)
        if ratelimit.count(f"track-ref:{reference}", lock_seconds) >= failures:
            ratelimit.lock(f"track-ref:{reference}", lock_seconds)
            ratelimit.reset(f"track-ref:{reference}")
        raise Refused(
            _("No case matches this reference number and tracking code. Check both and try again."),
            200,
        )
    return case
