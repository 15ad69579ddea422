"""The appointment figures against an independent recount from the raw rows, over random bookings,
cancellations and marks (with corrections) at a town's hall,
read at the town and the district; and the kept totals agree
with the appointments summed up the tree."""

from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.appointments import selectors, services
from qunfang.appointments.models import Appointment, AppointmentState, Slot
from qunfang.appointments.tests.conftest import BEFORE, REOPENS, at
from qunfang.core.access import Scope

pytestmark = pytest.mark.django_db

steps = st.lists(
    st.tuples(
        st.sampled_from(["book", "cancel", "came", "missed"]),
        st.integers(0, 5),  # the veteran
        st.integers(0, 21),  # the slot
    ),
    max_size=25,
)


def recount(place, start, end):
    rows = Appointment.objects.filter(hall__place__path__startswith=place.path, day__range=(start, end))
    return {
        "booked": rows.exclude(state=AppointmentState.CANCELLED).count(),
        "came": rows.filter(state=AppointmentState.CAME).count(),
        "missed": rows.filter(state=AppointmentState.MISSED).count(),
    }


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_the_figures_agree_with_a_recount(world, hall, people, plan):
    from django.core.exceptions import ValidationError

    slots = list(
        Slot.objects.filter(hall=hall, day__lte=REOPENS + timedelta(days=1)).select_related("hall__place")
    )
    for action, who, which in plan:
        try:
            if action == "book":
                services.book(by=None, veteran=people[who], slot=slots[which % len(slots)], now=BEFORE)
                continue
            held = (
                Appointment.objects.filter(veteran=people[who]).select_related("slot", "hall__place").last()
            )
            if held is None:
                continue
            if action == "cancel":
                services.cancel(by=None, appointment=held, now=BEFORE)
            else:
                services.mark(by=None, appointment=held, outcome=action, now=at(date(2020, 3, 4), 18))
        except ValidationError:
            pass  # a refusal writes nothing: the recount below holds it to that
    scope = Scope.for_user(world.alice)
    for place in (world.qingxin, world.longjing):
        for start, end in (
            (REOPENS, REOPENS),
            (REOPENS, REOPENS + timedelta(days=1)),
            (date(2020, 1, 1), REOPENS),
        ):
            found = selectors.figures_for(scope, place, start, end)
            assert vars(found) == recount(place, start, end)
    assert vars(selectors.figures_for(Scope.for_user(world.erin), world.qingxin, REOPENS, REOPENS)) == {
        "booked": 0, "came": 0, "missed": 0}  # fmt: skip
    for slot in Slot.objects.filter(hall=hall):
        assert (
            slot.booked
            == slot.appointments.exclude(state=AppointmentState.CANCELLED).count()
            <= slot.capacity
        )
    assert services.count_disagreements() == 0
    Appointment.objects.all().delete()
    Slot.objects.update(booked=0)
    services.rebuild_totals()


def test_the_totals_are_rebuilt_from_the_appointments(world, hall, people):
    slot = Slot.objects.select_related("hall__place").get(hall=hall, day=REOPENS, start=time(9))
    services.book(by=None, veteran=people[0], slot=slot, now=BEFORE)
    assert services.rebuild_totals() == 4  # the day at 龙颈镇, 清新区, 清远市, 广东省
    assert services.count_disagreements() == 0
