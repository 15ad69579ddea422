"""Reports by SMS in the demo: 清新区's keywords seeded as its own, 南坑村's clerk's phone registered,
and two messages from it handed to the service in the shape Aliyun pushes them (fake_uplink): a zero
report for yesterday and today's work. The bureau's inbound page shows them with their replies."""

from datetime import timedelta

from django.utils import timezone

from qunfang.core.models import OrgUnit, User
from qunfang.smsreports import fake_uplink, inbound, services
from qunfang.smsreports.models import RegisteredPhone

DEMO_PHONE = "13926350001"  # invented


def load() -> list[str]:
    nankeng = OrgUnit.objects.filter(name="南坑村").first()
    district = OrgUnit.objects.filter(name="清新区").first()
    if nankeng is None or district is None or RegisteredPhone.objects.filter(place=nankeng).exists():
        return []
    services.seed_keywords(place=district)
    clerk = User.objects.filter(username="nk_clerk").first()
    services.register_phone(by=clerk, place=nankeng, phone=DEMO_PHONE, holder="李文华")
    now = timezone.now()
    yesterday = timezone.localdate() - timedelta(days=1)
    items = [
        fake_uplink.aliyun_item(1, DEMO_PHONE, f"日报 {yesterday.month}-{yesterday.day} 0", now),
        fake_uplink.aliyun_item(2, DEMO_PHONE, "体温 35 消毒 4", now),
    ]
    messages, _skipped = inbound.aliyun_messages(items)
    for message in messages:
        services.take_message(message)
    return [f"Reports by SMS: 南坑村 texted a zero report and its day's work from {DEMO_PHONE[:3]}****"]
