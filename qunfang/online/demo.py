"""Qingxin's hall closed to the public from 24 January 2020: the bureau offers its usual services
online (the starting set), and 龙颈镇's veterans apply from their phones. Eleven 社保接续 applications,
checked by the town station and reviewed by the district: nine approved, one returned for a missing
payment record then amended and approved, one still under the district's review; and one 优待证 walked
through all four levels (town, district, city, province), made, signed for and handed out. Written
through the services on the demo's own days; the city's and the province's reviewers are made for it."""

import io
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from qunfang.core import services as core
from qunfang.core.demo import DEMO_PASSWORD
from qunfang.core.models import OrgUnit, User
from qunfang.core.roles import Role
from qunfang.online import seed, services
from qunfang.online.models import OnlineService
from qunfang.registry.models import Status, Veteran

HALL_CLOSED = datetime(2020, 1, 24, 9, tzinfo=timezone.get_default_timezone())
PLACES = ["参保地：清远市清城区", "清远市清新区", "广州市白云区", "佛山市南海区"]
REVIEWERS = [("qy_review", "梁志坚", "清远市"), ("gd_review", "何丽珍", "广东省")]


def load() -> list[str]:
    qingxin = OrgUnit.objects.get(code="441803000000")
    if OnlineService.objects.filter(place=qingxin).exists():
        return []
    admin = User.objects.get(username="qx_admin")
    offered = {found.name: found for found in seed.starting_set(by=admin, bureau=qingxin)}
    town = User.objects.get(username="lj_station")
    people = list(
        Veteran.objects.filter(place__parent__name="龙颈镇", status=Status.ACTIVE, phone__isnull=False)
        .select_related("place")
        .order_by("pk")[:11]
    )
    continuation = offered["社保接续"]
    for number, veteran in enumerate(people):
        _continuation(number, veteran, continuation, town, admin)
    card = _card(offered["优待证"], admin)
    return [
        f"Services online: Qingxin's {len(offered)} services; {len(people)} 社保接续 applications "
        f"from 龙颈镇 since the hall closed; a 优待证 done after {card.steps.count()} steps"
    ]


def _photo(name: str) -> SimpleUploadedFile:
    """A plain photo, as a phone's camera would send it (the demo's stand-in for a document)."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (235, 230, 215)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _photos(*labels) -> dict:
    return {label: _photo(f"{index}.jpg") for index, label in enumerate(labels)}


def _continuation(number: int, veteran: Veteran, service: OnlineService, town: User, admin: User) -> None:
    sent = HALL_CLOSED + timedelta(days=3 + number, hours=number % 5)
    answers = {
        "参保地": PLACES[number % len(PLACES)],
        "险种": "养老和医疗保险" if number % 3 else "养老保险",
        "退役时间": f"{2010 + number % 9}-09-01",
        "服役年限": str(2 + number % 12),
    }
    application = services.apply(
        by=None,
        veteran=veteran,
        service=service,
        answers=answers,
        photos=_photos("身份证正面", "退役证件"),
        now=sent,
    )
    checked = sent + timedelta(days=1, hours=2)
    if number == 4:  # the payment record missing: returned, then sent again with it
        services.return_to_veteran(
            by=town, application=application, reason="请补拍参保缴费凭证（社保卡或缴费单）", now=checked
        )
        checked += timedelta(days=1)
        services.send_again(
            by=None, application=application, answers=answers, photos=_photos("参保缴费凭证"), now=checked
        )
        checked += timedelta(hours=3)
    services.approve(by=town, application=application, now=checked)
    if number < 10:  # the last one still waits for the district
        services.approve(by=admin, application=application, now=checked + timedelta(days=2))


def _reviewer(username: str, full_name: str, place_name: str) -> User:
    found = User.objects.filter(username=username).first()
    if found is None:
        found = core.create_user(
            by=None,
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            place=OrgUnit.objects.get(name=place_name),
            role=Role.STATION_STAFF,
        )
    return found


def _card(service: OnlineService, admin: User):
    veteran = (
        Veteran.objects.filter(place__name="迳口村", status=Status.ACTIVE, phone__isnull=False)
        .order_by("-pk")
        .first()
    )
    town, village = (User.objects.get(username=name) for name in ("lj_station", "jk_clerk"))
    city, province = (_reviewer(*reviewer) for reviewer in REVIEWERS)
    moment = HALL_CLOSED + timedelta(days=2)
    application = services.apply(
        by=None,
        veteran=veteran,
        service=service,
        answers={"户籍地址": "清新区龙颈镇迳口村"},
        photos=_photos("身份证正面", "免冠证件照", "退役证件"),
        now=moment,
    )
    for who, days in (
        (town, 1),
        (admin, 3),
        (city, 5),
        (province, 7),
        (province, 20),
        (admin, 4),
        (village, 2),
    ):
        moment += timedelta(days=days)
        application = services.approve(by=who, application=application, now=moment)
    return application
