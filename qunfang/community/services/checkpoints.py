"""Writes of the checkpoints: gates, guards' shifts, passes issued (signed) and revoked, the signing key
raised to a new version, and the crossings a guard's phone recorded offline and syncs (each kept once,
by the phone's own id for it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.community import tokens
from qunfang.community.models import Crossing, Direction, Gate, GuardShift, Household, Pass, PassKey, Resident
from qunfang.community.selectors.checkpoints import quarantined_households
from qunfang.community.services.register import community_of
from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import in_steps, service, writes_nothing
from qunfang.lib.temperature import FEVER, temperature_reading

LONGEST_PASS = timedelta(days=92)


@service
def save_gate(*, by: User | None, community: OrgUnit, name: str, note: str = "") -> Gate:
    community = community_of(community)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter the gate's name.")})
    if Gate.objects.filter(community=community, name=name).exists():
        raise ValidationError({"name": _("This community has a gate of that name already.")})
    gate = Gate.objects.create(community=community, place=community, name=name, note=note.strip()[:200])
    audit.record(by=by, action="gate.create", place=community, target=gate)
    return gate


@service
def add_shift(*, by: User | None, gate: Gate, guard: User, start: datetime, end: datetime) -> GuardShift:
    if end <= start:
        raise ValidationError({"end": _("A shift ends after it starts.")})
    if end - start > timedelta(hours=24):
        raise ValidationError({"end": _("A shift is at most 24 hours.")})
    clash = (
        GuardShift.objects.filter(guard=guard, start__lt=end, end__gt=start).select_related("gate").first()
    )
    if clash:
        raise ValidationError(
            {
                "start": _("%(guard)s is on duty at %(gate)s then already.")
                % {"guard": guard, "gate": clash.gate}
            }
        )
    shift = GuardShift.objects.create(gate=gate, place_id=gate.place_id, guard=guard, start=start, end=end)
    audit.record(by=by, action="shift.create", place=gate.place, target=shift)
    return shift


@service
def current_key(community: OrgUnit) -> PassKey:
    """The community's signing key in use: version 1 is made on first need."""
    key = PassKey.objects.filter(community=community, retired_at=None).order_by("-version").first()
    if key is None:
        key, made = PassKey.objects.get_or_create(
            community=community, version=1, defaults={"public_key": tokens.public_key_text(community.pk, 1)}
        )
        if made:
            audit.record(by=None, action="pass_key.create", place=community, target=key)
    return key


@service
def raise_key_version(*, by: User | None, community: OrgUnit) -> PassKey:
    """Retire the community's key: every pass signed with it stops working at the gates once the guards'
    phones download the new list, and passes must be printed again."""
    community = community_of(community)
    old = current_key(community)
    PassKey.objects.filter(community=community, retired_at=None).update(retired_at=timezone.now())
    key = PassKey.objects.create(
        community=community,
        version=old.version + 1,
        public_key=tokens.public_key_text(community.pk, old.version + 1),
    )
    audit.record(by=by, action="passkey.raise", place=community, target=key)
    return key


@service
def issue_pass(
    *,
    by: User | None,
    household: Household,
    valid_from: date,
    valid_until: date,
    resident: Resident | None = None,
    exit_every_days: int | None = None,
) -> Pass:
    """A pass for a household (any one member at a time) or one of its residents."""
    if valid_until < valid_from:
        raise ValidationError({"valid_until": _("A pass ends on or after the day it starts.")})
    if valid_until - valid_from > LONGEST_PASS:
        raise ValidationError({"valid_until": _("A pass is valid for at most three months.")})
    if resident is not None and resident.household_id != household.pk:
        raise ValidationError({"resident": _("The person must live in this household.")})
    if exit_every_days is not None and not 1 <= exit_every_days <= 30:
        raise ValidationError({"exit_every_days": _("One exit every 1 to 30 days, or leave it empty.")})
    community = household.building.community
    key = current_key(community)
    # Numbers follow each other per community; the lock keeps two clerks from taking the same one.
    OrgUnit.objects.select_for_update().filter(pk=community.pk).first()
    number = (Pass.objects.filter(community=community).aggregate(top=Max("number"))["top"] or 0) + 1
    issued = Pass.objects.create(
        community=community,
        place_id=household.place_id,
        number=number,
        household=household,
        resident=resident,
        valid_from=valid_from,
        valid_until=valid_until,
        exit_every_days=exit_every_days,
        key_version=key.version,
        issued_by=audit.acting_user(by),
    )
    audit.record(by=by, action="pass.issue", place=issued.place, target=issued)
    return issued


