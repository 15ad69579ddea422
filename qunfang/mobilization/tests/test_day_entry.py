"""A station records its day on one form; bad counts, days and places are refused with a reason; a
form sent twice is recorded once; every total opens the records behind it; a correction reverses."""

from datetime import date, timedelta

from django.utils import timezone

from qunfang.core.models import User
from qunfang.mobilization.models import ActivityRecord, ActivityType
from qunfang.mobilization.tests.oracle import figure, nothing_kept

DAY = date(2020, 1, 25)


def post_day(client, place, **counts):
    data = {
        "day": counts.pop("day", DAY),
        "submission": counts.pop("submission", "form-1"),
        "note": "",
        "participants": "李四、王五",
    }
    data.update({f"count_{code}": value for code, value in counts.items()})
    return client.post(f"/places/{place.pk}/activities/day/", data, follow=True)


def test_a_village_records_its_day_and_the_district_sees_it_at_once(world, as_user):
    response = post_day(
        as_user(world.carol), world.jingkou, temperature_checks=120, broadcasts=6, door_to_door=15
    )
    assert response.status_code == 200 and "3 条记录已保存" in response.content.decode()
    page = as_user(world.alice).get(f"/places/{world.qingxin.pk}/activities/", {"start": DAY, "end": DAY})
    text = page.content.decode()
    assert ">120<" in text and "测量体温" in text and "龙颈镇" in text  # the total and the town's row
    behind = as_user(world.alice).get(
        f"/places/{world.qingxin.pk}/activities/records/",
        {"start": DAY, "end": DAY, "type": "temperature_checks"},
    )
    assert "迳口村" in behind.content.decode() and "谢卡萝" in behind.content.decode()


def test_a_form_sent_twice_is_recorded_once(world, as_user):
    client = as_user(world.carol)
    post_day(client, world.jingkou, temperature_checks=120)
    post_day(client, world.jingkou, temperature_checks=120)
    assert ActivityRecord.objects.count() == 1
    assert figure(world.qingxin) == 120


def test_bad_counts_days_and_places_are_refused_with_the_reason_and_nothing_written(world, as_user):
    client = as_user(world.carol)
    cases = [
        ({"temperature_checks": -5}, "0"),  # the form's own minimum
        ({"temperature_checks": 999999}, "一天内不可能"),
        ({"temperature_checks": 5, "day": timezone.localdate() + timedelta(days=1)}, "未来"),
    ]
    for number, (counts, expected) in enumerate(cases):
        response = post_day(client, world.jingkou, submission=f"bad-{number}", **counts)
        assert expected in response.content.decode(), counts
    assert post_day(client, world.nankeng, temperature_checks=5).status_code == 404  # not her village
    assert not ActivityRecord.objects.exists() and nothing_kept()


def test_a_correction_reverses_the_record_and_the_totals_follow(world, as_user):
    client = as_user(world.carol)
    post_day(client, world.jingkou, temperature_checks=120)
    record = ActivityRecord.objects.get()
    client.post(f"/activity-records/{record.pk}/correct/", {"count": 102, "note": "多算了"})
    assert figure(world.qingxin) == 102
    assert ActivityRecord.objects.get(reverses=record).count == -120
    ledger = client.get(f"/places/{world.jingkou.pk}/activities/records/", {"start": DAY, "end": DAY})
    assert "已更正" in ledger.content.decode() and "冲销" in ledger.content.decode()


def test_the_operator_adds_an_activity_type_and_stations_count_it_at_once(world, as_user):
    operator = User.objects.create_superuser("operator", password="a long operator password")
    response = as_user(operator).post(
        "/operator/mobilization/activitytype/add/",
        {
            "code": "masks_given",
            "name_zh": "发放口罩",
            "name_en": "Masks given out",
            "unit": "只",
            "category": "service",
            "daily_limit": 3000,
            "position": 20,
            "active": "on",
        },
    )
    assert response.status_code == 302 and ActivityType.objects.filter(code="masks_given").exists()
    form = as_user(world.carol).get(f"/places/{world.jingkou.pk}/activities/day/").content.decode()
    assert "发放口罩（只）" in form
    post_day(as_user(world.carol), world.jingkou, masks_given=500)
    assert figure(world.qingxin, "masks_given") == 500
