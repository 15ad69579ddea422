"""Standing places and people for tests, so that "the neighbouring village's clerk gets 404" is one line.

广东省 › 清远市 › 清新区 (alice, bureau admin) › 龙颈镇 (bob, station staff)
                                               ├ 迳口村 (carol, station staff) › 迳口村第一网格
                                               └ 南坑村 (dave, station staff: carol's neighbour)
辽宁省 › 沈阳市 › 浑南区 (erin, bureau admin of another district)
清远市: leo, a read-only leader above the district
"""

from __future__ import annotations

from dataclasses import dataclass

from qunfang.core import services
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