@writes_nothing
def holder(issued: Pass) -> str:
    household = str(issued.household)
    return f"{household} {issued.resident.name}" if issued.resident_id else household


@writes_nothing
def token_for(issued: Pass) -> str:
    return tokens.sign(
        tokens.PassFacts(
            pass_id=issued.pk,
            community_id=issued.community_id,
            key_version=issued.key_version,
            number=issued.number,
            holder=holder(issued),
            valid_from=issued.valid_from,
            valid_until=issued.valid_until,
            exit_every_days=issued.exit_every_days or 0,
        )
    )


@service
def revoke_pass(*, by: User | None, issued: Pass, reason: str) -> Pass:
    if issued.revoked_at:
        raise ValidationError(_("This pass was revoked already."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the pass is revoked.")})
    issued.revoked_at, issued.revoked_reason = timezone.now(), reason.strip()[:200]
    issued.save(update_fields=["revoked_at", "revoked_reason"])
    audit.record(by=by, action="pass.revoke", place=issued.place, target=issued, after={"reason": reason})
    return issued


# --- crossings from the guards' phones ------------------------------------------------------------------


@dataclass
class SyncResult:
    stored: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # synced before: a retry after a lost answer
    refused: list[tuple[str, str]] = field(default_factory=list)  # (client id, reason)


@in_steps(
    "each crossing a guard's phone sends is kept in its own transaction: "
    "one bad record does not hold back the rest"
)
def record_crossings(*, by: User | None, gate: Gate, records: list[dict]) -> SyncResult:
    """Crossings a guard's phone recorded, each {client_id, token, direction, temperature, at, phone_at}.
    Each is kept once by its client id, so a sync cut off half-way is sent again without doubling.
    The token is checked again here: a phone can be tampered with. Each record commits on its own, so
    one bad record does not hold back the rest."""
    result = SyncResult()
    keys = {
        (k.community_id, k.version): k.public_key
        for k in PassKey.objects.filter(community_id=gate.community_id)
    }
    for record in records:
        client_id = str(record.get("client_id", ""))
        try:
            client_uuid = uuid.UUID(client_id)
            if Crossing.objects.filter(client_id=client_uuid).exists():
                result.already.append(client_id)
                continue
            crossing = _crossing(by, gate, keys, client_uuid, record)
            with transaction.atomic():
                crossing.save()
            result.stored.append(client_id)
        except (ValueError, ValidationError) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            result.refused.append((client_id, reason or _("Not a crossing record.")))
        except IntegrityError:  # the same record from two syncs at once: the other one kept it
            result.already.append(client_id)
    if result.stored:
        audit.record(
            by=by,
            action="crossings.sync",
            place=gate.place,
            target=gate,
            after={"stored": len(result.stored)},
        )
    return result


def _crossing(by: User | None, gate: Gate, keys: dict, client_id: uuid.UUID, record: dict) -> Crossing:
    try:
        facts = tokens.verify(str(record.get("token", "")), keys)
    except tokens.BadToken:
        raise ValidationError(_("The pass's signature is not this community's.")) from None
    issued = Pass.objects.filter(pk=facts.pass_id, community_id=gate.community_id).first()
    if issued is None:
        raise ValidationError(_("No such pass in this community."))
    direction = record.get("direction")
    if direction not in Direction.values:
        raise ValidationError(_("A crossing is out or in."))
    at, phone_at = _moment(record.get("at")), _moment(record.get("phone_at") or record.get("at"))
    if at > timezone.now() + timedelta(minutes=10):
        raise ValidationError(_("A crossing cannot be in the future."))
    temperature = temperature_reading(record.get("temperature"))
    if temperature is None:
        raise ValidationError(_("Every crossing has its temperature: take it, then check the pass."))
    if direction == Direction.OUT and temperature >= FEVER:
        raise ValidationError(
            _("A person with a fever of %(value)s °C does not go out.") % {"value": temperature}
        )
    problem = ""
    if issued.revoked_at and issued.revoked_at < at:
        problem = _("Let through after the pass was revoked: the guard's list was older.")
    elif direction == Direction.OUT and quarantined_households(gate.community_id, [issued.household_id]):
        problem = _("Let out while the household is under home quarantine: the guard's list was older.")
    return Crossing(
        client_id=client_id,
        access_pass=issued,
        gate=gate,
        place_id=issued.place_id,
        direction=direction,
        temperature=temperature,
        at=at,
        phone_at=phone_at,
        recorded_by=audit.acting_user(by),
        problem=problem,
    )


def _moment(value) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(_("The time of a crossing is missing or unreadable.")) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
