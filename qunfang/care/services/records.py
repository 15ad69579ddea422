"""Writes of everyday care: categories (a bureau adds its own) and a person's, life events, cadence
rules, calls and visits with their photo and gift, festival rounds. Each is one transaction with its
audit entry, the kept dues and counts moved in it (services/dues.py); a refused call writes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.care.models import (
    CareCategory,
    CareRule,
    CategoryAssignment,
    Contact,
    ContactDue,
    ContactKind,
    EventKind,
    LifeEvent,
    Round,
)
from qunfang.care.services import dues
from qunfang.core import audit
from qunfang.core.models import Level, OrgUnit, User
from qunfang.core.writes import service
from qunfang.donations import services as donations
from qunfang.donations.models import Item, MoveKind
from qunfang.lib.text import unwanted_in
from qunfang.lib.uploads import delete_upload, is_image, save_upload
from qunfang.registry import services as registry
from qunfang.registry.models import Status, Tag, Veteran

PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".heic")
PHOTO_MAX_BYTES = 10 * 1024 * 1024
LONGEST_INTERVAL = 120  # months: ten years between calls is no cadence
BUREAU_LEVELS = (Level.PROVINCE, Level.CITY, Level.DISTRICT)


def _text(value: str, field: str, longest: int) -> str:
    """User text, stripped; refused with control characters or when too long."""
    value = (value or "").strip()
    if unwanted_in(value):
        raise ValidationError({field: _("The text holds an invisible control character; type it again.")})
    if len(value) > longest:
        raise ValidationError({field: _("At most %(count)s characters.") % {"count": longest}})
    return value


def _bureau(place: OrgUnit) -> None:
    if place.level not in BUREAU_LEVELS:
        raise ValidationError(_("Rules and categories are set by a bureau: a district or above."))


def _past(day: date, field: str = "day") -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


@service
def add_category(*, by: User | None, place: OrgUnit, name: str) -> CareCategory:
    """A bureau's own category, beside the national ones, for its people."""
    _bureau(place)
    name = _text(name, "name", 40)
    if not name:
        raise ValidationError({"name": _("Name the category.")})
    if (
        CareCategory.objects.filter(name=name, place__isnull=True).exists()
        or CareCategory.objects.filter(name=name, place=place).exists()
    ):
        raise ValidationError({"name": _("There is a category of that name already.")})
    category = CareCategory.objects.create(place=place, name=name)
    audit.record(by=by, action="care.category_add", place=place, target=category, after={"name": name})
    return category


@service
def set_categories(*, by: User | None, veteran: Veteran, categories: Iterable[CareCategory]) -> Veteran:
    """The person's categories, as chosen (national ones, or those of a bureau above them)."""
    chosen = {c.pk: c for c in categories}
    above = {None, *veteran.place.ancestor_ids, veteran.place_id}
    if any(c.place_id not in above for c in chosen.values()):
        raise ValidationError({"categories": _("Choose categories of this person's bureau.")})
    before = set(CategoryAssignment.objects.filter(veteran=veteran).values_list("category_id", flat=True))
    CategoryAssignment.objects.filter(veteran=veteran).exclude(category_id__in=chosen).delete()
    CategoryAssignment.objects.bulk_create(
        [CategoryAssignment(veteran=veteran, category=c) for pk, c in chosen.items() if pk not in before]
    )
    dues.follow_veteran(veteran)
    audit.record(
        by=by,
        action="care.categories",
        place=veteran.place,
        target=veteran,
        before={"categories": sorted(before)},
        after={"categories": sorted(chosen)},
    )
    return veteran


def _not_before_the_person(veteran: Veteran, day: date, *, entry: bool = True) -> None:
    """Nothing before the person was born, nor (`entry`) before the day they entered the roll where
    a life event records it. A record made by a roll import is no such day: it is the import's."""
    if day < veteran.birth_date:
        raise ValidationError({"day": _("The day is before the person was born.")})
    entered = dues.recorded_entry(veteran) if entry else None
    if entered and day < entered:
        raise ValidationError({"day": _("The day is before the person entered the roll.")})


