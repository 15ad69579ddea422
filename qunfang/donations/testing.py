"""Donations' records at a place, for the walks and the other tests (qunfang/testing/records.py): a
donor, a drive, a gift at the first village handed over, goods received."""

from datetime import date

from qunfang.donations import services
from qunfang.testing.records import first_village


def records_at(place, *, by, text, id_number, made) -> dict:
    village = first_village(place)
    donor = services.save_donor(
        by=None, place=place, name=text[:100], phone="13700137004", address=text[:200]
    )
    drive = services.save_drive(
        by=None,
        place=place,
        name=text[:100],
        start=date(2020, 1, 25),
        purpose=text[:300],
        designations=[text[:60]],
    )
    gift = services.record_cash(
        by=None,
        place=village,
        donor=donor,
        day=date(2020, 1, 26),
        amount="123.45",
        drive=drive,
        designations=[(text[:60], "123.45")],
        note=text[:200],
    )
    sheet = services.hand_over(
        by=None,
        place=village,
        donations=[gift],
        recipient=text[:100],
        day=date(2020, 1, 27),
        signed_by=text[:50],
    )
    received = services.receive_goods(
        by=None,
        place=village,
        item=services.item_named(text[:60], "瓶"),
        quantity=5,
        day=date(2020, 1, 26),
        donor=donor,
        note=text[:200],
    )
    return {
        "donor_id": donor,
        "drive_id": drive,
        "donation_id": gift,
        "handover_id": sheet,
        "move_id": received,
    }
