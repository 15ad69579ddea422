"""Care's records at a place, for the walks and the other tests (qunfang/testing/records.py): a category
and a rule of the place's bureau, the person's category and a life event, a festival round, and a visit
with its photo and a gift from the place's stock."""

from datetime import date

from qunfang.care import services
from qunfang.care.models import CareCategory, ContactKind, EventKind
from qunfang.care.seed import ensure_categories
from qunfang.core.models import LEVEL_RANK, Level, OrgUnit
from qunfang.donations import services as donations
from qunfang.testing.clients import image_upload


def bureau_of(place: OrgUnit) -> OrgUnit:
    """The place itself when it is a bureau (a district or above), else its district."""
    if LEVEL_RANK[place.level] <= LEVEL_RANK[Level.DISTRICT]:
        return place
    return OrgUnit.objects.get(pk__in=place.ancestor_ids, level=Level.DISTRICT)


def records_at(place, *, by, text, id_number, made) -> dict:
    ensure_categories(CareCategory)  # a test that flushed the tables lost the seeded ones
    veteran = made["veteran_id"]
    bureau = bureau_of(place)
    category = services.add_category(by=None, place=bureau, name=text[:40])
    services.set_categories(by=None, veteran=veteran, categories=[category])
    rule = services.save_rule(
        by=None,
        place=bureau,
        name=text[:100],
        kind=ContactKind.CALL,
        every_months=3,
        starts=date(2019, 1, 1),
        categories=[category],
    )
    services.record_event(
        by=None, veteran=veteran, kind=EventKind.ENTERED, day=date(2018, 6, 1), note=text[:200]
    )
    gift = donations.item_named(text[:60], "盒")
    donations.receive_goods(by=None, place=veteran.place, item=gift, quantity=10, day=date(2019, 1, 2))
    round_ = services.plan_round(
        by=None,
        place=bureau,
        name=text[:100],
        day=date(2019, 2, 1),
        veterans=[veteran],
        gift_item=gift,
        gift_quantity=1,
    )
    visit = services.record_contact(
        by=None,
        veteran=veteran,
        kind=ContactKind.VISIT,
        day=date(2019, 1, 30),
        note=text[:500],
        photo=image_upload("visit.png"),
        gift_item=gift,
        gift_quantity=1,
        round=round_,
    )
    return {"care_rule_id": rule, "care_round_id": round_, "care_contact_id": visit}
