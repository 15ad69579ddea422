"""Writes of petitions: a petition found, registered with its owner, resolved with the answer given,
visited again (or withdrawn when recorded by mistake), each step checked against the one before (in
order, on or after its day, never in the future), written to the petition's history with its
deadline, counted in the kept totals up the tree and audited in one transaction. The bureau's
deadlines per step; the monthly risk screening signed by the station and countersigned above."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import service, within_a_service, writes_nothing
from qunfang.lib.tallies import Tally
from qunfang.petitions.capabilities import HANDLE_PETITIONS
from qunfang.petitions.models import (
    DEFAULT_DAYS,
    Kind,
    Petition,
    PetitionStep,
    PetitionTotal,
    Screening,
    State,
    Step,
    StepDeadlines,
)
from qunfang.registry.models import Status, Veteran

TOTALS = Tally(
    PetitionTotal, keys=("place_id", "day"), sums=("found", "resolved", "resolved_on_time", "revisited")
)
MOST_DAYS = 365  # a step given more than a year is a typing slip
MOST_PEOPLE = 100_000


def _text(value: str, field: str, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)s characters.") % {"limit": limit}})
    return value


def _day(day: date, field: str = "day", *, after: date | None = None) -> date:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if after is not None and day < after:
        raise ValidationError(
            {field: _("The date cannot be before the step before it (%(day)s).") % {"day": after.isoformat()}}
        )
    return day


@writes_nothing
def deadlines_for(place: OrgUnit) -> dict[str, int]:
    """The days each step may take at the place: the nearest place at or above it that set them."""
    rows = {
        row.place_id: row
        for row in StepDeadlines.objects.filter(place_id__in=[*place.ancestor_ids, place.pk])
    }
    for place_id in reversed([*place.ancestor_ids, place.pk]):
        if place_id in rows:
            row = rows[place_id]
            return {name: getattr(row, name) for name in DEFAULT_DAYS}
    return dict(DEFAULT_DAYS)


@service
def set_deadlines(*, by: User | None, place: OrgUnit, **days: int) -> StepDeadlines:
    """The days of each step for the place and everything under it that sets none of its own."""
    unknown = set(days) - set(DEFAULT_DAYS)
    if unknown:
        raise ValidationError(_("Unknown step: %(name)s.") % {"name": sorted(unknown)[0]})
    values = {**deadlines_for(place), **days}
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MOST_DAYS:
            raise ValidationError({name: _("A step takes from 1 to %(most)s days.") % {"most": MOST_DAYS}})
    before = deadlines_for(place)
    row, _made = StepDeadlines.objects.update_or_create(place=place, defaults=values)
    audit.record(by=by, action="petitions.save", place=place, target=row, before=before, after=values)
    return row


@within_a_service
def _count(petition: Petition, day: date, **sums: int) -> None:
    columns = TOTALS.sums
    TOTALS.add_up_the_tree(
        petition.place.path,
        [(connection.ops.adapt_datefield_value(day), *(sums.get(c, 0) for c in columns))],
    )


def _step(
    petition: Petition, step: str, by: User | None, day: date, due: date | None, note: str = ""
) -> None:
    PetitionStep.objects.create(petition=petition, step=step, day=day, due=due, note=note, by=by)


def _petitioners(place: OrgUnit, veterans: Iterable[Veteran]) -> list[Veteran]:
    found = list(dict.fromkeys(veterans))
    if not found:
        raise ValidationError({"veterans": _("Name at least one petitioner from the roll.")})
    for veteran in found:
        if not veteran.place.path.startswith(place.path):
            raise ValidationError(
                {"veterans": _("%(name)s is not on this place's roll.") % {"name": veteran.name}}
            )
        if veteran.status != Status.ACTIVE:
            raise ValidationError(
                {
                    "veterans": _("%(name)s is no longer on the roll (%(status)s).")
                    % {"name": veteran.name, "status": veteran.status_label}
                }
            )
    return found


@service
def record_found(
    *,
    by: User | None,
    place: OrgUnit,
    veterans: Iterable[Veteran],
    subject: str,
    matter: str,
    day: date,
    kind: str = Kind.OTHER,
    people: int | None = None,
    submission: str | None = None,
) -> Petition:
    """A petition found (发现) at the place, raised by the veterans named (one, several jointly, or a
    group of `people` of whom these are on the roll); the registering is due within the place's days."""
    if submission:
        earlier = Petition.objects.filter(submission=submission).first()
        if earlier and earlier.place_id != place.pk:
            raise ValidationError({"submission": _("This submission key is used already.")})
        if earlier:
            return earlier
    petitioners = _petitioners(place, veterans)
    people = len(petitioners) if people in (None, "") else people
    if not isinstance(people, int) or not len(petitioners) <= people <= MOST_PEOPLE:
        raise ValidationError(
            {
                "people": _("The people who raised it are at least the %(count)s petitioners named.")
                % {"count": len(petitioners)}
            }
        )
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    _day(day)
    petition = Petition.objects.create(
        place=place,
        people=people,
        kind=kind,
        subject=_text(subject, "subject", required=True, limit=100),
        matter=_text(matter, "matter", required=True, limit=2000),
        found_on=day,
        submission=submission or None,
        step_due=day + timedelta(days=deadlines_for(place)["register_days"]),
    )
    petition.veterans.set(petitioners)
    _step(petition, Step.FOUND, by, day, None, petition.matter)
    _count(petition, day, found=1)
    audit.record(
        by=by,
        action="petition.record",
        place=place,
        target=petition,
        after={"veterans": [v.pk for v in petitioners], "people": people, "day": day.isoformat()},
    )
    return petition


