"""The ledger's pages: a station's day on one form, the statistics of a place for a period (totals,
a table by child place, a table by day), the entries behind any total, corrections, and the export."""

from datetime import date, timedelta

import segno
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, public, requires
from qunfang.core.middleware import client_address
from qunfang.core.models import OrgUnit
from qunfang.core.replica import reads_from_replica
from qunfang.core.roles import Capability
from qunfang.core.views import add_service_errors, form_page, paginate, period_from, place_for
from qunfang.lib.numbers import with_unit
from qunfang.lib.tables import XLSX_MIME, write_xlsx
from qunfang.lib.throttle import allow
from qunfang.lib.twins import api_twin, page_only
from qunfang.mobilization import selectors, services
from qunfang.mobilization.forms import (
    CorrectionForm,
    DayForm,
    DeedForm,
    DeploymentForm,
    PhotoForm,
    SignUpForm,
    TeamForm,
    VolunteerEditForm,
    VolunteerForm,
)
from qunfang.mobilization.models import (
    ActivityRecord,
    ActivityType,
    Deed,
    Photo,
    Skill,
    Team,
    Volunteer,
    VolunteerStatus,
)

SIGNUP_SALT = "qunfang.volunteer-signup"
SIGNUPS_PER_HOUR = 20  # from one address: a family or a station's Wi-Fi, not a script


def daily_chart(types, days, start, end) -> dict:
    """What the page's ECharts line chart draws: a line per activity with anything counted, over every
    day of the period (a day with nothing recorded is a zero, not a gap)."""
    counted = {row["day"]: row["counts"] for row in days}
    period = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    zero = [0] * len(types)
    series = [
        {"name": with_unit(kind.name, kind.unit), "data": [counted.get(day, zero)[i] for day in period]}
        for i, kind in enumerate(types)
        if any(row["counts"][i] for row in days)
    ]
    return {"days": [day.strftime("%m-%d") for day in period], "series": series}


def stats_url(place, start, end) -> str:
    return f"{reverse('mobilization:stats', args=[place.pk])}?start={start}&end={end}"


def form_day(request):
    """The day the form is for: the posted one, the one in the address, or today."""
    try:
        return date.fromisoformat(request.POST.get("day") or request.GET.get("day") or "")
    except ValueError:
        return timezone.localdate()


@requires(Capability.RECORD_ACTIVITIES)
@api_twin("qunfang.mobilization.api.ledger.record_day", "qunfang.mobilization.api.ledger.add_record_photo")
def day_entry(request, place_id: int):
    place = place_for(request, place_id, Capability.RECORD_ACTIVITIES)
    day = form_day(request)
    form = DayForm(
        request.POST or None,
        request.FILES or None,
        types=list(selectors.activity_types()),
        volunteers=selectors.who_can_take_part(request.scope, place, day),
        initial={"day": day},
    )
    already = selectors.recorded_on(place, day)
    if request.method == "POST" and form.is_valid() and already and not form.cleaned_data["add_to_recorded"]:
        if not ActivityRecord.objects.filter(
            submission=form.cleaned_data["submission"], place=place
        ).exists():
            form.add_error(
                "add_to_recorded",
                _("This day already has records (listed above). If this is more work, tick the box; "
                  "if you are saving the same form again, there is nothing more to do."),
            )  # fmt: skip
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
                volunteers=list(form.cleaned_data["volunteers"]),
                photos=[(form.cleaned_data["photo"], form.cleaned_data["caption"])],
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
    return render(
        request, "mobilization/day_entry.html", {"form": form, "place": place, "day": day, "already": already}
    )


@requires(Capability.VIEW_ACTIVITIES)
def stats(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_ACTIVITIES)
    period, start, end = period_from(request)
    types = list(selectors.activity_types())
    days = selectors.by_day(request.scope, place, start, end)
    return render(
        request,
        "mobilization/stats.html",
        {
            "place": place,
            "period": period,
            "start": start,
            "end": end,
            "totals": selectors.totals(request.scope, place, start, end),
            "types": types,
            "children": selectors.breakdown(request.scope, place, start, end),
            "days": days,
            "chart": daily_chart(types, days, start, end),
            "can_record": request.scope.allows(Capability.RECORD_ACTIVITIES, place),
            "up": place.parent
            if place.parent_id and request.scope.allows(Capability.VIEW_ACTIVITIES, place.parent)
            else None,
        },
    )


@reads_from_replica
@requires(Capability.VIEW_ACTIVITIES)
def stats_export(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_ACTIVITIES)
    _form, start, end = period_from(request)
    types = list(selectors.activity_types())
    headings = [_("Place"), *(with_unit(kind.name, kind.unit) for kind in types)]
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
    period, start, end = period_from(request)
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


