"""Every plaque figure equals a recount from the raw plaques and the roll: random households hung,
replaced and cancelled on random days, some veterans passed away; random places and periods."""

from datetime import date, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.core.access import Scope
from qunfang.plaques import selectors, services
from qunfang.plaques.models import Plaque
from qunfang.registry import services as registry
from qunfang.registry.models import Status, Veteran
from qunfang.registry.synthetic import synthetic_id

FIRST = date(2019, 1, 1)
NUMBERS = count(8000)
household = st.tuples(
    st.sampled_from(["jingkou", "nankeng", "longjing"]),
    st.sampled_from([None, 0, 30]),  # no plaque, or hung on that day
    st.sampled_from([None, "moved", "damaged"]),  # replaced 20 days later
    st.booleans(),  # the latest line cancelled
    st.sampled_from([Status.ACTIVE, Status.ACTIVE, Status.DECEASED]),  # later
)
period = st.tuples(
    st.sampled_from(["jingkou", "longjing", "qingxin"]), st.integers(0, 60), st.integers(0, 40)
)


def recount(place, start, end) -> dict:
    lines = [p for p in Plaque.objects.under(place) if not p.cancelled]
    has = {p.veteran_id for p in Plaque.objects.filter(cancelled="")}
    roll = Veteran.objects.under(place).filter(status=Status.ACTIVE)
    return {
        "hung_in_period": sum(p.reason == "first" and start <= p.day <= end for p in lines),
        "replaced_in_period": sum(p.reason != "first" and start <= p.day <= end for p in lines),
        "households_with_plaque": sum(p.reason == "first" and p.day <= end for p in lines),
        "still_to_hang": sum(v.pk not in has for v in roll),
    }


def _record(world, name, hung, replaced, cancelled, status):
    number = synthetic_id("441803", next(NUMBERS))
    veteran = registry.create_veteran(by=None, place=getattr(world, name), name="乙", id_number=number)
    if hung is not None:
        latest = services.hang(by=None, veteran=veteran, day=FIRST + timedelta(days=hung))
        if replaced:
            latest = services.hang(
                by=None, veteran=veteran, day=latest.day + timedelta(days=20), reason=replaced
            )
        if cancelled:
            services.cancel(by=None, plaque=latest, reason="录错")
    if status != Status.ACTIVE:
        registry.update_veteran(by=None, veteran=veteran, status=status)


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(households=st.lists(household, max_size=8), periods=st.lists(period, min_size=1, max_size=4))
def test_every_plaque_figure_equals_a_recount(world, households, periods):
    for record in households:
        _record(world, *record)
    scope = Scope.for_user(world.alice)
    for name, offset, length in periods:
        place, start = getattr(world, name), FIRST + timedelta(days=offset)
        figures = selectors.figures_for(scope, place, start, start + timedelta(days=length))
        assert vars(figures) == recount(place, start, start + timedelta(days=length))
    assert services.count_disagreements() == 0