@writes_nothing
def may_own(user: User | None, place: OrgUnit) -> bool:
    """Whether the user may own a petition of the place: one who handles petitions there or above."""
    return user is not None and user.is_active and Scope.for_user(user).allows(HANDLE_PETITIONS, place)


def _in_state(petition: Petition, *states: str) -> None:
    if petition.state not in states:
        raise ValidationError(
            _("This petition is %(state)s: that step is not the next one.") % {"state": petition.state_label}
        )


def _check_owner(owner: User | None, petition: Petition) -> User:
    if not may_own(owner, petition.place):
        raise ValidationError(
            {"owner": _("The owner must be someone who handles petitions at this place or above it.")}
        )
    return owner


@service
def register(
    *, by: User | None, petition: Petition, day: date, owner: User | None, note: str = ""
) -> Petition:
    """Registered (登记): who owns it from now on; the resolving is due within the place's days."""
    _in_state(petition, State.FOUND)
    _day(day, after=petition.found_on)
    petition.owner = _check_owner(owner, petition)
    petition.state, petition.registered_on = State.REGISTERED, day
    _step(
        petition, Step.REGISTERED, by, day, petition.step_due, _text(note, "note", required=False, limit=2000)
    )
    petition.resolve_due = petition.step_due = day + timedelta(
        days=deadlines_for(petition.place)["resolve_days"]
    )
    petition.save()
    audit.record(
        by=by,
        action="petition.assign",
        place=petition.place,
        target=petition,
        after={"owner": owner.pk, "day": day.isoformat()},
    )
    return petition


@service
def resolve(*, by: User | None, petition: Petition, day: date, answer: str) -> Petition:
    """Resolved (化解), with the answer given to the petitioners; on time when by the deadline."""
    _in_state(petition, State.REGISTERED)
    _day(day, after=petition.registered_on)
    petition.answer = _text(answer, "answer", required=True, limit=2000)
    petition.state, petition.resolved_on = State.RESOLVED, day
    petition.resolved_on_time = day <= petition.resolve_due
    _step(petition, Step.RESOLVED, by, day, petition.step_due, petition.answer)
    petition.step_due = day + timedelta(days=deadlines_for(petition.place)["revisit_days"])
    petition.save()
    _count(petition, day, resolved=1, resolved_on_time=int(petition.resolved_on_time))
    audit.record(
        by=by,
        action="petition.answer",
        place=petition.place,
        target=petition,
        after={"day": day.isoformat(), "on_time": petition.resolved_on_time},
    )
    return petition


