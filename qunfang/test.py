"""Standing places and people for tests, so that "the neighbouring village's clerk gets 404" is one line.

广东省 › 清远市 › 清新区 (alice, bureau admin) › 龙颈镇 (bob, station staff)
                                               ├ 迳口村 (carol, station staff) › 迳口村第一网格
                                               └ 南坑村 (dave, station staff: carol's neighbour)
辽宁省 › 沈阳市 › 浑南区 (erin, bureau admin of another district)
清远市: leo, a read-only leader above the district
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from qunfang.core import services
from qunfang.core.middleware import needs_second_factor
from qunfang.core.models import Level, OrgUnit, StationKind, User
from qunfang.core.roles import Role

PASSWORD = "Correct-Horse-2020"
# A synthetic, checksum-valid resident ID number (born 1990-01-01, male); no real person's.
SAMPLE_ID = "441803199001011235"


@dataclass
class World:
    guangdong: OrgUnit
    qingyuan: OrgUnit
    qingxin: OrgUnit
    longjing: OrgUnit
    jingkou: OrgUnit
    nankeng: OrgUnit
    jingkou_grid: OrgUnit
    hunnan: OrgUnit
    alice: User
    bob: User
    carol: User
    dave: User
    erin: User
    leo: User


def image_upload(name: str = "photo.png", size: tuple[int, int] = (64, 48)):
    """A real little PNG, as a phone would upload it."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def people_at(place: OrgUnit, *, by: User, text: str, id_number: str = SAMPLE_ID) -> dict[str, Any]:
    """A volunteer, a team, a deployment, a deed with a photo and a signed sign-up token at `place`,
    each carrying `text`, and a daily report of its first village: what the walks of every page aim at
    or look for."""
    from datetime import date, timedelta

    from qunfang.mobilization import services
    from qunfang.mobilization.views import signup_token
    from qunfang.reporting import services as reporting
    from qunfang.reporting.models import DataSet

    volunteer = services.add_volunteer(
        by=by, place=place, name=text[:50], id_number=id_number, phone="13700137000", note=text[:300]
    )
    team = services.save_team(
        by=by, place=place, name=text[:60], duties=text[:300], members=[volunteer], leader=volunteer
    )
    services.deploy(
        by=by, place=place, team=team, start=date(2020, 1, 25), end=date(2020, 2, 3), task=text[:300]
    )
    deed = services.record_deed(
        by=by,
        place=place,
        day=date(2020, 1, 26),
        person=text[:100],
        title=text[:120],
        story=text,
        volunteer=volunteer,
        photos=[(image_upload(), text[:200])],
    )
    village = (
        OrgUnit.objects.filter(path__startswith=place.path, level=Level.VILLAGE).order_by("path").first()
    )
    report = reporting.submit_report(
        by=by,
        data_set=DataSet.objects.get(code="epidemic_daily"),
        place=village,
        period_start=date(2020, 1, 25),
        values={"fever_found": 4321},
        submission=f"people-at-{village.pk}",
    )
    data_set = reporting.save_data_set(
        by=None,
        owner=place,
        facts={
            "code": f"local_{place.pk}",
            "name_zh": text[:80],
            "name_en": text[:120],
            "level": Level.VILLAGE,
            "periodicity": "daily",
            "deadline_hour": 10,
            "remind_hours_before": 2,
        },
        fields=[{"code": "sandbags", "name_zh": text[:80], "name_en": "Sandbags", "unit": "袋"}],
    )
    from qunfang.messaging import services as messaging

    campaign = messaging.create_campaign(
        by=None,
        place=place,
        name=text[:100],
        template=messaging.save_template(
            by=None,
            place=place,
            name=text[:80],
            body="{name}：" + text[:200],
            channel="console",
            approved=True,
        ),
        filters={},
    )
    # A phone campaign to the team, its one call given to `by`: what the call pages aim at.
    calls = messaging.create_campaign(
        by=None,
        place=place,
        name=text[:100],
        template=messaging.save_template(
            by=None, place=place, name=text[:80], body="{name}：" + text[:200], channel="phone", approved=True
        ),
        filters={"kind": "team", "team": team.pk, "callers": [by.pk]},
    )
    messaging.start_campaign(by=None, campaign=calls)
    from django.core.files.uploadedfile import SimpleUploadedFile

    outside = messaging.record_outside_campaign(
        by=by, place=place, day=date(2020, 2, 1), channel="sms", audience="veterans",
        platform=f"企信通{text}"[:60], sent=7,
        receipt=SimpleUploadedFile("receipt.txt", f"回执 {text}".encode()),
    )  # fmt: skip
    from qunfang.community.services import checkpoints, merchants, requests, screening
    from qunfang.community.services import register as community

    building = community.save_building(by=None, community=village, number=text[:20])
    household = community.save_household(
        by=None, building=building, room=text[:10], phone="13700137001", note=text[:200]
    )
    resident = community.add_resident(
        by=None, household=household, name=text[:50], id_number=id_number, phone="13700137002",
        status="home_quarantine", travel=text[:300],
    )  # fmt: skip
    from qunfang.community.models import RegisterImport

    register_import = RegisterImport.objects.create(
        place=village, created_by=by, file="registers/x.xlsx", original_name=f"{text[:40]}.xlsx"
    )
    gate = checkpoints.save_gate(by=None, community=village, name=text[:50], note=text[:200])
    today = timezone.localdate()
    issued = checkpoints.issue_pass(
        by=None,
        household=household,
        resident=resident,
        valid_from=today,
        valid_until=today,
        exit_every_days=2,
    )
    checkpoints.record_crossings(
        by=None, gate=gate,
        records=[{"client_id": str(uuid.uuid4()), "token": checkpoints.token_for(issued), "direction": "out",
                  "temperature": "37.9", "at": timezone.now().isoformat()}],
    )  # fmt: skip
    round_ = screening.start_round(
        by=None, community=village, name=text[:100], script=text, callers=[by], day=date(2020, 1, 25)
    )
    taken = requests.take_request(
        by=None, community=village, channel="door", category="supplies", text=text[:500], household=household
    )
    answer = requests.save_standard_answer(
        by=None, place=village, category="supplies", question=text[:200], answer=text
    )
    merchant = merchants.save_merchant(by=None, community=village, name=text[:100], address=text[:200])
    staff = merchants.add_staff(
        by=None, merchant=merchant, name=text[:50], phone="13700137003", job=text[:50]
    )
    from qunfang.donations import services as donations

    donor = donations.save_donor(
        by=None, place=place, name=text[:100], phone="13700137004", address=text[:200]
    )
    drive = donations.save_drive(
        by=None,
        place=place,
        name=text[:100],
        start=date(2020, 1, 25),
        purpose=text[:300],
        designations=[text[:60]],
    )
    gift = donations.record_cash(
        by=None,
        place=village,
        donor=donor,
        day=date(2020, 1, 26),
        amount="123.45",
        drive=drive,
        designations=[(text[:60], "123.45")],
        note=text[:200],
    )
    sheet = donations.hand_over(
        by=None,
        place=village,
        donations=[gift],
        recipient=text[:100],
        day=date(2020, 1, 27),
        signed_by=text[:50],
    )
    received = donations.receive_goods(
        by=None,
        place=village,
        item=donations.item_named(text[:60], "瓶"),
        quantity=5,
        day=date(2020, 1, 26),
        donor=donor,
        note=text[:200],
    )
    from qunfang.operations import services as operations

    section = operations.save_section(by=None, place=place, name=text[:60], duties=text[:300])
    member = operations.save_staff(
        by=None, place=place, name=text[:50], title=text[:60], section=section, phone="13700137005"
    )
    group = operations.form_group(
        by=None, place=place, name=text[:100], purpose=text[:300], formed_on=date(2020, 1, 25)
    )
    in_group = operations.set_group_member(
        by=None, group=group, staff=member, role="leader", responsibility=text[:300]
    )
    plan = operations.save_plan(
        by=None, place=place, title=text[:120], start=date(2020, 1, 25), end=date(2020, 2, 25), text=text
    )
    task = operations.add_task(
        by=None, plan=plan, title=text[:200], due=date(2020, 2, 1), owner=operations.Owner(station=place),
        detail=text,
    )  # fmt: skip
    operations.report_progress(by=None, task=task, status="doing", note=text[:500])
    operations.check_in(
        by=None, staff=member, day=today, temperature="37.9", whereabouts=text[:100], symptoms=["cough"],
        came_back_from=text[:100], came_back_on=today,
    )  # fmt: skip
    operations.screen_return(
        by=None, staff=member, first_day=date(2020, 2, 10), came_from=text[:100], temperature="36.5",
        note=text[:300],
    )  # fmt: skip
    operations.record_leave(
        by=None, staff=member, kind="sick", start=date(2020, 2, 3), end=date(2020, 2, 4), reason=text[:300]
    )
    starts = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    shift = operations.save_shift(
        by=None, place=place, start=starts, end=starts + timedelta(hours=8), leader=member, staff=[member],
        handover_note=text,
    )  # fmt: skip
    operations.record_measure(
        by=None,
        place=place,
        day=today,
        site=text[:100],
        kind="disinfection",
        note=text[:300],
        done_by=text[:50],
    )
    from qunfang.briefings import services as briefings

    briefing = briefings.draft_briefing(
        by=by, place=place, start=date(2020, 1, 24), end=date(2020, 2, 3), deeds=[deed], author=text[:100]
    )
    notice = briefings.save_notice(
        by=None, place=place, kind="appeal", title=text[:200], body=text, signed=text[:100]
    )
    return {
        "briefing_id": briefing.pk,
        "notice_id": notice.pk,
        "action": "finalize",
        "staff_member_id": member.pk,
        "group_id": group.pk,
        "group_member_id": in_group.pk,
        "plan_id": plan.pk,
        "task_id": task.pk,
        "shift_id": shift.pk,
        "donation_id": gift.pk,
        "drive_id": drive.pk,
        "donor_id": donor.pk,
        "handover_id": sheet.pk,
        "move_id": received.pk,
        "staff_id": staff.pk,
        "merchant_id": merchant.pk,
        "round_id": round_.pk,
        "call_id": round_.calls.get().pk,
        "request_id": taken.pk,
        "answer_id": answer.pk,
        "gate_id": gate.pk,
        "pass_id": issued.pk,
        "building_id": building.pk,
        "register_import_id": register_import.pk,
        "household_id": household.pk,
        "resident_id": resident.pk,
        "campaign_id": campaign.pk,
        "outside_campaign_id": outside.pk,
        "call_campaign_id": calls.pk,
        "message_id": calls.messages.get().pk,
        "data_set_id": data_set.pk,
        "report_id": report.pk,
        "volunteer_id": volunteer.pk,
        "team_id": team.pk,
        "deed_id": deed.pk,
        "photo_id": deed.photos.get().pk,
        "token": signup_token(place),
    }


