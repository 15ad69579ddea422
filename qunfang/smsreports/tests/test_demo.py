"""The demo's reports by SMS: 南坑村's zero report and day's work, shown on the district's inbound page
with their replies, the zero report in the reports."""

from qunfang.core.models import OrgUnit, User
from qunfang.reporting.models import Report
from qunfang.smsreports.models import InboundMessage, Outcome
from qunfang.testing.clients import client_for


def test_the_district_sees_nankengs_messages_by_sms(demo):
    district = OrgUnit.objects.get(name="清新区")
    nankeng = OrgUnit.objects.get(name="南坑村")
    kept = InboundMessage.objects.filter(place=nankeng)
    assert sorted(kept.values_list("outcome", flat=True)) == [Outcome.RECORDED, Outcome.RECORDED]
    zero = kept.exclude(report=None).get()
    assert Report.objects.get(pk=zero.report_id).zero
    page = client_for(User.objects.get(username="qx_admin")).get(f"/places/{district.pk}/sms/inbound/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "零报告" in text and "体温35" in text and "139****0001" in text and "13926350001" not in text
