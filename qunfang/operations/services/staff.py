"""Staff and sections; leading groups and who in them answers for what."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.personal import set_fields
from qunfang.core.writes import service
from qunfang.operations.models import GroupMember, GroupRole, LeadingGroup, Section, StaffMember
from qunfang.operations.services.rules import _not_in_future, _required, _under

# --- staff and sections --------------------------------------------------------------------------------


@service
def save_section(
    *, by: User | None, place: OrgUnit, name: str, duties: str = "", section: Section | None = None
):
    name = _required(name, "name", _("Enter the section's name."))
    if Section.objects.filter(place=place, name=name).exclude(pk=section.pk if section else None).exists():
        raise ValidationError(
            {"name": _("%(place)s has a section of that name already.") % {"place": place.name}}
        )
    section = section or Section(place=place)
    section.name, section.duties = name[:60], duties.strip()[:300]
    section.save()
    audit.record(by=by, action="section.save", place=place, target=section)
    return section


@service
def save_staff(
    *,
    by: User | None,
    place: OrgUnit,
    name: str,
    title: str = "",
    section: Section | None = None,
    phone: str | None = "",
    user: User | None = None,
    active: bool = True,
    staff: StaffMember | None = None,
) -> StaffMember:
    """Add a staff member at `place`, or change one. A section is one of the place's own; a user
    account is linked to one staff member at most."""
    name = _required(name, "name", _("Enter the person's name."))
    if section is not None and section.place_id != place.pk:
        raise ValidationError({"section": _("Choose a section of %(place)s.") % {"place": place.name}})
    if (
        user is not None
        and StaffMember.objects.filter(user=user).exclude(pk=staff.pk if staff else None).exists()
    ):
        raise ValidationError({"user": _("That account belongs to another staff member already.")})
    before = audit.snapshot(staff, ["name", "title", "section_id", "user_id", "active"]) if staff else None
    staff = staff or StaffMember(place=place)
    fields = {
        "name": name[:50],
        "title": title.strip()[:60],
        "section": section,
        "user": user,
        "active": active,
    }
    if phone is not None:  # None keeps the number; blank removes it
        fields["phone"] = phone
    set_fields(staff, fields)
    staff.save()
    after = audit.snapshot(staff, ["name", "title", "section_id", "user_id", "active"])
    audit.record(by=by, action="staff.save", place=place, target=staff, before=before, after=after)
    return staff


def _staff_under(place: OrgUnit, people: list[StaffMember | None], field: str) -> None:
    for person in people:
        if person is not None and not _under(person.place, place):
            raise ValidationError(
                {
                    field: _("%(name)s does not work under %(place)s.")
                    % {"name": person.name, "place": place.name}
                }
            )


# --- leading groups ------------------------------------------------------------------------------------


@service
def form_group(
    *, by: User | None, place: OrgUnit, name: str, purpose: str = "", formed_on: date
) -> LeadingGroup:
    name = _required(name, "name", _("Enter the group's name."))
    _not_in_future(formed_on, "formed_on")
    group = LeadingGroup.objects.create(
        place=place, name=name[:100], purpose=purpose.strip()[:300], formed_on=formed_on
    )
    audit.record(by=by, action="leading_group.form", place=place, target=group)
    return group


@service
def set_group_member(
    *, by: User | None, group: LeadingGroup, staff: StaffMember, role: str, responsibility: str = ""
) -> GroupMember:
    """Put a person in the group with a role and what they answer for (again: change it). A group has
    one head."""
    _staff_under(group.place, [staff], "staff")
    if role not in GroupRole.values:
        raise ValidationError({"role": _("Choose the person's role in the group.")})
    if role == GroupRole.LEADER:
        head = group.members.filter(role=GroupRole.LEADER).exclude(staff=staff).first()
        if head:
            raise ValidationError(
                {"role": _("%(name)s heads the group already.") % {"name": head.staff.name}}
            )
    member, _created = GroupMember.objects.update_or_create(
        group=group, staff=staff, defaults={"role": role, "responsibility": responsibility.strip()[:300]}
    )
    audit.record(
        by=by,
        action="leading_group.member",
        place=group.place,
        target=group,
        after={"staff": staff.pk, "role": role, "responsibility": member.responsibility},
    )
    return member


@service
def remove_group_member(*, by: User | None, member: GroupMember) -> None:
    audit.record(
        by=by,
        action="leading_group.remove",
        place=member.group.place,
        target=member.group,
        before={"staff": member.staff_id, "role": member.role},
    )
    member.delete()
