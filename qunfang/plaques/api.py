"""Honour plaques under /api/v1/plaques: the households of a place with their plaque, those still to
receive one, a household's plaque history, a plaque hung (the first, or a replacement with its
reason), a line cancelled. The same services and scoping as the pages."""

from datetime import date

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.plaques import selectors, services
from qunfang.plaques.models import Plaque, Reason
from qunfang.plaques.selectors import RECORD, VIEW
from qunfang.registry.models import Veteran

router = Router(tags=["plaques"])


class PlaqueOut(Schema):
    id: int
    veteran_id: int
    veteran: str
    place_id: int
    day: date
    reason: str
    replaces_id: int | None
    note: str
    cancelled: str

    @staticmethod
    def resolve_veteran(plaque: Plaque) -> str:
        return plaque.veteran.name


class WaitingOut(Schema):
    veteran_id: int
    name: str
    place_id: int

    @staticmethod
    def resolve_veteran_id(veteran: Veteran) -> int:
        return veteran.pk


class HangIn(Schema):
    veteran_id: Id = Field(..., description="the veteran whose household gets the plaque")
    day: Day
    reason: Reason = Reason.FIRST
    note: Text = Field("", max_length=200)
    submission: Text | None = Field(None, max_length=64, description="a key per form: sent twice, kept once")


class CancelIn(Schema):
    reason: Text = Field(..., max_length=200)


@router.get("/plaques", response={200: list[PlaqueOut], **ERRORS})
@paginate(Pages)
def list_plaques(request, place_id: Id):
    return selectors.hung(request.scope, place_for(request, place_id, VIEW))


@router.get("/plaques/to-hang", response={200: list[WaitingOut], **ERRORS})
@paginate(Pages)
def list_to_hang(request, place_id: Id):
    return selectors.to_hang(request.scope, place_for(request, place_id, VIEW))


@router.get("/plaques/households/{veteran_id}", response={200: list[PlaqueOut], **ERRORS})
def household_history(request, veteran_id: Id):
    veteran = get_for(request.scope, Veteran.objects.all(), VIEW, pk=veteran_id)
    return list(selectors.history(request.scope, veteran).select_related("veteran"))


@router.post("/plaques", response={201: PlaqueOut, **ERRORS})
def hang(request, data: HangIn):
    veteran = get_for(request.scope, Veteran.objects.select_related("place"), RECORD, pk=data.veteran_id)
    plaque = services.hang(
        by=request.auth,
        veteran=veteran,
        day=data.day,
        reason=data.reason,
        note=data.note,
        submission=data.submission,
    )
    return Status(201, plaque)


@router.post("/plaques/{plaque_id}/cancel", response={200: PlaqueOut, **ERRORS})
def cancel(request, plaque_id: Id, data: CancelIn):
    plaque = get_for(request.scope, Plaque.objects.select_related("veteran", "place"), RECORD, pk=plaque_id)
    return services.cancel(by=request.auth, plaque=plaque, reason=data.reason)
