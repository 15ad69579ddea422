"""Who does the work, under /api/v1: volunteers (ID numbers and phones masked; a reveal is its own
operation, audited), sign-ups confirmed or declined, teams, people and teams sent to a place, and
deeds with their photos. The same services and scoping as the pages."""

from datetime import date
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Schema, Status, UploadedFile
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.core.models import OrgUnit
from qunfang.core.once import answer_shown_once
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.mobilization import selectors, services
from qunfang.mobilization.api.ledger import Period, PhotoIn, PhotoOut, photo_upload, place_and_period, router
from qunfang.mobilization.models import Availability, Deed, Skill, Team, Volunteer, VolunteerStatus

MANAGE = Capability.MANAGE_VOLUNTEERS


def _volunteer(request, volunteer_id: int, capability: Capability) -> Volunteer:
    return get_for(
        request.scope, Volunteer.objects.select_related("place", "veteran"), capability, pk=volunteer_id
    )


class VolunteerOut(Schema):
    id: int
    place_id: int
    name: str
    phone: str = Field(..., description="masked")
    veteran_id: int | None
    skills: list[str]
    availability: str
    status: VolunteerStatus

    @staticmethod
    def resolve_phone(volunteer: Volunteer) -> str:
        return str(volunteer.phone)

    @staticmethod
    def resolve_veteran_id(volunteer: Volunteer, context) -> int | None:
        # Only a record the caller may open; another place's veteran is not hinted at.
        veteran = volunteer.veteran
        if veteran is None or not context["request"].scope.allows(Capability.VIEW_VETERANS, veteran.place):
            return None
        return veteran.pk


class VolunteerFilters(Schema):
    place_id: Id = Field(..., description="this place and everything under it")
    status: VolunteerStatus | None = None


class VolunteerIn(Schema):
    place_id: Id = Field(..., description="the volunteer's station")
    name: Text = Field(..., max_length=50)
    id_number: Text = Field(..., max_length=18)
    phone: Text = Field(..., max_length=20)
    skills: list[Skill] = Field(default_factory=list, max_length=len(Skill.values))
    availability: Availability = Availability.ANY_TIME
    note: Text = Field("", max_length=300)


class VolunteerPatch(Schema):
    """Only what is sent changes; the ID number is who the person is and never changes."""

    name: Text | None = Field(None, max_length=50)
    phone: Text | None = Field(None, max_length=20)
    skills: list[Skill] | None = Field(None, max_length=len(Skill.values))
    availability: Availability | None = None
    note: Text | None = Field(None, max_length=300)
    status: VolunteerStatus | None = None


class SignUpAnswerIn(Schema):
    accept: bool = Field(..., description="true confirms the sign-up, false declines it")


class PersonalField(StrEnum):
    ID_NUMBER = "id_number"
    PHONE = "phone"


class RevealIn(Schema):
    field: PersonalField


class RevealedOut(Schema):
    field: PersonalField
    value: str = Field(..., description="in full; the reveal is kept in the audit log")


@router.get("/volunteers", response={200: list[VolunteerOut], **ERRORS})
@paginate(Pages)
def list_volunteers(request, filters: Query[VolunteerFilters]):
    place = place_for(request, filters.place_id, Capability.VIEW_ACTIVITIES)
    return selectors.volunteers(request.scope, place, status=filters.status or "")


@router.post("/volunteers", response={201: VolunteerOut, **ERRORS})
def add_volunteer(request, data: VolunteerIn):
    """A volunteer the station adds (active at once), linked to the roll when the ID number is a
    veteran's of the district."""
    place = place_for(request, data.place_id, MANAGE)
    volunteer = services.add_volunteer(by=request.auth, place=place, **data.dict(exclude={"place_id"}))
    return Status(201, volunteer)


@router.patch("/volunteers/{volunteer_id}", response={200: VolunteerOut, **ERRORS})
def update_volunteer(request, volunteer_id: Id, data: VolunteerPatch):
    volunteer = _volunteer(request, volunteer_id, MANAGE)
    fields = {name: value for name, value in data.dict(exclude_unset=True).items() if value is not None}
    if not fields.get("phone", True):
        del fields["phone"]  # empty keeps the number on file, as on the page
    return services.update_volunteer(by=request.auth, volunteer=volunteer, **fields)


@router.post("/volunteers/{volunteer_id}/confirm", response={200: VolunteerOut, **ERRORS})
def confirm_volunteer(request, volunteer_id: Id, data: SignUpAnswerIn):
    """The station's answer to a sign-up through its QR poster; an answered one is refused (422)."""
    volunteer = _volunteer(request, volunteer_id, MANAGE)
    return services.confirm_volunteer(by=request.auth, volunteer=volunteer, accept=data.accept)


@router.post("/volunteers/{volunteer_id}/reveal", response={200: RevealedOut, **ERRORS})
def reveal_volunteer(request, volunteer_id: Id, data: RevealIn):
    answer_shown_once(request)  # the answer holds a secret: not kept for a retry (core/once.py)
    volunteer = _volunteer(request, volunteer_id, Capability.REVEAL_PERSONAL_DATA)
    value = services.reveal_volunteer(by=request.auth, volunteer=volunteer, field=data.field)
    return {"field": data.field, "value": value}


# --- teams and deployments ----------------------------------------------------------------------------


class TeamIn(Schema):
    name: Text = Field(..., max_length=60)
    duties: Text = Field("", max_length=300)
    member_ids: list[Id] = Field(default_factory=list, max_length=500)
    leader_id: Id | None = Field(None, description="one of the members (made one if not listed)")


class NewTeamIn(TeamIn):
    place_id: Id


