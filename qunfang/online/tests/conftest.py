"""What the online tests share: Qingxin's starting set of services, a veteran of 迳口村 with a mobile,
and the photos a phone would send."""

import json

import pytest
from django.conf import settings

from qunfang.core.personal import PHONE, mask, normalize_phone
from qunfang.online import seed, services
from qunfang.registry.services import create_veteran
from qunfang.testing.clients import image_upload
from qunfang.testing.world import SAMPLE_ID

ANSWERS = {"参保地": "清远市清城区", "险种": "养老保险", "退役时间": "2019-09-01", "服役年限": "5"}


@pytest.fixture
def offered(world):
    return {found.name: found for found in seed.starting_set(by=None, bureau=world.qingxin)}


@pytest.fixture
def continuation(offered):
    return offered["社保接续"]


@pytest.fixture
def veteran(world):
    return create_veteran(by=None, place=world.jingkou, name="张清", id_number=SAMPLE_ID, phone="13800001111")


def photos(*labels):
    return {label: image_upload(f"{index}.png") for index, label in enumerate(labels)}


def applied(veteran, service, **overrides):
    facts = {"answers": dict(ANSWERS), "photos": photos("身份证正面", "退役证件"), **overrides}
    return services.apply(by=None, veteran=veteran, service=service, **facts)


def texts_to(phone: str) -> list[str]:
    """The texts of services online the console channel sent to the mobile number, oldest first."""
    shown = mask(PHONE, normalize_phone(phone))
    if not settings.MESSAGES_LOG.exists():
        return []
    entries = [json.loads(line) for line in settings.MESSAGES_LOG.read_text(encoding="utf-8").splitlines()]
    return [
        e["text"] for e in entries if e.get("topic") == "online" and any(r["phone"] == shown for r in e["to"])
    ]
