"""A bureau's operations pages: the overview of a place's day (who has not checked in, who is unwell,
who is away, hours of the next 14 days nobody covers, overdue tasks); staff and sections; leading
groups; work plans and tasks (one's own list too); the daily health check-in (one's own on a phone,
or for a colleague) and the return-to-work screening; leave; the duty roster's week (printable) with
its gaps; the office measures log. Each list exports to .xlsx."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires, signed_in, under
from qunfang.core.models import OrgUnit, User
from qunfang.core.roles import Capability
from qunfang.core.views import add_service_errors, form_page, paginate, period_from, place_for, posted_form
from qunfang.lib.dates import within_years
from qunfang.lib.pdf import pdf_response, render_pdf
from qunfang.mobilization.models import Team
from qunfang.operations import exports, selectors, services
from qunfang.operations.forms import (
    CheckInForm,
    GroupForm,
    GroupMemberForm,
    HandoverForm,
    LeaveForm,
    MeasureForm,
    PlanForm,
    ProgressForm,
    ReturnScreeningForm,
    SectionForm,
    ShiftForm,
    StaffForm,
    TaskForm,
)
from qunfang.operations.models import (
    DutyShift,
    GroupMember,
    LeadingGroup,
    StaffMember,
    Task,
    TaskStatus,
    WorkPlan,
)

VIEW, MANAGE = Capability.VIEW_OPERATIONS, Capability.MANAGE_OPERATIONS


def _day_from(request, name: str = "day") -> date:
    try:
        day = date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()
    return day if within_years(day) else timezone.localdate()


def _overview_url(place: OrgUnit) -> str:
    return reverse("operations:overview", args=[place.pk])


@requires(VIEW)
def overview(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    today = timezone.localdate()
    start, end = selectors.roster_window()
    gaps = selectors.roster_gaps(place, start, end)
    return render(
        request,
        "operations/overview.html",
        {
            "place": place,
            "board": selectors.health_board(request.scope, place, today),
            "away": selectors.away_on(request.scope, place, today),
            "gaps": gaps,
            "gap_hours": len(selectors.uncovered_hours(gaps)),
            "overdue": selectors.tasks(request.scope, place, overdue=True)[:20],
            "groups": selectors.groups(request.scope, place),
            "plans": selectors.plans(request.scope, place)[:10],
            "may_manage": request.scope.allows(MANAGE, place),
        },
    )


# --- staff and sections --------------------------------------------------------------------------------


@requires(VIEW)
def staff_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    people = selectors.staff(request.scope, place, active_only=request.GET.get("all") != "1")
    if request.GET.get("format") == "xlsx":
        return exports.STAFF.response(people, title=_("Staff members"), filename=f"{place.name}-staff.xlsx")
    return render(
        request,
        "operations/staff_list.html",
        {
            "place": place,
            "people": paginate(request, people, 50),
            "sections": selectors.sections(request.scope, place),
            "may_manage": request.scope.allows(MANAGE, place),
        },
    )


def _staff_form(request, place: OrgUnit, **kwargs) -> StaffForm:
    users = User.objects.filter(under(place, via="memberships__place"), is_active=True).distinct()
    return StaffForm(
        request.POST or None, sections=selectors.sections(request.scope, place), users=users, **kwargs
    )


@requires(MANAGE)
def staff_new(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    form = _staff_form(request, place)
    return form_page(
        request,
        form,
        title=_("Add a staff member"),
        place=place,
        save=lambda data: services.save_staff(by=request.user, place=place, **data),
        done=lambda person: (_("%(name)s added to the staff.") % {"name": person.name}, _staff_url(person)),
    )


def _staff_url(person: StaffMember) -> str:
    return reverse("operations:staff", args=[person.pk])


def _staff(request, staff_member_id: int, capability: Capability) -> StaffMember:
    return get_for(
        request.scope,
        StaffMember.objects.select_related("place", "section", "user"),
        capability,
        pk=staff_member_id,
    )


@requires(VIEW)
def staff_detail(request, staff_member_id: int):
    person = _staff(request, staff_member_id, VIEW)
    today = timezone.localdate()
    return render(
        request,
        "operations/staff_detail.html",
        {
            "person": person,
            "place": person.place,
            "check_ins": person.check_ins.filter(day__gte=today - timedelta(days=13)).order_by("-day"),
            "leaves": person.leaves.all()[:20],
            "screenings": person.return_screenings.all()[:5],
            "tasks": person.tasks.select_related("plan").order_by("status", "due")[:20],
            "may_manage": request.scope.allows(MANAGE, person.place),
        },
    )


@requires(MANAGE)
def staff_edit(request, staff_member_id: int):
    person = _staff(request, staff_member_id, MANAGE)
    form = _staff_form(
        request,
        person.place,
        initial={
            "name": person.name,
            "title": person.title,
            "section": person.section,
            "user": person.user,
            "active": person.active,
        },
    )

    def save(data):
        data["phone"] = data["phone"] or None  # empty keeps the number
        return services.save_staff(by=request.user, place=person.place, staff=person, **data)

    return form_page(
        request,
        form,
        title=_("Change %(name)s") % {"name": person.name},
        place=person.place,
        save=save,
        done=lambda p: (_("Saved."), _staff_url(p)),
    )


@requires(MANAGE)
def section_new(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    return form_page(
        request,
        SectionForm(request.POST or None),
        title=_("Add a section"),
        place=place,
        save=lambda data: services.save_section(by=request.user, place=place, **data),
        done=lambda s: (
            _("Section %(name)s added.") % {"name": s.name},
            reverse("operations:staff_list", args=[place.pk]),
        ),
    )


# --- leading groups ------------------------------------------------------------------------------------


@requires(VIEW)
def group_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    groups = [(g, selectors.group_members(g)) for g in selectors.groups(request.scope, place)]
    if request.GET.get("format") == "xlsx":
        pairs = [(g, m) for g, members in groups for m in members]
        return exports.GROUP_MEMBERS.response(
            pairs, title=_("Leading groups"), filename=f"{place.name}-leading-groups.xlsx"
        )
    return render(
        request,
        "operations/groups.html",
        {"place": place, "groups": groups, "may_manage": request.scope.allows(MANAGE, place)},
    )


@requires(MANAGE)
def group_new(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    form = GroupForm(request.POST or None, initial={"formed_on": timezone.localdate()})
    return form_page(
        request,
        form,
        title=_("Form a leading group"),
        place=place,
        save=lambda data: services.form_group(by=request.user, place=place, **data),
        done=lambda g: (_("%(name)s formed: now add its members.") % {"name": g.name}, _group_url(g)),
    )


def _group_url(group: LeadingGroup) -> str:
    return reverse("operations:group", args=[group.pk])


@requires(VIEW)
def group_detail(request, group_id: int):
    group = get_for(request.scope, LeadingGroup.objects.select_related("place"), VIEW, pk=group_id)
    may_manage = request.scope.allows(MANAGE, group.place)
    form = GroupMemberForm(request.POST or None, staff=selectors.staff(request.scope, group.place))
    done = posted_form(
        request,
        form,
        allowed=may_manage,
        message=_("Saved."),
        url=_group_url(group),
        save=lambda data: services.set_group_member(by=request.user, group=group, **data),
    )
    return done or render(
        request,
        "operations/group.html",
        {
            "group": group,
            "place": group.place,
            "members": selectors.group_members(group),
            "form": form,
            "may_manage": may_manage,
        },
    )


@require_POST
@requires(MANAGE)
def group_member_remove(request, group_member_id: int):
    member = get_for(
        request.scope, GroupMember.objects.select_related("group__place", "staff"), MANAGE, pk=group_member_id
    )
    services.remove_group_member(by=request.user, member=member)
    messages.success(request, _("%(name)s left the group.") % {"name": member.staff.name})
    return redirect(_group_url(member.group))


# --- plans and tasks -----------------------------------------------------------------------------------


@requires(VIEW)
def plan_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    return render(
        request,
        "operations/plans.html",
        {
            "place": place,
            "plans": paginate(request, selectors.plans(request.scope, place), 30),
            "may_manage": request.scope.allows(MANAGE, place),
        },
    )


@requires(MANAGE)
def plan_new(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    today = timezone.localdate()
    form = PlanForm(request.POST or None, initial={"start": today, "end": today + timedelta(days=30)})
    return form_page(
        request,
        form,
        title=_("Write a work plan"),
        place=place,
        save=lambda data: services.save_plan(by=request.user, place=place, **data),
        done=lambda plan: (_("Plan saved: now give out its tasks."), _plan_url(plan)),
    )


def _plan_url(plan: WorkPlan) -> str:
    return reverse("operations:plan", args=[plan.pk])


def _owner_choices(request, place: OrgUnit) -> list[tuple[str, list[tuple[str, str]]]]:
    """Everyone a task of the place's plan can be given to, grouped for the select."""
    scope = request.scope
    below = [
        (f"below:{p.pk}", _("Every station under %(place)s") % {"place": p.name})
        for p in OrgUnit.objects.visible_to(scope, MANAGE)
        .under(place)
        .exclude(level="village")
        .exclude(level="grid")
        .order_by("path")[:200]
        if p.children.exclude(station_kind="").exists()
    ]
    stations = OrgUnit.objects.visible_to(scope, VIEW).under(place).exclude(station_kind="")
    teams = Team.objects.visible_to(scope, VIEW).under(place)
    return [
        (_("Stations at once"), below),
        (
            _("Staff members"),
            [(f"staff:{p.pk}", f"{p.name} · {p.place.name}") for p in selectors.staff(scope, place)[:500]],
        ),
        (_("Sections"), [(f"section:{s.pk}", s.name) for s in selectors.sections(scope, place)]),
        (_("Stations"), [(f"station:{s.pk}", s.name) for s in stations.order_by("path")[:500]]),
        (
            _("Teams"),
            [(f"team:{t.pk}", f"{t.name} · {t.place.name}") for t in teams.select_related("place")[:200]],
        ),
    ]


