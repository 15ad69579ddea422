"""The kernel's JSON endpoints: the signed-in user, places and their import, people and their roles,
one's own access tokens, the audit log."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from qunfang.core import selectors, services
from qunfang.core.access import get_for, place_for
from qunfang.core.models import AccessToken, HallStatus, ImportJob, Level, OrgUnit, StationKind
from qunfang.core.once import answer_shown_once
from qunfang.core.roles import Capability, Role
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.lib.tables import TableError
from qunfang.lib.uploads import UploadNotSaved

router = Router(tags=["places and people"])


class MembershipOut(Schema):
    id: int
    user_id: int
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
    parent_id: Id | None = Field(None, description="none for a place at the top of a tree (the operator's)")
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
    if data.parent_id is None:
        # A new tree (a province, or a district standing alone) is the platform operator's to plant.
        if not request.auth.is_superuser:
            raise PermissionDenied
        parent = None
    else:
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
    since: Day | None = None,
    until: Day | None = None,
):
    place = place_for(request, place_id, Capability.VIEW_AUDIT) if place_id else None
    return selectors.audit_entries(
        request.scope, place=place, action=action, actor=actor, since=since, until=until
    )


# --- importing places ---------------------------------------------------------------------------------


class PlaceImportOut(Schema):
    id: int
    place_id: int
    original_name: str
    status: str = Field(..., description="queued, running, done or failed")
    created_count: int
    errors: list[dict] = Field(..., description="the bad rows: {row, message}")
    message: str
    created_at: datetime
    finished_at: datetime | None


@router.post("/places/{place_id}/import", response={202: PlaceImportOut, **ERRORS})
def import_places(request, place_id: Id, file: File[UploadedFile]):
    """An Excel or CSV file of places (code, name, parent_code, level, station_kind, address, phone,
    hall_status) to create under the place in the background; follow it at /imports/{job_id}."""
    place = get_for(request.scope, OrgUnit.objects.all(), Capability.MANAGE_PLACES, pk=place_id)
    try:
        job = services.queue_import(by=request.auth, place=place, upload=file)
    except (TableError, UploadNotSaved) as error:
        raise ValidationError({"file": str(error)}) from error
    return Status(202, job)


@router.get("/imports/{job_id}", response={200: PlaceImportOut, **ERRORS})
def get_import(request, job_id: Id):
    return get_for(request.scope, ImportJob.objects.all(), Capability.MANAGE_PLACES, pk=job_id)


# --- people and their roles ---------------------------------------------------------------------------


class AccountIn(Schema):
    username: Text = Field(..., min_length=1, max_length=150)
    full_name: Text = Field("", max_length=100)
    password: Text = Field(..., min_length=1, max_length=128)
    role: Role


class MembershipIn(Schema):
    username: Text = Field(..., min_length=1, max_length=150, description="an account you manage")
    role: Role


class AccountActiveIn(Schema):
    active: bool


class AccountPasswordIn(Schema):
    password: Text = Field(..., min_length=1, max_length=128)


@router.get("/places/{place_id}/memberships", response={200: list[MembershipOut], **ERRORS})
@paginate(Pages)
def list_memberships(request, place_id: Id):
    place = get_for(request.scope, OrgUnit.objects.all(), Capability.VIEW_USERS, pk=place_id)
    return selectors.memberships_at(request.scope, place).select_related("place")


@router.post("/places/{place_id}/users", response={201: UserOut, **ERRORS})
def create_user(request, place_id: Id, data: AccountIn):
    """A new account with its first role at the place. The operator gives a tree they planted its first
    account (its bureau admin), at the top of the tree, as the operator's pages do."""
    if request.auth.is_superuser:
        place = get_object_or_404(OrgUnit, pk=place_id, parent=None)
    else:
        place = get_for(request.scope, OrgUnit.objects.all(), Capability.MANAGE_USERS, pk=place_id)
    return Status(201, services.create_user(by=request.auth, place=place, **data.dict()))


@router.post("/places/{place_id}/memberships", response={201: MembershipOut, **ERRORS})
def add_membership(request, place_id: Id, data: MembershipIn):
    """Another role at the place for an account the caller manages."""
    place = get_for(request.scope, OrgUnit.objects.all(), Capability.MANAGE_USERS, pk=place_id)
    user = selectors.managed_account_named(request.scope, data.username)
    return Status(201, services.add_membership(by=request.auth, user=user, place=place, role=data.role))


@router.delete("/memberships/{membership_id}", response={204: None, **ERRORS})
def remove_membership(request, membership_id: Id):
    membership = selectors.managed_membership(request.scope, membership_id)
    services.remove_membership(by=request.auth, membership=membership)
    return Status(204, None)


@router.post("/users/{user_id}/active", response={200: UserOut, **ERRORS})
def set_user_active(request, user_id: Id, data: AccountActiveIn):
    """Let an account sign in again, or stop it (its tokens end with it)."""
    user, place = selectors.managed_user(request.scope, user_id)
    return services.set_user_active(by=request.auth, user=user, active=data.active, place=place)


@router.post("/users/{user_id}/password", response={204: None, **ERRORS})
def set_password(request, user_id: Id, data: AccountPasswordIn):
    """A new password for an account the caller manages; the account's tokens end."""
    user, place = selectors.managed_user(request.scope, user_id)
    services.set_password(by=request.auth, user=user, password=data.password, place=place)
    return Status(204, None)


@router.post("/users/{user_id}/second-factor/reset", response={204: None, **ERRORS})
def reset_second_factor(request, user_id: Id):
    """Forget the account's authenticators (a lost phone): it enrols a new one at its next sign-in."""
    user, place = selectors.managed_user(request.scope, user_id)
    services.reset_second_factor(by=request.auth, user=user, place=place)
    return Status(204, None)


# --- one's own access tokens --------------------------------------------------------------------------


class TokenIn(Schema):
    name: Text = Field(..., min_length=1, max_length=100, description="what the token is for")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(..., description="the token itself, shown this once and never stored")


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
@paginate(Pages)
def list_tokens(request):
    return AccessToken.objects.filter(user=request.auth).order_by("-created_at")


@router.post("/tokens", response={201: NewTokenOut, **ERRORS})
def issue_token(request, data: TokenIn):
    """A new token of one's own (for a script, another platform); it ends with one's password."""
    answer_shown_once(request)  # the answer holds a secret: not kept for a retry (core/once.py)
    token, raw = services.issue_token(by=request.auth, name=data.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request, token_id: Id):
    token = get_object_or_404(AccessToken, pk=token_id, user=request.auth)
    services.revoke_token(by=request.auth, token=token)
    return Status(204, None)
