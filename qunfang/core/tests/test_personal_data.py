"""Resident ID numbers and phones: validation (property-based for the checksum), encryption, blind index,
masking."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from qunfang.core import personal
from qunfang.core.personal import ID_NUMBER, PHONE, Protected, check_character, parse_id_number

birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))
regions = st.sampled_from(["441803", "210112", "110101", "440000"])
sequences = st.integers(min_value=0, max_value=999)


def id_number(region: str, birth: date, sequence: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_the_check_character_is_the_standards_weighted_sum(first17):
    # GB 11643-1999: the weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, the sum mod 11 read in "10X98765432".
    weighted = sum(int(digit) * weight for digit, weight in zip(first17, personal.WEIGHTS, strict=True))
    assert check_character(first17) == "10X98765432"[weighted % 11]


def test_the_standards_own_example_ends_in_x():
    assert check_character("11010519491231002") == "X"


def test_values_sealed_in_a_batch_open_again_each_with_its_own_nonce():
    values = ["11010519491231002X", "+8613800138000", "11010519491231002X"]
    sealed = personal.encrypt_many(values)
    assert [personal.decrypt(text) for text in sealed] == values
    assert len(set(sealed)) == 3  # the same value twice is two ciphertexts


@given(regions, birth_dates, sequences)
def test_every_well_formed_id_number_is_accepted_with_its_birth_date_and_sex(region, birth, sequence):
    parsed = parse_id_number(id_number(region, birth, sequence))
    assert parsed.birth_date == birth
    assert parsed.sex == ("male" if sequence % 2 else "female")


@given(
    regions,
    birth_dates,
    sequences,
    st.integers(min_value=0, max_value=16),
    st.integers(min_value=1, max_value=9),
)
def test_any_single_mistyped_digit_breaks_the_checksum(region, birth, sequence, position, change):
    number = id_number(region, birth, sequence)
    digit = (int(number[position]) + change) % 10
    mistyped = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_id_number(mistyped)


@given(regions, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), sequences)
def test_an_old_fifteen_digit_number_becomes_its_eighteen_digit_form(region, birth, sequence):
    old = f"{region}{birth:%y%m%d}{sequence:03d}"
    assert parse_id_number(old).number == id_number(region, birth, sequence)


def test_full_width_digits_spaces_and_a_small_x_are_forgiven():
    number = id_number("441803", date(1990, 1, 1), 123)
    messy = " ".join(number).translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    assert parse_id_number(messy).number == number


@pytest.mark.parametrize(
    "raw,code",
    [
        ("4418031990010112", "format"),
        ("44180319900101123A", "format"),
        ("441803199002301234", "birth_date"),
        ("441803" + f"{timezone.localdate() + timedelta(days=2):%Y%m%d}" + "1234", "birth_date"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_reason(raw, code):
    with pytest.raises(ValidationError) as error:
        parse_id_number(raw)
    assert error.value.code == code


def test_mainland_mobiles_are_normalized_and_landlines_refused():
    assert personal.normalize_phone("138-0013-8000") == "+8613800138000"
    assert personal.normalize_phone("+86 １３８ ００１３ ８０００") == "+8613800138000"
    for bad in ["0763-5812345", "12345", "abc", ""]:
        with pytest.raises(ValidationError):
            personal.normalize_phone(bad)


@settings(deadline=None)  # the first call loads phonenumbers' metadata
@given(st.integers(min_value=10_000_000_000, max_value=19_999_999_999))
def test_the_fast_path_for_eleven_digits_agrees_with_phonenumbers(number):
    import phonenumbers

    try:
        parsed = phonenumbers.parse(str(number), "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    mobile = (
        parsed is not None
        and phonenumbers.is_valid_number(parsed)
        and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    )
    try:
        normalized = personal.normalize_phone(str(number))
    except ValidationError:
        normalized = None
    assert normalized == (f"+86{number}" if mobile else None)


def test_a_protected_value_is_encrypted_masked_and_found_by_its_index(settings, tmp_path):
    number = id_number("441803", date(1990, 1, 1), 123)
    value = Protected.seal(ID_NUMBER, number)
    assert number not in value.ciphertext and number not in repr(value)
    assert str(value) == "4418**********" + number[-4:]
    assert value.reveal() == number
    assert value.index == personal.blind_index(ID_NUMBER, number)
    assert Protected.seal(ID_NUMBER, number).ciphertext != value.ciphertext  # a fresh nonce each time
    assert personal.blind_index(PHONE, number) != value.index
    assert str(Protected.seal(PHONE, "13800138000")) == "138****8000"
