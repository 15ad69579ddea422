"""Daily reporting under /api/v1/reports: the data sets (a bureau's own defined and changed), submitting
(idempotent: the same submission sent twice on a bad network is one report), reading with versions,
completeness, totals, review (one report or all of a day's) and reminding a place that has not reported."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.core.forms import LONGEST_PERIOD_DAYS
from qunfang.core.models import Level, OrgUnit
from qunfang.core.replica import reads_from_replica
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.reporting import selectors, services
from qunfang.reporting.models import DataSet, Periodicity, Report, ReportStatus, ReportVersion, Rule

router = Router(tags=["reports"])


def _data_set(code: str) -> DataSet:
    found = selectors.data_sets().filter(code=code).first()
    if found is None:
        raise Http404(_("No data set is in use."))
    return found


class FieldOut(Schema):
    code: str
    name_zh: str
    name_en: str
    unit: str


class RuleOut(Schema):
    left: str = Field(..., alias="left.code")
    operator: str
    right: str = Field(..., alias="right.code")


class DataSetOut(Schema):
    id: int
    owner_id: int | None = Field(..., description="the bureau's place that defined it; none: everywhere's")
    code: str
    name_zh: str
    name_en: str
    level: str
    periodicity: str
    deadline_hour: int
    remind_hours_before: int
    fields: list[FieldOut]
    rules: list[RuleOut]

    @staticmethod
    def resolve_fields(data_set: DataSet) -> list:
        return list(data_set.fields.all())

    @staticmethod
    def resolve_rules(data_set: DataSet) -> list:
        return list(data_set.rules.select_related("left", "right"))


class VersionOut(Schema):
    number: int
    values: dict[str, int]
    zero: bool
    submitted_at: datetime


class ReportOut(Schema):
    id: int
    data_set: str = Field(..., alias="data_set.code")
    place_id: int
    period_start: date
    values: dict[str, int]
    zero: bool
    late: bool
    status: ReportStatus
    return_reason: str
    first_submitted_at: datetime


class ReportWithVersionsOut(ReportOut):
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(report: Report) -> list:
        return list(report.versions.all())


class ReportIn(Schema):
    data_set: Text = Field(..., max_length=40)
    place_id: Id
    period_start: Day
    values: dict[str, Any] = Field({}, max_length=50, description="field code → whole number; none for zero")
    zero: bool = Field(False, description="an explicit zero report: nothing to report")
    submission: Text = Field(
        ..., min_length=8, max_length=64, description="one key per form: sent again, it is one report"
    )
    base_version: int | None = Field(
        None, ge=0, le=1_000_000, description="versions the sender saw; if there are more now: refused (422)"
    )


class ReturnIn(Schema):
    reason: Text = Field(..., min_length=1, max_length=300)


class CompletenessQuery(Schema):
    place_id: Id
    data_set: Text = Field(..., max_length=40)
    day: Day


class CountsOut(Schema):
    place_id: int
    name: str
    expected: int
    reported: int
    on_time: int
    late: int
    missing: int
    zero: int
    approved: int
    rate: float

    @staticmethod
    def resolve_place_id(row) -> int:
        return row.place.pk

    @staticmethod
    def resolve_name(row) -> str:
        return row.place.name


class LevelRateOut(Schema):
    level: str
    places: int = Field(..., description="places of this level that hold reporting places")
    complete: int = Field(..., description="of them, those whose every place reported")
    expected: int
    reported: int
    rate: float


class CompletenessOut(Schema):
    place: CountsOut
    children: list[CountsOut]
    levels: list[LevelRateOut]


class PeriodQuery(Schema):
    place_id: Id
    data_set: Text = Field(..., max_length=40)
    start: Day
    end: Day


class ReportTotalsOut(Schema):
    place_id: int
    start: date
    end: date
    approved: bool
    totals: dict[str, int]


def _period(request, query: PeriodQuery) -> tuple[OrgUnit, DataSet]:
    if query.end < query.start:
        raise ValidationError(_("The period ends before it starts."))
    if (query.end - query.start).days > LONGEST_PERIOD_DAYS:
        raise ValidationError(_("Ask for two years at most at a time."))
    return place_for(request, query.place_id, Capability.VIEW_REPORTS), _data_set(query.data_set)


@router.get("/reports/data-sets", response={200: list[DataSetOut], **ERRORS})
def list_data_sets(request):
    return selectors.data_sets()


@router.post("/reports", response={201: ReportOut, 200: ReportOut, **ERRORS})
def submit_report(request, data: ReportIn):
    """Submit or correct a place's report of a period. The same `submission` sent again answers 200
    with the report and stores nothing."""
    place = place_for(request, data.place_id, Capability.SUBMIT_REPORTS)
    data_set = _data_set(data.data_set)
    repeated = ReportVersion.objects.filter(submission=data.submission).exists()
    report = services.submit_report(
        by=request.auth,
        data_set=data_set,
        place=place,
        period_start=data.period_start,
        values=data.values,
        zero=data.zero,
        submission=data.submission,
        base_version=data.base_version,
    )
    return Status(200 if repeated else 201, report)


@router.get("/reports", response={200: list[ReportOut], **ERRORS})
@paginate(Pages)
def list_reports(request, query: Query[PeriodQuery]):
    place, data_set = _period(request, query)
    return selectors.reports(request.scope, data_set, place, query.start, query.end).select_related(
        "data_set"
    )


@router.get("/reports/completeness", response={200: CompletenessOut, **ERRORS})
@reads_from_replica
def completeness(request, query: Query[CompletenessQuery]):
    """For the place and each child holding reporting places: expected, on time, late, missing; and for
    each level below, how many places reported completely."""
    place, data_set = place_for(request, query.place_id, Capability.VIEW_REPORTS), _data_set(query.data_set)
    found = selectors.completeness(request.scope, data_set, place, query.day)
    levels = selectors.rates_by_level(request.scope, data_set, place, query.day)
    return {"place": found.place, "children": found.children, "levels": levels}


@router.get("/reports/totals", response={200: ReportTotalsOut, **ERRORS})
def totals(request, query: Query[PeriodQuery], approved: bool = False):
    """Each field's sum over the period for the place and its subtree, as submitted or as approved."""
    place, data_set = _period(request, query)
    sums = selectors.totals(request.scope, data_set, place, query.start, query.end, approved=approved)
    return {
        "place_id": place.pk,
        "start": query.start,
        "end": query.end,
        "approved": approved,
        "totals": sums,
    }


