"""The figures against an independent reckoning of random walks: applications sent by veterans of two
villages for two services on random days, approved, returned, sent again or withdrawn; the kept totals
agree with the reckoning for any place and period, with their recount from the steps, and after a
rebuild; what waits now and what is late agree with the applications' deadlines."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.core.access import Scope
from qunfang.online import selectors, services, totals
from qunfang.online.models import Application, ApplicationState
from qunfang.online.tests.conftest import ANSWERS, photos
from qunfang.registry.services import create_veteran

FIRST = datetime(2020, 1, 24, 10, tzinfo=timezone.get_default_timezone())
operation = st.tuples(st.sampled_from(["apply", "approve", "return", "again", "withdraw"]),
                      st.integers(0, 5), st.integers(0, 9))  # fmt: skip


@pytest.fixture
def stage(world, offered):
    veterans = [
        create_veteran(by=None, place=world.jingkou, name="甲", id_number="441803195503120011"),
        create_veteran(by=None, place=world.nankeng, name="乙", id_number="441803196007150021"),
    ]
    return veterans, [offered["社保接续"], offered["证明开具"]]


def _answers(service) -> dict:
    return ANSWERS if service.name == "社保接续" else {"证明用途": "办理社保"}


def _act(kind, pick, day, veterans, kinds, reckoning, made):
    now = FIRST + timedelta(days=day)
    today = timezone.localdate(now)
    if kind == "apply":
        veteran, service = veterans[pick % 2], kinds[pick // 2 % 2]
        documents = photos("身份证正面", "退役证件") if service.name == "社保接续" else photos("身份证正面")
        made.append(services.apply(by=None, veteran=veteran, service=service, answers=_answers(service),
                                   photos=documents, now=now))  # fmt: skip
        reckoning.append(("received", veteran.place_id, service.pk, today))
        return
    if not made:
        return
    application = Application.objects.get(pk=made[pick % len(made)].pk)
    if kind == "approve" and application.state == ApplicationState.UNDER_REVIEW:
        last = application.step == len(application.service.path) - 1
        services.approve(by=None, application=application, now=now)
        if last:
            reckoning.append(
                ("approved", application.place_id, application.service_id, timezone.localdate(now))
            )
    elif kind == "return" and application.state == ApplicationState.UNDER_REVIEW:
        services.return_to_veteran(by=None, application=application, reason="补材料", now=now)
        reckoning.append(("returned", application.place_id, application.service_id, today))
    elif kind == "again" and application.state == ApplicationState.RETURNED:
        services.send_again(by=None, application=application, answers=_answers(application.service), now=now)
    elif kind == "withdraw" and application.state in (
        ApplicationState.UNDER_REVIEW,
        ApplicationState.RETURNED,
    ):
        services.withdraw(by=None, application=application, now=now)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, max_size=12), periods=st.lists(
    st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=3))  # fmt: skip
def test_the_figures_agree_with_a_reckoning(world, stage, operations, periods):
    veterans, kinds = stage
    Application.objects.all().delete()
    totals.rebuild_totals()
    reckoning, made = [], []
    for kind, pick, day in operations:
        _act(kind, pick, day, veterans, kinds, reckoning, made)
    assert totals.count_disagreements() == 0
    scope = Scope.for_user(world.alice)
    now = FIRST + timedelta(days=4)
    for offset, length in periods:
        start = (FIRST + timedelta(days=offset)).date()
        end = start + timedelta(days=length)
        for place in (world.qingxin, world.longjing, world.jingkou, world.nankeng):
            found = selectors.figures_for(scope, place, start, end, now=now)

            def count(what, place=place, start=start, end=end):
                under = {p.pk for p in (world.jingkou, world.nankeng) if p.path.startswith(place.path)}
                return sum(1 for w, at, _s, d in reckoning if w == what and at in under and start <= d <= end)

            assert (found.received_in_period, found.approved_in_period, found.returned_in_period) == (
                count("received"), count("approved"), count("returned"),
            )  # fmt: skip
            waiting = [a for a in Application.objects.all() if a.state == ApplicationState.UNDER_REVIEW
                       and a.place.path.startswith(place.path)]  # fmt: skip
            assert found.waiting_now == len(waiting)
            assert found.late_now == sum(1 for a in waiting if a.step_due < now)
    totals.rebuild_totals()
    assert totals.count_disagreements() == 0
