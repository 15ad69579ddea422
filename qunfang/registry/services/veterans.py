"""Veterans and their families: added, edited, moved (a Move), tagged; protected data revealed
and the roll exported, each audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qunfang.core import audit
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, User
from qunfang.core.personal import ID_NUMBER, PHONE, parse_id_number, set_fields
from qunfang.core.roles import Capability
from qunfang.core.writes import service
from qunfang.lib.tables import write_xlsx
from qunfang.registry import roll
from qunfang.registry.models import FamilyMember, Move, Tag, Veteran

# Audit entries show protected fields as their masks: the log must not become a copy of the roll.
VETERAN_FIELDS = [
    "name",
    "place",
    "address",
    "category",
    "status",
    "service_branch",
    "enlisted_year",
    "discharged_year",
    "party_member",
    "sms_opt_out",
]
PROTECTED_FIELDS = {"id_number": ID_NUMBER, "phone": PHONE}


def _snapshot(veteran: Veteran) -> dict[str, Any]:
    values = audit.snapshot(veteran, VETERAN_FIELDS)
    values.update({name: str(getattr(veteran, name) or "") for name in PROTECTED_FIELDS})
    if veteran.pk:
        tags = getattr(veteran, "_new_tags", None)
        values["tags"] = sorted(t.name for t in (tags if tags is not None else veteran.tags.all()))
    return values


def _apply(veteran: Veteran, fields: dict[str, Any], by: User | None) -> None:
    fields = dict(fields)
    tags = fields.pop("tags", None)
    set_fields(veteran, fields)
    if tags is not None:
        veteran._new_tags = _tags_named(tags, veteran.place, by)
    if veteran.id_number is None:  # blank, or only spaces
        raise ValidationError({"id_number": _("Enter the veteran's ID number.")})
    parsed = parse_id_number(veteran.id_number.reveal())
    veteran.birth_date, veteran.sex = parsed.birth_date, parsed.sex


UNCLEANED = ["id_number", "phone", "id_number_index", "phone_index", "birth_date", "sex"]


def _tags_named(names: Iterable[str], place: OrgUnit, by: User | None) -> list[Tag]:
    """The tags of these names for a veteran at `place`: a tag of the place or of a place above it when
    there is one (the bureau's own first), else a new one, which belongs to the widest place above
    `place` where `by` works (a bureau admin's tags are the district's, a clerk's the village's)."""
    names = sorted({name.strip() for name in names if name and name.strip()})
    for name in names:
        if len(name) > 30:
            raise ValidationError({"tags": _("A tag has at most 30 characters.")})
    if not names:
        return []
    above = [*place.ancestor_ids, place.pk]
    found: dict[str, Tag] = {}
    for tag in Tag.objects.filter(name__in=names, place_id__in=above).order_by("-place__path"):
        found[tag.name] = tag  # the last kept is the one highest up
    missing = [name for name in names if name not in found]
    if missing:
        owner = _tag_owner(place, by)
        Tag.objects.bulk_create([Tag(place=owner, name=name) for name in missing], ignore_conflicts=True)
        found.update({tag.name: tag for tag in Tag.objects.filter(place=owner, name__in=missing)})
    return [found[name] for name in names]


def _tag_owner(place: OrgUnit, by: User | None) -> OrgUnit:
    if by is not None:
        paths = [p for p in Scope.for_user(by).paths(Capability.MANAGE_VETERANS) if place.path.startswith(p)]
        if paths:
            return OrgUnit.objects.get(path=min(paths, key=len))
    return place


def _save_tags(veteran: Veteran) -> None:
    tags = getattr(veteran, "_new_tags", None)
    if tags is not None:
        veteran.tags.set(tags)
        del veteran._new_tags


def _check_unique_id(veteran: Veteran, by: User | None) -> None:
    """One record per ID number. Who holds it is said only to a user who may see that record: an ID
    number is guessable (region, birth date, sequence, check digit), so naming the person or the
    place would let anyone look veterans up in every district."""
    index = veteran.id_number.index
    other = (
        Veteran.objects.filter(id_number_index=index).exclude(pk=veteran.pk).select_related("place").first()
    )
    if other is None:
        return
    if by is None or Scope.for_user(by).allows(Capability.VIEW_VETERANS, other.place):
        message = _("This ID number is already on the roll: %(name)s at %(place)s (record %(id)s).") % {
            "name": other.name,
            "place": other.place.name,
            "id": other.pk,
        }
    else:
        message = ELSEWHERE_ON_A_ROLL
    raise ValidationError({"id_number": message})


ELSEWHERE_ON_A_ROLL = gettext_lazy(
    "This ID number is already on a roll elsewhere. If the veteran has moved here, ask the district "
    "bureau to move the record."
)


@service
def create_veteran(*, by: User | None, place: OrgUnit, name: str, id_number: str, **fields: Any) -> Veteran:
    veteran = Veteran(place=place)
    _apply(veteran, {"name": name, "id_number": id_number, **fields}, by)
    _check_unique_id(veteran, by)
    veteran.full_clean(exclude=UNCLEANED)
    veteran.save()
    _save_tags(veteran)
    audit.record(by=by, action="veteran.create", place=place, target=veteran, after=_snapshot(veteran))
    return veteran


@service
def update_veteran(*, by: User | None, veteran: Veteran, **fields: Any) -> Veteran:
    veteran = Veteran.objects.select_for_update().get(pk=veteran.pk)
    before = _snapshot(veteran)
    from_place_id = veteran.place_id
    _apply(veteran, fields, by)
    _check_unique_id(veteran, by)
    veteran.full_clean(exclude=UNCLEANED)
    if _snapshot(veteran) == before:  # a form saved unchanged writes nothing
        return veteran
    veteran.save()
    _save_tags(veteran)
    if veteran.place_id != from_place_id:
        Move.objects.create(
            veteran=veteran,
            from_place_id=from_place_id,
            to_place=veteran.place,
            moved_by=audit.acting_user(by),
        )
    after = _snapshot(veteran)
    if after != before:
        audit.record(
            by=by, action="veteran.update", place=veteran.place, target=veteran, before=before, after=after
        )
    return veteran


@service
def reveal(*, by: User, record: Veteran | FamilyMember, field: str) -> str:
    """The full value of a protected field of a veteran or a family member, for a user whose capability
    the caller has checked."""
    if field not in PROTECTED_FIELDS:
        raise ValueError(field)
    value = getattr(record, field)
    veteran = record if isinstance(record, Veteran) else record.veteran
    audit.record(by=by, action="veteran.reveal", place=veteran.place, target=record, after={"field": field})
    return value.reveal() if value else ""


@service
def export_roll(*, by: User, scope: Scope, veterans, place: OrgUnit | None, reveal: bool) -> bytes:
    """The veterans as the roll's spreadsheet (it imports back as the same roll), and its audit entry,
    together: an export that fails leaves no entry, and one made always has it. Full numbers count as
    revealing them."""
    from qunfang.registry.selectors import export_rows

    content = write_xlsx(_("Veterans"), roll.EXPORT_HEADINGS, export_rows(scope, veterans, reveal=reveal))
    action = "veteran.export_revealed" if reveal else "veteran.export"
    audit.record(by=by, action=action, place=place, target=by, after={"rows": veterans.count()})
    return content


# --- families -----------------------------------------------------------------------------------------

FAMILY_FIELDS = ["relation", "name"]


def _family_snapshot(member: FamilyMember) -> dict[str, Any]:
    values = audit.snapshot(member, FAMILY_FIELDS)
    values.update({name: str(getattr(member, name) or "") for name in PROTECTED_FIELDS})
    return values


def _set_family_fields(member: FamilyMember, fields: dict[str, Any]) -> None:
    set_fields(member, fields)
    member.full_clean(exclude=UNCLEANED + ["veteran"])


@service
def add_family_member(
    *, by: User | None, veteran: Veteran, relation: str, name: str, **fields: Any
) -> FamilyMember:
    member = FamilyMember(veteran=veteran)
    _set_family_fields(member, {"relation": relation, "name": name, **fields})
    member.save()
    audit.record(
        by=by, action="veteran.family_add", place=veteran.place, target=member, after=_family_snapshot(member)
    )
    return member


@service
def update_family_member(*, by: User | None, member: FamilyMember, **fields: Any) -> FamilyMember:
    member = FamilyMember.objects.select_for_update().select_related("veteran__place").get(pk=member.pk)
    before = _family_snapshot(member)
    _set_family_fields(member, fields)
    member.save()
    audit.record(
        by=by,
        action="veteran.family_update",
        place=member.veteran.place,
        target=member,
        before=before,
        after=_family_snapshot(member),
    )
    return member


@service
def remove_family_member(*, by: User | None, member: FamilyMember) -> None:
    audit.record(
        by=by,
        action="veteran.family_remove",
        place=member.veteran.place,
        target=member,
        before=_family_snapshot(member),
    )
    member.delete()
