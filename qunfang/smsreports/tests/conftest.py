import pytest

from qunfang.smsreports import services

TOKEN = "s3cret-token"
DAVE_PHONE = "13912345678"  # 南坑村's registered phone


@pytest.fixture
def inbound_settings(settings, world):
    settings.SMS_INBOUND_TOKEN = TOKEN
    settings.SMS_INBOUND_PLACE = world.qingxin.code
    return settings


@pytest.fixture
def nankeng_phone(world, inbound_settings):
    return services.register_phone(by=world.dave, place=world.nankeng, phone=DAVE_PHONE, holder="戴维")
