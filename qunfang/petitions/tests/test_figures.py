"""Every petition figure equals a recount from the raw petitions: random petitions at three places
taken to random steps on random days (some late, some withdrawn afterwards), random places and periods."""

from datetime import date, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.core.access import Scope
from qunfang.petitions import selectors, services
from qunfang.petitions.models import Petition, State
from qunfang.registry import services as registry
from qunfang.registry.synthetic import synthetic_id

FIRST = date(2020, 1, 1)
NUMBERS = count(5000)
petition = st.tuples(
    st.sampled_from(["jingkou", "nankeng", "longjing"]),
    st.integers(0, 40),  # found on
    st.integers(0, 3),  # steps taken after it
    st.lists(st.integers(0, 40), min_size=3, max_size=3),  # days between the steps
    st.booleans(),  # withdrawn at the end
)
period = st.tuples(
    st.sampled_from(["jingkou", "longjing", "qingxin"]), st.integers(0, 120), st.integers(0, 60)
)


def recount(place, start, end) -> dict:
    rows = [p for p in Petition.objects.under(place) if p.state != State.WITHDRAWN]

    def within(day):
        return day is not None and start <= day <= end

    return {
        "found_in_period": sum(within(p.found_on) for p in rows),
        "resolved_in_period": sum(within(p.resolved_on) for p in rows),
        "resolved_on_time_in_period": sum(
            within(p.resolved_on) and p.resolved_on <= p.resolve_due for p in rows
        ),
        "revisited_in_period": sum(within(p.revisited_on) for p in rows),
        "open_at_end": sum(p.found_on <= end and not (p.resolved_on and p.resolved_on <= end) for p in rows),
    }


def _record(world, name, found_on, steps, gaps, withdrawn):
    place = getattr(world, name)
    number = synthetic_id("441803", next(NUMBERS))
    veteran = registry.create_veteran(by=None, place=place, name="甲", id_number=number)
    day = FIRST + timedelta(days=found_on)
    found = services.record_found(
        by=None, place=place, veterans=[veteran], subject="事项", matter="事项", day=day
    )
    moves = [
        lambda d: services.register(by=None, petition=found, day=d, owner=world.alice),
        lambda d: services.resolve(by=None, petition=found, day=d, answer="答复"),
        lambda d: services.revisit(by=None, petition=found, day=d, note="回访", satisfied=True),
    ]
    for move, gap in list(zip(moves, gaps, strict=True))[:steps]:
        day += timedelta(days=gap)
        move(day)
    if withdrawn:
        services.withdraw(by=None, petition=found, reason="录错")


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(petitions=st.lists(petition, max_size=8), periods=st.lists(period, min_size=1, max_size=4))
def test_every_petition_figure_equals_a_recount(world, petitions, periods):
    for record in petitions:
        _record(world, *record)
    scope = Scope.for_user(world.alice)
    for name, offset, length in periods:
        place, start = getattr(world, name), FIRST + timedelta(days=offset)
        end = start + timedelta(days=length)
        figures = selectors.figures_for(scope, place, start, end)
        assert vars(figures) == recount(place, start, end)
    assert services.count_disagreements() == 0
