"""The kept daily totals always equal the ledger summed up the tree: after records, corrections and
moves of whole subtrees, in any order (property-based), and through the rebuild command."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.core import services as core_services
from qunfang.core.models import Level, OrgUnit
from qunfang.mobilization import services
from qunfang.mobilization.models import ActivityRecord, ActivityType, DailyTotal
from qunfang.mobilization.services import Entry
from qunfang.mobilization.tests.oracle import kept_totals, totals_from_ledger

DAY = date(2020, 1, 24)

operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("record"),
            st.integers(0, 6),
            st.integers(0, 3),
            st.integers(0, 2),
            st.integers(0, 400),
            st.integers(0, 900),
        ),
        st.tuples(st.just("correct"), st.integers(0, 30), st.integers(0, 300)),
        st.tuples(st.just("move"), st.integers(0, 6), st.integers(0, 6)),
    ),
    min_size=1,
    max_size=25,
)


@pytest.fixture
def tree(world):
    extra = core_services.create_place(by=None, parent=world.qingxin, name="太平镇", level=Level.TOWN)
    return [
        world.qingxin,
        world.longjing,
        world.jingkou,
        world.nankeng,
        world.jingkou_grid,
        extra,
        world.hunnan,
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_kept_totals_equal_the_ledger_after_records_corrections_and_moves(tree, steps):
    types = list(ActivityType.objects.order_by("position")[:3])
    with transaction.atomic():
        for step in steps:
            if step[0] == "record":
                _kind, place, day, kind, count, reached = step
                services.record_day(
                    by=None,
                    place=OrgUnit.objects.get(pk=tree[place].pk),
                    day=DAY + timedelta(days=day),
                    entries=[Entry(types[kind], count, reached if types[kind].counts_people_reached else 0)],
                )
            elif step[0] == "correct":
                originals = list(ActivityRecord.objects.filter(reverses=None, reversed_by=None, count__gt=0))
                if originals:
                    services.correct_record(
                        by=None, record=originals[step[1] % len(originals)], count=step[2]
                    )
            else:
                place, parent = (OrgUnit.objects.get(pk=tree[i].pk) for i in step[1:])
                try:
                    with transaction.atomic():
                        core_services.move_place(by=None, place=place, new_parent=parent)
                except ValidationError:
                    pass  # a move the tree refuses (under itself, or to a level above)
        expected = totals_from_ledger()
        assert kept_totals() == expected
        assert services.count_disagreements() == 0
        services.rebuild_totals()
        assert kept_totals() == expected
        transaction.set_rollback(True)


def test_a_record_counts_at_once_for_its_village_town_and_district(world):
    checks = ActivityType.objects.get(code="temperature_checks")
    services.record_day(by=world.carol, place=world.jingkou, day=DAY, entries=[Entry(checks, 120)])
    services.record_day(by=world.dave, place=world.nankeng, day=DAY, entries=[Entry(checks, 30)])
    kept = {
        pk: count for (pk, day, kind), (count, _) in kept_totals().items() if (day, kind) == (DAY, checks.pk)
    }
    assert kept[world.jingkou.pk] == 120 and kept[world.nankeng.pk] == 30
    assert kept[world.longjing.pk] == kept[world.qingxin.pk] == kept[world.guangdong.pk] == 150
    assert world.hunnan.pk not in kept


def test_the_command_finds_totals_that_disagree_and_rebuilds_them(world):
    checks = ActivityType.objects.get(code="temperature_checks")
    services.record_day(by=None, place=world.jingkou, day=DAY, entries=[Entry(checks, 120)])
    call_command("tallies", "--fold", "--app", "mobilization")  # the district's share into its kept row
    DailyTotal.objects.filter(place=world.qingxin).update(count=1)
    with pytest.raises(Exception, match="disagree"):
        call_command("tallies", "--app", "mobilization")
    call_command("tallies", "--rebuild", "--app", "mobilization")
    assert DailyTotal.objects.get(place=world.qingxin, activity_type=checks).count == 120