def _owner(request, plan: WorkPlan, kind: str, pk: int):
    """The owner the form named, looked up within what the user sees (else the service's message)."""
    scope = request.scope
    found = {
        "staff": lambda: StaffMember.objects.visible_to(scope, VIEW).filter(pk=pk).first(),
        "section": lambda: selectors.sections(scope, plan.place).filter(pk=pk).first(),
        "station": lambda: OrgUnit.objects.visible_to(scope, VIEW).filter(pk=pk).first(),
        "below": lambda: OrgUnit.objects.visible_to(scope, MANAGE).filter(pk=pk).first(),
        "team": lambda: Team.objects.visible_to(scope, VIEW).filter(pk=pk).first(),
    }[kind]()
    if found is None:
        raise ValidationError({"owner": _("Choose who the task is given to.")})
    return found


@requires(VIEW)
def plan_detail(request, plan_id: int):
    plan = get_for(request.scope, WorkPlan.objects.select_related("place"), VIEW, pk=plan_id)
    may_manage = request.scope.allows(MANAGE, plan.place)
    tasks = selectors.plan_tasks(plan)
    if request.GET.get("format") == "xlsx":
        return _tasks_export(plan.title, tasks, f"{plan.title}-tasks.xlsx")
    form = TaskForm(
        request.POST or None,
        owners=_owner_choices(request, plan.place),
        initial={"due": min(plan.end, timezone.localdate() + timedelta(days=3))},
    )

    def give_out(data):
        kind, pk = data["owner"]
        return services.give_out_task(
            by=request.user, plan=plan, kind=kind, owner=_owner(request, plan, kind, pk), title=data["title"],
            due=data["due"], detail=data["detail"],
        )  # fmt: skip

    done = posted_form(
        request, form, allowed=may_manage, save=give_out, message=_("Task given out."), url=_plan_url(plan)
    )
    return done or render(
        request,
        "operations/plan.html",
        {
            "plan": plan,
            "place": plan.place,
            "tasks": tasks,
            "progress": selectors.progress_by_owner(plan),
            "form": form,
            "may_manage": may_manage,
        },
    )


