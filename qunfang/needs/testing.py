"""Needs' records at a place, for the walks and the other tests (qunfang/testing/records.py): a need of
the first village with two lines, a commitment (named publicly) and a delivery against it."""

from datetime import date

from qunfang.needs import services
from qunfang.testing.records import first_village


def records_at(place, *, by, text, id_number, made) -> dict:
    village = first_village(place)
    need = services.post_need(
        by=None,
        place=village,
        title=text[:100],
        why=text[:300],
        posted_on=date(2020, 2, 10),
        by_date=date(2020, 2, 20),
        lines=[((text[:60], "瓶"), 120), (("防护服", "件"), 40)],
    )
    first = need.lines.order_by("pk").first()
    promise = services.commit(
        by=None,
        line=first,
        donor_name=text[:100],
        quantity=50,
        named_publicly=True,
        made_on=date(2020, 2, 11),
    )
    services.record_delivery(
        by=None,
        need=need,
        lines=[(first, 20)],
        commitment=promise,
        day=date(2020, 2, 12),
        delivered_by=text[:50],
        received_by=text[:50],
    )
    # The public pages are addressed by a key the place gives out (selectors.share_key), not by an id:
    # a walker aimed at another place knows only its ids, so the key it tries is one not signed by us.
    return {"need_id": need, "commitment_id": promise, "share_key": f"{need.pk}-not-signed"}
