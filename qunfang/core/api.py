"""The kernel's JSON endpoints: the signed-in user, places, people, the audit log."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.core import selectors, services
from qunfang.core.access import get_for, place_for
from qunfang.core.models import HallStatus, Level, OrgUnit, StationKind
from qunfang.core.roles import Capability, Role
from qunfang.lib.apitypes import ERRORS, Id, Pages, Text

router = Router(tags=["places and people"])


class MembershipOut(Schema):
    place_id: int
    place_name: str = Field(..., alias="place.name")
    role: Role


class MeOut(Schema):
    username: str
    full_name: str
    memberships: list[MembershipOut]


class PlaceOut(Schema):
    id: int
    parent_id: int | None
    name: str
    level: Level
    code: str | None
    depth: int
    station_kind: StationKind
    address: str
    phone: str
    hall_status: HallStatus


class PlaceIn(Schema):
    parent_id: Id
    name: Text = Field(..., min_length=1, max_length=100)
    level: Level
    code: Text | None = Field(None, max_length=14)
    station_kind: StationKind = StationKind.NONE
    address: Text = Field("", max_length=200)
    phone: Text = Field("", max_length=40)
    hall_status: HallStatus = HallStatus.OPEN


class PlacePatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=100)
    level: Level | None = None
    code: Text | None = Field(None, max_length=14)
    station_kind: StationKind | None = None
    address: Text | None = Field(None, max_length=200)
    phone: Text | None = Field(None, max_length=40)
    hall_status: HallStatus | None = None


class MoveIn(Schema):
    parent_id: Id


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    is_active: bool


class AuditOut(Schema):
    id: int
    at: datetime
    actor_name: str
    place_id: int | None
    action: str
    target_type: str
    target_id: str
    target_label: str
    before: dict | None
    after: dict | None
    channel: str


STATION_FIELDS = {"station_kind", "address", "phone", "hall_status"}


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "full_name": user.full_name,
        "memberships": list(user.memberships.select_related("place")),
    }


@router.get("/places", response={200: list[PlaceOut], **ERRORS})
@paginate(Pages)
def list_places(request, parent_id: Id | None = None, q: Text = ""):
    places = selectors.visible_places(request.scope, search=q)
    return places.filter(parent_id=parent_id) if parent_id is not None else places


@router.get("/places/{place_id}", response={200: PlaceOut, **ERRORS})
def get_place(request, place_id: Id):
    return place_for(request, place_id, Capability.VIEW_PLACES)


@router.post("/places", response={201: PlaceOut, **ERRORS})
def create_place(request, data: PlaceIn):
    parent = place_for(request, data.parent_id, Capability.MANAGE_PLACES)
    fields = data.dict(exclude={"parent_id"})
    return Status(201, services.create_place(by=request.auth, parent=parent, **fields))


@router.patch("/places/{place_id}", response={200: PlaceOut, **ERRORS})
def update_place(request, place_id: Id, data: PlacePatch):
    changes = data.dict(exclude_unset=True)
    # Station staff may change only their station's facts; anything else needs MANAGE_PLACES.
    capability = Capability.EDIT_STATION if set(changes) <= STATION_FIELDS else Capability.MANAGE_PLACES
    place = place_for(request, place_id, capability)
    return services.update_place(
        by=request.auth, place=place, **{k: v for k, v in changes.items() if v is not None}
    )


@router.post("/places/{place_id}/move", response={200: PlaceOut, **ERRORS})
def move_place(request, place_id: Id, data: MoveIn):
    place = get_for(
        request.scope, OrgUnit.objects.select_related("parent"), Capability.MANAGE_PLACES, pk=place_id
    )
    new_parent = place_for(request, data.parent_id, Capability.MANAGE_PLACES)
    if not selectors.may_move(request.scope, place):
        raise PermissionDenied
    return services.move_place(by=request.auth, place=place, new_parent=new_parent)


@router.get("/users", response={200: list[UserOut], **ERRORS})
@paginate(Pages)
def list_users(request, q: Text = ""):
    return selectors.visible_users(request.scope, search=q)


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS})
def get_user(request, user_id: Id):
    return get_object_or_404(selectors.visible_users(request.scope), pk=user_id)


@router.get("/audit", response={200: list[AuditOut], **ERRORS})
@paginate(Pages)
def list_audit(
    request,
    place_id: Id | None = None,
    action: Text = "",
    actor: Text = "",
    since: date | None = None,
    until: date | None = None,
):
    place = place_for(request, place_id, Capability.VIEW_AUDIT) if place_id else None
    return selectors.audit_entries(
        request.scope, place=place, action=action, actor=actor, since=since, until=until
    )