def record_for(request, record_id: int) -> ActivityRecord:
    """A ledger record the user may record at (to correct it, or to add its photos)."""
    return get_for(
        request.scope,
        ActivityRecord.objects.select_related("place", "activity_type"),
        Capability.RECORD_ACTIVITIES,
        pk=record_id,
    )


def records_of_its_day(record: ActivityRecord) -> str:
    return f"{reverse('mobilization:ledger', args=[record.place_id])}?start={record.day}&end={record.day}"


@requires(Capability.RECORD_ACTIVITIES)
@api_twin("qunfang.mobilization.api.ledger.correct_record")
def correct(request, record_id: int):
    record = record_for(request, record_id)
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
            records_of_its_day(record),
        ),
    )


# --- volunteers ---------------------------------------------------------------------------------------


def volunteer_for(request, volunteer_id: int, capability: Capability) -> Volunteer:
    return get_for(
        request.scope, Volunteer.objects.select_related("place", "veteran"), capability, pk=volunteer_id
    )


def signup_token(place) -> str:
    """The station's sign-up address carries its id signed with the site's key: nobody can make one for
    another place, and nothing needs storing."""
    return signing.Signer(salt=SIGNUP_SALT).sign(str(place.pk))


@requires(Capability.VIEW_ACTIVITIES)
def volunteer_list(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_ACTIVITIES)
    status, skill = request.GET.get("status", ""), request.GET.get("skill", "")
    found = selectors.volunteers(
        request.scope,
        place,
        status=status if status in VolunteerStatus.values else "",
        skill=skill if skill in Skill.values else "",
        name=request.GET.get("name", "")[:50],
    )
    query = "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page")
    page = paginate(request, found)
    for volunteer in page.object_list:  # the badge says "veteran" only of a veteran the user may see
        volunteer.veteran_shown = bool(
            volunteer.veteran and request.scope.allows(Capability.VIEW_VETERANS, volunteer.veteran.place)
        )
    return render(
        request,
        "mobilization/volunteer_list.html",
        {
            "place": place,
            "volunteers": page,
            "pending": selectors.volunteers(request.scope, place, status=VolunteerStatus.PENDING).count(),
            "statuses": VolunteerStatus.choices,
            "skills": Skill.choices,
            "status": status,
            "skill": skill,
            "name": request.GET.get("name", "")[:50],
            "page_query": query,
            "can_manage": request.scope.allows(Capability.MANAGE_VOLUNTEERS, place),
        },
    )


@requires(Capability.MANAGE_VOLUNTEERS)
@api_twin("qunfang.mobilization.api.people.add_volunteer")
def volunteer_new(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_VOLUNTEERS)
    return form_page(
        request,
        VolunteerForm(request.POST or None),
        place=place,
        title=_("New volunteer at %(place)s") % {"place": place.name},
        save=lambda data: services.add_volunteer(by=request.user, place=place, **data),
        done=lambda volunteer: (
            _("%(name)s is a volunteer now.") % {"name": volunteer.name},
            reverse("mobilization:volunteer", args=[volunteer.pk]),
        ),
    )


def _volunteer_page(request, volunteer: Volunteer, revealed: dict | None = None):
    veteran = volunteer.veteran
    if veteran is not None and not request.scope.allows(Capability.VIEW_VETERANS, veteran.place):
        veteran = None
    return render(
        request,
        "mobilization/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "place": volunteer.place,
            "revealed": revealed or {},
            # The roll's record is named only to whoever may see it: another place's veteran stays hidden.
            "veteran": veteran,
            "phone_matches": bool(veteran and veteran.phone_index == volunteer.phone_index),
            "teams": volunteer.teams.all(),
            "deployments": volunteer.deployments.select_related("place"),
            "records": volunteer.records.select_related("place", "activity_type")[:20],
            "deeds": volunteer.deeds.all()[:20],
            "can_manage": request.scope.allows(Capability.MANAGE_VOLUNTEERS, volunteer.place),
            "can_reveal": request.scope.allows(Capability.REVEAL_PERSONAL_DATA, volunteer.place),
        },
    )


@requires(Capability.VIEW_ACTIVITIES)
def volunteer_detail(request, volunteer_id: int):
    return _volunteer_page(request, volunteer_for(request, volunteer_id, Capability.VIEW_ACTIVITIES))


@require_POST
@requires(Capability.REVEAL_PERSONAL_DATA)
@api_twin("qunfang.mobilization.api.people.reveal_volunteer")
def volunteer_reveal(request, volunteer_id: int):
    volunteer = volunteer_for(request, volunteer_id, Capability.REVEAL_PERSONAL_DATA)
    field = request.POST.get("field", "")
    if field not in ("id_number", "phone"):
        raise PermissionDenied
    value = services.reveal_volunteer(by=request.user, volunteer=volunteer, field=field)
    return _volunteer_page(request, volunteer, {field: value})


