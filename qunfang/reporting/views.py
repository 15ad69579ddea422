"""Daily reporting's pages: a place's reporting (completeness, grid, rates, totals, what waits for its
review), the phone-first report form with its "zero report" button, a report with its versions and the
level above's decision, and the period's table as .xlsx. Thin: parse, scope, call, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires
from qunfang.core.replica import reads_from_replica
from qunfang.core.roles import Capability
from qunfang.core.views import add_service_errors, back_to, period_from, place_for
from qunfang.lib.numbers import with_unit
from qunfang.lib.tables import XLSX_MIME, write_xlsx
from qunfang.lib.twins import api_twin
from qunfang.reporting import selectors, services
from qunfang.reporting.forms import DataSetForm, FieldRows, ReportForm, ReturnForm, RuleRows, default_period
from qunfang.reporting.models import DataSet, Report, ReportStatus


def _data_set(request, place) -> DataSet:
    """The data set the page is for (?set=code), else the first in use at the place."""
    found = selectors.data_sets(place)
    chosen = request.GET.get("set") or request.POST.get("set")
    data_set = found.filter(code=chosen).first() if chosen else found.first()
    if data_set is None:
        raise Http404(_("No data set is in use."))
    return data_set


def _day(request, data_set: DataSet) -> date:
    try:
        return date.fromisoformat(request.GET.get("day") or "")
    except ValueError:
        return default_period(data_set)


def place_url(place_id: int, data_set: DataSet, day: date) -> str:
    return f"{reverse('reporting:place', args=[place_id])}?set={data_set.code}&day={day.isoformat()}"


@reads_from_replica
@requires(Capability.VIEW_REPORTS)
def place_reporting(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_REPORTS)
    data_set = _data_set(request, place)
    day = _day(request, data_set)
    found = selectors.completeness(request.scope, data_set, place, day)
    can_review = request.scope.allows(Capability.APPROVE_REPORTS, place)
    fields = list(data_set.fields.all())
    submitted = selectors.totals(request.scope, data_set, place, day, day)
    approved = selectors.totals(request.scope, data_set, place, day, day, approved=True)
    return render(
        request,
        "reporting/place.html",
        {
            "place": place,
            "data_set": data_set,
            "data_sets": selectors.data_sets(place),
            "day": day,
            "found": found,
            "grid": selectors.grid(request.scope, data_set, found, day),
            "rates": selectors.rates_by_level(request.scope, data_set, place, day),
            "fields": fields,
            "figures": [(f, submitted[f.code], approved[f.code]) for f in fields],
            "up_allowed": place.parent_id is not None
            and request.scope.allows(Capability.VIEW_REPORTS, place.parent),
            "own_report": selectors.report_for(request.scope, data_set, place, day)
            if place.level == data_set.level
            else None,
            "reports_here": place.level == data_set.level,
            "can_submit": place.level == data_set.level
            and request.scope.allows(Capability.SUBMIT_REPORTS, place),
            "waiting": selectors.awaiting_review(request.scope, data_set, place, day) if can_review else [],
            "missing": selectors.missing_places(request.scope, data_set, place, day)
            if not place.level == data_set.level
            else [],
            "can_remind": can_review,
            "return_form": ReturnForm(),
        },
    )


@requires(Capability.SUBMIT_REPORTS)
@api_twin("qunfang.reporting.api.submit_report")
def submit(request, place_id: int):
    place = place_for(request, place_id, Capability.SUBMIT_REPORTS)
    data_set = _data_set(request, place)
    if place.level != data_set.level:
        raise Http404(_("This place does not report this data set."))
    day = _day(request, data_set)
    report = selectors.report_for(request.scope, data_set, place, day)
    form = ReportForm(request.POST or None, data_set=data_set, report=report, initial={"period_start": day})
    zero = "zero" in request.POST
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if zero and any(values.values()):
            form.add_error(
                None, _("You entered figures: a zero report has none. Clear them, or submit them.")
            )
        else:
            try:
                saved = services.submit_report(
                    by=request.user,
                    data_set=data_set,
                    place=place,
                    period_start=form.cleaned_data["period_start"],
                    values=values,
                    zero=zero,
                    submission=form.cleaned_data["submission"],
                    base_version=form.base_version(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                message = _("Zero report sent for %(day)s.") if saved.zero else _("Report sent for %(day)s.")
                messages.success(request, message % {"day": saved.period_start})
                return redirect(place_url(place.pk, data_set, saved.period_start))
    return render(
        request,
        "reporting/submit.html",
        {"place": place, "data_set": data_set, "day": day, "form": form, "report": report},
    )


def _report(request, report_id: int) -> Report:
    return get_for(
        request.scope,
        Report.objects.select_related("place", "data_set", "reviewed_by"),
        Capability.VIEW_REPORTS,
        pk=report_id,
    )


@requires(Capability.VIEW_REPORTS)
def report_detail(request, report_id: int):
    report = _report(request, report_id)
    parent = report.place.parent
    return render(
        request,
        "reporting/report.html",
        {
            "report": report,
            "place": report.place,
            "rows": [(f, report.values.get(f.code, 0)) for f in report.data_set.fields.all()],
            "versions": report.versions.select_related("submitted_by"),
            "fields": list(report.data_set.fields.all()),
            "can_review": parent is not None
            and report.status == ReportStatus.SUBMITTED
            and request.scope.allows(Capability.APPROVE_REPORTS, parent),
            "return_form": ReturnForm(),
        },
    )


@require_POST
@requires(Capability.APPROVE_REPORTS)
@api_twin("qunfang.reporting.api.approve_report", "qunfang.reporting.api.return_report")
def review(request, report_id: int):
    """Approve or return one report (the buttons on the report and in the town's list)."""
    report = _report(request, report_id)
    try:
        if request.POST.get("action") == "return":
            form = ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            services.return_report(by=request.user, report=report, reason=reason, scope=request.scope)
            messages.success(request, _("%(place)s's report went back to it.") % {"place": report.place.name})
        else:
            services.approve_report(by=request.user, report=report, scope=request.scope)
            messages.success(request, _("%(place)s's report is approved.") % {"place": report.place.name})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    return redirect(
        place_url(report.place.parent_id or report.place_id, report.data_set, report.period_start)
    )


@require_POST
@requires(Capability.APPROVE_REPORTS)
@api_twin("qunfang.reporting.api.approve_all")
def approve_all(request, place_id: int):
    """Approve every report the place's children sent for the day and nobody returned."""
    place = place_for(request, place_id, Capability.APPROVE_REPORTS)
    data_set = _data_set(request, place)
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError as error:
        raise Http404 from error
    waiting = selectors.awaiting_review(request.scope, data_set, place, day)
    count = services.approve_reports(by=request.user, reports=waiting, scope=request.scope)
    messages.success(request, _("%(count)s reports approved.") % {"count": count})
    return redirect(place_url(place.pk, data_set, day))


@require_POST
@requires(Capability.APPROVE_REPORTS)
@api_twin("qunfang.reporting.api.remind")
def remind(request, place_id: int):
    """Remind one place of a report it has not sent (from the page or the home where it is missing)."""
    place = place_for(request, place_id, Capability.APPROVE_REPORTS)
    data_set = _data_set(request, place)
    try:
        day = date.fromisoformat(request.POST.get("day") or request.GET.get("day") or "")
    except ValueError as error:
        raise Http404 from error
    try:
        reminder = services.remind_place(by=request.user, data_set=data_set, place=place, period_start=day)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(place)s reminded: %(count)s recipient.", "%(place)s reminded: %(count)s recipients.",
                reminder.recipients,
            ) % {"place": place.name, "count": reminder.recipients},
        )  # fmt: skip
    return redirect(back_to(request, place_url(place.pk, data_set, day)))


