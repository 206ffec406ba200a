import pytest
from django.core.exceptions import ValidationError

from deputies.validators import (
    credit_code_check_character,
    validate_credit_code,
    validate_office_phone,
)

# Published codes of well-known organisations (their check characters are part of the code).
REAL_CODES = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_accepts_valid_codes(code):
    validate_credit_code(code)
    assert credit_code_check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("", "length"),
        ("91350100M000100YI3", "characters"),  # I is not in the alphabet
        ("91350100m000100Y43", "characters"),  # lower case
        ("91350100M000100Y4O", "characters"),  # O is not in the alphabet
        ("91350100M000100Y44", "checksum"),
        ("91110000600037341M", "checksum"),
        ("91350100M000100Y34", "checksum"),  # swapped characters
    ],
)
def test_rejects_wrong_length_characters_and_check_character(code, error):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == error


def test_check_character_zero_when_sum_is_a_multiple_of_31():
    # 17 zeros sum to 0; 31 - 0 wraps to the character for 0.
    assert credit_code_check_character("0" * 17) == "0"


@pytest.mark.parametrize(
    "phone",
    ["0796-5550123", "07965550123", "010-62345678", "5550123", "400-800-1234", "0796-5550123-801"],
)
def test_office_phones_are_accepted(phone):
    validate_office_phone(phone)


@pytest.mark.parametrize(
    ("phone", "code"),
    [
        ("13907961234", "mobile"),
        ("+8613907961234", "mobile"),
        ("139 0796 1234", "mobile"),
        ("12345", "invalid"),
        ("电话", "invalid"),
    ],
)
def test_personal_mobiles_and_garbage_are_refused(phone, code):
    with pytest.raises(ValidationError) as caught:
        validate_office_phone(phone)
    assert caught.value.code == code