@service
def revisit(*, by: User | None, petition: Petition, day: date, note: str, satisfied: bool) -> Petition:
    """Visited again (回访): what the petitioners said of the answer; the petition is done."""
    _in_state(petition, State.RESOLVED)
    _day(day, after=petition.resolved_on)
    petition.revisit_note = _text(note, "note", required=True, limit=2000)
    petition.satisfied = bool(satisfied)
    petition.state, petition.revisited_on = State.CLOSED, day
    _step(petition, Step.REVISITED, by, day, petition.step_due, petition.revisit_note)
    petition.step_due = None
    petition.save()
    _count(petition, day, revisited=1)
    audit.record(
        by=by,
        action="petition.visit",
        place=petition.place,
        target=petition,
        after={"day": day.isoformat(), "satisfied": petition.satisfied},
    )
    return petition


@service
def change_owner(*, by: User | None, petition: Petition, owner: User | None, note: str = "") -> Petition:
    """Another person owns the petition from now on (a clerk leaves, the town takes it up)."""
    _in_state(petition, State.REGISTERED, State.RESOLVED)
    before = petition.owner_id
    petition.owner = _check_owner(owner, petition)
    petition.save(update_fields=["owner"])
    _step(
        petition, Step.OWNER, by, timezone.localdate(), None, _text(note, "note", required=False, limit=2000)
    )
    audit.record(
        by=by,
        action="petition.update",
        place=petition.place,
        target=petition,
        before={"owner": before},
        after={"owner": owner.pk},
    )
    return petition


@service
def withdraw(*, by: User | None, petition: Petition, reason: str) -> Petition:
    """A petition recorded by mistake (twice, or not a petition): kept with its history, taken off
    every count as if never found."""
    _in_state(petition, *State.values[:4])
    reason = _text(reason, "reason", required=True, limit=2000)
    _count(petition, petition.found_on, found=-1)
    if petition.resolved_on:
        _count(
            petition,
            petition.resolved_on,
            resolved=-1,
            resolved_on_time=-int(bool(petition.resolved_on_time)),
        )
    if petition.revisited_on:
        _count(petition, petition.revisited_on, revisited=-1)
    before = petition.state
    petition.state, petition.step_due = State.WITHDRAWN, None
    petition.save(update_fields=["state", "step_due"])
    _step(petition, Step.WITHDRAWN, by, timezone.localdate(), None, reason)
    audit.record(
        by=by,
        action="petition.revoke",
        place=petition.place,
        target=petition,
        before={"state": before},
        after={"reason": reason},
    )
    return petition


# --- the monthly risk screening ------------------------------------------------------------------------


@writes_nothing
def month_of(day: date) -> date:
    return day.replace(day=1)


