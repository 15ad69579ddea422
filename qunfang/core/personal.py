"""Personal data — resident ID numbers and phone numbers — protected in one place.

Values are stored encrypted (AES-256-GCM), found through a keyed hash of their normalized form (a
"blind index": exact search without any plaintext in the database), and shown masked
(`4418**********1234`, `138****5678`). Code holds them as `Protected` values whose text is the mask;
the plaintext comes out only through `Protected.reveal()`, which services call after checking the
capability and writing the audit entry.

The key is QUNFANG_FIELD_KEY (base64 of 32 bytes) or, in the embedded setup, `var/field_key`, made on
first use. Without it the data cannot be read: back it up apart from the database (docs/operations.md).
"""

from __future__ import annotations

import base64
import hmac
import logging
import operator
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import phonenumbers
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.lib.env import env_str

logger = logging.getLogger(__name__)

ID_NUMBER = "id_number"
PHONE = "phone"
CIPHERTEXT_VERSION = "v1"


# --- keys ---------------------------------------------------------------------------------------------


def field_key_path() -> Path:
    return Path(settings.VAR_DIR) / "field_key"


@cache
def _master_key() -> bytes:
    configured = env_str("FIELD_KEY")
    if configured:
        key = base64.urlsafe_b64decode(configured)
    else:
        path = field_key_path()
        if not path.exists():
            path.write_bytes(base64.urlsafe_b64encode(secrets.token_bytes(32)))
            path.chmod(0o600)
            logger.warning("Made a new personal-data key at %s: back it up apart from the database.", path)
        key = base64.urlsafe_b64decode(path.read_bytes().strip())
    if len(key) != 32:
        raise ValueError("QUNFANG_FIELD_KEY must be the base64 of 32 bytes")
    return key


@cache
def _subkey(purpose: bytes) -> bytes:
    # One master key, separate keys for encrypting and for indexing: an index never helps decryption.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"qunfang " + purpose).derive(
        _master_key()
    )


def derived_key(purpose: str) -> bytes:
    """32 bytes for another purpose (a community's pass-signing key), derived from the master key, so
    that such keys need no storage and no backup of their own."""
    return _subkey(purpose.encode())


def master_key_bytes() -> bytes:
    """The key as stored, for backups."""
    return base64.urlsafe_b64encode(_master_key())


# --- encryption and the blind index -------------------------------------------------------------------


@cache
def _cipher() -> AESGCM:
    return AESGCM(_subkey(b"encryption"))


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = _cipher().encrypt(nonce, plaintext.encode(), None)
    return f"{CIPHERTEXT_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def encrypt_many(plaintexts: list[str]) -> list[str]:
    """`encrypt` of each, as a bulk import needs it: the nonces (random, as `encrypt`'s) drawn from the
    system in one call, not one a value."""
    nonces = os.urandom(12 * len(plaintexts))
    seal, encode = _cipher().encrypt, base64.urlsafe_b64encode
    sealed = []
    for n, text in enumerate(plaintexts):
        nonce = nonces[12 * n : 12 * n + 12]
        sealed.append(f"{CIPHERTEXT_VERSION}:{encode(nonce + seal(nonce, text.encode(), None)).decode()}")
    return sealed


def decrypt(ciphertext: str) -> str:
    version, _sep, body = ciphertext.partition(":")
    if version != CIPHERTEXT_VERSION:
        raise ValueError("unknown ciphertext version")
    raw = base64.urlsafe_b64decode(body)
    return _cipher().decrypt(raw[:12], raw[12:], None).decode()


def blind_index(kind: str, normalized: str) -> str:
    """The keyed hash by which a normalized value is found; the kind keeps ID numbers and phones apart."""
    return hmac.digest(_subkey(b"index"), f"{kind}:{normalized}".encode(), "sha256").hex()


# --- the values code handles --------------------------------------------------------------------------


@dataclass(frozen=True)
class Protected:
    """A personal value as code holds it: its text is the mask, never the value."""

    kind: str
    ciphertext: str
    masked: str
    # Kept when sealing, so saving a new value does not decrypt it again to index it.
    known_index: str | None = field(default=None, compare=False, repr=False)

    @classmethod
    def seal(cls, kind: str, raw: str) -> Protected:
        return cls.of_normalized(kind, normalize(kind, raw))

    @classmethod
    def of_normalized(cls, kind: str, value: str, index: str | None = None) -> Protected:
        """Seal a value already normalized (bulk imports validate first and seal afterwards); its blind
        index too when the caller has computed it."""
        return cls(kind, encrypt(value), mask(kind, value), index or blind_index(kind, value))

    @property
    def index(self) -> str:
        return self.known_index or blind_index(self.kind, self.reveal())

    def reveal(self) -> str:
        """The plaintext. Call it only where the user may see it, and audit that they did."""
        return decrypt(self.ciphertext)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Protected({self.kind}, {self.masked})"


def normalize(kind: str, raw: str) -> str:
    if kind == ID_NUMBER:
        return parse_id_number(raw).number
    if kind == PHONE:
        return normalize_phone(raw)
    raise ValueError(kind)


