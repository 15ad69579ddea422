"""Messaging's records at a place, for the walks and the other tests (qunfang/testing/records.py): a
campaign to the veterans, a phone campaign to mobilization's team with its one call given to `by`,
and a campaign sent through another platform."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from qunfang.messaging import services


def records_at(place, *, by, text, id_number, made) -> dict:
    def template(channel):
        return services.save_template(
            by=None, place=place, name=text[:80], body="{name}：" + text[:200], channel=channel, approved=True
        )

    campaign = services.create_campaign(
        by=None, place=place, name=text[:100], template=template("console"), filters={}
    )
    calls = services.create_campaign(
        by=None,
        place=place,
        name=text[:100],
        template=template("phone"),
        filters={"kind": "team", "team": made["team_id"].pk, "callers": [by.pk]},
    )
    services.start_campaign(by=None, campaign=calls)
    outside = services.record_outside_campaign(
        by=by, place=place, day=date(2020, 2, 1), channel="sms", audience="veterans",
        platform=f"企信通{text}"[:60], sent=7,
        receipt=SimpleUploadedFile("receipt.txt", f"回执 {text}".encode()),
    )  # fmt: skip
    return {
        "campaign_id": campaign,
        "call_campaign_id": calls,
        "message_id": calls.messages.get(),
        "outside_campaign_id": outside,
    }
