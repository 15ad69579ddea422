"""The appointment pages and API: the town's clerk sets up the hall, closes it with the reason, makes
slots, books for a veteran who phones in and marks the day's list; the veteran books on their phone,
sees the queue number and cancels; the next village, another district and another veteran get 404;
bad input is 422 with nothing written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qunfang.appointments.models import Appointment, AppointmentState, Hall, Slot
from qunfang.appointments.testing import hall_with_slots
from qunfang.appointments.tests.conftest import later_today
from qunfang.portal.testing import visitor_client
from qunfang.testing.clients import api_client_for

JSON = "application/json"
pytestmark = pytest.mark.django_db


def test_the_clerk_sets_up_the_hall_closes_it_and_makes_slots(world, as_user):
    clerk = as_user(world.bob)
    url = f"/places/{world.longjing.pk}/hall/"
    assert clerk.post(url, {"submission_key": "hall-set-up-1"}).status_code == 302
    hall = Hall.objects.get(place=world.longjing)
    today = timezone.localdate()
    settings = {
        "name": "龙颈镇服务站",
        "address": "镇政府一楼",
        "closed_from": today.isoformat(),
        "closed_reason": "疫情防控",
        "reopens_on": (today + timedelta(days=3)).isoformat(),
    }
    assert clerk.post(url, settings).status_code == 302
    page = clerk.get(url).content.decode()
    assert "疫情防控" in page and "镇政府一楼" in page
    slots = {
        "first_day": today.isoformat(),
        "last_day": (today + timedelta(days=6)).isoformat(),
        "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
        "morning_from": "09:00",
        "morning_until": "11:30",
        "minutes": "30",
        "capacity": "6",
    }
    assert clerk.post(f"/halls/{hall.pk}/slots/", slots).status_code == 302
    assert Slot.objects.filter(hall=hall).count() == 4 * 5  # the three closed days get none
    bad = clerk.post(f"/halls/{hall.pk}/slots/", slots | {"morning_until": "08:00"})
    assert bad.status_code == 200 and Slot.objects.count() == 20
    for outsider in (world.dave, world.erin, world.leo):
        assert as_user(outsider).post(url, settings | {"closed_reason": "x"}).status_code == 404
        assert as_user(outsider).post(f"/halls/{hall.pk}/slots/", slots).status_code == 404
    assert as_user(world.dave).get(f"/halls/{hall.pk}/day/").status_code == 404
    assert Hall.objects.get().closed_reason == "疫情防控"


def test_the_clerk_books_for_a_veteran_who_phones_in_and_marks_the_day(world, people, as_user):
    hall = hall_with_slots(world.longjing)
    slot = later_today(hall)
    clerk = as_user(world.bob)
    found = clerk.get(f"/halls/{hall.pk}/book/?q=老兵1").content.decode()
    assert f"?veteran={people[1].pk}" in found
    page = clerk.get(f"/halls/{hall.pk}/book/?veteran={people[1].pk}").content.decode()
    assert f'name="slot" value="{slot.pk}"' in page
    tap = {"veteran": people[1].pk, "slot": slot.pk, "submission_key": "book-for-12345"}
    assert clerk.post(f"/halls/{hall.pk}/book/", tap).status_code == 302
    assert clerk.post(f"/halls/{hall.pk}/book/", tap).status_code == 302  # the double tap
    appointment = Appointment.objects.get()
    day = clerk.get(f"/halls/{hall.pk}/day/").content.decode()
    assert "老兵1" in day and f'id="a{appointment.pk}"' in day
    clerk.post(f"/halls/{hall.pk}/day/?day={slot.day}", {"call": "1"})
    clerk.post(f"/halls/{hall.pk}/day/?day={slot.day}", {"appointment": appointment.pk, "outcome": "came"})
    assert Appointment.objects.get().state == AppointmentState.CAME
    assert as_user(world.dave).post(f"/halls/{hall.pk}/day/", {"call": "1"}).status_code == 404
    # a clerk of the next village cannot book for this village's veteran at her own hall either
    nankeng = hall_with_slots(world.nankeng)
    theirs = Slot.objects.filter(hall=nankeng).first()
    answer = as_user(world.dave).post(
        f"/halls/{nankeng.pk}/book/", {"veteran": people[2].pk, "slot": theirs.pk}
    )
    assert answer.status_code == 404 and Appointment.objects.count() == 1


def test_a_veteran_books_on_the_phone_sees_the_number_and_cancels(world, people):
    hall = hall_with_slots(world.longjing)
    phone = visitor_client(people[0])
    listing = phone.get("/my/appointments/book/").content.decode()
    slot = Slot.objects.filter(hall=hall).order_by("day", "start").first()
    assert f'name="slot" value="{slot.pk}"' in listing
    answer = phone.post("/my/appointments/book/", {"slot": slot.pk, "purpose": "优待证"})
    appointment = Appointment.objects.get()
    assert answer["Location"] == f"/my/appointments/{appointment.pk}/"
    page = phone.get(answer["Location"]).content.decode()
    assert "1" in page and hall.address in page and "优待证" in page
    other = visitor_client(people[1])
    assert other.get(answer["Location"]).status_code == 404
    assert other.post(answer["Location"]).status_code == 404
    assert Appointment.objects.get().state == AppointmentState.BOOKED
    phone.post(answer["Location"])
    assert Appointment.objects.get().state == AppointmentState.CANCELLED
    assert Slot.objects.get(pk=slot.pk).booked == 0


def test_the_api_books_marks_and_refuses_bad_input(world, people):
    hall = hall_with_slots(world.longjing)
    slot = Slot.objects.filter(hall=hall).first()
    api = api_client_for(world.bob)
    body = {"veteran_id": people[0].pk, "slot_id": slot.pk, "purpose": "社保接续"}
    made = api.post("/api/v1/appointments", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="book-key-1")
    assert made.status_code == 201 and made.json()["queue_number"] == 1
    assert (
        api.post("/api/v1/appointments", body | {"purpose": "a\u0007"}, content_type=JSON).status_code == 422
    )
    other_day = Slot.objects.filter(hall=hall, day=slot.day).exclude(pk=slot.pk).first()
    second = api.post("/api/v1/appointments", body | {"slot_id": other_day.pk}, content_type=JSON)
    assert second.status_code == 422 and "当天已有预约" in str(second.json())
    too_early = api.post(
        f"/api/v1/appointments/{made.json()['id']}/mark", {"outcome": "came"}, content_type=JSON
    )
    assert too_early.status_code == 422
    slots = {
        "first_day": "2020-01-01",
        "last_day": "2020-01-02",
        "periods": [{"start": "09:00", "end": "10:00"}],
    }
    assert (
        api.post(f"/api/v1/appointments/halls/{hall.pk}/slots", slots, content_type=JSON).status_code == 422
    )
    huge = slots | {"first_day": "9999-12-31", "last_day": "9999-12-31"}
    assert api.post(f"/api/v1/appointments/halls/{hall.pk}/slots", huge, content_type=JSON).status_code == 422
    listed = api.get(f"/api/v1/appointments/halls/{hall.pk}/day?day={slot.day}")
    assert [row["veteran"] for row in listed.json()["items"]] == ["老兵0"]
    outsider = api_client_for(world.erin)
    assert outsider.get(f"/api/v1/appointments/halls/{hall.pk}/day?day={slot.day}").status_code == 404
    assert (
        outsider.post("/api/v1/appointments", body | {"purpose": "x"}, content_type=JSON).status_code == 404
    )
    assert Appointment.objects.count() == 1


def test_the_veteran_api_books_and_reaches_only_their_own(world, people):
    hall = hall_with_slots(world.longjing)
    phone = visitor_client(people[0])
    csrf = {"HTTP_X_CSRFTOKEN": phone.cookies["csrftoken"].value} if "csrftoken" in phone.cookies else {}
    halls = phone.get("/api/v1/my/appointments/halls").json()
    assert [h["id"] for h in halls] == [hall.pk]
    slots = phone.get(f"/api/v1/my/appointments/slots?hall_id={hall.pk}").json()
    made = phone.post(
        "/api/v1/my/appointments/appointments", {"slot_id": slots[0]["id"]}, content_type=JSON, **csrf
    )
    assert made.status_code == 201, made.content
    other = visitor_client(people[1])
    other_csrf = (
        {"HTTP_X_CSRFTOKEN": other.cookies["csrftoken"].value} if "csrftoken" in other.cookies else {}
    )
    cancel = f"/api/v1/my/appointments/appointments/{made.json()['id']}/cancel"
    assert other.post(cancel, content_type=JSON, **other_csrf).status_code == 404
    assert other.get("/api/v1/my/appointments/appointments").json()["items"] == []
    assert phone.post(cancel, content_type=JSON, **csrf).json()["state"] == "cancelled"
