"""The bureau's own organisation under /api/v1/operations: its sections, and its leading groups with who
heads them and who answers for what. The same services and scoping as the pages."""

from datetime import date

from django.http import Http404
from ninja import Field, Schema, Status

from qunfang.core.access import get_for, place_for
from qunfang.lib.apitypes import ERRORS, Day, Id, Text
from qunfang.operations import selectors, services
from qunfang.operations.api.work import MANAGE, VIEW, router
from qunfang.operations.models import GroupMember, GroupRole, LeadingGroup


class SectionIn(Schema):
    place_id: Id
    name: Text = Field(..., max_length=60)
    duties: Text = Field("", max_length=300)


class SectionOut(Schema):
    id: int
    place_id: int
    name: str
    duties: str


@router.get("/operations/sections", response={200: list[SectionOut], **ERRORS})
def list_sections(request, place_id: Id):
    return list(selectors.sections(request.scope, place_for(request, place_id, VIEW))[:500])


@router.post("/operations/sections", response={201: SectionOut, **ERRORS})
def add_section(request, data: SectionIn):
    place = place_for(request, data.place_id, MANAGE)
    return Status(
        201, services.save_section(by=request.auth, place=place, name=data.name, duties=data.duties)
    )


# --- leading groups ------------------------------------------------------------------------------------


class GroupMemberOut(Schema):
    id: int
    staff_id: int
    name: str = Field(..., alias="staff.name")
    role: GroupRole
    responsibility: str


class LeadingGroupOut(Schema):
    id: int
    place_id: int
    name: str
    purpose: str
    formed_on: date
    members: list[GroupMemberOut]

    @staticmethod
    def resolve_members(group: LeadingGroup) -> list[GroupMember]:
        return selectors.group_members(group)


class GroupIn(Schema):
    place_id: Id
    name: Text = Field(..., max_length=100)
    purpose: Text = Field("", max_length=300)
    formed_on: Day


class GroupMemberIn(Schema):
    staff_id: Id = Field(..., description="a staff member of the group's place or below")
    role: GroupRole = GroupRole.MEMBER
    responsibility: Text = Field("", max_length=300)


def _group(request, group_id: int, capability=VIEW) -> LeadingGroup:
    return get_for(request.scope, LeadingGroup.objects.select_related("place"), capability, pk=group_id)


@router.get("/operations/leading-groups", response={200: list[LeadingGroupOut], **ERRORS})
def list_groups(request, place_id: Id):
    return list(selectors.groups(request.scope, place_for(request, place_id, VIEW))[:100])


@router.post("/operations/leading-groups", response={201: LeadingGroupOut, **ERRORS})
def form_group(request, data: GroupIn):
    place = place_for(request, data.place_id, MANAGE)
    group = services.form_group(
        by=request.auth, place=place, name=data.name, purpose=data.purpose, formed_on=data.formed_on
    )
    return Status(201, group)


@router.post("/operations/leading-groups/{group_id}/members", response={200: LeadingGroupOut, **ERRORS})
def set_group_member(request, group_id: Id, data: GroupMemberIn):
    """Put a person in the group with a role and what they answer for; sent again, it changes them.
    A group has one head."""
    group = _group(request, group_id, MANAGE)
    staff = selectors.staff(request.scope, group.place).filter(pk=data.staff_id).first()
    if staff is None:
        raise Http404  # not on the staff of the group's place, or not the caller's to see
    services.set_group_member(
        by=request.auth, group=group, staff=staff, role=data.role, responsibility=data.responsibility
    )
    return group


@router.delete("/operations/group-members/{group_member_id}", response={204: None, **ERRORS})
def remove_group_member(request, group_member_id: Id):
    member = get_for(
        request.scope, GroupMember.objects.select_related("group__place", "staff"), MANAGE, pk=group_member_id
    )
    services.remove_group_member(by=request.auth, member=member)
    return Status(204, None)
