"""The ledger's pages: a station's day on one form, the statistics of a place for a period (totals,
a table by child place, a table by day), the entries behind any total, corrections, and the export."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core.access import get_for, requires
from qunfang.core.roles import Capability
from qunfang.core.views import form_page, paginate, place_for
from qunfang.lib.tables import XLSX_MIME, write_xlsx
from qunfang.mobilization import selectors, services
from qunfang.mobilization.forms import CorrectionForm, DayForm, PeriodForm
from qunfang.mobilization.models import ActivityRecord, ActivityType


def _period(request) -> tuple[PeriodForm, object, object]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    start = today - timedelta(days=29)
    return PeriodForm(initial={"start": start, "end": today}), start, today


def stats_url(place, start, end) -> str:
    return f"{reverse('mobilization:stats', args=[place.pk])}?start={start}&end={end}"


@requires(Capability.RECORD_ACTIVITIES)
def day_entry(request, place_id: int):
    place = place_for(request, place_id, Capability.RECORD_ACTIVITIES)
    form = DayForm(request.POST or None, types=list(selectors.activity_types()))
    if request.method == "POST" and form.is_valid():
        entries = [services.Entry(kind, count, reached) for kind, count, reached in form.counts()]
        try:
            records = services.record_day(
                by=request.user,
                place=place,
                day=form.cleaned_data["day"],
                entries=entries,
                participants=form.cleaned_data["participants"],
                note=form.cleaned_data["note"],
                submission=form.cleaned_data["submission"],
            )
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                field = key if key in form.fields else f"count_{key}"
                form.add_error(field if field in form.fields else None, problems)
        else:
            day = form.cleaned_data["day"]
            messages.success(
                request, _("%(count)s records kept for %(day)s.") % {"count": len(records), "day": day}
            )
            return redirect(stats_url(place, day, day))
    return render(request, "mobilization/day_entry.html", {"form": form, "place": place})


@requires(Capability.VIEW_ACTIVITIES)
def stats(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_ACTIVITIES)
    period, start, end = _period(request)
    return render(
        request,
        "mobilization/stats.html",
        {
            "place": place,
            "period": period,
            "start": start,
            "end": end,
            "totals": selectors.totals(request.scope, place, start, end),
            "types": list(selectors.activity_types()),
            "children": selectors.breakdown(request.scope, place, start, end),
            "days": selectors.by_day(request.scope, place, start, end),
            "can_record": request.scope.allows(Capability.RECORD_ACTIVITIES, place),
            "up": place.parent
            if place.parent_id and request.scope.allows(Capability.VIEW_ACTIVITIES, place.parent)
            else None,
        },
    )


@requires(Capability.VIEW_ACTIVITIES)
def stats_export(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_ACTIVITIES)
    _form, start, end = _period(request)
    types = list(selectors.activity_types())
    headings = [_("Place"), *(f"{kind.name}（{kind.unit}）" for kind in types)]
    rows = [
        [row["place"].name, *row["counts"]] for row in selectors.breakdown(request.scope, place, start, end)
    ]
    rows.append(
        [place.name, *(total["count"] for total in selectors.totals(request.scope, place, start, end))]
    )
    response = HttpResponse(write_xlsx(f"{start}-{end}", headings, rows), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="activities-{place.pk}-{start}-{end}.xlsx"'
    return response


@requires(Capability.VIEW_ACTIVITIES)
def ledger(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_ACTIVITIES)
    period, start, end = _period(request)
    kind = ActivityType.objects.filter(code=request.GET.get("type", "")).first()
    found = selectors.records(request.scope, place, start, end, kind)
    query = "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page")
    return render(
        request,
        "mobilization/ledger.html",
        {
            "place": place,
            "period": period,
            "kind": kind,
            "records": paginate(request, found),
            "page_query": query,
        },
    )


@requires(Capability.RECORD_ACTIVITIES)
def correct(request, record_id: int):
    record = get_for(
        request.scope,
        ActivityRecord.objects.select_related("place", "activity_type"),
        Capability.RECORD_ACTIVITIES,
        pk=record_id,
    )
    form = CorrectionForm(
        request.POST or None, initial={"count": record.count, "people_reached": record.people_reached}
    )
    return form_page(
        request,
        form,
        place=record.place,
        title=_("Correct %(activity)s of %(day)s at %(place)s")
        % {"activity": record.activity_type.name, "day": record.day, "place": record.place.name},
        save=lambda data: services.correct_record(
            by=request.user,
            record=record,
            count=data["count"],
            people_reached=data.get("people_reached") or 0,
            note=data["note"],
        ),
        done=lambda _new: (
            _("Corrected: the old record is reversed and kept."),
            f"{reverse('mobilization:ledger', args=[record.place_id])}?start={record.day}&end={record.day}",
        ),
    )
