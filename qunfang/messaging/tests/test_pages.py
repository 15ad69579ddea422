"""The bureau composes a campaign on its pages: the recipients counted and a sample shown before it is
saved, sent with one button, watched to the end, the failed ones sent again with another; other
districts' campaigns are not found."""

from django.conf import settings

from qunfang.messaging import services
from qunfang.messaging.models import Campaign, Message, MessageState, Template
from qunfang.registry.services import create_veteran
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.clients import client_for


def test_compose_count_send_and_watch(world, django_capture_on_commit_callbacks):
    for n, name in enumerate(["张伟", "王芳"], start=1):
        create_veteran(
            by=None,
            place=world.jingkou,
            name=name,
            id_number=synthetic_id("441803", n),
            phone=f"1380000000{n}",
        )
    admin = client_for(world.alice)
    admin.post(
        f"/places/{world.qingxin.pk}/templates/new/",
        {"name": "防疫提醒", "channel": "console", "body": "{name}同志：请做好防护。", "approved": "on"},
    )
    template = Template.objects.get()
    data = {"name": "一月提醒", "template": template.pk, "category": "", "tag": ""}
    counted = admin.post(
        f"/places/{world.qingxin.pk}/campaigns/new/", {**data, "count": "1"}
    ).content.decode()
    assert "2 人将收到" in counted and "张伟同志：请做好防护。" in counted
    assert not Campaign.objects.exists()
    saved = admin.post(f"/places/{world.qingxin.pk}/campaigns/new/", {**data, "save": "1"})
    campaign = Campaign.objects.get()
    assert saved.url == f"/campaigns/{campaign.pk}/"
    # 立即发送 asks first: how many, and the first message as it will read; nothing is sent yet.
    asked = admin.get(f"/campaigns/{campaign.pk}/start/").content.decode()
    assert "2 位接收人" in asked and "张伟同志：请做好防护。" in asked and not Message.objects.exists()
    assert admin.post(f"/campaigns/{campaign.pk}/start/").status_code == 302 and not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/campaigns/{campaign.pk}/start/", {"confirmed": "2"})
    page = admin.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "<progress" in page and Message.objects.filter(state=MessageState.SENT).count() == 2
    assert "138****0001" in page and "13800000001" not in page  # the mobile masked on the page
    assert len(settings.MESSAGES_LOG.read_text().splitlines()) == 2

    Message.objects.filter(veteran__name="王芳").update(state=MessageState.FAILED, error="网关超时")
    assert "网关超时" in admin.get(f"/campaigns/{campaign.pk}/?state=failed").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/campaigns/{campaign.pk}/retry/")
    assert Message.objects.filter(state=MessageState.SENT).count() == 2 == Message.objects.count()

    assert client_for(world.erin).get(f"/campaigns/{campaign.pk}/").status_code == 404
    assert client_for(world.carol).get(f"/places/{world.jingkou.pk}/campaigns/").status_code == 403


def test_an_unapproved_template_is_refused_on_the_page_and_nothing_is_sent(world):
    create_veteran(
        by=None, place=world.jingkou, name="张伟", id_number=synthetic_id("441803", 1), phone="13800000001"
    )
    template = services.save_template(
        by=None, place=world.qingxin, name="短信", body="{name}您好", channel="sms"
    )
    campaign = services.create_campaign(
        by=None, place=world.qingxin, name="待批", template=template, filters={}
    )
    response = client_for(world.alice).post(f"/campaigns/{campaign.pk}/start/", {"confirmed": 1}, follow=True)
    assert "模板尚未批准使用" in response.content.decode() and not Message.objects.exists()


def test_a_campaign_sends_only_what_its_sender_confirmed(world):
    """立即发送 used to send 1,728 SMS at once: now it asks, and if the audience changed after the sender
    was shown the count, nothing is sent and she is asked again."""

    def veteran(n):
        number = synthetic_id("441803", n)
        create_veteran(
            by=None, place=world.jingkou, name=f"老兵{n}", id_number=number, phone=f"1380000000{n}"
        )

    veteran(1)
    veteran(2)
    template = services.save_template(
        by=None, place=world.qingxin, name="短信", body="{name}您好", channel="sms"
    )
    template.approved = True
    template.save()
    campaign = services.create_campaign(
        by=None, place=world.qingxin, name="通知", template=template, filters={}
    )
    admin = client_for(world.alice)
    assert "2 位接收人" in admin.get(f"/campaigns/{campaign.pk}/start/").content.decode()
    veteran(3)
    answer = admin.post(f"/campaigns/{campaign.pk}/start/", {"confirmed": "2"}, follow=True).content.decode()
    assert "3 位接收人" in answer and "受众已有变化" in answer
    assert not Message.objects.exists() and Campaign.objects.get().status == "draft"
