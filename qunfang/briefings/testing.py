"""Briefings' records at a place, for the walks and the other tests (qunfang/testing/records.py): a
draft briefing quoting mobilization's deed, an appeal; last, since a briefing reads every app's figures."""

from datetime import date

from qunfang.briefings import services


def records_at(place, *, by, text, id_number, made) -> dict:
    briefing = services.draft_briefing(
        by=by,
        place=place,
        start=date(2020, 1, 24),
        end=date(2020, 2, 3),
        deeds=[made["deed_id"]],
        author=text[:100],
    )
    notice = services.save_notice(
        by=None, place=place, kind="appeal", title=text[:200], body=text, signed=text[:100]
    )
    return {"briefing_id": briefing, "notice_id": notice, "action": "finalize"}
