"""What is due, kept: one `ContactDue` row per person and rule (and per stay in hospital, per festival
round), set when a rule or a person changes and moved on when a contact is recorded; its counts by
place, due day and kind kept up the tree (`DUES`), as are the contacts done (`CONTACTS`). A person who
moves takes their dues (and their counts) to the new place; one taken off the roll or passed away owes
nothing more."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone

from qunfang.care.models import (
    CareRule,
    CategoryAssignment,
    Contact,
    ContactDue,
    ContactKind,
    ContactTotal,
    DueReason,
    DueTotal,
    EventKind,
    LifeEvent,
)
from qunfang.core.writes import within_a_service, writes_nothing
from qunfang.lib.tallies import Tally
from qunfang.registry.models import Status, Veteran

DUES = Tally(DueTotal, keys=("place_id", "day", "kind"), sums=("dues",))
CONTACTS = Tally(ContactTotal, keys=("place_id", "day", "kind"), sums=("done", "met", "on_time"))
# A visit after a stay in hospital is due within days; it goes up the tree sooner than a rule's.
HOSPITAL_VISIT_WITHIN, HOSPITAL_TOWN_AFTER, HOSPITAL_DISTRICT_AFTER = 3, 3, 7
ROUND_TOWN_AFTER, ROUND_DISTRICT_AFTER = 3, 10


def _day(value: date):
    return connection.ops.adapt_datefield_value(value)


def _met_by(kind: str) -> tuple[str, ...]:
    """The kinds of due a contact meets: a home visit is a contact too, so it meets a call due."""
    return (ContactKind.CALL, ContactKind.VISIT) if kind == ContactKind.VISIT else (ContactKind.CALL,)


@writes_nothing
def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter: 31 Jan + 1 = 28 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # born on 29 February
        return day.replace(year=day.year + years, day=28)


@writes_nothing
def recorded_entry(veteran: Veteran) -> date | None:
    """The day the person entered the roll as a life event records it; None when none does (people who
    came in with a spreadsheet of the roll: their record was made on the import's day, years after)."""
    found = (
        LifeEvent.objects.filter(veteran=veteran, kind=EventKind.ENTERED)
        .order_by("day")
        .values_list("day", flat=True)
    )
    return found.first()


@writes_nothing
def entered_day(veteran: Veteran) -> date:
    """The day the person entered the roll: the life event's, else the day the record was made."""
    return recorded_entry(veteran) or timezone.localdate(veteran.created_at)


def _count(place_path: str, dues: Iterable[tuple[date, str]], sign: int) -> None:
    rows: dict[tuple, int] = {}
    for day, kind in dues:
        rows[(_day(day), kind)] = rows.get((_day(day), kind), 0) + sign
    DUES.add_up_the_tree(place_path, [(day, kind, n) for (day, kind), n in rows.items()])


def _rules_over(place) -> list[CareRule]:
    """The rules in force at the place: those of the place and of every place above it."""
    return list(
        CareRule.objects.filter(place_id__in=[*place.ancestor_ids, place.pk], active=True)
        .select_related("place")
        .prefetch_related("categories", "tags")
    )


def _applies(rule: CareRule, categories: set[int], tags: set[int]) -> bool:
    wanted_categories = {c.pk for c in rule.categories.all()}
    wanted_tags = {t.pk for t in rule.tags.all()}
    return (not wanted_categories or bool(wanted_categories & categories)) and (
        not wanted_tags or bool(wanted_tags & tags)
    )


def _first_due(rule: CareRule, veteran: Veteran, last: date | None, entered: date) -> date:
    """After the last contact that meets the rule, the interval; never contacted: the rule's first due
    day (not before the person entered the roll); with an age, not before that birthday."""
    due = add_months(last, rule.every_months) if last else max(rule.starts, entered)
    if rule.older_than:
        due = max(due, _years_after(veteran.birth_date, rule.older_than))
    return due


def _up_days(rule: CareRule, due: date) -> dict:
    return {
        "town_on": due + timedelta(days=rule.town_after_days),
        "district_on": due + timedelta(days=rule.district_after_days),
    }


def _last_contacts(veterans: list[int]) -> dict[tuple[int, str], date]:
    """Each person's last contact meeting each kind of due."""
    found: dict[tuple[int, str], date] = {}
    rows = (
        Contact.objects.filter(veteran_id__in=veterans).values("veteran_id", "kind").annotate(last=Max("day"))
    )
    for row in rows:
        for kind in _met_by(row["kind"]):
            key = (row["veteran_id"], kind)
            found[key] = max(found.get(key, row["last"]), row["last"])
    return found


def _expected(rules: list[CareRule], veterans: list[Veteran]) -> dict[tuple[int, int], date]:
    """(person, rule) -> the due day, for every active person each rule applies to."""
    ids = [v.pk for v in veterans if v.status == Status.ACTIVE]
    categories: dict[int, set[int]] = {}
    for vid, cid in CategoryAssignment.objects.filter(veteran_id__in=ids).values_list(
        "veteran_id", "category_id"
    ):
        categories.setdefault(vid, set()).add(cid)
    tags: dict[int, set[int]] = {}
    for vid, tid in Veteran.tags.through.objects.filter(veteran_id__in=ids).values_list(
        "veteran_id", "tag_id"
    ):
        tags.setdefault(vid, set()).add(tid)
    entered = dict(
        LifeEvent.objects.filter(veteran_id__in=ids, kind=EventKind.ENTERED)
        .values("veteran_id")
        .annotate(day=Max("day"))
        .values_list("veteran_id", "day")
    )
    last = _last_contacts(ids)
    found = {}
    for veteran in veterans:
        if veteran.status != Status.ACTIVE:
            continue
        for rule in rules:
            if veteran.place.path.startswith(rule.place.path) and _applies(
                rule, categories.get(veteran.pk, set()), tags.get(veteran.pk, set())
            ):
                start = entered.get(veteran.pk) or timezone.localdate(veteran.created_at)
                found[(veteran.pk, rule.pk)] = _first_due(
                    rule, veteran, last.get((veteran.pk, rule.kind)), start
                )
    return found


def _settle(rules: list[CareRule], veterans: list[Veteran], existing: list[ContactDue]) -> None:
    """Make the rule dues of `veterans` under `rules` what they should be: new ones added, those no
    longer owed dropped, changed days moved; the kept counts with them."""
    expected = _expected(rules, veterans)
    by_key = {(d.veteran_id, d.rule_id): d for d in existing}
    places = {v.pk: v.place for v in veterans}
    rules_by_id = {r.pk: r for r in rules}
    gone = [d for key, d in by_key.items() if key not in expected or d.due != expected[key]]
    _count_by_place(gone, -1)
    ContactDue.objects.filter(pk__in=[d.pk for d in gone]).delete()
    fresh = []
    for (vid, rid), day in expected.items():
        old = by_key.get((vid, rid))
        if old is not None and old.due == day:
            continue
        rule = rules_by_id[rid]
        fresh.append(
            ContactDue(
                veteran_id=vid, place=places[vid], rule=rule, kind=rule.kind, due=day, **_up_days(rule, day)
            )
        )
    ContactDue.objects.bulk_create(fresh, batch_size=1000)
    _count_by_place(fresh, 1)


def _count_by_place(found: list[ContactDue], sign: int) -> None:
    """The dues' counts changed, one write a place (a rule over a district touches thousands)."""
    by_place: dict[str, list] = {}
    for due in found:
        by_place.setdefault(due.place.path, []).append((due.due, due.kind))
    for path, rows in by_place.items():
        _count(path, rows, sign)


@within_a_service
def follow_veteran(veteran: Veteran) -> None:
    """A person added or changed (place, status, tags, categories, events): their dues follow. Off the
    roll (moved away, passed away): nothing more is due."""
    veteran = Veteran.objects.select_related("place").get(pk=veteran.pk)
    dues = list(ContactDue.objects.filter(veteran=veteran).select_related("place"))
    if veteran.status != Status.ACTIVE:
        _drop(dues)
        return
    moved = [d for d in dues if d.place_id != veteran.place_id]
    for due in moved:  # their counts leave the old place's tree and join the new one's
        _count(due.place.path, [(due.due, due.kind)], -1)
        _count(veteran.place.path, [(due.due, due.kind)], 1)
        due.place = veteran.place
    ContactDue.objects.filter(pk__in=[d.pk for d in moved]).update(place=veteran.place)
    rules = _rules_over(veteran.place)
    rule_dues = [d for d in dues if d.reason == DueReason.RULE]
    _settle(rules, [veteran], rule_dues)
    # Rules no longer over the person (they moved out of a bureau's district): theirs go.
    _drop([d for d in rule_dues if d.rule_id not in {r.pk for r in rules}])


def _drop(dues: list[ContactDue]) -> None:
    _count_by_place(dues, -1)
    ContactDue.objects.filter(pk__in=[d.pk for d in dues]).delete()


@within_a_service
def follow_rule(rule: CareRule) -> None:
    """A rule made, changed or put out of force: the dues of everyone under its place follow."""
    existing = ContactDue.objects.filter(rule=rule).select_related("place")
    rules = [rule] if rule.active else []
    people = Veteran.objects.filter(Q(place__path__startswith=rule.place.path)).select_related("place")
    if not rule.active:
        _drop(list(existing))
        return
    batch = 2000
    chosen = list(people.filter(status=Status.ACTIVE).order_by("pk"))
    by_veteran: dict[int, list[ContactDue]] = {}
    for due in existing:
        by_veteran.setdefault(due.veteran_id, []).append(due)
    for start in range(0, len(chosen), batch):
        part = chosen[start : start + batch]
        _settle(rules, part, [d for v in part for d in by_veteran.pop(v.pk, [])])
    _drop([d for dues in by_veteran.values() for d in dues])  # people no longer under it or active


@within_a_service
def hospital_visit(veteran: Veteran, day: date) -> None:
    """A stay in hospital: a home visit due within days (one at a time)."""
    veteran = Veteran.objects.select_related("place").get(pk=veteran.pk)
    if veteran.status != Status.ACTIVE:
        return
    _drop(list(ContactDue.objects.filter(veteran=veteran, reason=DueReason.HOSPITAL).select_related("place")))
    due = day + timedelta(days=HOSPITAL_VISIT_WITHIN)
    ContactDue.objects.create(
        veteran=veteran,
        place=veteran.place,
        reason=DueReason.HOSPITAL,
        kind=ContactKind.VISIT,
        due=due,
        town_on=due + timedelta(days=HOSPITAL_TOWN_AFTER),
        district_on=due + timedelta(days=HOSPITAL_DISTRICT_AFTER),
    )
    _count(veteran.place.path, [(due, ContactKind.VISIT)], 1)


@within_a_service
def round_visits(round_, veterans: list[Veteran]) -> int:
    """A festival round's visit due for each chosen active person at their place."""
    fresh = [
        ContactDue(
            veteran=v,
            place=v.place,
            round=round_,
            reason=DueReason.ROUND,
            kind=ContactKind.VISIT,
            due=round_.day,
            town_on=round_.day + timedelta(days=ROUND_TOWN_AFTER),
            district_on=round_.day + timedelta(days=ROUND_DISTRICT_AFTER),
        )
        for v in veterans
        if v.status == Status.ACTIVE
    ]
    ContactDue.objects.bulk_create(fresh, batch_size=1000)
    _count_by_place(fresh, 1)
    return len(fresh)


@within_a_service
def meet_dues(contact: Contact) -> list[ContactDue]:
    """The dues a contact meets (the person's of its kind, a visit's of calls too) moved on: a rule's
    to the interval after the person's last such contact, a hospital's or a round's done. Answers the
    dues met, as they were."""
    dues = list(
        ContactDue.objects.select_for_update(of=("self",))
        .filter(veteran_id=contact.veteran_id, kind__in=_met_by(contact.kind))
        .select_related("place", "rule")
    )
    if contact.kind != ContactKind.VISIT:
        dues = [d for d in dues if d.reason == DueReason.RULE]
    if contact.round_id:
        dues = [d for d in dues if d.reason != DueReason.ROUND or d.round_id == contact.round_id]
    else:  # a round's visit is met only by a visit recorded for the round (its gift)
        dues = [d for d in dues if d.reason != DueReason.ROUND]
    last = _last_contacts([contact.veteran_id])
    for due in dues:
        _count(due.place.path, [(due.due, due.kind)], -1)
        if due.reason == DueReason.RULE:
            day = add_months(
                max(last.get((contact.veteran_id, due.rule.kind), contact.day), contact.day),
                due.rule.every_months,
            )
            if due.rule.older_than:
                day = max(day, due.due)
            ContactDue.objects.filter(pk=due.pk).update(due=day, **_up_days(due.rule, day))
            _count(due.place.path, [(day, due.kind)], 1)
        else:
            ContactDue.objects.filter(pk=due.pk).delete()
    return dues


@within_a_service
def count_contact(contact: Contact, sign: int = 1) -> None:
    CONTACTS.add_up_the_tree(
        contact.place.path,
        [
            (
                _day(contact.day),
                contact.kind,
                sign,
                sign if contact.due_day else 0,
                sign if contact.on_time else 0,
            )
        ],
    )


@within_a_service
def move_totals(sender, *, place, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree of places moved (core.move_place): its kept counts follow it."""
    DUES.move(place.pk, old_path, new_path)
    CONTACTS.move(place.pk, old_path, new_path)


@writes_nothing
def own_dues_sql() -> str:
    return (
        f"SELECT place_id, due, kind, COUNT(*) FROM {ContactDue._meta.db_table} GROUP BY place_id, due, kind"
    )


@writes_nothing
def own_contacts_sql() -> str:
    return (
        "SELECT place_id, day, kind, COUNT(*), SUM(CASE WHEN due_day IS NULL THEN 0 ELSE 1 END),"
        " SUM(CASE WHEN on_time THEN 1 ELSE 0 END)"
        f" FROM {Contact._meta.db_table} GROUP BY place_id, day, kind"
    )
