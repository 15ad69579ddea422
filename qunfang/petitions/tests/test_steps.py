"""A petition goes found → registered → resolved → visited again, each step in order and dated
sensibly, its history and kept totals written with it; bad steps are refused with nothing written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.core.models import AuditEntry
from qunfang.petitions import selectors, services
from qunfang.petitions.models import Petition, PetitionStep, PetitionTotal, State
from qunfang.registry import services as registry
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.walks import changed_since, snapshot

pytestmark = pytest.mark.django_db


NUMBERS = iter(range(1, 10**6))


def veteran_at(place, name="林伯"):
    return registry.create_veteran(
        by=None, place=place, name=name, id_number=synthetic_id("441803", next(NUMBERS))
    )


def found(world, veteran, day=date(2020, 1, 6), **extra):
    return services.record_found(
        by=world.carol,
        place=world.jingkou,
        veterans=[veteran],
        subject="优抚金未到账",
        matter="去年的优抚金",
        day=day,
        **extra,
    )


def test_a_petition_goes_through_its_four_steps(world):
    veteran = veteran_at(world.jingkou)
    petition = found(world, veteran)
    assert petition.state == State.FOUND and petition.step_due == date(2020, 1, 9)
    services.register(by=world.carol, petition=petition, day=date(2020, 1, 8), owner=world.bob)
    assert petition.step_due == date(2020, 2, 7) and petition.owner == world.bob
    services.resolve(by=world.carol, petition=petition, day=date(2020, 2, 10), answer="已补发")
    assert petition.resolved_on_time is False  # three days past its thirty
    services.revisit(by=world.carol, petition=petition, day=date(2020, 2, 20), note="满意", satisfied=True)
    petition.refresh_from_db()
    assert petition.state == State.CLOSED and petition.step_due is None
    steps = list(petition.steps.values_list("step", flat=True))
    assert steps == ["found", "registered", "resolved", "revisited"]
    assert [s.late for s in petition.steps.order_by("pk")] == [False, False, True, False]
    assert AuditEntry.objects.filter(action__startswith="petition.").count() == 4
    figures = selectors.figures_for(
        __import__("qunfang.core.access", fromlist=["Scope"]).Scope.for_user(world.alice),
        world.qingxin,
        date(2020, 1, 1),
        date(2020, 2, 15),
    )
    assert (figures.found_in_period, figures.resolved_in_period, figures.resolved_on_time_in_period) == (
        1,
        1,
        0,
    )
    assert figures.open_at_end == 0 and services.count_disagreements() == 0


@pytest.mark.parametrize(
    "step, change, message",
    [
        ("register", {"day": date(2020, 1, 5)}, "before the step before"),
        ("register", {"day": timezone.localdate() + timedelta(days=1)}, "future"),
        ("register", {"owner": None}, "owner must be"),
        ("resolve", {}, "not the next one"),
    ],
)
def test_a_step_out_of_order_or_badly_dated_is_refused(world, step, change, message):
    petition = found(world, veteran_at(world.jingkou))
    arguments = {"day": date(2020, 1, 7), "owner": world.carol, "answer": "x"}
    arguments.update(change)
    call = {"register": services.register, "resolve": services.resolve}[step]
    wanted = {"register": ("day", "owner"), "resolve": ("day", "answer")}[step]
    before = snapshot()
    with pytest.raises(ValidationError, match=message):
        call(by=world.carol, petition=petition, **{k: arguments[k] for k in wanted})
    assert changed_since(before) == []


def test_the_owner_is_someone_of_the_place_or_above(world):
    petition = found(world, veteran_at(world.jingkou))
    with pytest.raises(ValidationError, match="owner must be"):
        services.register(
            by=world.carol, petition=petition, day=date(2020, 1, 7), owner=world.dave
        )  # sibling
    with pytest.raises(ValidationError, match="owner must be"):
        services.register(
            by=world.carol, petition=petition, day=date(2020, 1, 7), owner=world.leo
        )  # read only
    services.register(by=world.carol, petition=petition, day=date(2020, 1, 7), owner=world.alice)


def test_petitioners_are_on_the_places_roll(world):
    neighbour = veteran_at(world.nankeng)
    with pytest.raises(ValidationError, match="not on this place's roll"):
        found(world, neighbour)
    with pytest.raises(ValidationError, match="at least one petitioner"):
        services.record_found(
            by=None, place=world.jingkou, veterans=[], subject="x", matter="x", day=date(2020, 1, 6)
        )
    with pytest.raises(ValidationError, match="at least the 1"):
        found(world, veteran_at(world.jingkou), people=0)
    assert not Petition.objects.exists() and not PetitionTotal.objects.exists()


def test_a_group_petition_counts_its_people(world):
    petition = found(world, veteran_at(world.jingkou), people=12)
    assert petition.people == 12 and petition.veterans.count() == 1


def test_a_withdrawn_petition_leaves_the_counts(world):
    petition = found(world, veteran_at(world.jingkou))
    services.register(by=None, petition=petition, day=date(2020, 1, 7), owner=world.carol)
    services.resolve(by=None, petition=petition, day=date(2020, 1, 8), answer="x")
    services.withdraw(by=None, petition=petition, reason="重复登记")
    assert petition.state == State.WITHDRAWN
    assert not PetitionTotal.objects.exclude(found=0, resolved=0, resolved_on_time=0, revisited=0).exists()
    assert services.count_disagreements() == 0
    assert PetitionStep.objects.filter(petition=petition).count() == 4


def test_a_late_step_goes_up_to_the_town_then_the_district(world):
    today = timezone.localdate()
    petition = found(world, veteran_at(world.jingkou), day=today - timedelta(days=5))  # 3 days to register
    assert list(selectors.late_for(world.jingkou, today)) == [petition]
    assert list(selectors.late_for(world.longjing, today)) == [petition]
    assert list(selectors.late_for(world.qingxin, today)) == []  # 2 days late: not yet 7
    assert list(selectors.late_for(world.qingxin, today + timedelta(days=6))) == [petition]
    assert list(selectors.late_for(world.nankeng, today)) == []
    services.set_deadlines(by=None, place=world.qingxin, escalate_after_days=1)
    assert list(selectors.late_for(world.qingxin, today)) == [petition]


def test_deadlines_without_days_are_refused(world):
    with pytest.raises(ValidationError, match="from 1 to 365"):
        services.set_deadlines(by=None, place=world.qingxin, register_days=0)
    assert services.deadlines_for(world.jingkou)["register_days"] == 3