def place(parent: OrgUnit | None, name: str, level: str, code: str | None = None, **fields) -> OrgUnit:
    return services.create_place(by=None, parent=parent, name=name, level=level, code=code, **fields)


def person(username: str, place: OrgUnit, role: str, full_name: str = "") -> User:
    return services.create_user(
        by=None,
        username=username,
        full_name=full_name or username.title(),
        password=PASSWORD,
        place=place,
        role=role,
    )


def make_world() -> World:
    # Seeded by a migration, but a test with transaction=True flushes every table behind it.
    from qunfang.mobilization.models import ActivityType
    from qunfang.mobilization.seed import ensure_activity_types
    from qunfang.reporting.models import DataField, DataSet, Rule
    from qunfang.reporting.seed import ensure_epidemic_data_set

    ensure_activity_types(ActivityType)
    ensure_epidemic_data_set(DataSet, DataField, Rule)
    guangdong = place(None, "广东省", Level.PROVINCE, "44")
    qingyuan = place(guangdong, "清远市", Level.CITY, "4418")
    qingxin = place(qingyuan, "清新区", Level.DISTRICT, "441803", station_kind=StationKind.SERVICE_CENTRE)
    longjing = place(qingxin, "龙颈镇", Level.TOWN, "441803112", station_kind=StationKind.SERVICE_STATION)
    jingkou = place(
        longjing,
        "迳口村",
        Level.VILLAGE,
        "441803112201",
        station_kind=StationKind.SERVICE_STATION,
        address="迳口村委会",
        phone="0763-5550001",
    )
    nankeng = place(
        longjing, "南坑村", Level.VILLAGE, "441803112202", station_kind=StationKind.SERVICE_STATION
    )
    jingkou_grid = place(jingkou, "迳口村第一网格", Level.GRID)
    liaoning = place(None, "辽宁省", Level.PROVINCE, "21")
    shenyang = place(liaoning, "沈阳市", Level.CITY, "2101")
    hunnan = place(shenyang, "浑南区", Level.DISTRICT, "210112")
    return World(
        guangdong=guangdong,
        qingyuan=qingyuan,
        qingxin=qingxin,
        longjing=longjing,
        jingkou=jingkou,
        nankeng=nankeng,
        jingkou_grid=jingkou_grid,
        hunnan=hunnan,
        alice=person("alice", qingxin, Role.BUREAU_ADMIN, "艾丽丝"),
        bob=person("bob", longjing, Role.STATION_STAFF, "鲍勃"),
        carol=person("carol", jingkou, Role.STATION_STAFF, "谢卡萝"),
        dave=person("dave", nankeng, Role.STATION_STAFF, "戴维"),
        erin=person("erin", hunnan, Role.BUREAU_ADMIN, "艾琳"),
        leo=person("leo", qingyuan, Role.LEADER, "廖力"),
    )


