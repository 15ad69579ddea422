"""Reads of the checkpoints, scope first; and the bundle a guard's phone downloads to check passes
without a network: the community's public keys, the revoked passes and the last exits of passes with
an exit rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.community import tokens
from qunfang.community.models import (
    Crossing,
    Direction,
    Gate,
    GuardShift,
    Pass,
    PassKey,
    Resident,
    ResidentStatus,
)
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.temperature import FEVER


def gates(scope: Scope, community: OrgUnit) -> QuerySet[Gate]:
    today = timezone.localdate()
    return (
        Gate.objects.visible_to(scope, Capability.VIEW_COMMUNITY)
        .filter(community=community)
        .annotate(
            out_today=Count(
                "crossings", filter=Q(crossings__direction=Direction.OUT, crossings__at__date=today)
            ),
            in_today=Count(
                "crossings", filter=Q(crossings__direction=Direction.IN, crossings__at__date=today)
            ),
        )
        .order_by("name")
    )


def guard_gates(scope: Scope) -> QuerySet[Gate]:
    """The gates a user may guard: those of the communities their memberships reach."""
    return (
        Gate.objects.visible_to(scope, Capability.GUARD_GATES)
        .select_related("community")
        .order_by("community__name", "name")
    )


def shifts(gate: Gate) -> QuerySet[GuardShift]:
    return GuardShift.objects.filter(gate=gate, end__gte=timezone.now() - timedelta(days=1)).select_related(
        "guard"
    )


def passes(scope: Scope, place: OrgUnit, search: str = "") -> QuerySet[Pass]:
    found = (
        Pass.objects.visible_to(scope, Capability.VIEW_COMMUNITY)
        .under(place)
        .select_related("household__building", "resident")
        .order_by("-number")
    )
    if search.strip().isdigit():
        found = found.filter(number=int(search))
    elif search.strip():
        found = found.filter(
            Q(household__building__number__icontains=search.strip())
            | Q(resident__name__icontains=search.strip())
        )
    return found


def crossings(scope: Scope, place: OrgUnit, gate: Gate | None = None) -> QuerySet[Crossing]:
    found = (
        Crossing.objects.visible_to(scope, Capability.VIEW_COMMUNITY)
        .under(place)
        .select_related("access_pass__household__building", "gate", "recorded_by")
        .order_by("-at")
    )
    return found.filter(gate=gate) if gate else found


def fevers(scope: Scope, place: OrgUnit) -> QuerySet[Crossing]:
    return crossings(scope, place).filter(temperature__gte=FEVER, at__date=timezone.localdate())


def quarantined_households(community_id: int, household_ids=None) -> dict[int, list[str]]:
    """The households of the community with someone under home quarantine, and who: nobody of such a
    household goes out (supplies come to the door), so the gate refuses its pass on the way out."""
    found = Resident.objects.filter(community_id=community_id, status=ResidentStatus.HOME_QUARANTINE)
    if household_ids is not None:
        found = found.filter(household_id__in=household_ids)
    names: dict[int, list[str]] = {}
    for household_id, name in found.order_by("pk").values_list("household_id", "name"):
        names.setdefault(household_id, []).append(name)
    return names


def quarantine_refusal(names: list[str]) -> str:
    return _("Home quarantine in this household (%(names)s): nobody goes out.") % {"names": "、".join(names)}


def guard_bundle(gate: Gate) -> dict:
    """What the guard's page keeps to work offline: the community's public keys, the passes revoked
    (until their end date), and each pass's last crossing and last exit of the past month at any gate,
    for "already out" and the exit rules."""
    today = timezone.localdate()
    revoked = Pass.objects.filter(
        community_id=gate.community_id, revoked_at__isnull=False, valid_until__gte=today
    )
    recent = Crossing.objects.filter(
        access_pass__community_id=gate.community_id, at__gte=timezone.now() - timedelta(days=31)
    )
    last: dict[str, dict] = {}
    latest = recent.values("access_pass_id").annotate(
        latest=Max("at"), latest_exit=Max("at", filter=Q(direction=Direction.OUT))
    )
    for row in latest:
        exit_ = row["latest_exit"]
        last[str(row["access_pass_id"])] = {
            "at": row["latest"].isoformat(),
            "d": Direction.OUT if exit_ == row["latest"] else Direction.IN,
            "out": exit_.isoformat() if exit_ else None,
        }
    keys = PassKey.objects.filter(community_id=gate.community_id, retired_at=None)
    quarantined = quarantined_households(gate.community_id)
    held = Pass.objects.filter(
        community_id=gate.community_id, household_id__in=quarantined, revoked_at=None, valid_until__gte=today
    ).values_list("pk", "household_id")
    return {
        "community": {"id": gate.community_id, "name": gate.community.name},
        "gate": {"id": gate.pk, "name": gate.name},
        "keys": [{"community": k.community_id, "version": k.version, "key": k.public_key} for k in keys],
        "revoked": sorted(revoked.values_list("pk", flat=True)),
        "last": last,
        # The passes of households under home quarantine, with who is: refused on the way out. The page
        # downloads the bundle again at every sync, so a resident put under quarantine counts within it.
        "quarantined": {str(pass_id): quarantined[household_id] for pass_id, household_id in held},
        "server_time": timezone.now().isoformat(),
    }


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str  # for the guard, in large type
    facts: tokens.PassFacts | None = None


def check_pass(gate: Gate, token: str, direction: str, now: datetime | None = None) -> Verdict:
    """The server's answer to "may this pass through this gate now": the same checks, in the same order,
    as the guard's page makes offline (guard.js)."""
    now = now or timezone.now()
    claimed = tokens.claimed_community(token)
    if claimed is not None and claimed != gate.community_id:
        return Verdict(False, _("This pass is another community's."))
    keys = {
        (k.community_id, k.version): k.public_key
        for k in PassKey.objects.filter(community_id=gate.community_id, retired_at=None)
    }
    try:
        facts = tokens.verify(token, keys)
    except tokens.BadToken:
        return Verdict(False, _("Forged or damaged pass: not signed by a community here."))
    today = timezone.localdate(now)
    if today < facts.valid_from:
        return Verdict(False, _("Not valid yet: from %(day)s.") % {"day": facts.valid_from}, facts)
    if today > facts.valid_until:
        return Verdict(False, _("Expired on %(day)s.") % {"day": facts.valid_until}, facts)
    issued = Pass.objects.filter(pk=facts.pass_id).values("revoked_at").first()
    if issued is None or issued["revoked_at"]:
        return Verdict(False, _("Revoked pass."), facts)
    if direction == Direction.OUT:
        issued_to = Pass.objects.filter(pk=facts.pass_id).values_list("household_id", flat=True).first()
        names = quarantined_households(gate.community_id, [issued_to]).get(issued_to)
        if names:
            return Verdict(False, quarantine_refusal(names), facts)
    last = (
        Crossing.objects.filter(access_pass_id=facts.pass_id)
        .order_by("-at")
        .values("direction", "at")
        .first()
    )
    if direction == Direction.OUT and last and last["direction"] == Direction.OUT:
        return Verdict(
            False, _("Already out since %(time)s: not recorded again.") % {"time": _clock(last["at"])}, facts
        )
    if direction == Direction.OUT and facts.exit_every_days:
        last_exit = Crossing.objects.filter(access_pass_id=facts.pass_id, direction=Direction.OUT).aggregate(
            last=Max("at")
        )["last"]
        if last_exit:
            next_day = timezone.localdate(last_exit) + timedelta(days=facts.exit_every_days)
            if today < next_day:
                return Verdict(
                    False,
                    _("This household went out on %(last)s; next exit from %(next)s.")
                    % {"last": timezone.localdate(last_exit), "next": next_day},
                    facts,
                )
    return Verdict(True, _("Valid: %(holder)s") % {"holder": facts.holder}, facts)


def _clock(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")
