"""What the community puts on a person's home, on a place's page and in the menu (lib/work): a caller's
screening calls to make today, the residents' requests to follow up, a guard's gates and shifts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.community.models import Gate, GuardShift, ResidentRequest, ScreeningCall, ScreeningOutcome
from qunfang.community.models.requests import RequestStatus
from qunfang.community.selectors import checkpoints
from qunfang.core.access import Scope, under
from qunfang.core.models import Level, OrgUnit
from qunfang.core.roles import Capability, Role
from qunfang.lib.work import Due, Link

COMMUNITY_LEVELS = (Level.VILLAGE, Level.GRID)


def _calls_due(scope: Scope, today: date) -> list[Due]:
    """Each open round's calls given to the person that are due today or before and not yet made."""
    rounds = (
        ScreeningCall.objects.filter(caller=scope.user, round__closed=False, day__lte=today)
        .filter(Q(outcome="") | Q(outcome=ScreeningOutcome.NO_PHONE))
        .values("round_id", "round__name")
        .annotate(left=Count("pk"))
        .order_by("round_id")
    )
    return [
        Due(
            _("Screening calls to make: %(round)s") % {"round": row["round__name"]},
            reverse("community:screening_calls", args=[row["round_id"]]),
            count=row["left"],
        )
        for row in rounds
    ]


def _requests_open(scope: Scope) -> list[Due]:
    """The residents' requests given to the person, and those not yet given to anybody where she keeps
    the register."""
    mine = (
        ResidentRequest.objects.filter(assigned_to=scope.user)
        .exclude(status=RequestStatus.DONE)
        .values("place_id")
        .annotate(n=Count("pk"))
        .order_by("place_id")
    )
    found = [
        Due(
            _("Residents' requests to follow up"),
            f"{reverse('community:requests', args=[row['place_id']])}?mine=1",
            count=row["n"],
        )
        for row in mine
    ]
    kept = [
        place
        for place in scope.own_places
        if place.level in COMMUNITY_LEVELS and scope.allows(Capability.MANAGE_COMMUNITY, place)
    ]
    for place in kept:
        waiting = ResidentRequest.objects.filter(
            under(place), status=RequestStatus.OPEN, assigned_to=None
        ).count()
        if waiting:
            found.append(
                Due(
                    _("Residents' requests nobody has taken: %(place)s") % {"place": place.name},
                    f"{reverse('community:requests', args=[place.pk])}?status=open",
                    count=waiting,
                )
            )
    return found


def _clock(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _shift_text(shift: GuardShift, today: date) -> str:
    start, end = timezone.localtime(shift.start), timezone.localtime(shift.end)
    if end.date() > today:
        return _("On duty %(start)s to %(end)s the next day") % {"start": _clock(start), "end": _clock(end)}
    return _("On duty %(start)s to %(end)s") % {"start": _clock(start), "end": _clock(end)}


def _gates(scope: Scope, today: date) -> list[Due]:
    """A guard's gates, each with her shift today: where her day starts. Others who may guard see the
    gates they have a shift at today."""
    start = timezone.make_aware(datetime.combine(today, time.min))
    shifts = {
        shift.gate_id: shift
        for shift in GuardShift.objects.filter(
            guard=scope.user, end__gt=max(start, timezone.now()), start__lt=start + timedelta(days=1)
        ).order_by("-start")
    }
    guards = any(grant.role == Role.CHECKPOINT_GUARD for grant in scope.grants)
    gates = checkpoints.guard_gates(scope)
    if not guards:
        gates = gates.filter(pk__in=shifts)
    return [
        Due(
            _("Guard %(gate)s") % {"gate": f"{gate.community.name} · {gate.name}"},
            reverse("community:guard", args=[gate.pk]),
            detail=_shift_text(shifts[gate.pk], today) if gate.pk in shifts else _("No shift of yours today"),
        )
        for gate in gates[:10]
    ]


def work_for(scope: Scope, today: date) -> list[Due]:
    return [*_calls_due(scope, today), *_requests_open(scope), *_gates(scope, today)]


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if place.level not in COMMUNITY_LEVELS:
        return []
    found = []
    if scope.allows(Capability.VIEW_COMMUNITY, place):
        keeps = scope.allows(Capability.MANAGE_COMMUNITY, place)
        found += [
            Link(_("Community register"), reverse("community:register", args=[place.pk]), primary=keeps),
            Link(_("Phone screening"), reverse("community:screening", args=[place.pk])),
            Link(_("Residents' requests"), reverse("community:requests", args=[place.pk])),
        ]
        if place.level == Level.VILLAGE:
            found.append(Link(_("Gates"), reverse("community:gates", args=[place.pk])))
        found += [
            Link(_("Passes"), reverse("community:passes", args=[place.pk])),
            Link(_("Merchants"), reverse("community:merchants", args=[place.pk])),
        ]
    elif scope.allows(Capability.GUARD_GATES, place):
        found.append(Link(_("Gates"), reverse("community:my_gates"), primary=True))
    return found


def menu(scope: Scope) -> list[Link]:
    """The gates menu for those who have a gate to guard (not an empty page for the rest)."""
    if Gate.objects.visible_to(scope, Capability.GUARD_GATES).exists():
        return [Link(_("Gates"), reverse("community:my_gates"))]
    return []
