"""One-time SMS codes that open 查我的反映 (a submitter's own cases, found by their phone).

A code goes to every valid number asked for, whether or not it has cases: the answer and its
timing are the same either way, and only the holder of the phone learns, from an empty list,
that there is nothing. The limits per phone and per address keep that from texting anyone
at will.

A code lives CODE_MINUTES in the shared cache as a keyed hash under a keyed hash of the phone
(no number or code is stored as such), opens one list and is then gone, and dies after
MAX_ATTEMPTS wrong tries. One address hears at most MY_CASES_FAILURES_PER_IP refusals an hour,
whatever phones it tries: it may ask codes for many numbers (a factory's NAT is hundreds of
people), and five tries at each would otherwise be a thousand guesses an hour at whichever list
opens first. Refusals are counted, not only wrong codes, so a spent code's refusals count too.

A code is sent straight through the SMS backend rather than stored as a
notification: a stored message would keep the code readable in the notification table, and a
retry after the code has expired is no use."""

import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deputies.models import Station
from notifications import sms
from portal import ratelimit

logger = logging.getLogger(__name__)
CODE_MINUTES = 10
MAX_ATTEMPTS = 5


class Refused(Exception):
    """A code not sent or not accepted; str() is the message for the person."""


class Throttled(Refused):
    """Not checked at all: the address heard too many refusals."""


def digest(phone, code):
    return salted_hmac("mycases.codes", f"{phone}:{code}").hexdigest()


def send(phone, address):
    """Text a new code to phone (which replaces any earlier one), or Refused."""
    limit, window = settings.MY_CASES_CODES_PER_IP
    if not ratelimit.hit(f"my-cases-ip:{address}", limit, window):
        raise Refused(
            _("Too many codes were asked for from this network. Please try again in an hour.")
        )
    limit, window = settings.MY_CASES_CODES_PER_PHONE
    if not ratelimit.hit(f"my-cases-phone:{phone}", limit, window):
        raise Refused(_("Too many codes were sent to this number. Please try again in an hour."))
    code = f"{secrets.randbelow(10**6):06d}"
    seconds = CODE_MINUTES * 60
    entry = {
        "digest": digest(phone, code),
        "nonce": secrets.token_hex(8),  # names this code's count of tries
        "expires": time.time() + seconds,
    }
    cache.set(ratelimit.cache_key("my-cases-code", phone), entry, seconds)
    station = Station.default()
    text = _(
        "【%(station)s】Your code to see your submissions is %(code)s, valid for %(minutes)d "
        "minutes. Do not give it to anyone."
    ) % {"station": station.name if station else "", "code": code, "minutes": CODE_MINUTES}
    try:
        sms.get_backend().send(phone, text)
    except Exception as error:  # any provider failure: the person is told to try again
        logger.warning("SMS code not sent: %s", type(error).__name__)
        raise Refused(_("The SMS could not be sent. Please try again in a minute.")) from None


def check(phone, code, address):
    """Accept the code once, or Refused (Throttled while the address is held)."""
    limit, window = settings.MY_CASES_FAILURES_PER_IP
    if ratelimit.used(f"my-cases-failures-ip:{address}") >= limit:
        raise Throttled(_("Too many wrong codes from this network. Please try again in an hour."))
    try:
        accept(phone, code)
    except Refused:
        ratelimit.count(f"my-cases-failures-ip:{address}", window)
        raise


def accept(phone, code):
    """Accept the code once, or Refused: expired or used, wrong, or tried too often."""
    key = ratelimit.cache_key("my-cases-code", phone)
    entry = cache.get(key)
    if not entry or entry["expires"] <= time.time():
        raise Refused(_("This code has expired or was already used. Please ask for a new one."))
    # Counted before checking and atomically: parallel guesses each use up a try.
    tries = ratelimit.count(f"my-cases-try:{entry['nonce']}", CODE_MINUTES * 60)
    # A spent code stays until it expires, so that later tries hear why it fails.
    if tries > MAX_ATTEMPTS:
        raise Refused(_("Too many wrong codes. This code no longer works: ask for a new one."))
    if not constant_time_compare(entry["digest"], digest(phone, code)):
        if tries == MAX_ATTEMPTS:
            raise Refused(_("Too many wrong codes. This code no longer works: ask for a new one."))
        left = MAX_ATTEMPTS - tries
        raise Refused(
            ngettext(
                "The code is not right. You can try %(count)d more time.",
                "The code is not right. You can try %(count)d more times.",
                left,
            )
            % {"count": left}
        )
    if not cache.delete(key):  # a concurrent request used it first
        raise Refused(_("This code has expired or was already used. Please ask for a new one."))
