"""Validators for deputy and enterprise records."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code uses these 31 characters (no I, O, S, V, Z).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
MOBILE_RE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
OFFICE_PHONE_RE = re.compile(r"^(?:0\d{2,3}-?)?[2-9]\d{6,7}(?:-\d{1,6})?$|^[48]00-?\d{3}-?\d{4}$")


def credit_code_check_character(first17):
    """The 18th character of a unified social credit code whose first 17 are given."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value):
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(value)},
        )
    bad = sorted({char for char in value if char not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _("The code contains characters that are not allowed: %(chars)s."),
            code="characters",
            params={"chars": "".join(bad)},
        )
    if credit_code_check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The last character does not match the code: please check it for typing errors."),
            code="checksum",
        )


def normalise_phone(value):
    return re.sub(r"[\s()（）]", "", value or "")


def validate_office_phone(value):
    """A deputy's public number must be an office line; personal mobiles are never published."""
    phone = normalise_phone(value)
    if MOBILE_RE.match(phone):
        raise ValidationError(
            _("Publish an office phone only: a personal mobile number may not appear on the site."),
            code="mobile",
        )
    if not OFFICE_PHONE_RE.match(phone):
        raise ValidationError(
            _("Enter an office phone number such as 0796-5550123."), code="invalid"
        )