@reads_from_replica
@requires(Capability.VIEW_REPORTS)
def export(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_REPORTS)
    data_set = _data_set(request, place)
    _form, start, end = period_from(request)
    fields = list(data_set.fields.all())
    headings = [
        _("Day"),
        _("Place"),
        _("Expected"),
        _("On time"),
        _("Late"),
        _("Missing"),
        _("Zero reports"),
        _("Approved"),
        _("Reported (%)"),
        *(with_unit(f.name, f.unit) for f in fields),
    ]
    rows = [
        [
            day,
            row.place.name,
            row.expected,
            row.on_time,
            row.late,
            row.missing,
            row.zero,
            row.approved,
            round(row.rate * 100, 1),
            *(sums[f.code] for f in fields),
        ]
        for day, row, sums in selectors.period_table(request.scope, data_set, place, start, end)
    ]
    response = HttpResponse(write_xlsx(f"{start}-{end}", headings, rows), content_type=XLSX_MIME)
    name = f"{data_set.code}-{place.pk}-{start}-{end}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- data sets: what the places under a bureau report ---------------------------------------------------


@requires(Capability.VIEW_REPORTS)
def data_sets(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_REPORTS)
    return render(
        request,
        "reporting/data_sets.html",
        {
            "place": place,
            "data_sets": selectors.data_sets(place).prefetch_related("rules__left", "rules__right"),
            "can_manage": request.scope.allows(Capability.MANAGE_DATA_SETS, place),
        },
    )


