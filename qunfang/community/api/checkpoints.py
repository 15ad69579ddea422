"""Checkpoints under /api/v1/community: gates and their guards' shifts (added), passes (issue, revoke,
the token for printing elsewhere), a pass checked at a gate (online guards, turnstiles), the guard's
offline bundle, and crossings synced from a guard's phone (each kept once by its id)."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.community.models import Direction, Gate, Household, Pass, Resident
from qunfang.community.selectors import checkpoints as selectors
from qunfang.community.selectors.screening import GUARD_ROLES, possible_callers
from qunfang.community.services import checkpoints as services
from qunfang.core.access import get_for, place_for
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Moment, Pages, Text

router = Router(tags=["community"])


class GateOut(Schema):
    id: int
    community_id: int
    name: str
    note: str


class PassOut(Schema):
    id: int
    number: int
    household_id: int
    resident_id: int | None
    holder: str
    valid_from: date
    valid_until: date
    exit_every_days: int | None
    revoked_at: datetime | None
    token: str = Field(..., description="the signed token its QR code carries")

    @staticmethod
    def resolve_holder(issued: Pass) -> str:
        return services.holder(issued)

    @staticmethod
    def resolve_token(issued: Pass) -> str:
        return services.token_for(issued)


class PassIn(Schema):
    household_id: Id
    resident_id: Id | None = None
    valid_from: Day
    valid_until: Day
    exit_every_days: int | None = Field(None, ge=1, le=30)


class RevokeIn(Schema):
    reason: Text = Field(..., min_length=1, max_length=200)


class CheckIn(Schema):
    token: Text = Field(..., max_length=2000)
    direction: Direction


class VerdictOut(Schema):
    allowed: bool
    reason: str
    pass_id: int | None


class CrossingIn(Schema):
    client_id: UUID
    token: Text = Field(..., max_length=2000)
    direction: Text = Field(..., max_length=10)
    temperature: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    at: Moment
    phone_at: Moment | None = None


class SyncIn(Schema):
    records: list[CrossingIn] = Field(..., max_length=200)


class RefusedOut(Schema):
    client_id: str
    reason: str


class SyncOut(Schema):
    stored: list[str]
    already: list[str]
    refused: list[RefusedOut]


def _gate(request, gate_id: int, capability: Capability) -> Gate:
    return get_for(request.scope, Gate.objects.select_related("community"), capability, pk=gate_id)


@router.get("/community/gates", response={200: list[GateOut], **ERRORS})
def list_gates(request, place_id: Id | None = None):
    """A community's gates (`place_id`), for those who see its register; without it, the gates the
    signed-in user may guard (a guard's own community's)."""
    if place_id is None:
        return selectors.guard_gates(request.scope)
    place = OrgUnit.objects.visible_to(request.scope, Capability.VIEW_COMMUNITY).filter(pk=place_id).first()
    if place is not None:
        return selectors.gates(request.scope, place)
    guarded = selectors.guard_gates(request.scope).filter(community_id=place_id)
    if not guarded.exists():
        raise Http404  # a community she neither sees nor guards: as if there were none
    return guarded


@router.get("/community/passes", response={200: list[PassOut], **ERRORS})
@paginate(Pages)
def list_passes(request, place_id: Id, q: Text = ""):
    place = place_for(request, place_id, Capability.VIEW_COMMUNITY)
    return selectors.passes(request.scope, place, q)


@router.post("/community/passes", response={201: PassOut, **ERRORS})
def issue_pass(request, data: PassIn):
    household = get_for(
        request.scope, Household.objects.select_related("building__community"), Capability.MANAGE_COMMUNITY,
        pk=data.household_id,
    )  # fmt: skip
    resident = None
    if data.resident_id:
        resident = get_for(
            request.scope, Resident.objects.all(), Capability.MANAGE_COMMUNITY, pk=data.resident_id
        )
    issued = services.issue_pass(
        by=request.auth, household=household, resident=resident, valid_from=data.valid_from,
        valid_until=data.valid_until, exit_every_days=data.exit_every_days,
    )  # fmt: skip
    return Status(201, issued)


@router.post("/community/passes/{pass_id}/revoke", response={200: PassOut, **ERRORS})
def revoke_pass(request, pass_id: Id, data: RevokeIn):
    issued = get_for(request.scope, Pass.objects.all(), Capability.MANAGE_COMMUNITY, pk=pass_id)
    return services.revoke_pass(by=request.auth, issued=issued, reason=data.reason)


@router.post("/community/gates/{gate_id}/check", response={200: VerdictOut, **ERRORS})
def check_pass(request, gate_id: Id, data: CheckIn):
    verdict = selectors.check_pass(
        _gate(request, gate_id, Capability.GUARD_GATES), data.token, data.direction
    )
    return {
        "allowed": verdict.allowed,
        "reason": verdict.reason,
        "pass_id": verdict.facts and verdict.facts.pass_id,
    }


@router.get("/community/gates/{gate_id}/bundle", response={200: dict, **ERRORS}, url_name="guard_bundle")
def guard_bundle(request, gate_id: Id):
    return selectors.guard_bundle(_gate(request, gate_id, Capability.GUARD_GATES))


@router.post(
    "/community/gates/{gate_id}/crossings", response={200: SyncOut, **ERRORS}, url_name="sync_crossings"
)
def sync_crossings(request, gate_id: Id, data: SyncIn):
    gate = _gate(request, gate_id, Capability.GUARD_GATES)
    records = [record.dict() for record in data.records]
    result = services.record_crossings(by=request.auth, gate=gate, records=records)
    return {
        "stored": result.stored,
        "already": result.already,
        "refused": [{"client_id": cid, "reason": reason} for cid, reason in result.refused],
    }


class GateIn(Schema):
    place_id: Id = Field(..., description="the community")
    name: Text = Field(..., min_length=1, max_length=50)
    note: Text = Field("", max_length=200)


class ShiftIn(Schema):
    guard_id: Id = Field(..., description="a guard, station staff or grid worker of the community")
    start: Moment
    end: Moment


class ShiftOut(Schema):
    id: int
    gate_id: int
    guard_id: int
    start: datetime
    end: datetime


@router.post("/community/gates", response={201: GateOut, **ERRORS})
def add_gate(request, data: GateIn):
    place = get_for(request.scope, OrgUnit.objects.all(), Capability.MANAGE_COMMUNITY, pk=data.place_id)
    return Status(201, services.save_gate(by=request.auth, community=place, name=data.name, note=data.note))


@router.post("/community/gates/{gate_id}/shifts", response={201: ShiftOut, **ERRORS})
def add_shift(request, gate_id: Id, data: ShiftIn):
    """A guard's shift at the gate: at most 24 hours, and nobody on two shifts at once."""
    gate = _gate(request, gate_id, Capability.MANAGE_COMMUNITY)
    guard = possible_callers(gate.community, GUARD_ROLES).filter(pk=data.guard_id).first()
    if guard is None:  # only the community's own people, as the page offers them
        invalid = _("Select a valid choice. That choice is not one of the available choices.")
        raise ValidationError({"guard": invalid})
    shift = services.add_shift(by=request.auth, gate=gate, guard=guard, start=data.start, end=data.end)
    return Status(201, shift)
