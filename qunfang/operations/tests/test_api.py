"""The operations API: one's own check-in with a token (bad temperatures refused in Chinese), the day's
board, shifts and the roster's gaps, tasks given to every station below and pushed down, leave."""

import json
from datetime import date, timedelta

from django.utils import timezone

from qunfang.core.models import AuditEntry
from qunfang.operations import services
from qunfang.operations.models import (
    CheckIn,
    CheckInReminder,
    DutyShift,
    GroupMember,
    LeadingGroup,
    Section,
    Task,
)
from qunfang.testing.clients import api_client_for


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_a_staff_member_checks_in_with_a_token_and_the_board_counts_it(world):
    me = services.save_staff(by=None, place=world.jingkou, name="何伟", user=world.carol)
    client = api_client_for(world.carol)
    today = str(timezone.localdate())
    refused = post(
        client,
        "/api/v1/operations/check-ins",
        {"staff_id": me.pk, "day": today, "temperature": "30", "whereabouts": "村委"},
    )
    assert refused.status_code == 422 and "体温 30.0 °C 不可能正确" in str(refused.json())
    assert not CheckIn.objects.exists()
    done = post(
        client,
        "/api/v1/operations/check-ins",
        {
            "staff_id": me.pk,
            "day": today,
            "temperature": "37.6",
            "whereabouts": "村委",
            "symptoms": ["cough"],
        },
    )
    assert done.status_code == 201 and done.json()["unwell"] is True
    board = client.get(f"/api/v1/operations/health?place_id={world.jingkou.pk}").json()
    assert board["checked_in"] == 1 and board["unwell"][0]["name"] == "何伟"


def test_shifts_and_the_gaps_of_the_next_fourteen_days(world):
    leader = services.save_staff(by=None, place=world.qingxin, name="李局长")
    client = api_client_for(world.alice)
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    made = post(
        client,
        "/api/v1/operations/shifts",
        {
            "place_id": world.qingxin.pk,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=24)).isoformat(),
            "leader_id": leader.pk,
        },
    )
    assert made.status_code == 201
    again = post(
        client,
        "/api/v1/operations/shifts",
        {
            "place_id": world.qingxin.pk,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(),
            "leader_id": leader.pk,
        },
    )
    assert again.status_code == 422 and DutyShift.objects.count() == 1
    gaps = client.get(f"/api/v1/operations/roster-gaps?place_id={world.qingxin.pk}").json()
    assert [(g["what"], g["hours"]) for g in gaps] == [("anyone", 312.0), ("leader", 312.0)]


def test_tasks_given_to_every_town_pushed_down_and_reported(world):
    admin = api_client_for(world.alice)
    plan = post(
        admin,
        "/api/v1/operations/plans",
        {"place_id": world.qingxin.pk, "title": "方案", "start": "2020-01-24", "end": "2020-03-31"},
    ).json()
    towns = post(
        admin,
        "/api/v1/operations/tasks",
        {
            "plan_id": plan["id"],
            "title": "摸排",
            "due": "2020-02-01",
            "owner": {"kind": "below", "id": world.qingxin.pk},
        },
    )
    assert towns.status_code == 201 and [t["owner"] for t in towns.json()] == ["龙颈镇"]
    town = api_client_for(world.bob)
    villages = post(town, f"/api/v1/operations/tasks/{towns.json()[0]['id']}/push-down", {})
    assert sorted(t["owner"] for t in villages.json()) == ["南坑村", "迳口村"]
    village_task = Task.objects.get(place=world.jingkou)
    reported = post(
        api_client_for(world.carol),
        f"/api/v1/operations/tasks/{village_task.pk}/progress",
        {"status": "done", "note": "完成"},
    )
    assert reported.json()["status"] == "done"
    outside = post(
        admin,
        "/api/v1/operations/tasks",
        {
            "plan_id": plan["id"],
            "title": "x",
            "due": "2020-02-01",
            "owner": {"kind": "station", "id": world.hunnan.pk},
        },
    )
    assert outside.status_code == 404 and Task.objects.count() == 3


def test_leave_that_ends_before_it_starts_is_refused(world):
    person = services.save_staff(by=None, place=world.qingxin, name="王新")
    answer = post(
        api_client_for(world.alice),
        "/api/v1/operations/leave",
        {"staff_id": person.pk, "kind": "sick", "start": str(date(2020, 2, 5)), "end": "2020-02-03"},
    )
    assert answer.status_code == 422 and "假期的结束日期不能早于开始日期" in str(answer.json())