def _data_set_page(request, place, data_set: DataSet | None):
    """The form of a data set with its fields (and, once saved, its rules); saved through the service."""
    initial = {}
    field_rows, rule_rows, codes = [], [], []
    if data_set:
        initial = {name: getattr(data_set, name) for name in services.DATA_SET_FIELDS}
        field_rows = [
            {"code": f.code, "name_zh": f.name_zh, "name_en": f.name_en, "unit": f.unit}
            for f in data_set.fields.all()
        ]
        codes = [(f.code, f.name) for f in data_set.fields.all()]
        rule_rows = [
            {"left": r.left.code, "operator": r.operator, "right": r.right.code} for r in data_set.rules.all()
        ]
    post = request.POST or None
    form = DataSetForm(post, initial=initial)
    fields = FieldRows(post, initial=field_rows, prefix="fields")
    rules = (
        RuleRows(post, initial=rule_rows, prefix="rules", form_kwargs={"codes": codes}) if data_set else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and fields.is_valid()
        and (rules is None or rules.is_valid())
    ):
        try:
            saved = services.save_data_set(
                by=request.user,
                owner=place,
                facts=form.cleaned_data,
                fields=[row for row in fields.cleaned_data if row.get("code")],
                rules=[
                    (r["left"], r["operator"], r["right"]) for r in (rules.cleaned_data if rules else []) if r
                ],
                data_set=data_set,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Data set %(name)s saved.") % {"name": saved.name})
            return redirect("reporting:data_sets", place_id=place.pk)
    return render(
        request,
        "reporting/data_set_form.html",
        {"place": place, "data_set": data_set, "form": form, "fields": fields, "rules": rules},
    )


@requires(Capability.MANAGE_DATA_SETS)
@api_twin("qunfang.reporting.api.create_data_set")
def data_set_new(request, place_id: int):
    return _data_set_page(request, place_for(request, place_id, Capability.MANAGE_DATA_SETS), None)


@requires(Capability.MANAGE_DATA_SETS)
@api_twin("qunfang.reporting.api.update_data_set")
def data_set_edit(request, data_set_id: int):
    """Only a bureau's own data sets; the one reported everywhere is the operator's."""
    data_set = selectors.data_set_to_manage(request.scope, data_set_id)
    return _data_set_page(request, data_set.owner, data_set)