@service
def record_event(*, by: User | None, veteran: Veteran, kind: str, day: date, note: str = "") -> LifeEvent:
    """A life event on the person's timeline, and what it makes due: a stay in hospital a visit soon;
    passing away nothing more (and the roll's status set through the registry)."""
    if kind not in EventKind.values:
        raise ValidationError({"kind": _("Choose what happened from the list.")})
    _past(day)
    note = _text(note, "note", 200)
    veteran = Veteran.objects.select_for_update().select_related("place").get(pk=veteran.pk)
    if veteran.status == Status.DECEASED:
        raise ValidationError(_("This person has passed away: the file is closed."))
    _not_before_the_person(veteran, day, entry=kind != EventKind.ENTERED)
    event = LifeEvent.objects.create(veteran=veteran, kind=kind, day=day, note=note, by=audit.acting_user(by))
    if kind == EventKind.PASSED_AWAY:
        registry.update_veteran(by=by, veteran=veteran, status=Status.DECEASED)
    elif kind == EventKind.HOSPITALISED:
        dues.hospital_visit(veteran, day)
    dues.follow_veteran(veteran)
    audit.record(
        by=by,
        action="care.event",
        place=veteran.place,
        target=event,
        after={"kind": kind, "day": day.isoformat()},
    )
    return event


def _rule_facts(place: OrgUnit, facts: dict) -> dict:
    every = facts.get("every_months")
    if every in (None, "", 0):
        raise ValidationError({"every_months": _("A rule needs an interval: every how many months.")})
    try:
        every = int(every)
    except (TypeError, ValueError):
        raise ValidationError({"every_months": _("The interval is a whole number of months.")}) from None
    if not 1 <= every <= LONGEST_INTERVAL:
        raise ValidationError({"every_months": _("The interval is 1 to 120 months.")})
    if facts.get("kind") not in ContactKind.values:
        raise ValidationError({"kind": _("Choose a call or a home visit.")})
    older = facts.get("older_than")
    if older is not None and not 0 < int(older) < 130:
        raise ValidationError({"older_than": _("An age is 1 to 129 years.")})
    town, district = int(facts.get("town_after_days", 7)), int(facts.get("district_after_days", 30))
    if not 0 <= town <= district <= 3650:
        raise ValidationError(
            {"district_after_days": _("Up to the town first, then the district (at most 3650 days).")}
        )
    name = _text(facts.get("name", ""), "name", 100)
    if not name:
        raise ValidationError({"name": _("Name the rule.")})
    return {
        "name": name,
        "kind": facts["kind"],
        "every_months": every,
        "older_than": int(older) if older else None,
        "town_after_days": town,
        "district_after_days": district,
        "starts": facts.get("starts") or timezone.localdate(),
    }


def _rule_choices(rule: CareRule, place: OrgUnit, categories, tags) -> None:
    above = {None, *place.ancestor_ids, place.pk}
    categories, tags = list(categories or []), list(tags or [])
    if any(c.place_id not in above for c in categories):
        raise ValidationError({"categories": _("Choose categories of this bureau.")})
    if any(not (place.path.startswith(t.place.path) or t.place.path.startswith(place.path)) for t in tags):
        raise ValidationError({"tags": _("Choose tags used at this place.")})
    rule.categories.set(categories)
    rule.tags.set(tags)


@service
def save_rule(
    *,
    by: User | None,
    place: OrgUnit,
    rule: CareRule | None = None,
    categories: Iterable[CareCategory] = (),
    tags: Iterable[Tag] = (),
    active: bool = True,
    **facts,
) -> CareRule:
    """A cadence rule made (or changed) by a bureau for the people under its place; their dues follow."""
    _bureau(place)
    cleaned = _rule_facts(place, facts)
    if rule is None:
        rule = CareRule(place=place, by=audit.acting_user(by))
    elif rule.place_id != place.pk:
        raise ValidationError(_("A rule is changed where it was made."))
    before = {"every_months": rule.every_months, "active": rule.active} if rule.pk else None
    for name, value in cleaned.items():
        setattr(rule, name, value)
    rule.active = active
    rule.save()
    _rule_choices(rule, place, categories, tags)
    dues.follow_rule(rule)
    audit.record(
        by=by,
        action="care.rule",
        place=place,
        target=rule,
        before=before,
        after={"name": rule.name, "every_months": rule.every_months, "active": rule.active},
    )
    return rule


def _photo(photo) -> None:
    if photo is None:
        return
    if not (photo.name or "").lower().endswith(PHOTO_TYPES):
        raise ValidationError({"photo": _("The photo must be a JPEG, PNG, WebP or HEIC image.")})
    if photo.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo may be 10 MB at most.")})
    if not is_image(photo):  # the bytes must be a picture, whatever the name says
        raise ValidationError({"photo": _("The photo must be a JPEG, PNG, WebP or HEIC image.")})