def mask(kind: str, value: str) -> str:
    if kind == ID_NUMBER:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if kind == PHONE:
        digits = value.removeprefix("+86")
        return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "*" * len(digits)
    raise ValueError(kind)


# --- resident ID numbers (GB 11643-1999) --------------------------------------------------------------

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARACTERS = "10X98765432"
FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")


@dataclass(frozen=True)
class IdNumber:
    number: str  # the 18-character form
    birth_date: date
    sex: str  # "male" or "female"


def check_character(first17: str) -> str:
    # The weights are 2^17 … 2^1 mod 11, and 13 is 2 mod 11: so the weighted sum is, mod 11, twice
    # the digits read as a base-13 number, which int() reads in C (a province's roll has millions).
    if len(first17) == 17 and first17.isascii() and first17.isdigit():
        return CHECK_CHARACTERS[2 * int(first17, 13) % 11]
    return CHECK_CHARACTERS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    """Validate and normalize a resident ID number: full-width digits and spaces are forgiven, an old
    15-digit number becomes its 18-digit form; the checksum and the birth date must hold."""
    text = raw or ""
    if len(text) == 18 and text.isascii() and text[:17].isdigit() and text[17] in "0123456789Xx":
        text = text.upper()  # the common case: already 17 digits and a digit or X
    else:
        text = re.sub(r"\s+", "", text.translate(FULL_WIDTH)).upper()
        if re.fullmatch(r"\d{15}", text):
            # 15-digit numbers (before 1999) leave out the century, which was 19, and the check character.
            text = text[:6] + "19" + text[6:]
            text += check_character(text)
        if not re.fullmatch(r"\d{17}[\dX]", text):
            raise ValidationError(
                _("An ID number has 18 characters: 17 digits and a digit or X."), code="format"
            )
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in this ID number does not exist."), code="birth_date"
        ) from None
    if not date(1900, 1, 1) <= birth <= (today or timezone.localdate()):
        raise ValidationError(_("The birth date in this ID number is impossible."), code="birth_date")
    if check_character(text[:17]) != text[17]:
        raise ValidationError(
            _("The ID number's check character is wrong: a digit was mistyped."), code="checksum"
        )
    return IdNumber(text, birth, "male" if int(text[16]) % 2 else "female")


# --- phone numbers ------------------------------------------------------------------------------------


@cache
def _mainland_mobile() -> re.Pattern:
    # phonenumbers' own pattern for mainland mobiles: the common case of eleven plain digits is matched
    # against it directly, forty times faster than parsing (a province's roll has millions of them).
    pattern = phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern
    return re.compile(f"(?:{pattern})")


def normalize_phone(raw: str) -> str:
    """A mainland mobile number in E.164 form (+8613800138000); full-width digits, spaces and dashes
    are forgiven. Landlines are refused: SMS cannot reach them."""
    text = (raw or "").translate(FULL_WIDTH)
    if len(text) == 11 and text.isascii() and text.isdigit() and _mainland_mobile().fullmatch(text):
        return "+86" + text
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise ValidationError(
            _("“%(phone)s” is not a mainland mobile number.") % {"phone": raw}, code="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- model fields -------------------------------------------------------------------------------------


class ProtectedField(models.TextField):
    """Stores a `Protected` value as its ciphertext. Assigning a string seals it (validating first)."""

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return Protected(self.kind, value, mask(self.kind, decrypt(value)))

    def to_python(self, value):
        if value is None or value == "" or isinstance(value, Protected):
            return value or None
        return Protected.seal(self.kind, value)

    def get_prep_value(self, value):
        value = self.to_python(value)
        return value.ciphertext if value is not None else None


def set_fields(record: models.Model, fields: dict) -> None:
    """Set the fields, text stripped; a protected value typed in is validated and sealed here, so its
    error names the field (blank means none)."""
    for name, value in fields.items():
        if isinstance(record._meta.get_field(name), ProtectedField) and (
            value is None or isinstance(value, str)
        ):
            value = (value or "").strip() or None
            if value is not None:
                try:
                    value = record._meta.get_field(name).to_python(value)
                except ValidationError as error:
                    raise ValidationError({name: error.messages}) from None
        setattr(record, name, value.strip() if isinstance(value, str) else value)


class BlindIndexField(models.CharField):
    """The keyed hash of another field's value, kept up to date on every save, for exact search."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def db_type(self, connection):
        # The same type as varchar(64), spelled so that Django's PostgreSQL schema editor does not add
        # its second, varchar_pattern_ops index for LIKE queries: a hash is only ever looked up whole,
        # and at three million rows that index would double the cost of every insert for nothing.
        return "character varying(64)"

    def pre_save(self, model_instance, add):
        protected = getattr(model_instance, self.source)
        if isinstance(protected, str) and protected:
            protected = model_instance._meta.get_field(self.source).to_python(protected)
            setattr(model_instance, self.source, protected)
        value = protected.index if protected else None
        setattr(model_instance, self.attname, value)
        return value


def index_of(kind: str, raw: str) -> str | None:
    """The blind index to look a typed value up by, or None when it is not a valid value of the kind."""
    try:
        return blind_index(kind, normalize(kind, raw))
    except ValidationError:
        return None