class TeamOut(Schema):
    id: int
    place_id: int
    name: str
    duties: str
    leader_id: int | None
    member_ids: list[int]

    @staticmethod
    def resolve_member_ids(team: Team) -> list[int]:
        return sorted(v.pk for v in team.members.all())


def _save_team(request, place: OrgUnit, data: TeamIn, team: Team | None = None) -> Team:
    # The volunteers the caller sees under the place; one named beyond them is refused, never dropped.
    # The service says why one seen is not fit (not active).
    wanted = {*data.member_ids, *([data.leader_id] if data.leader_id else [])}
    found = {v.pk: v for v in selectors.volunteers(request.scope, place).filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise Http404
    return services.save_team(
        by=request.auth,
        place=place,
        team=team,
        name=data.name,
        duties=data.duties,
        members=[found[pk] for pk in data.member_ids],
        leader=found.get(data.leader_id),
    )


@router.get("/teams", response={200: list[TeamOut], **ERRORS})
@paginate(Pages)
def list_teams(request, place_id: Id):
    return selectors.teams(request.scope, place_for(request, place_id, Capability.VIEW_ACTIVITIES))


@router.post("/teams", response={201: TeamOut, **ERRORS})
def add_team(request, data: NewTeamIn):
    return Status(201, _save_team(request, place_for(request, data.place_id, MANAGE), data))


@router.put("/teams/{team_id}", response={200: TeamOut, **ERRORS})
def change_team(request, team_id: Id, data: TeamIn):
    """The team as it is to be: name, duties, every member and the leader."""
    team = get_for(request.scope, Team.objects.select_related("place"), MANAGE, pk=team_id)
    return _save_team(request, team.place, data, team)


class DeploymentIn(Schema):
    place_id: Id = Field(..., description="where they are sent to work")
    volunteer_id: Id | None = Field(None, description="a person, or")
    team_id: Id | None = Field(None, description="a team")
    start: Day
    end: Day
    task: Text = Field(..., max_length=300)


class DeploymentOut(Schema):
    id: int
    place_id: int
    volunteer_id: int | None
    team_id: int | None
    start: date
    end: date
    task: str


@router.get("/deployments", response={200: list[DeploymentOut], **ERRORS})
@paginate(Pages)
def list_deployments(request, place_id: Id, on: Day | None = None):
    """People and teams sent to the place or below it; with `on`, those at work on that day."""
    place = place_for(request, place_id, Capability.VIEW_ACTIVITIES)
    return selectors.deployments(request.scope, place, on=on)


@router.post("/deployments", response={201: DeploymentOut, **ERRORS})
def deploy(request, data: DeploymentIn):
    """Send a person or a team, from anywhere the caller manages, to work at the place."""
    place = place_for(request, data.place_id, MANAGE)
    scope = request.scope
    volunteer = (
        get_for(scope, Volunteer.objects.all(), MANAGE, pk=data.volunteer_id) if data.volunteer_id else None
    )
    team = get_for(scope, Team.objects.all(), MANAGE, pk=data.team_id) if data.team_id else None
    deployment = services.deploy(
        by=request.auth,
        place=place,
        volunteer=volunteer,
        team=team,
        start=data.start,
        end=data.end,
        task=data.task,
    )
    return Status(201, deployment)


# --- deeds ---------------------------------------------------------------------------------------------


class DeedIn(Schema):
    place_id: Id
    day: Day
    volunteer_id: Id | None = Field(None, description="an active volunteer of the place, or")
    person: Text = Field("", max_length=100, description="anyone else whose deed it is")
    title: Text = Field(..., max_length=120)
    story: Text = Field(..., max_length=4000)


class DeedOut(Schema):
    id: int
    place_id: int
    day: date
    person: str
    volunteer_id: int | None
    title: str
    story: str
    photos: list[PhotoOut]

    @staticmethod
    def resolve_photos(deed: Deed) -> list:
        return list(deed.photos.all())


@router.get("/deeds", response={200: list[DeedOut], **ERRORS})
@paginate(Pages)
def list_deeds(request, period: Query[Period]):
    """The deeds of the place and below in the period, with their photos (at /photos/{id}/)."""
    place = place_and_period(request, period)
    return selectors.deeds(request.scope, place, period.start, period.end)


@router.post("/deeds", response={201: DeedOut, **ERRORS})
def record_deed(request, data: DeedIn):
    """A named person's deed, for the place's record and later briefings; its photos follow, one
    request each, to /deeds/{deed_id}/photos."""
    place = place_for(request, data.place_id, Capability.RECORD_ACTIVITIES)
    volunteer = None
    if data.volunteer_id:
        active = selectors.volunteers(request.scope, place, status=VolunteerStatus.ACTIVE)
        volunteer = active.filter(pk=data.volunteer_id).first()
        if volunteer is None:
            raise Http404
    elif not data.person.strip():
        raise ValidationError({"person": _("Say whose deed it is.")})
    deed = services.record_deed(
        by=request.auth,
        place=place,
        day=data.day,
        person=data.person,
        volunteer=volunteer,
        title=data.title,
        story=data.story,
    )
    return Status(201, deed)


@router.post("/deeds/{deed_id}/photos", response={201: list[PhotoOut], **ERRORS})
def add_deed_photo(request, deed_id: Id, photo: File[UploadedFile] = None, form: Form[PhotoIn] = None):
    """A photo of the deed (JPEG, PNG or WebP, 10 MB at most) as multipart `photo` with its `caption`."""
    deed = get_for(
        request.scope, Deed.objects.select_related("place"), Capability.RECORD_ACTIVITIES, pk=deed_id
    )
    photos = services.add_deed_photos(
        by=request.auth, deed=deed, photos=photo_upload(photo, form or PhotoIn())
    )
    return Status(201, photos)
