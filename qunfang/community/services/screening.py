"""Writes of phone screening: a round started for a community (its households shared out by grid among
the callers, in one insert), a call's outcome recorded (no answer: called again the next day; at risk:
a follow-up request for the caller), a round closed."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.community.models import (
    AT_RISK,
    Household,
    RequestCategory,
    RequestChannel,
    RequestStatus,
    Resident,
    ResidentRequest,
    ScreeningCall,
    ScreeningOutcome,
    ScreeningRound,
)
from qunfang.community.services.register import community_of
from qunfang.core import audit
from qunfang.core.models import Membership, OrgUnit, User
from qunfang.core.writes import service, writes_nothing
from qunfang.lib.bulk import insert_rows


@writes_nothing
def share_by_grid(households: list[tuple[int, int]], callers: dict[int | None, list[int]]) -> dict[int, int]:
    """Each household (id, grid) to a caller: a grid's households go in even, unbroken runs to the
    callers of that grid, the households of grids without callers of their own to the community's
    callers (those at no grid; everyone when there are none), so each caller phones neighbours."""
    community_wide = callers.get(None) or sorted({c for grid in callers.values() for c in grid})
    pools: dict[int | None, list[int]] = {}
    for household_id, grid in households:
        pools.setdefault(grid if callers.get(grid) else None, []).append(household_id)
    shared: dict[int, int] = {}
    for pool, members in pools.items():
        people = callers.get(pool) if pool is not None else community_wide
        for n, household_id in enumerate(members):
            shared[household_id] = people[n * len(people) // len(members)]
    return shared


@service
def start_round(
    *,
    by: User | None,
    community: OrgUnit,
    name: str,
    script: str,
    callers: list[User],
    day: date | None = None,
) -> ScreeningRound:
    """A round that calls every household of the community, the call script kept with it. Households
    without a phone are listed from the start as visits at the door."""
    community = community_of(community)
    day = day or timezone.localdate()
    if not name.strip():
        raise ValidationError({"name": _("Enter the round's name.")})
    if not script.strip():
        raise ValidationError({"script": _("Write the call script: what the callers ask.")})
    if not callers:
        raise ValidationError({"callers": _("Choose at least one caller.")})
    households = list(
        Household.objects.filter(building__community=community)
        .order_by("place_id", "building__number", "unit", "room", "pk")
        .values_list("pk", "place_id", "phone_index")
    )
    if not households:
        raise ValidationError(_("This community has no households in its register yet."))
    round_ = ScreeningRound.objects.create(
        community=community, place=community, name=name.strip()[:100], script=script.strip(),
        started_on=day, created_by=audit.acting_user(by),
    )  # fmt: skip
    grids = dict(
        Membership.objects.filter(user__in=callers, place__parent=community).values_list(
            "user_id", "place_id"
        )
    )
    by_grid: dict[int | None, list[int]] = {}
    for caller in callers:
        by_grid.setdefault(grids.get(caller.pk), []).append(caller.pk)
    shared = share_by_grid([(pk, grid) for pk, grid, _phone in households], by_grid)
    no_phone = ScreeningOutcome.NO_PHONE.value
    insert_rows(
        ScreeningCall,
        ["round", "household", "place", "caller", "day", "outcome", "note"],
        [
            (round_.pk, pk, grid, shared[pk], day, "" if phone else no_phone, "")
            for pk, grid, phone in households
        ],
    )
    audit.record(
        by=by, action="screening.start", place=community, target=round_,
        after={"households": len(households), "callers": len(callers)},
    )  # fmt: skip
    return round_


@service
def record_call(
    *,
    by: User | None,
    call: ScreeningCall,
    household_id: int,
    outcome: str,
    note: str = "",
    resident: Resident | None = None,
) -> ScreeningCall:
    """A call's outcome, for the household whose card the caller was shown (`household_id`): a call
    that is another household's is refused, so an outcome never lands on a household nobody called.
    No answer: the household is called again the next day (once). Symptoms, travel from a risk area or
    a need: a follow-up request for the caller, made once even if the outcome is corrected."""
    if household_id != call.household_id:
        raise ValidationError(
            _("This call is to another household than the one you were shown: open the list again.")
        )
    if outcome not in ScreeningOutcome.values or outcome == ScreeningOutcome.NO_PHONE:
        raise ValidationError({"outcome": _("Choose what came of the call.")})
    if call.round.closed:
        raise ValidationError(_("This round is closed."))
    if resident is not None and resident.household_id != call.household_id:
        raise ValidationError({"resident": _("The person must live in this household.")})
    if outcome in AT_RISK and not note.strip():
        raise ValidationError({"note": _("Say what was found, for the follow-up.")})
    before = {"outcome": call.outcome}
    call.outcome, call.note, call.resident = outcome, note.strip()[:300], resident
    call.called_at = timezone.now()
    call.caller = call.caller or (audit.acting_user(by))
    call.save(update_fields=["outcome", "note", "resident", "called_at", "caller"])
    if outcome == ScreeningOutcome.NO_ANSWER:
        next_day = max(call.day, timezone.localdate()) + timedelta(days=1)
        ScreeningCall.objects.get_or_create(
            round=call.round, household=call.household, day=next_day,
            defaults={"place_id": call.place_id, "caller": call.caller},
        )  # fmt: skip
    if outcome in AT_RISK and not ResidentRequest.objects.filter(screening_call=call).exists():
        ResidentRequest.objects.create(
            community=call.round.community,
            place_id=call.place_id,
            household=call.household,
            channel=RequestChannel.SCREENING,
            category=RequestCategory.SUPPLIES
            if outcome == ScreeningOutcome.NEEDS_HELP
            else RequestCategory.FOLLOW_UP,
            text=f"{ScreeningOutcome(outcome).label}：{call.note}"[:500],
            assigned_to=call.caller,
            status=RequestStatus.ASSIGNED if call.caller else RequestStatus.OPEN,
            screening_call=call,
            created_by=audit.acting_user(by),
        )
    audit.record(by=by, action="screening.call", place=call.place, target=call.round, before=before,
                 after={"outcome": outcome, "household": call.household_id})  # fmt: skip
    return call


@service
def close_round(*, by: User | None, round_: ScreeningRound) -> ScreeningRound:
    round_.closed = True
    round_.save(update_fields=["closed"])
    audit.record(by=by, action="screening.close", place=round_.place, target=round_)
    return round_


@service
def number_to_call(*, by: User, call: ScreeningCall) -> str:
    """The household's full number for the caller to dial; the audit log keeps who saw it."""
    audit.record(
        by=by, action="screening.reveal_number", place=call.place, target=call.round,
        after={"household": call.household_id},
    )  # fmt: skip
    return call.household.phone.reveal() if call.household.phone else ""
