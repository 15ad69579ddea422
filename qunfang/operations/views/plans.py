"""Work plans and tasks: give out, push down, report progress; one's own list."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires, signed_in
from qunfang.core.models import OrgUnit
from qunfang.core.views import form_page, paginate, place_for, posted_form
from qunfang.lib.twins import api_twin
from qunfang.mobilization.models import Team
from qunfang.operations import exports, selectors, services
from qunfang.operations.forms import PlanForm, ProgressForm, TaskForm
from qunfang.operations.models import StaffMember, Task, TaskStatus, WorkPlan
from qunfang.operations.views.overview import MANAGE, VIEW

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
@api_twin("qunfang.operations.api.work.add_plan")
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
@api_twin("qunfang.operations.api.work.give_out_task")
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
@api_twin("qunfang.operations.api.work.report_progress")
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
@api_twin("qunfang.operations.api.work.push_down")
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
