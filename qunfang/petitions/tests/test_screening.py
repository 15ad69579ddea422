"""The month's risk screening: signed by the station, countersigned by someone else of a place above;
the town sees which stations have not signed."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.petitions import selectors, services

pytestmark = pytest.mark.django_db


def test_a_station_signs_and_the_town_countersigns(world):
    month = timezone.localdate()
    assert set(selectors.not_signed(world.longjing, month)) == {world.longjing, world.jingkou, world.nankeng}
    screening = services.sign_screening(
        by=world.carol, place=world.jingkou, month=month, people=40, risks=1, note="王某对安置不满"
    )
    assert world.jingkou not in selectors.not_signed(world.longjing, month)
    assert list(selectors.to_countersign(world.longjing, month)) == [screening]
    with pytest.raises(ValidationError, match="second person"):
        services.countersign_screening(by=world.carol, screening=screening)
    with pytest.raises(ValidationError, match="place above"):
        services.countersign_screening(by=world.dave, screening=screening)
    services.countersign_screening(by=world.bob, screening=screening)
    assert screening.countersigned_as == world.longjing
    with pytest.raises(ValidationError, match="countersigned already"):
        services.sign_screening(
            by=world.carol, place=world.jingkou, month=month, people=41, risks=1, note="x"
        )


def test_a_screening_of_a_month_to_come_or_with_an_unexplained_risk_is_refused(world):
    later = timezone.localdate().replace(day=1) + timedelta(days=40)
    with pytest.raises(ValidationError, match="still to come"):
        services.sign_screening(by=None, place=world.jingkou, month=later, people=1, risks=0)
    with pytest.raises(ValidationError, match="what risk was found"):
        services.sign_screening(by=None, place=world.jingkou, month=date(2020, 1, 1), people=1, risks=1)
    with pytest.raises(ValidationError, match="from 0 to"):
        services.sign_screening(by=None, place=world.jingkou, month=date(2020, 1, 1), people=-1, risks=0)