def _tasks_export(title: str, tasks, filename: str):
    return exports.TASKS.response(tasks, title=title[:30], filename=filename)


@requires(VIEW)
def task_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    overdue = request.GET.get("overdue") == "1"
    status = request.GET.get("status", "") if request.GET.get("status") in TaskStatus.values else ""
    found = selectors.tasks(request.scope, place, status=status, overdue=overdue)
    if request.GET.get("format") == "xlsx":
        return _tasks_export(place.name, found, f"{place.name}-tasks.xlsx")
    return render(
        request,
        "operations/tasks.html",
        {
            "place": place,
            "tasks": paginate(request, found, 50),
            "overdue": overdue,
            "status": status,
            "statuses": TaskStatus.choices,
            "title": _("Tasks") + " · " + place.name,
        },
    )


@signed_in
def my_tasks(request):
    found = selectors.my_tasks(request.user)
    return render(
        request,
        "operations/tasks.html",
        {"tasks": paginate(request, found, 50), "mine": True, "title": _("My tasks")},
    )


def _task_for(request, task_id: int) -> tuple[Task, bool]:
    """The task, if the user may see it (within their places, or given to them), and whether they may
    report its progress (they own it, or manage its place)."""
    own = selectors.my_tasks(request.user).filter(pk=task_id).first()
    task = own or get_for(
        request.scope, Task.objects.select_related("plan", "place", "owner_station"), VIEW, pk=task_id
    )
    return task, own is not None or request.scope.allows(MANAGE, task.place)