@require_POST
@requires(Capability.MANAGE_VOLUNTEERS)
@api_twin("qunfang.mobilization.api.people.confirm_volunteer")
def volunteer_confirm(request, volunteer_id: int):
    volunteer = volunteer_for(request, volunteer_id, Capability.MANAGE_VOLUNTEERS)
    accept = request.POST.get("answer") == "accept"
    try:
        services.confirm_volunteer(by=request.user, volunteer=volunteer, accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            (
                _("%(name)s is confirmed as a volunteer.")
                if accept
                else _("The sign-up of %(name)s is declined.")
            )
            % {"name": volunteer.name},
        )
    return redirect("mobilization:volunteer", volunteer_id=volunteer.pk)


@requires(Capability.MANAGE_VOLUNTEERS)
@api_twin("qunfang.mobilization.api.people.update_volunteer")
def volunteer_edit(request, volunteer_id: int):
    volunteer = volunteer_for(request, volunteer_id, Capability.MANAGE_VOLUNTEERS)
    initial = {f: getattr(volunteer, f) for f in services.VOLUNTEER_FIELDS}
    return form_page(
        request,
        VolunteerEditForm(request.POST or None, initial=initial),
        place=volunteer.place,
        title=_("Edit %(name)s") % {"name": volunteer.name},
        save=lambda data: services.update_volunteer(
            by=request.user, volunteer=volunteer, **{k: v for k, v in data.items() if k != "phone" or v}
        ),
        done=lambda _v: (_("Saved."), reverse("mobilization:volunteer", args=[volunteer.pk])),
    )


@requires(Capability.MANAGE_VOLUNTEERS)
def signup_poster(request, place_id: int):
    """A page to print and post at the station: scanning its QR code opens the sign-up form."""
    place = place_for(request, place_id, Capability.MANAGE_VOLUNTEERS)
    url = request.build_absolute_uri(reverse("mobilization:signup", args=[signup_token(place)]))
    qr = segno.make(url, error="m").svg_data_uri(scale=8, border=2)
    return render(request, "mobilization/signup_poster.html", {"place": place, "url": url, "qr": qr})


