"""Petitions' records at a place, for the walks and the other tests (qunfang/testing/records.py): a
veteran's petition at the place taken to its last step, one still open, and the month's
screening signed there."""

from datetime import date, timedelta

from django.utils import timezone

from qunfang.petitions import services
from qunfang.testing.records import first_village


def records_at(place, *, by, text, id_number, made) -> dict:
    village = first_village(place)
    veteran = made["veteran_id"]
    day = date(2020, 1, 6)
    done = services.record_found(
        by=None, place=place, veterans=[veteran], subject=text[:100], matter=text, day=day
    )
    services.register(by=None, petition=done, day=day, owner=by, note=text)
    services.resolve(by=None, petition=done, day=day + timedelta(days=5), answer=text)
    services.revisit(by=None, petition=done, day=day + timedelta(days=9), note=text, satisfied=True)
    services.record_found(by=None, place=place, veterans=[veteran], subject=text[:100], matter=text, day=day)
    screening = services.sign_screening(
        by=None, place=village, month=timezone.localdate(), people=3, risks=1, note=text
    )
    return {"petition_id": done, "screening_id": screening}