@signed_in
def task_detail(request, task_id: int):
    task, may_report = _task_for(request, task_id)
    form = ProgressForm(request.POST or None, initial={"status": task.status})
    done = posted_form(
        request,
        form,
        allowed=may_report,
        message=_("Progress recorded."),
        url=reverse("operations:task", args=[task.pk]),
        save=lambda data: services.report_progress(by=request.user, task=task, **data),
    )
    if done:
        return done
    may_push = (
        may_report and task.owner_station_id and task.owner_station.children.exclude(station_kind="").exists()
    )
    return render(
        request,
        "operations/task.html",
        {
            "task": task,
            "place": task.place,
            "notes": task.notes.select_related("by"),
            "form": form,
            "may_report": may_report,
            "may_push": may_push,
            "pushed": task.pushed_down.select_related("place").order_by("place__path"),
        },
    )


@require_POST
@signed_in
def task_push_down(request, task_id: int):
    task, may_report = _task_for(request, task_id)
    if not may_report:
        raise Http404
    try:
        made = services.push_down(by=request.user, task=task)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Given to %(count)d station(s) below.") % {"count": len(made)})
    return redirect("operations:task", task_id=task.pk)


# --- health --------------------------------------------------------------------------------------------


def _check_in_page(request, person: StaffMember, done_url: str, title: str):
    today = timezone.localdate()
    existing = person.check_ins.filter(day=today).first()
    initial = {"whereabouts": person.place.name}
    if existing:
        initial = {
            "temperature": existing.temperature,
            "symptoms": existing.symptoms,
            "whereabouts": existing.whereabouts,
            "mode": existing.mode,
            "came_back_from": existing.came_back_from,
            "came_back_on": existing.came_back_on,
        }
    form = CheckInForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.check_in(by=request.user, staff=person, day=today, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if record.unwell:
                messages.warning(
                    request,
                    _(
                        "Recorded. With a fever or symptoms, stay home, tell your leader "
                        "and see the fever clinic."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Checked in for %(day)s: %(temperature)s °C.")
                    % {"day": today.isoformat(), "temperature": record.temperature},
                )
            return redirect(done_url)
    return render(
        request,
        "operations/check_in.html",
        {
            "form": form,
            "person": person,
            "place": person.place,
            "existing": existing,
            "title": title,
            "today": today,
        },
    )


@signed_in
def my_check_in(request):
    person = StaffMember.objects.filter(user=request.user, active=True).select_related("place").first()
    if person is None:
        return render(request, "operations/check_in.html", {"person": None, "title": _("My health check-in")})
    return _check_in_page(request, person, reverse("operations:my_check_in"), _("My health check-in"))


@requires(MANAGE)
def check_in_for(request, staff_member_id: int):
    person = _staff(request, staff_member_id, MANAGE)
    return _check_in_page(
        request,
        person,
        reverse("operations:health", args=[person.place_id]),
        _("Health check-in of %(name)s") % {"name": person.name},
    )


@requires(MANAGE)
def return_screening(request, staff_member_id: int):
    person = _staff(request, staff_member_id, MANAGE)
    form = ReturnScreeningForm(request.POST or None, initial={"first_day": timezone.localdate()})
    return form_page(
        request,
        form,
        title=_("Return-to-work screening of %(name)s") % {"name": person.name},
        place=person.place,
        save=lambda data: services.screen_return(by=request.user, staff=person, **data),
        done=lambda s: (
            _("Cleared to return on %(day)s.") % {"day": s.first_day}
            if s.cleared
            else _("Not cleared: keep %(name)s at home and under observation.") % {"name": person.name},
            _staff_url(person),
        ),
    )


@requires(VIEW)
def health(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    day = _day_from(request)
    board = selectors.health_board(request.scope, place, day)
    if request.GET.get("format") == "xlsx":
        return exports.HEALTH.response(board.rows, title=str(day), filename=f"{place.name}-health-{day}.xlsx")
    return render(
        request,
        "operations/health.html",
        {
            "place": place,
            "board": board,
            "day": day,
            "may_manage": request.scope.allows(MANAGE, place),
            "deadline": services.check_in_deadline(day),
            "screenings": selectors.return_screenings(request.scope, place)[:10],
        },
    )


@require_POST
@requires(MANAGE)
def health_remind(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    count = services.remind_to_check_in(place=place, any_time=True)
    messages.success(request, _("%(count)d staff member(s) reminded.") % {"count": count})
    return redirect("operations:health", place_id=place.pk)


# --- leave ---------------------------------------------------------------------------------------------


@requires(VIEW)
def leave_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    found = selectors.leaves(request.scope, place)
    if request.GET.get("format") == "xlsx":
        return exports.LEAVE.response(found, title=_("Leave"), filename=f"{place.name}-leave.xlsx")
    may_manage = request.scope.allows(MANAGE, place)
    today = timezone.localdate()
    form = LeaveForm(
        request.POST or None,
        staff=selectors.staff(request.scope, place),
        initial={"start": today, "end": today},
    )
    done = posted_form(
        request,
        form,
        allowed=may_manage,
        message=_("Leave recorded."),
        url=reverse("operations:leave", args=[place.pk]),
        save=lambda data: services.record_leave(by=request.user, **data),
    )
    return done or render(
        request,
        "operations/leave.html",
        {
            "place": place,
            "away": selectors.away_on(request.scope, place, today),
            "leaves": paginate(request, found, 50),
            "form": form,
            "may_manage": may_manage,
        },
    )


# --- duty roster ---------------------------------------------------------------------------------------


def _roster_context(request, place: OrgUnit) -> dict:
    monday = selectors.week_of(_day_from(request, "week"))
    return {
        "place": place,
        "monday": monday,
        "week": selectors.roster_week(request.scope, place, monday),
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
    }


@requires(VIEW)
def roster(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    context = _roster_context(request, place)
    if request.GET.get("format") == "xlsx":
        monday = context["monday"]
        shifts = {e.shift.pk: e.shift for entries in context["week"].values() for e in entries}
        return exports.SHIFTS.response(
            shifts.values(), title=str(monday), filename=f"{place.name}-roster-{monday}.xlsx"
        )
    start, end = selectors.roster_window()
    gaps = selectors.roster_gaps(place, start, end)
    context.update(
        gaps=gaps,
        gap_hours=len(selectors.uncovered_hours(gaps)),
        window_end=end,
        may_manage=request.scope.allows(MANAGE, place),
        may_reveal=request.scope.allows(Capability.REVEAL_PERSONAL_DATA, place),
    )
    return render(request, "operations/roster.html", context)


@requires(VIEW)
def roster_pdf(request, place_id: int):
    """The printed week, with each person's phone: masked, or in full (posted by one who may reveal
    them, and kept in the audit log) for the sheet that goes on the duty room's wall."""
    place = place_for(request, place_id, VIEW)
    context = _roster_context(request, place)
    reveal = request.method == "POST" and request.scope.allows(Capability.REVEAL_PERSONAL_DATA, place)
    if request.method == "POST" and not reveal:
        raise Http404
    if reveal:
        services.reveal_roster_phones(by=request.user, place=place, monday=context["monday"])
    context.update(phones=True, reveal_phones=reveal)
    pdf = render_pdf("operations/roster_pdf.html", context, request)
    return pdf_response(pdf, f"{place.name}-roster-{context['monday']}.pdf")


@requires(MANAGE)
def shift_new(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    day = _day_from(request)
    start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())).replace(hour=8)
    form = ShiftForm(
        request.POST or None,
        staff=selectors.staff(request.scope, place),
        initial={"start": start, "end": start + timedelta(days=1)},
    )
    return form_page(
        request,
        form,
        title=_("Add a duty shift"),
        place=place,
        save=lambda data: services.save_shift(by=request.user, place=place, **data),
        done=lambda s: (
            _("Shift %(when)s added.") % {"when": s},
            reverse("operations:roster", args=[place.pk]) + f"?week={timezone.localtime(s.start).date()}",
        ),
    )


@requires(VIEW)
def shift_detail(request, shift_id: int):
    shift = get_for(request.scope, DutyShift.objects.select_related("place", "leader"), VIEW, pk=shift_id)
    may_manage = request.scope.allows(MANAGE, shift.place)
    form = HandoverForm(request.POST or None, initial={"handover_note": shift.handover_note})
    done = posted_form(
        request,
        form,
        allowed=may_manage,
        message=_("Handover note saved."),
        url=reverse("operations:shift", args=[shift.pk]),
        save=lambda data: services.write_handover(by=request.user, shift=shift, note=data["handover_note"]),
    )
    return done or render(
        request,
        "operations/shift.html",
        {"shift": shift, "place": shift.place, "form": form, "may_manage": may_manage},
    )


# --- office measures -----------------------------------------------------------------------------------


@requires(VIEW)
def measures(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    period, start, end = period_from(request)
    found = selectors.measures(request.scope, place, start, end)
    if request.GET.get("format") == "xlsx":
        return exports.MEASURES.response(
            found, title=_("Office measures"), filename=f"{place.name}-measures.xlsx"
        )
    may_manage = request.scope.allows(MANAGE, place)
    form = MeasureForm(request.POST or None, initial={"day": timezone.localdate()})
    done = posted_form(
        request,
        form,
        allowed=may_manage,
        message=_("Recorded."),
        url=reverse("operations:measures", args=[place.pk]),
        save=lambda data: services.record_measure(by=request.user, place=place, **data),
    )
    return done or render(
        request,
        "operations/measures.html",
        {
            "place": place,
            "measures": paginate(request, found, 50),
            "form": form,
            "period": period,
            "may_manage": may_manage,
        },
    )
