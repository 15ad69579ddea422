"""Qingxin's SMS reminder of February 2020 ("向全区退役军人发送疫情防控提醒短信11509条"). The bureau
sent it through 企信通, before Qunfang: the demo records it as a campaign sent elsewhere on 1 February
2020, to as many veterans as the roll's audience query finds reachable. The same reminder is then sent
again today through Qunfang's own campaign, through the console backend (no SMS account needed), so
the messaging pages show a real campaign: it ends with exactly as many sent. Nothing is back-dated."""

from datetime import date

from django.db import connection

from qunfang.core.models import OrgUnit, User
from qunfang.messaging import services
from qunfang.messaging.models import AudienceKind, Campaign, Channel, MessageState

TEXT = (
    "{name}同志：疫情防控期间，请您和家人少出门、不聚集、戴口罩，如有发热请及时就医并告知{place}。"
    "清新区退役军人事务局"
)


def load() -> list[str]:
    qingxin = OrgUnit.objects.get(code="441803000000")
    if Campaign.objects.filter(place=qingxin).exists():
        return []
    admin = User.objects.get(username="qx_admin")
    template = services.save_template(
        by=admin, place=qingxin, name="疫情防控提醒", body=TEXT, channel=Channel.CONSOLE, approved=True
    )
    campaign = services.create_campaign(
        by=admin, place=qingxin, name="疫情防控提醒短信（2020年2月）", template=template, filters={}
    )
    services.start_campaign(by=admin, campaign=campaign)
    if connection.vendor == "postgresql":
        # Thousands of rows just written, perhaps in one transaction (a test) where autovacuum cannot
        # see them: tell the planner, or it may join the recipients row by row.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE messaging_message, registry_veteran, core_orgunit")
    services.send_campaign(campaign.pk)  # what the worker does; the queued task then finds nothing left
    reachable = services.preview(qingxin, {}, template).count
    services.record_outside_campaign(
        by=admin, place=qingxin, day=date(2020, 2, 1), channel=Channel.SMS, audience=AudienceKind.VETERANS,
        platform="企信通", sent=reachable, note="疫情防控提醒短信（2020年2月，经企信通平台发送）",
    )  # fmt: skip
    sent = campaign.messages.filter(state=MessageState.SENT).count()
    return [
        f"Messaging: Qingxin's reminder of 1 February 2020 recorded as sent through 企信通 to {reachable} "
        f"veterans; sent again today to {sent} veterans (see var/messages.log)."
    ]