# --- the twins of the pages: sections, leading groups, screening, reminders, handover, the roster's phones


def test_a_leading_group_is_formed_and_manned_through_the_api_as_on_its_page(world):
    head = services.save_staff(by=None, place=world.qingxin, name="汤育雄", title="局长")
    deputy = services.save_staff(by=None, place=world.longjing, name="李副")
    client = api_client_for(world.alice)
    section = post(client, "/api/v1/operations/sections", {"place_id": world.qingxin.pk, "name": "综合组"})
    assert section.status_code == 201 and section.json()["name"] == "综合组"
    group = post(
        client,
        "/api/v1/operations/leading-groups",
        {"place_id": world.qingxin.pk, "name": "疫情防控工作领导小组", "formed_on": "2020-01-24"},
    )
    assert group.status_code == 201
    members = f"/api/v1/operations/leading-groups/{group.json()['id']}/members"
    assert post(client, members, {"staff_id": head.pk, "role": "leader"}).status_code == 200
    answer = post(client, members, {"staff_id": deputy.pk, "role": "deputy", "responsibility": "物资"})
    assert [(m["name"], m["role"]) for m in answer.json()["members"]] == [
        ("汤育雄", "leader"),
        ("李副", "deputy"),
    ]
    second_head = post(client, members, {"staff_id": deputy.pk, "role": "leader"})
    assert second_head.status_code == 422 and "汤育雄" in str(second_head.json())
    member_id = answer.json()["members"][1]["id"]
    assert client.delete(f"/api/v1/operations/group-members/{member_id}").status_code == 204
    assert [m.staff.name for m in GroupMember.objects.all()] == ["汤育雄"]
    actions = list(AuditEntry.objects.filter(channel="api").values_list("action", flat=True).order_by("pk"))
    assert actions == [
        "section.save",
        "leading_group.form",
        "leading_group.member",
        "leading_group.member",
        "leading_group.remove",
    ]


def test_another_places_group_and_staff_are_out_of_reach(world):
    group = services.form_group(
        by=None, place=world.jingkou, name="迳口领导小组", formed_on=date(2020, 1, 24)
    )
    mine = services.save_staff(by=None, place=world.jingkou, name="何伟")
    theirs = services.save_staff(by=None, place=world.nankeng, name="南坑人")
    member = services.set_group_member(by=None, group=group, staff=mine, role="member")
    members = f"/api/v1/operations/leading-groups/{group.pk}/members"
    for user in (world.dave, world.erin, world.leo):  # next door, another district, a leader reading only
        client = api_client_for(user)
        refused = post(client, members, {"staff_id": mine.pk})
        assert refused.status_code == 404 and "迳口" not in refused.content.decode()
        assert client.delete(f"/api/v1/operations/group-members/{member.pk}").status_code == 404
        made = post(client, "/api/v1/operations/leading-groups", {"place_id": world.jingkou.pk, "name": "x",
                                                                  "formed_on": "2020-01-24"})  # fmt: skip
        assert made.status_code == 404
    stranger = post(api_client_for(world.carol), members, {"staff_id": theirs.pk})
    assert stranger.status_code == 404  # someone of the next village cannot be put in the group
    assert list(GroupMember.objects.values_list("staff__name", flat=True)) == ["何伟"]
    assert LeadingGroup.objects.count() == 1


def test_a_group_formed_in_the_future_or_without_a_name_is_refused(world):
    client = api_client_for(world.alice)
    tomorrow = str(timezone.localdate() + timedelta(days=1))
    future = post(
        client,
        "/api/v1/operations/leading-groups",
        {"place_id": world.qingxin.pk, "name": "领导小组", "formed_on": tomorrow},
    )
    blank = post(
        client,
        "/api/v1/operations/leading-groups",
        {"place_id": world.qingxin.pk, "name": " ", "formed_on": "2020-01-24"},
    )
    assert (future.status_code, blank.status_code) == (422, 422) and "名称" in str(blank.json())
    assert not LeadingGroup.objects.exists()


def screening(**extra):
    return {"first_day": str(timezone.localdate()), "came_from": "武汉", "temperature": "36.5", **extra}