def _report(request, report_id: int) -> Report:
    return get_for(
        request.scope,
        Report.objects.select_related("data_set", "place"),
        Capability.VIEW_REPORTS,
        pk=report_id,
    )


@router.get("/reports/{report_id}", response={200: ReportWithVersionsOut, **ERRORS})
def get_report(request, report_id: Id):
    return _report(request, report_id)


@router.post("/reports/{report_id}/approve", response={200: ReportOut, **ERRORS})
def approve_report(request, report_id: Id):
    """The level above approves: the report locks and its figures join the approved totals."""
    return services.approve_report(by=request.auth, report=_report(request, report_id), scope=request.scope)


@router.post("/reports/{report_id}/return", response={200: ReportOut, **ERRORS})
def return_report(request, report_id: Id, data: ReturnIn):
    """The level above sends the report back with the reason; the station corrects and resubmits."""
    report = _report(request, report_id)
    return services.return_report(by=request.auth, report=report, reason=data.reason, scope=request.scope)


# --- a day's reviews and reminders --------------------------------------------------------------------


class ReviewDayIn(Schema):
    data_set: Text = Field(..., max_length=40)
    day: Day = Field(..., description="the period's first day")


class ApprovedOut(Schema):
    approved: int = Field(..., description="reports approved now")


class ReminderOut(Schema):
    place_id: int
    period_start: date
    sent_at: datetime
    recipients: int


