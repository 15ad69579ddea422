"""Staff and sections; leading groups and their members."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires, under
from qunfang.core.models import OrgUnit, User
from qunfang.core.roles import Capability
from qunfang.core.views import form_page, paginate, place_for, posted_form
from qunfang.lib.twins import api_twin
from qunfang.operations import exports, selectors, services
from qunfang.operations.forms import GroupForm, GroupMemberForm, SectionForm, StaffForm
from qunfang.operations.models import GroupMember, LeadingGroup, StaffMember
from qunfang.operations.views.overview import MANAGE, VIEW

# --- staff and sections --------------------------------------------------------------------------------


@requires(VIEW)
def staff_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    people = selectors.staff(request.scope, place, active_only=request.GET.get("all") != "1")
    if request.GET.get("format") == "xlsx":
        return exports.STAFF.response(people, title=_("Staff members"), filename=f"{place.name}-staff.xlsx")
    return render(
        request,
        "operations/staff_list.html",
        {
            "place": place,
            "people": paginate(request, people, 50),
            "sections": selectors.sections(request.scope, place),
            "may_manage": request.scope.allows(MANAGE, place),
        },
    )


def _staff_form(request, place: OrgUnit, **kwargs) -> StaffForm:
    users = User.objects.filter(under(place, via="memberships__place"), is_active=True).distinct()
    return StaffForm(
        request.POST or None, sections=selectors.sections(request.scope, place), users=users, **kwargs
    )


@requires(MANAGE)
@api_twin("qunfang.operations.api.work.add_staff")
def staff_new(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    form = _staff_form(request, place)
    return form_page(
        request,
        form,
        title=_("Add a staff member"),
        place=place,
        save=lambda data: services.save_staff(by=request.user, place=place, **data),
        done=lambda person: (_("%(name)s added to the staff.") % {"name": person.name}, _staff_url(person)),
    )


def _staff_url(person: StaffMember) -> str:
    return reverse("operations:staff", args=[person.pk])


def _staff(request, staff_member_id: int, capability: Capability) -> StaffMember:
    return get_for(
        request.scope,
        StaffMember.objects.select_related("place", "section", "user"),
        capability,
        pk=staff_member_id,
    )


@requires(VIEW)
def staff_detail(request, staff_member_id: int):
    person = _staff(request, staff_member_id, VIEW)
    today = timezone.localdate()
    return render(
        request,
        "operations/staff_detail.html",
        {
            "person": person,
            "place": person.place,
            "check_ins": person.check_ins.filter(day__gte=today - timedelta(days=13)).order_by("-day"),
            "leaves": person.leaves.all()[:20],
            "screenings": person.return_screenings.all()[:5],
            "tasks": person.tasks.select_related("plan").order_by("status", "due")[:20],
            "may_manage": request.scope.allows(MANAGE, person.place),
        },
    )


@requires(MANAGE)
@api_twin("qunfang.operations.api.work.change_staff")
def staff_edit(request, staff_member_id: int):
    person = _staff(request, staff_member_id, MANAGE)
    form = _staff_form(
        request,
        person.place,
        initial={
            "name": person.name,
            "title": person.title,
            "section": person.section,
            "user": person.user,
            "active": person.active,
        },
    )

    def save(data):
        data["phone"] = data["phone"] or None  # empty keeps the number
        return services.save_staff(by=request.user, place=person.place, staff=person, **data)

    return form_page(
        request,
        form,
        title=_("Change %(name)s") % {"name": person.name},
        place=person.place,
        save=save,
        done=lambda p: (_("Saved."), _staff_url(p)),
    )


@requires(MANAGE)
@api_twin("qunfang.operations.api.groups.add_section")
def section_new(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    return form_page(
        request,
        SectionForm(request.POST or None),
        title=_("Add a section"),
        place=place,
        save=lambda data: services.save_section(by=request.user, place=place, **data),
        done=lambda s: (
            _("Section %(name)s added.") % {"name": s.name},
            reverse("operations:staff_list", args=[place.pk]),
        ),
    )


# --- leading groups ------------------------------------------------------------------------------------


@requires(VIEW)
def group_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    groups = [(g, selectors.group_members(g)) for g in selectors.groups(request.scope, place)]
    if request.GET.get("format") == "xlsx":
        pairs = [(g, m) for g, members in groups for m in members]
        return exports.GROUP_MEMBERS.response(
            pairs, title=_("Leading groups"), filename=f"{place.name}-leading-groups.xlsx"
        )
    return render(
        request,
        "operations/groups.html",
        {"place": place, "groups": groups, "may_manage": request.scope.allows(MANAGE, place)},
    )


@requires(MANAGE)
@api_twin("qunfang.operations.api.groups.form_group")
def group_new(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    form = GroupForm(request.POST or None, initial={"formed_on": timezone.localdate()})
    return form_page(
        request,
        form,
        title=_("Form a leading group"),
        place=place,
        save=lambda data: services.form_group(by=request.user, place=place, **data),
        done=lambda g: (_("%(name)s formed: now add its members.") % {"name": g.name}, _group_url(g)),
    )


def _group_url(group: LeadingGroup) -> str:
    return reverse("operations:group", args=[group.pk])


@requires(VIEW)
@api_twin("qunfang.operations.api.groups.set_group_member")
def group_detail(request, group_id: int):
    group = get_for(request.scope, LeadingGroup.objects.select_related("place"), VIEW, pk=group_id)
    may_manage = request.scope.allows(MANAGE, group.place)
    form = GroupMemberForm(request.POST or None, staff=selectors.staff(request.scope, group.place))
    done = posted_form(
        request,
        form,
        allowed=may_manage,
        message=_("Saved."),
        url=_group_url(group),
        save=lambda data: services.set_group_member(by=request.user, group=group, **data),
    )
    return done or render(
        request,
        "operations/group.html",
        {
            "group": group,
            "place": group.place,
            "members": selectors.group_members(group),
            "form": form,
            "may_manage": may_manage,
        },
    )


@require_POST
@requires(MANAGE)
@api_twin("qunfang.operations.api.groups.remove_group_member")
def group_member_remove(request, group_member_id: int):
    member = get_for(
        request.scope, GroupMember.objects.select_related("group__place", "staff"), MANAGE, pk=group_member_id
    )
    services.remove_group_member(by=request.user, member=member)
    messages.success(request, _("%(name)s left the group.") % {"name": member.staff.name})
    return redirect(_group_url(member.group))