def _gift(veteran: Veteran, item: Item | None, quantity, day: date, by, note: str):
    """The gift taken from the stock of the person's station, or None; refused when short."""
    if item is None:
        if quantity not in (None, "", 0):
            raise ValidationError({"gift_item": _("Choose the gift taken from the stock.")})
        return None
    return donations.take_out(
        by=by, place=veteran.place, item=item, quantity=quantity, kind=MoveKind.USED, day=day, note=note[:200]
    )


@service
def record_contact(
    *,
    by: User | None,
    veteran: Veteran,
    kind: str,
    day: date,
    note: str = "",
    photo=None,
    gift_item: Item | None = None,
    gift_quantity=None,
    round: Round | None = None,
    submission: str | None = None,
) -> Contact:
    """A call or a home visit done: what it meets moves on, any gift leaves the station's stock in the
    same transaction (refused when the stock is short), the photo is kept; sent twice, kept once."""
    if submission and (earlier := Contact.objects.filter(submission=submission).first()):
        if earlier.veteran_id != veteran.pk:
            raise ValidationError({"submission": _("This submission key is used already.")})
        return earlier
    if kind not in ContactKind.values:
        raise ValidationError({"kind": _("Choose a call or a home visit.")})
    _past(day)
    note = _text(note, "note", 500)
    veteran = Veteran.objects.select_related("place").get(pk=veteran.pk)
    if veteran.status != Status.ACTIVE:
        raise ValidationError(_("This person is no longer on the roll here."))
    _not_before_the_person(veteran, day)
    if round is not None and not ContactDue.objects.filter(veteran=veteran, round=round).exists():
        raise ValidationError({"round": _("This person's visit of that round is done or was never due.")})
    if round is not None and kind != ContactKind.VISIT:
        raise ValidationError({"kind": _("A festival round is made of home visits.")})
    if gift_item is not None and kind != ContactKind.VISIT:
        raise ValidationError({"gift_item": _("A gift is taken on a home visit.")})
    _photo(photo)
    move = _gift(
        veteran, gift_item, gift_quantity, day, by, _("Gift on a visit to %(name)s") % {"name": veteran.name}
    )
    contact = Contact(
        veteran=veteran,
        place=veteran.place,
        kind=kind,
        day=day,
        note=note,
        gift_move=move,
        round=round,
        by=audit.acting_user(by),
        submission=submission or None,
    )
    if photo is not None:
        contact.photo, contact.photo_name = save_upload(photo, "care"), (photo.name or "")[-200:]
    try:
        return _keep(contact, by)
    except BaseException:
        if contact.photo:  # the row is not written after all: the file goes with it
            delete_upload(contact.photo)
        raise


def _keep(contact: Contact, by) -> Contact:
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        earlier = contact.submission and Contact.objects.filter(submission=contact.submission).first()
        if earlier:
            return earlier
        raise
    met = dues.meet_dues(contact)
    if met:
        contact.due_day = min(d.due for d in met)
        contact.on_time = contact.day <= contact.due_day
        contact.save(update_fields=["due_day", "on_time"])
    dues.count_contact(contact)
    audit.record(
        by=by,
        action=f"care.{contact.kind}",
        place=contact.place,
        target=contact,
        after={"day": contact.day.isoformat(), "met": len(met), "gift": contact.gift},
    )
    return contact


@service
def number_to_call(*, by: User, veteran: Veteran) -> str:
    """The person's full phone number for a tap to call, recorded in the audit log (the registry's)."""
    return registry.reveal(by=by, record=veteran, field="phone")


@service
def plan_round(
    *,
    by: User | None,
    place: OrgUnit,
    name: str,
    day: date,
    veterans: Iterable[Veteran],
    gift_item: Item | None = None,
    gift_quantity: int = 0,
) -> Round:
    """A festival round over the chosen people under the place: a visit due for each by their station."""
    _bureau(place)
    name = _text(name, "name", 100)
    if not name:
        raise ValidationError({"name": _("Name the round.")})
    chosen = [v for v in veterans if v.place.path.startswith(place.path) and v.status == Status.ACTIVE]
    if not chosen:
        raise ValidationError({"veterans": _("Choose the people to visit.")})
    if gift_item is not None and not 0 < int(gift_quantity or 0) <= 1000:
        raise ValidationError({"gift_quantity": _("How many of the gift for each person: 1 to 1000.")})
    round_ = Round.objects.create(
        place=place,
        name=name,
        day=day,
        gift_item=gift_item,
        gift_quantity=int(gift_quantity or 0) if gift_item else 0,
        by=audit.acting_user(by),
    )
    count = dues.round_visits(round_, chosen)
    audit.record(
        by=by, action="care.round", place=place, target=round_, after={"name": name, "people": count}
    )
    return round_