def _data_set_at(place: OrgUnit, code: str) -> DataSet:
    """A data set in use at the place, as the place's pages offer them."""
    found = selectors.data_sets(place).filter(code=code).first()
    if found is None:
        raise Http404(_("No data set is in use."))
    return found


@router.post("/places/{place_id}/reports/approve-all", response={200: ApprovedOut, **ERRORS})
def approve_all(request, place_id: Id, data: ReviewDayIn):
    """Approve every report the place's children sent for the day and nobody returned."""
    place = place_for(request, place_id, Capability.APPROVE_REPORTS)
    data_set = _data_set_at(place, data.data_set)
    waiting = selectors.awaiting_review(request.scope, data_set, place, data.day)
    return {"approved": services.approve_reports(by=request.auth, reports=waiting, scope=request.scope)}


@router.post("/places/{place_id}/reports/remind", response={201: ReminderOut, **ERRORS})
def remind(request, place_id: Id, data: ReviewDayIn):
    """Remind a reporting place of the period's report it has not sent: once a period, as the reminder
    job does, so that a place reminded by either is not reminded again."""
    place = place_for(request, place_id, Capability.APPROVE_REPORTS)
    data_set = _data_set_at(place, data.data_set)
    reminder = services.remind_place(by=request.auth, data_set=data_set, place=place, period_start=data.day)
    return Status(201, reminder)


# --- a bureau's own data sets -------------------------------------------------------------------------


class FieldIn(Schema):
    code: Text = Field(..., pattern=r"^[-a-zA-Z0-9_]+$", max_length=40)
    name_zh: Text = Field(..., min_length=1, max_length=80)
    name_en: Text = Field("", max_length=120)
    unit: Text = Field("", max_length=10)


class RuleIn(Schema):
    left: Text = Field(..., max_length=40, description="a field's code")
    operator: Rule.Operator
    right: Text = Field(..., max_length=40, description="a field's code")


class DataSetIn(Schema):
    code: Text = Field(..., pattern=r"^[-a-zA-Z0-9_]+$", max_length=40)
    name_zh: Text = Field(..., min_length=1, max_length=80)
    name_en: Text = Field("", max_length=120, description="the Chinese name when empty")
    level: Level = Level.VILLAGE
    periodicity: Periodicity = Periodicity.DAILY
    deadline_hour: int = Field(10, ge=0, le=23, description="due at this hour the next day")
    remind_hours_before: int = Field(2, ge=0, le=23)
    fields: list[FieldIn] = Field(..., max_length=50, description="in their order on the form")
    rules: list[RuleIn] = Field([], max_length=50)


def _save_data_set(request, owner: OrgUnit, data: DataSetIn, data_set: DataSet | None) -> DataSet:
    facts = data.dict(exclude={"fields", "rules"})
    return services.save_data_set(
        by=request.auth,
        owner=owner,
        facts=facts,
        fields=[field.dict() for field in data.fields],
        rules=[(rule.left, rule.operator, rule.right) for rule in data.rules],
        data_set=data_set,
    )


@router.post("/places/{place_id}/data-sets", response={201: DataSetOut, **ERRORS})
def create_data_set(request, place_id: Id, data: DataSetIn):
    """A data set of the bureau at the place, reported by the places of its level under it."""
    owner = place_for(request, place_id, Capability.MANAGE_DATA_SETS)
    return Status(201, _save_data_set(request, owner, data, None))


@router.put("/data-sets/{data_set_id}", response={200: DataSetOut, **ERRORS})
def update_data_set(request, data_set_id: Id, data: DataSetIn):
    """Change a bureau's own data set (the one reported everywhere is the operator's), all of it as on
    its form. Once it has reports its fields keep their codes and its level stays."""
    data_set = selectors.data_set_to_manage(request.scope, data_set_id)
    return _save_data_set(request, data_set.owner, data, data_set)
