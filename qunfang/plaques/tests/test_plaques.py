"""A household's honour plaque: hung once, replaced with its reason, kept but never replaced after the
veteran's death; a plaque for a household with no veteran is refused with nothing written; the list
still to receive one is the roll's veterans without a plaque."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.core.models import AuditEntry
from qunfang.plaques import selectors, services
from qunfang.plaques.models import Plaque
from qunfang.registry import services as registry
from qunfang.registry.models import Status
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.walks import changed_since, snapshot

pytestmark = pytest.mark.django_db
NUMBERS = iter(range(100, 10**6))


def veteran_at(place, name="陈伯", status=Status.ACTIVE):
    number = synthetic_id("441803", next(NUMBERS))
    return registry.create_veteran(by=None, place=place, name=name, id_number=number, status=status)


def test_a_plaque_is_hung_replaced_and_kept_after_death(world):
    veteran = veteran_at(world.jingkou)
    first = services.hang(by=world.carol, veteran=veteran, day=date(2019, 7, 25))
    with pytest.raises(ValidationError, match="record a replacement"):
        services.hang(by=world.carol, veteran=veteran, day=date(2019, 8, 1))
    second = services.hang(by=world.carol, veteran=veteran, day=date(2019, 10, 1), reason="moved")
    assert second.replaces == first and services.current_plaque(veteran) == second
    with pytest.raises(ValidationError, match="before the plaque it replaces"):
        services.hang(by=world.carol, veteran=veteran, day=date(2019, 9, 1), reason="damaged")
    veteran = registry.update_veteran(by=None, veteran=veteran, status=Status.DECEASED)
    with pytest.raises(ValidationError, match="not replaced"):
        services.hang(by=world.carol, veteran=veteran, day=date(2020, 1, 1), reason="damaged")
    assert services.current_plaque(veteran) == second  # kept
    assert AuditEntry.objects.filter(action="plaque.record").count() == 2


@pytest.mark.parametrize(
    "status, message",
    [(None, "choose the veteran"), (Status.MOVED, "moved away"), (Status.DECEASED, "passed away")],
)
def test_a_plaque_for_a_household_with_no_veteran_is_refused(world, status, message):
    veteran = veteran_at(world.jingkou, status=status) if status else None
    before = snapshot()
    with pytest.raises(ValidationError, match=message):
        services.hang(by=world.carol, veteran=veteran, day=date(2019, 7, 25))
    assert changed_since(before) == []


def test_a_plaque_dated_to_come_or_replaced_before_any_is_refused(world):
    veteran = veteran_at(world.jingkou)
    with pytest.raises(ValidationError, match="future"):
        services.hang(by=None, veteran=veteran, day=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="no plaque yet"):
        services.hang(by=None, veteran=veteran, day=date(2019, 7, 25), reason="lost")
    assert not Plaque.objects.exists()


def test_the_households_still_to_receive_one_and_a_cancelled_line(world):
    hung, waiting = veteran_at(world.jingkou, "甲"), veteran_at(world.jingkou, "乙")
    veteran_at(world.jingkou, "丙", status=Status.DECEASED)
    neighbour = veteran_at(world.nankeng, "丁")
    mistaken = services.hang(by=None, veteran=hung, day=date(2019, 7, 25))
    assert set(selectors.without_plaque(world.jingkou)) == {waiting}
    assert set(selectors.without_plaque(world.longjing)) == {waiting, neighbour}
    services.cancel(by=None, plaque=mistaken, reason="记错了人")
    assert set(selectors.without_plaque(world.jingkou)) == {hung, waiting}
    assert services.count_disagreements() == 0
    services.hang(by=None, veteran=hung, day=date(2019, 7, 26))  # the first plaque again, after the mistake
    assert services.count_disagreements() == 0