def test_a_return_screening_through_the_api_clears_or_keeps_the_person_home(world):
    person = services.save_staff(by=None, place=world.jingkou, name="何伟")
    client = api_client_for(world.carol)
    path = f"/api/v1/operations/staff/{person.pk}/return-screenings"
    kept = post(client, path, screening(risk_area=True, observed_days=3))
    cleared = post(client, path, screening())
    assert (kept.status_code, cleared.status_code) == (201, 201)
    assert (kept.json()["cleared"], cleared.json()["cleared"]) == (False, True)
    assert AuditEntry.objects.filter(channel="api", place=world.jingkou).count() == 2
    bad = post(client, path, screening(temperature="45"))
    assert bad.status_code == 422 and "不可能" in str(bad.json())
    for user in (world.dave, world.leo):
        assert post(api_client_for(user), path, screening()).status_code == 404
    assert person.return_screenings.count() == 2


def test_a_reminder_to_check_in_goes_at_once_to_those_not_checked_in(world):
    services.save_staff(by=None, place=world.jingkou, name="何伟", phone="13800138000")
    services.save_staff(by=None, place=world.nankeng, name="南坑人", phone="13800138001")
    body = {"place_id": world.jingkou.pk}
    refused = post(api_client_for(world.dave), "/api/v1/operations/check-in-reminders", body)
    assert refused.status_code == 404 and not CheckInReminder.objects.exists()
    answer = post(api_client_for(world.carol), "/api/v1/operations/check-in-reminders", body)
    assert answer.status_code == 200 and answer.json() == {"reminded": 1}
    again = post(api_client_for(world.carol), "/api/v1/operations/check-in-reminders", body)
    assert again.json() == {"reminded": 0}  # once a day
    assert [r.staff.name for r in CheckInReminder.objects.all()] == ["何伟"]


def test_a_handover_note_and_the_weeks_phones_in_full_with_their_audit_entry(world):
    leader = services.save_staff(by=None, place=world.qingxin, name="李局长", phone="13800138000")
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    shift = services.save_shift(
        by=None, place=world.qingxin, start=start, end=start + timedelta(hours=8), leader=leader, staff=[]
    )
    client = api_client_for(world.alice)
    handover = f"/api/v1/operations/shifts/{shift.pk}/handover"
    blank = post(client, handover, {"handover_note": "  "})
    assert blank.status_code == 422
    noted = post(client, handover, {"handover_note": "发热门诊已联系"})
    assert noted.status_code == 200 and noted.json()["handover_note"] == "发热门诊已联系"
    assert post(api_client_for(world.erin), handover, {"handover_note": "x"}).status_code == 404
    week = {"place_id": world.qingxin.pk, "week": str(start.date())}
    assert post(api_client_for(world.leo), "/api/v1/operations/roster-phones", week).status_code == 404
    phones = post(client, "/api/v1/operations/roster-phones", week)
    assert phones.status_code == 200
    assert phones.json()["people"] == [{"staff_id": leader.pk, "name": "李局长", "phone": "+8613800138000"}]
    entry = AuditEntry.objects.get(action="duty_shift.print_phones")
    assert (entry.actor, entry.channel) == (world.alice, "api")
    shift.refresh_from_db()
    assert shift.handover_note == "发热门诊已联系"


def test_a_section_sent_twice_with_its_key_is_added_once(world):
    client = api_client_for(world.alice)
    answers = [
        client.post(
            "/api/v1/operations/sections",
            {"place_id": world.qingxin.pk, "name": "综合组"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="section-0001",
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201] and Section.objects.count() == 1
    named_again = post(
        client, "/api/v1/operations/sections", {"place_id": world.qingxin.pk, "name": "综合组"}
    )
    assert named_again.status_code == 422 and Section.objects.count() == 1


def test_a_staff_member_is_changed_and_linked_to_an_account_as_on_the_page(world):
    person = services.save_staff(by=None, place=world.jingkou, name="何伟", phone="13800138000")
    client = api_client_for(world.carol)
    path = f"/api/v1/operations/staff/{person.pk}"
    body = {"name": "何伟", "title": "专干", "user_id": world.carol.pk}
    changed = client.put(path, json.dumps(body), content_type="application/json")
    assert changed.status_code == 200 and changed.json()["user_id"] == world.carol.pk
    person.refresh_from_db()
    assert person.title == "专干" and person.phone.reveal() == "+8613800138000"  # empty kept the number
    another_account = client.put(
        path, json.dumps({**body, "user_id": world.dave.pk}), content_type="application/json"
    )
    assert another_account.status_code == 404  # the next village's account is not offered here
    for user in (world.dave, world.leo):
        refused = api_client_for(user).put(path, json.dumps(body), content_type="application/json")
        assert refused.status_code == 404 and "何伟" not in refused.content.decode()
    person.refresh_from_db()
    assert person.user == world.carol
    assert AuditEntry.objects.filter(action="staff.save", channel="api").count() == 1