def totp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, made on first need."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test phone", confirmed=True
    )


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class ClosingClient(Client):
    """A test client that reads a streamed answer (a photo, a file) whole, as a web server does; the
    test client closes it once read. Left unread, the file stays open until the garbage collector
    closes it, anywhere, with a ResourceWarning that once broke an unrelated import mid-test. (Not
    response.close() here: that would also close the test's database connection.)"""

    def request(self, **request: Any) -> HttpResponseBase:
        response = super().request(**request)
        if response.streaming:
            response.streaming_content = list(response.streaming_content)
        return response


def client_for(user: User, language: str = "zh-hans") -> Client:
    """A signed-in client; users who need the second factor have passed it, as after entering a code."""
    client = ClosingClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    if needs_second_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client


def api_client_for(user: User) -> Client:
    """A client of the API with a bearer token of the user's, as a phone app or an integration."""
    _token, raw = services.issue_token(by=user, name="phone app")
    return ClosingClient(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="zh-hans")


# The operator's admin has its own test; the API is walked through its OpenAPI document.
SKIPPED_NAMESPACES = {"admin", "api"}


def page_routes() -> Iterator[tuple[str, Callable]]:
    """Every page's route ("/places/<int:place_id>/") and view, read from the URL configuration."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in SKIPPED_NAMESPACES:
                    yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    yield from walk(get_resolver().url_patterns, "/")


def fill_route(route: str, parameters: dict[str, Callable[[Any], int]], target: Any) -> str:
    """The route with each parameter replaced by the id `parameters[name](target)` gives."""

    def value(match):
        name = match.group(1)
        assert name in parameters, f"teach the test which object a '{name}' parameter names"
        return str(parameters[name](target))

    return re.sub(r"<(?:\w+:)?(\w+)>", value, route)


class Site:
    """A separate Qunfang installation on the database engine the tests run on: its own var/ folder
    and, on PostgreSQL, its own database on the same server. For tests that run real processes
    (servers, workers, backups) against committed data."""

    def __init__(self, root: Path, database_server: str | None = None):
        self.var_dir = root / "var"
        self.var_dir.mkdir(parents=True)
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("QUNFANG_", "PYTEST_", "DJANGO_ALLOW"))
        }
        self.env.update(
            QUNFANG_VAR_DIR=str(self.var_dir),
            QUNFANG_TASKS_BACKEND="database",
            QUNFANG_DEMO_ROLL_SCALE="0.02",
            DJANGO_SETTINGS_MODULE="qunfang.settings",
        )
        base_url = database_server or os.environ.get("QUNFANG_DATABASE_URL")
        self.database = None
        if base_url:
            self.database = f"site_{uuid.uuid4().hex[:12]}"
            self.server_url = base_url if database_server else base_url.rsplit("/", 1)[0]
            with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as server:
                server.execute(f'CREATE DATABASE "{self.database}"')
            self.env["QUNFANG_DATABASE_URL"] = f"{self.server_url}/{self.database}"

    def qunfang(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR, "manage.py")), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode:
            raise AssertionError(f"qunfang {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def shell(self, code: str) -> str:
        """Run Python in the installation and return what it printed."""
        return self.qunfang("shell", "--no-imports", "-c", code).stdout.strip()

    def start(self, *args: str) -> subprocess.Popen:
        """A long-running command (server, worker). Its output goes to a log file in the installation's
        folder: a pipe nobody reads would fill and stop the process."""
        # The child keeps its own handle on the log; ours is closed at once.
        with open(self.var_dir / f"{args[0]}-{uuid.uuid4().hex[:6]}.log", "w") as log:
            return subprocess.Popen(
                [sys.executable, str(Path(settings.BASE_DIR, "manage.py")), *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.database:
            with psycopg.connect(self.env["QUNFANG_DATABASE_URL"]) as db:
                return db.execute(sql, params).fetchall()
        with closing(
            sqlite3.connect(
                self.var_dir / "qunfang.sqlite3",
                detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
            )
        ) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()

    def drop(self) -> None:
        if self.database:
            with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def wait_until(condition: Callable[[], Any], timeout: float = 60, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up waiting after {timeout}s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    """A PostgreSQL server of the test's own, so that restarting it disturbs no other test. Tests turn
    fsync off for speed; a benchmark that claims durability asks for `durable=True`."""

    def __init__(self, root: Path, durable: bool = False):
        self.options = "" if durable else " -c fsync=off -c synchronous_commit=off"
        self.bin = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])
        self.root = root
        self.port = free_port()
        root.mkdir()
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        self.run(
            "initdb",
            "-D",
            str(root / "data"),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.pg_ctl("start")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"

    def run(self, program: str, *args: str):
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def pg_ctl(self, action: str, *extra: str):
        self.run(
            "pg_ctl",
            "-D",
            str(self.root / "data"),
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root}{self.options}",
            *extra,
            action,
        )

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)
