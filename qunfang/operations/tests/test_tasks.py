"""Work plans and tasks: one owner each, inside the plan's place; given to every station below at once
and pushed down again from there, once; progress notes; overdue tasks; each owner's own list; the
plan's progress per owner."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.core.models import Level, StationKind
from qunfang.mobilization import services as mobilization
from qunfang.operations import selectors, services
from qunfang.operations.models import Task, TaskNote
from qunfang.testing.world import SAMPLE_ID, place


@pytest.fixture
def plan(world):
    return services.save_plan(
        by=world.alice,
        place=world.qingxin,
        title="清新区退役军人疫情防控工作方案",
        start=date(2020, 1, 24),
        end=date(2020, 3, 31),
        text="一、工作目标……",
    )


def test_a_plan_that_ends_before_it_starts_is_refused(world):
    with pytest.raises(ValidationError):
        services.save_plan(
            by=None, place=world.qingxin, title="方案", start=date(2020, 2, 1), end=date(2020, 1, 1)
        )


def test_a_task_owner_outside_the_plans_place_is_refused_and_nothing_is_stored(world, plan):
    stranger = services.save_staff(by=world.erin, place=world.hunnan, name="浑南的人")
    for owner in (services.Owner(staff=stranger), services.Owner(station=world.hunnan)):
        with pytest.raises(ValidationError) as refused:
            services.add_task(by=world.alice, plan=plan, title="摸排", due=date(2020, 2, 1), owner=owner)
        assert "不在清新区范围内" in refused.value.message_dict["owner"][0]
    town_plan = services.save_plan(
        by=world.bob, place=world.longjing, title="镇方案", start=date(2020, 1, 24), end=date(2020, 2, 24)
    )
    with pytest.raises(ValidationError):  # the district above is outside the town's plan too
        services.add_task(
            by=world.bob,
            plan=town_plan,
            title="x",
            due=date(2020, 2, 1),
            owner=services.Owner(station=world.qingxin),
        )
    with pytest.raises(ValidationError):
        services.add_task(by=world.alice, plan=plan, title="x", due=date(2020, 2, 1), owner=services.Owner())
    assert not Task.objects.exists()


def test_a_task_cannot_be_due_before_its_plan_starts(world, plan):
    with pytest.raises(ValidationError, match="早于"):
        services.add_task(
            by=None, plan=plan, title="x", due=date(2020, 1, 1), owner=services.Owner(station=world.jingkou)
        )


def test_the_district_gives_a_task_to_every_town_and_each_town_pushes_it_to_its_villages(world, plan):
    other_town = place(
        world.qingxin, "太和镇", Level.TOWN, "441803101", station_kind=StationKind.SERVICE_STATION
    )
    place(world.qingxin, "无站点的地方", Level.TOWN)  # a place without a station gets no task
    towns = services.assign_to_stations(
        by=world.alice, plan=plan, under=world.qingxin, title="全面摸排退役军人", due=date(2020, 2, 1)
    )
    assert sorted(t.place.name for t in towns) == ["太和镇", "龙颈镇"]
    longjing_task = next(t for t in towns if t.place == world.longjing)
    villages = services.push_down(by=world.bob, task=longjing_task)
    assert sorted(t.place.name for t in villages) == ["南坑村", "迳口村"]
    assert all(t.parent == longjing_task and t.title == "全面摸排退役军人" for t in villages)
    assert services.push_down(by=world.bob, task=longjing_task) == []  # once per village
    with pytest.raises(ValidationError, match="下面没有服务站"):
        services.push_down(by=None, task=next(t for t in towns if t.place == other_town))
    assert Task.objects.count() == 4


def test_progress_notes_change_the_status_and_overdue_tasks_stand_out(world, plan):
    today = timezone.localdate()
    late = services.add_task(
        by=None,
        plan=plan,
        title="上报名单",
        due=today - timedelta(days=1),
        owner=services.Owner(station=world.jingkou),
    )
    on_time = services.add_task(
        by=None,
        plan=plan,
        title="发放口罩",
        due=today + timedelta(days=2),
        owner=services.Owner(station=world.nankeng),
    )
    assert late.overdue and not on_time.overdue
    services.report_progress(by=world.carol, task=late, status="doing", note="已摸排 120 户")
    with pytest.raises(ValidationError):  # nothing new said
        services.report_progress(by=world.carol, task=late, status="doing", note="")
    services.report_progress(by=world.carol, task=late, status="done", note="全部完成")
    late.refresh_from_db()
    assert late.status == "done" and late.done_on == today and not late.overdue
    assert TaskNote.objects.filter(task=late).count() == 2
    from qunfang.core.access import Scope

    assert list(selectors.tasks(Scope.for_user(world.bob), world.longjing, overdue=True)) == []
    rows = {r.owner: (r.done, r.total, r.overdue) for r in selectors.progress_by_owner(plan)}
    assert rows == {"迳口村": (1, 1, 0), "南坑村": (0, 1, 0)}


def test_each_owner_sees_their_own_list(world, plan):
    section = services.save_section(by=None, place=world.qingxin, name="优抚科")
    me = services.save_staff(by=None, place=world.qingxin, name="艾丽丝", section=section, user=world.alice)
    volunteer = mobilization.add_volunteer(
        by=None, place=world.qingxin, name="志愿者甲", id_number=SAMPLE_ID, phone="13700137000"
    )
    team = mobilization.save_team(
        by=None, place=world.qingxin, name="宣传组", members=[volunteer], leader=volunteer
    )
    mine = services.add_task(
        by=None, plan=plan, title="我的", due=date(2020, 2, 1), owner=services.Owner(staff=me)
    )
    ours = services.add_task(
        by=None, plan=plan, title="科室的", due=date(2020, 2, 2), owner=services.Owner(section=section)
    )
    services.add_task(by=None, plan=plan, title="组的", due=date(2020, 2, 3), owner=services.Owner(team=team))
    village = services.add_task(
        by=None, plan=plan, title="村的", due=date(2020, 2, 4), owner=services.Owner(station=world.jingkou)
    )
    assert list(selectors.my_tasks(world.alice)) == [mine, ours]
    assert list(selectors.my_tasks(world.carol)) == [village]
    assert list(selectors.my_tasks(world.dave)) == []
