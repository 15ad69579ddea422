"""The signed token in a pass's QR code. "QF1.<payload>.<signature>": the payload is the pass's facts
as JSON (base64url), the signature Ed25519 over "QF1.<payload>" with the community's key of the
version the payload names. The guard's page checks the same thing in the browser (guard.js), with only
the public keys it downloaded. Kept short: the QR code must scan from a worn paper pass."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from qunfang.core.personal import derived_key

PREFIX = "QF1."


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key(community_id: int, version: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(derived_key(f"pass-signing/{community_id}/{version}"))


def public_key_text(community_id: int, version: int) -> str:
    public = signing_key(community_id, version).public_key()
    return _b64(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


@dataclass(frozen=True)
class PassFacts:
    pass_id: int
    community_id: int
    key_version: int
    number: int
    holder: str  # "3栋2单元302" or "3栋2单元302 张伟"
    valid_from: date
    valid_until: date
    exit_every_days: int  # 0: no limit


def sign(facts: PassFacts) -> str:
    payload = {
        "i": facts.pass_id,
        "c": facts.community_id,
        "k": facts.key_version,
        "n": facts.number,
        "h": facts.holder,
        "f": facts.valid_from.isoformat(),
        "u": facts.valid_until.isoformat(),
        "e": facts.exit_every_days,
    }
    body = PREFIX + _b64(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
    return body + "." + _b64(signing_key(facts.community_id, facts.key_version).sign(body.encode()))


def _number(payload: dict, key: str) -> int:
    """A whole number of the payload within what a database id holds. Anything else (1e999, Infinity,
    a number of 400 digits, text) is not ours, and is refused before it reaches a key or a query."""
    value = payload[key]
    if type(value) is not int or not 0 <= value < 2**62:
        raise ValueError(f"{key} is not a number of ours")
    return value


def claimed_community(token: str) -> int | None:
    """The community a token says it is of, unchecked: a gate refuses another community's pass before
    looking for a key (the guard's page does the same)."""
    body = token.strip().rpartition(".")[0]
    try:
        return _number(json.loads(_unb64(body[len(PREFIX) :])), "c") if body.startswith(PREFIX) else None
    except (ValueError, KeyError, TypeError, RecursionError):
        return None


class BadToken(ValueError):
    """A token that is not ours or was altered; the message says which, for the guard."""


def verify(token: str, public_keys: dict[tuple[int, int], str]) -> PassFacts:
    """The facts of a well-signed token, given the public keys by (community, version); raises BadToken.
    Validity dates, revocation and the community at the gate are the caller's to check."""
    body, _dot, signature = token.strip().rpartition(".")
    if not body.startswith(PREFIX) or not signature:
        raise BadToken("not a pass")
    try:
        payload = json.loads(_unb64(body[len(PREFIX) :]))
        key = public_keys.get((_number(payload, "c"), _number(payload, "k")))
        if key is None:
            raise BadToken("unknown key")
        Ed25519PublicKey.from_public_bytes(_unb64(key)).verify(_unb64(signature), body.encode())
        return PassFacts(
            pass_id=_number(payload, "i"),
            community_id=_number(payload, "c"),
            key_version=_number(payload, "k"),
            number=_number(payload, "n"),
            holder=str(payload["h"]),
            valid_from=date.fromisoformat(payload["f"]),
            valid_until=date.fromisoformat(payload["u"]),
            exit_every_days=_number(payload, "e"),
        )
    except InvalidSignature as error:
        raise BadToken("bad signature") from error
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        raise BadToken("not a pass") from error
