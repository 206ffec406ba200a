"""Checks on what the public types: phone numbers, invisible characters, pasted web code."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits: \d takes ४ and ๙ too
MARKUP_RE = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|svg|img|a)\b|javascript:", re.IGNORECASE
)
ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def normalise_mobile(value):
    digits = re.sub(r"[\s\-()（）]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def validate_mobile(value):
    if not MOBILE_RE.match(normalise_mobile(value)):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, e.g. 13800138000."), code="mobile"
        )


def validate_plain_text(value):
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in value):
        raise ValidationError(
            _("The text contains invisible control characters; please retype it."),
            code="control",
        )
    if MARKUP_RE.search(value):
        raise ValidationError(
            _("Please write plain text: web code such as <script> is not accepted."),
            code="markup",
        )