@public
@page_only(
    "the public sign-up behind a station's QR poster, with no account and a limit per network; "
    "an integrator adds volunteers with POST /api/v1/volunteers"
)
def signup(request, token: str):
    """The public sign-up form behind the station's QR code: no account needed."""
    try:
        place = OrgUnit.objects.get(pk=int(signing.Signer(salt=SIGNUP_SALT).unsign(token)))
    except (signing.BadSignature, ValueError, OrgUnit.DoesNotExist):
        raise Http404 from None
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not allow(f"signup:{client_address(request)}", limit=SIGNUPS_PER_HOUR, window_seconds=3600):
            form.add_error(None, _("Too many sign-ups from this network; please try again in an hour."))
        else:
            data = {k: v for k, v in form.cleaned_data.items() if k != "consent"}
            try:
                services.add_volunteer(by=None, place=place, signed_up_alone=True, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return render(request, "mobilization/signup_done.html", {"place": place})
    return render(request, "mobilization/signup.html", {"form": form, "place": place})


# --- teams and deployments ----------------------------------------------------------------------------


def _active_volunteers(request, place):
    return selectors.volunteers(request.scope, place, status=VolunteerStatus.ACTIVE).order_by("name", "pk")


@requires(Capability.VIEW_ACTIVITIES)
def team_list(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_ACTIVITIES)
    today = timezone.localdate()
    return render(
        request,
        "mobilization/teams.html",
        {
            "place": place,
            "teams": selectors.teams(request.scope, place),
            "deployments": selectors.deployments(request.scope, place).filter(end__gte=today)[:100],
            "can_manage": request.scope.allows(Capability.MANAGE_VOLUNTEERS, place),
        },
    )


def _team_form_page(request, place, team=None):
    initial = {}
    if team:
        initial = {
            "name": team.name,
            "duties": team.duties,
            "members": team.members.all(),
            "leader": team.leader,
        }
    return form_page(
        request,
        TeamForm(request.POST or None, volunteers=_active_volunteers(request, place), initial=initial),
        place=place,
        title=_("Team %(name)s") % {"name": team.name}
        if team
        else _("New team at %(place)s") % {"place": place.name},
        save=lambda data: services.save_team(
            by=request.user,
            place=place,
            team=team,
            name=data["name"],
            duties=data["duties"],
            members=list(data["members"]),
            leader=data["leader"],
        ),
        done=lambda saved: (
            _("Team %(name)s saved.") % {"name": saved.name},
            reverse("mobilization:teams", args=[place.pk]),
        ),
    )


@requires(Capability.MANAGE_VOLUNTEERS)
@api_twin("qunfang.mobilization.api.people.add_team")
def team_new(request, place_id: int):
    return _team_form_page(request, place_for(request, place_id, Capability.MANAGE_VOLUNTEERS))


@requires(Capability.MANAGE_VOLUNTEERS)
@api_twin("qunfang.mobilization.api.people.change_team")
def team_edit(request, team_id: int):
    team = get_for(
        request.scope, Team.objects.select_related("place"), Capability.MANAGE_VOLUNTEERS, pk=team_id
    )
    return _team_form_page(request, team.place, team)


@requires(Capability.MANAGE_VOLUNTEERS)
@api_twin("qunfang.mobilization.api.people.deploy")
def deployment_new(request, place_id: int):
    """Send a person or a team to work at this place."""
    place = place_for(request, place_id, Capability.MANAGE_VOLUNTEERS)
    # Whoever the user may manage, from anywhere in their places: the bureau sends its own staff down.
    volunteers = Volunteer.objects.visible_to(request.scope, Capability.MANAGE_VOLUNTEERS).filter(
        status=VolunteerStatus.ACTIVE
    )
    teams = Team.objects.visible_to(request.scope, Capability.MANAGE_VOLUNTEERS)
    form = DeploymentForm(request.POST or None, volunteers=volunteers, teams=teams)
    return form_page(
        request,
        form,
        place=place,
        title=_("Send people to %(place)s") % {"place": place.name},
        save=lambda data: services.deploy(by=request.user, place=place, **data),
        done=lambda _d: (_("Sent."), reverse("mobilization:teams", args=[place.pk])),
    )


# --- deeds and photos ---------------------------------------------------------------------------------


@requires(Capability.VIEW_ACTIVITIES)
def deed_list(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_ACTIVITIES)
    period, start, end = period_from(request)
    return render(
        request,
        "mobilization/deeds.html",
        {
            "place": place,
            "period": period,
            "deeds": paginate(request, selectors.deeds(request.scope, place, start, end), 20),
            "can_record": request.scope.allows(Capability.RECORD_ACTIVITIES, place),
        },
    )


@requires(Capability.RECORD_ACTIVITIES)
@api_twin("qunfang.mobilization.api.people.record_deed", "qunfang.mobilization.api.people.add_deed_photo")
def deed_new(request, place_id: int):
    place = place_for(request, place_id, Capability.RECORD_ACTIVITIES)
    form = DeedForm(
        request.POST or None,
        request.FILES or None,
        volunteers=_active_volunteers(request, place),
        initial={"day": timezone.localdate()},
    )
    return form_page(
        request,
        form,
        place=place,
        title=_("A deed at %(place)s") % {"place": place.name},
        save=lambda data: services.record_deed(
            by=request.user,
            place=place,
            day=data["day"],
            person=data["person"],
            volunteer=data["volunteer"],
            title=data["title"],
            story=data["story"],
            photos=form.photos(),
        ),
        done=lambda deed: (_("The deed is recorded."), reverse("mobilization:deed", args=[deed.pk])),
    )


@requires(Capability.VIEW_ACTIVITIES)
def deed_detail(request, deed_id: int):
    deed = get_for(
        request.scope,
        Deed.objects.select_related("place", "volunteer"),
        Capability.VIEW_ACTIVITIES,
        pk=deed_id,
    )
    return render(request, "mobilization/deed_detail.html", {"deed": deed, "place": deed.place})


@requires(Capability.RECORD_ACTIVITIES)
@api_twin("qunfang.mobilization.api.ledger.add_record_photo")
def record_photos(request, record_id: int):
    record = record_for(request, record_id)
    form = PhotoForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        place=record.place,
        title=_("Photo of %(activity)s of %(day)s at %(place)s")
        % {"activity": record.activity_type.name, "day": record.day, "place": record.place.name},
        save=lambda data: services.add_photos(
            by=request.user, record=record, photos=[(data["photo"], data["caption"])]
        ),
        done=lambda _p: (
            _("The photo is kept."),
            records_of_its_day(record),
        ),
    )


@requires(Capability.VIEW_ACTIVITIES)
def photo(request, photo_id: int):
    """A stored photo, for those who may see its place only (the uploads folder is not public)."""
    found = get_for(request.scope, Photo.objects.all(), Capability.VIEW_ACTIVITIES, pk=photo_id)
    response = FileResponse(found.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
