"""The activity ledger under /api/v1/activities: records in and out, corrections, photos of what a
record counts, totals, the breakdown by child place and by day, all read from the kept totals."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.core.forms import LONGEST_PERIOD_DAYS
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.mobilization import selectors, services
from qunfang.mobilization.models import ActivityRecord, ActivityType

router = Router(tags=["activities"])


class Period(Schema):
    place_id: Id = Field(..., description="this place and everything under it")
    start: Day
    end: Day


def place_and_period(request, period: Period, capability=Capability.VIEW_ACTIVITIES) -> OrgUnit:
    if period.end < period.start:
        raise ValidationError(_("The period ends before it starts."))
    if (period.end - period.start).days > LONGEST_PERIOD_DAYS:
        raise ValidationError(_("Ask for two years at most at a time."))
    return place_for(request, period.place_id, capability)


class TypeOut(Schema):
    code: str
    name_zh: str
    name_en: str
    unit: str
    category: str
    counts_people_reached: bool


class RecordOut(Schema):
    id: int
    place_id: int
    day: date
    type: str = Field(..., alias="activity_type.code")
    count: int
    people_reached: int
    participants: str
    volunteer_ids: list[int]
    note: str
    reverses_id: int | None
    recorded_at: datetime

    @staticmethod
    def resolve_volunteer_ids(record: ActivityRecord) -> list[int]:
        return [v.pk for v in record.volunteers.all()]


class EntryIn(Schema):
    type: Text = Field(..., max_length=40, description="an activity type's code")
    count: int = Field(..., ge=0, le=10**9)
    people_reached: int = Field(0, ge=0, le=10**10)


class DayIn(Schema):
    place_id: Id
    day: Day
    entries: list[EntryIn] = Field(..., min_length=1, max_length=50)
    participants: Text = Field("", max_length=300)
    volunteer_ids: list[Id] = Field([], max_length=200)
    note: Text = Field("", max_length=500)
    submission: Text = Field(
        ..., min_length=8, max_length=64, description="one key per form: sent again, it is recorded once"
    )


class CorrectionIn(Schema):
    count: int = Field(..., ge=0, le=10**9)
    people_reached: int = Field(0, ge=0, le=10**10)
    note: Text = Field(..., min_length=1, max_length=500)


class TotalOut(Schema):
    type: str
    name: str
    unit: str
    count: int
    people_reached: int


class TotalsOut(Schema):
    place_id: int
    start: date
    end: date
    totals: list[TotalOut]


class ChildOut(Schema):
    place_id: int
    name: str
    counts: list[int]


class BreakdownOut(Schema):
    types: list[str]
    children: list[ChildOut]


class DayOut(Schema):
    day: date
    counts: list[int]


class DailyOut(Schema):
    types: list[str]
    days: list[DayOut]


@router.get("/activities/types", response={200: list[TypeOut], **ERRORS})
def list_types(request):
    return selectors.activity_types()


@router.get("/activities/records", response={200: list[RecordOut], **ERRORS})
@paginate(Pages)
def list_records(request, period: Query[Period], type: Text = ""):
    place = place_and_period(request, period)
    kind = ActivityType.objects.filter(code=type).first() if type else None
    if type and kind is None:
        return ActivityRecord.objects.none()
    return selectors.records(request.scope, place, period.start, period.end, kind)


@router.post("/activities/records", response={201: list[RecordOut], 200: list[RecordOut], **ERRORS})
def record_day(request, data: DayIn):
    """A station's day: one record per activity with a count. The same `submission` sent again (a
    retry on a bad network) answers 200 with the records of the first time and records nothing."""
    place = place_for(request, data.place_id, Capability.RECORD_ACTIVITIES)
    kinds = {kind.code: kind for kind in selectors.activity_types()}
    unknown = sorted({entry.type for entry in data.entries} - kinds.keys())
    if unknown:
        raise ValidationError(_("Unknown activity type: %(codes)s.") % {"codes": ", ".join(unknown)})
    people = list(
        selectors.who_can_take_part(request.scope, place, data.day).filter(pk__in=data.volunteer_ids)
    )
    if len(people) != len(set(data.volunteer_ids)):
        raise ValidationError(_("Some of the volunteers cannot have taken part here on that day."))
    repeated = ActivityRecord.objects.filter(submission=data.submission).exists()
    records = services.record_day(
        by=request.auth,
        place=place,
        day=data.day,
        entries=[services.Entry(kinds[e.type], e.count, e.people_reached) for e in data.entries],
        participants=data.participants,
        note=data.note,
        submission=data.submission,
        volunteers=people,
    )
    return Status(200 if repeated else 201, records)


@router.post("/activities/records/{record_id}/correct", response={201: list[RecordOut], **ERRORS})
def correct_record(request, record_id: Id, data: CorrectionIn):
    """Reverse a record and record the right count; answers the new records (none for a withdrawal)."""
    record = get_for(request.scope, ActivityRecord.objects.all(), Capability.RECORD_ACTIVITIES, pk=record_id)
    corrected = services.correct_record(
        by=request.auth, record=record, count=data.count, people_reached=data.people_reached, note=data.note
    )
    return Status(201, [corrected] if corrected else [])


@router.get("/activities/totals", response={200: TotalsOut, **ERRORS})
def totals(request, period: Query[Period]):
    """Per activity type, the place's and its subtree's sums for the period, from the kept totals."""
    place = place_and_period(request, period)
    rows = selectors.totals(request.scope, place, period.start, period.end)
    return {
        "place_id": place.pk,
        "start": period.start,
        "end": period.end,
        "totals": [
            {
                "type": row["type"].code,
                "name": row["type"].name,
                "unit": row["type"].unit,
                "count": row["count"],
                "people_reached": row["reached"],
            }
            for row in rows
        ],
    }


@router.get("/activities/breakdown", response={200: BreakdownOut, **ERRORS})
def breakdown(request, period: Query[Period]):
    """Per child place, its counts per type (in the order of `types`)."""
    place = place_and_period(request, period)
    rows = selectors.breakdown(request.scope, place, period.start, period.end)
    return {
        "types": [kind.code for kind in selectors.activity_types()],
        "children": [
            {"place_id": r["place"].pk, "name": r["place"].name, "counts": r["counts"]} for r in rows
        ],
    }


@router.get("/activities/daily", response={200: DailyOut, **ERRORS})
def daily(request, period: Query[Period]):
    """Per day with anything recorded, the counts per type (in the order of `types`)."""
    place = place_and_period(request, period)
    return {
        "types": [kind.code for kind in selectors.activity_types()],
        "days": selectors.by_day(request.scope, place, period.start, period.end),
    }


class PhotoIn(Schema):
    caption: Text = Field("", max_length=200)


class PhotoOut(Schema):
    id: int
    caption: str
    width: int
    height: int


def photo_upload(photo: UploadedFile | None, form: PhotoIn) -> list[tuple[UploadedFile, str]]:
    """The one photo of a multipart request, as the services take photos (checked and shrunk there).
    Missing, it is refused here rather than by the parser, so that an unreachable record answers 404
    before anything is said about the body."""
    if photo is None:
        raise ValidationError({"photo": _("Choose a photo.")})
    return [(photo, form.caption)]


@router.post("/activities/records/{record_id}/photos", response={201: list[PhotoOut], **ERRORS})
def add_record_photo(request, record_id: Id, photo: File[UploadedFile] = None, form: Form[PhotoIn] = None):
    """A photo (JPEG, PNG or WebP, 10 MB at most) of what a record counts, sent as multipart
    `photo` with its `caption`; it is turned upright, shrunk and stripped of the camera's data."""
    record = get_for(request.scope, ActivityRecord.objects.all(), Capability.RECORD_ACTIVITIES, pk=record_id)
    photos = services.add_photos(
        by=request.auth, record=record, photos=photo_upload(photo, form or PhotoIn())
    )
    return Status(201, photos)
