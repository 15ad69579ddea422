"""Petitions under /api/v1/petitions: the petitions of a place (by state, the late ones), one with its
history, a petition found and each of its steps (registered, resolved, visited again), its owner
changed, its withdrawal; the month's risk screenings, a station's signing and the countersigning
above; the bureau's deadlines per step. The same services and scoping as the pages."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.core.models import User
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.petitions import selectors, services
from qunfang.petitions.capabilities import HANDLE_PETITIONS, SET_DEADLINES, VIEW_PETITIONS
from qunfang.petitions.models import Kind, Petition, Screening
from qunfang.registry.models import Veteran

router = Router(tags=["petitions"])


class StepOut(Schema):
    step: str
    day: date
    due: date | None
    late: bool
    note: str


class PetitionOut(Schema):
    id: int
    place_id: int
    veteran_ids: list[int]
    people: int
    kind: str
    subject: str
    matter: str
    state: str
    owner_id: int | None
    found_on: date
    registered_on: date | None
    resolved_on: date | None
    revisited_on: date | None
    step_due: date | None
    late: bool
    resolved_on_time: bool | None
    answer: str
    satisfied: bool | None

    @staticmethod
    def resolve_veteran_ids(petition: Petition) -> list[int]:
        return sorted(v.pk for v in petition.veterans.all())

    @staticmethod
    def resolve_late(petition: Petition) -> bool:
        return petition.is_late(timezone.localdate())


class PetitionDetailOut(PetitionOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(petition: Petition) -> list:
        return list(petition.steps.order_by("pk"))


class FoundIn(Schema):
    place_id: Id
    veteran_ids: list[Id] = Field(..., min_length=1, max_length=200)
    people: int | None = Field(None, ge=1, le=services.MOST_PEOPLE, description="all who raised it")
    kind: Kind = Kind.OTHER
    subject: Text = Field(..., max_length=100)
    matter: Text = Field(..., max_length=2000)
    day: Day
    submission: Text | None = Field(None, max_length=64, description="a key per form: sent twice, kept once")


class RegisterIn(Schema):
    day: Day
    owner_id: Id
    note: Text = Field("", max_length=2000)


class ResolveIn(Schema):
    day: Day
    answer: Text = Field(..., max_length=2000)


class RevisitIn(Schema):
    day: Day
    note: Text = Field(..., max_length=2000)
    satisfied: bool


class OwnerIn(Schema):
    owner_id: Id
    note: Text = Field("", max_length=2000)


class WithdrawIn(Schema):
    reason: Text = Field(..., max_length=2000)


class ScreeningIn(Schema):
    place_id: Id
    month: Day = Field(..., description="any day of the month")
    people: int = Field(..., ge=0, le=services.MOST_PEOPLE)
    risks: int = Field(..., ge=0, le=services.MOST_PEOPLE)
    note: Text = Field("", max_length=2000)


class ScreeningOut(Schema):
    id: int
    place_id: int
    month: date
    people: int
    risks: int
    note: str
    signed_by_id: int | None
    countersigned_by_id: int | None
    countersigned_as_id: int | None


class ScreeningsOut(Schema):
    month: date
    screenings: list[ScreeningOut]
    not_signed_place_ids: list[int]


class DeadlinesIO(Schema):
    register_days: int = Field(..., ge=1, le=services.MOST_DAYS)
    resolve_days: int = Field(..., ge=1, le=services.MOST_DAYS)
    revisit_days: int = Field(..., ge=1, le=services.MOST_DAYS)
    escalate_after_days: int = Field(..., ge=1, le=services.MOST_DAYS)


def _petition(request, petition_id: int, capability: str) -> Petition:
    return get_for(request.scope, Petition.objects.select_related("place"), capability, pk=petition_id)


def _owner(petition: Petition, owner_id: int) -> User:
    """A user who may own the petition, or a 422 naming why (a user id is no secret of the place's)."""
    owner = selectors.possible_owners(petition.place).filter(pk=owner_id).first()
    if owner is None:
        raise ValidationError(
            {"owner": _("The owner must be someone who handles petitions at this place or above it.")}
        )
    return owner


@router.get("/petitions", response={200: list[PetitionOut], **ERRORS})
@paginate(Pages)
def list_petitions(request, place_id: Id, state: str = ""):
    place = place_for(request, place_id, VIEW_PETITIONS)
    return selectors.petitions(request.scope, place, state=state[:20], today=timezone.localdate())


@router.post("/petitions", response={201: PetitionDetailOut, **ERRORS})
def record_found(request, data: FoundIn):
    place = place_for(request, data.place_id, HANDLE_PETITIONS)
    veterans = list(
        Veteran.objects.visible_to(request.scope, VIEW_PETITIONS).under(place).filter(pk__in=data.veteran_ids)
    )
    if len(veterans) != len(set(data.veteran_ids)):
        raise Http404  # a veteran not on this place's roll: as if none
    petition = services.record_found(
        by=request.auth,
        place=place,
        veterans=veterans,
        subject=data.subject,
        matter=data.matter,
        day=data.day,
        kind=data.kind,
        people=data.people,
        submission=data.submission,
    )
    return Status(201, petition)


@router.get("/petitions/{petition_id}", response={200: PetitionDetailOut, **ERRORS})
def get_petition(request, petition_id: Id):
    return _petition(request, petition_id, VIEW_PETITIONS)


@router.post("/petitions/{petition_id}/register", response={200: PetitionDetailOut, **ERRORS})
def register(request, petition_id: Id, data: RegisterIn):
    petition = _petition(request, petition_id, HANDLE_PETITIONS)
    owner = _owner(petition, data.owner_id)
    return services.register(by=request.auth, petition=petition, day=data.day, owner=owner, note=data.note)


@router.post("/petitions/{petition_id}/resolve", response={200: PetitionDetailOut, **ERRORS})
def resolve(request, petition_id: Id, data: ResolveIn):
    petition = _petition(request, petition_id, HANDLE_PETITIONS)
    return services.resolve(by=request.auth, petition=petition, day=data.day, answer=data.answer)


@router.post("/petitions/{petition_id}/revisit", response={200: PetitionDetailOut, **ERRORS})
def revisit(request, petition_id: Id, data: RevisitIn):
    petition = _petition(request, petition_id, HANDLE_PETITIONS)
    return services.revisit(
        by=request.auth, petition=petition, day=data.day, note=data.note, satisfied=data.satisfied
    )


@router.post("/petitions/{petition_id}/owner", response={200: PetitionDetailOut, **ERRORS})
def change_owner(request, petition_id: Id, data: OwnerIn):
    petition = _petition(request, petition_id, HANDLE_PETITIONS)
    owner = _owner(petition, data.owner_id)
    return services.change_owner(by=request.auth, petition=petition, owner=owner, note=data.note)


@router.post("/petitions/{petition_id}/withdraw", response={200: PetitionDetailOut, **ERRORS})
def withdraw(request, petition_id: Id, data: WithdrawIn):
    petition = _petition(request, petition_id, HANDLE_PETITIONS)
    return services.withdraw(by=request.auth, petition=petition, reason=data.reason)


@router.get("/petitions-screenings", response={200: ScreeningsOut, **ERRORS})
def list_screenings(request, place_id: Id, month: Day | None = None):
    place = place_for(request, place_id, VIEW_PETITIONS)
    month = services.month_of(month or timezone.localdate())
    return {
        "month": month,
        "screenings": list(selectors.screenings(request.scope, place, month)),
        "not_signed_place_ids": list(selectors.not_signed(place, month).values_list("pk", flat=True)),
    }


@router.post("/petitions-screenings", response={200: ScreeningOut, **ERRORS})
def sign_screening(request, data: ScreeningIn):
    place = place_for(request, data.place_id, HANDLE_PETITIONS)
    if place.level not in selectors.STATION_LEVELS or not place.station_kind:
        raise ValidationError({"place_id": _("Only a town's or village's station signs a risk screening.")})
    return services.sign_screening(
        by=request.auth, place=place, month=data.month, people=data.people, risks=data.risks, note=data.note
    )


@router.post("/petitions-screenings/{screening_id}/countersign", response={200: ScreeningOut, **ERRORS})
def countersign_screening(request, screening_id: Id):
    screening = get_for(
        request.scope, Screening.objects.select_related("place"), HANDLE_PETITIONS, pk=screening_id
    )
    return services.countersign_screening(by=request.auth, screening=screening)


@router.get("/petitions-deadlines", response={200: DeadlinesIO, **ERRORS})
def get_deadlines(request, place_id: Id):
    return services.deadlines_for(place_for(request, place_id, VIEW_PETITIONS))


@router.put("/petitions-deadlines", response={200: DeadlinesIO, **ERRORS})
def set_deadlines(request, place_id: Id, data: DeadlinesIO):
    place = place_for(request, place_id, SET_DEADLINES)
    services.set_deadlines(by=request.auth, place=place, **data.dict())
    return services.deadlines_for(place)
