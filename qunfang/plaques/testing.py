"""Plaques' records at a place, for the walks and the other tests (qunfang/testing/records.py): the
roll's veteran's household with its first plaque and a replacement."""

from datetime import date

from qunfang.plaques import services


def records_at(place, *, by, text, id_number, made) -> dict:
    veteran = made["veteran_id"]
    first = services.hang(by=None, veteran=veteran, day=date(2019, 8, 1), note=text[:200])
    services.hang(by=None, veteran=veteran, day=date(2020, 1, 6), reason="damaged", note=text[:200])
    return {"plaque_id": first}