@service
def sign_screening(
    *, by: User | None, place: OrgUnit, month: date, people: int, risks: int, note: str = ""
) -> Screening:
    """The station's screening of the month (不稳定风险排查), signed off by one of the station: what it
    found. Signed again (a correction) until it is countersigned above."""
    month = month_of(month)
    if month > month_of(timezone.localdate()):
        raise ValidationError({"month": _("A month still to come cannot be screened.")})
    for name, value in (("people", people), ("risks", risks)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MOST_PEOPLE:
            raise ValidationError({name: _("A count from 0 to %(most)s.") % {"most": MOST_PEOPLE}})
    note = _text(note, "note", required=False, limit=2000)
    if risks and not note:
        raise ValidationError({"note": _("Say what risk was found and what is done about it.")})
    screening = Screening.objects.filter(place=place, month=month).first()
    if screening and screening.countersigned_at:
        raise ValidationError(_("This month's screening is countersigned already: it cannot change."))
    before = {"people": screening.people, "risks": screening.risks} if screening else None
    screening = screening or Screening(place=place, month=month)
    screening.people, screening.risks, screening.note = people, risks, note
    screening.signed_by, screening.signed_at = by, timezone.now()
    screening.save()
    audit.record(
        by=by,
        action="screening.submit",
        place=place,
        target=screening,
        before=before,
        after={"month": month.isoformat(), "people": people, "risks": risks},
    )
    return screening


@writes_nothing
def countersigning_place(user: User | None, place: OrgUnit) -> OrgUnit | None:
    """The nearest place above `place` where the user handles petitions: in whose name they may
    countersign its screening; None when they hold none above it."""
    if user is None or not user.is_active:
        return None
    scope = Scope.for_user(user)
    above = [
        grant for grant in scope.grants if place.path.startswith(grant.path) and grant.path != place.path
    ]
    above = [grant for grant in above if HANDLE_PETITIONS in grant.capabilities]
    if not above:
        return None
    return OrgUnit.objects.get(pk=max(above, key=lambda grant: len(grant.path)).place_id)


@service
def countersign_screening(*, by: User | None, screening: Screening) -> Screening:
    """The person in charge above countersigns the station's screening: someone else than who signed
    it, of a place above the station."""
    if screening.countersigned_at:
        raise ValidationError(_("This screening is countersigned already."))
    if by is not None and by.pk == screening.signed_by_id:
        raise ValidationError(
            _("Who signed a screening cannot countersign it too: it needs a second person.")
        )
    above = countersigning_place(by, screening.place)
    if above is None:
        raise ValidationError(_("Only the person in charge of a place above the station countersigns."))
    screening.countersigned_by, screening.countersigned_at, screening.countersigned_as = (
        by,
        timezone.now(),
        above,
    )
    screening.save()
    audit.record(
        by=by, action="screening.approve", place=screening.place, target=screening, after={"as": above.pk}
    )
    return screening


# --- the kept totals ------------------------------------------------------------------------------------


@within_a_service
def move_totals(sender, *, place: OrgUnit, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree moved (core.move_place, same transaction): its petition totals follow it."""
    TOTALS.move(place.pk, old_path, new_path)


def _own_sums_sql() -> str:
    """Each place's own petitions per day, from the petitions themselves (the withdrawn left out)."""
    table = Petition._meta.db_table
    live = f"state <> '{State.WITHDRAWN}'"
    on_time = "CASE WHEN resolved_on_time THEN 1 ELSE 0 END"
    parts = [
        f"SELECT place_id, found_on AS day, 1 AS found, 0 AS resolved, 0 AS on_time, 0 AS revisited"
        f" FROM {table} WHERE {live}",
        f"SELECT place_id, resolved_on, 0, 1, {on_time}, 0 FROM {table}"
        f" WHERE {live} AND resolved_on IS NOT NULL",
        f"SELECT place_id, revisited_on, 0, 0, 0, 1 FROM {table} WHERE {live} AND revisited_on IS NOT NULL",
    ]
    return (
        "SELECT place_id, day, SUM(found), SUM(resolved), SUM(on_time), SUM(revisited) FROM ("
        + " UNION ALL ".join(parts)
        + ") AS steps GROUP BY place_id, day"
    )


@writes_nothing
def count_disagreements() -> int:
    """How many kept petition totals differ from the petitions summed up the tree."""
    return TOTALS.count_disagreements(_own_sums_sql())


@service
def rebuild_totals() -> int:
    """The kept totals thrown away and made again from the petitions (after a restore, or to check)."""
    rebuilt = TOTALS.rebuild(_own_sums_sql())
    audit.record(
        by=None, action="petitions.rebuild_totals", place=None, target=PetitionTotal, after={"rows": rebuilt}
    )
    return rebuilt
