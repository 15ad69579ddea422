"""The operations API: one's own check-in with a token (bad temperatures refused in Chinese), the day's
board, shifts and the roster's gaps, tasks given to every station below and pushed down, leave."""

from datetime import date, timedelta

from django.utils import timezone

from qunfang.operations import services
from qunfang.operations.models import CheckIn, DutyShift, Task
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
