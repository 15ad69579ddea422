"""Demo places and people: Qingxin district with its eight real towns; Hunnan with 五三街道, its
community 在水一方 and four more streets. Town and street codes are the official ones (Ministry of Civil
Affairs, 2025); village and community codes and the village names beyond 迳口村 are invented for the
demo."""

import base64

from django.db import transaction

from qunfang.core import services
from qunfang.core.models import HallStatus, Level, OrgUnit, StationKind, User
from qunfang.core.roles import Role

DEMO_PASSWORD = "Qunfang-2020"

QINGXIN_TOWNS = [
    ("441803102", "太和镇", ["坑口村", "飞水村", "太和社区"]),
    ("441803104", "太平镇", ["清湖村", "马岳村", "太平社区"]),
    ("441803105", "山塘镇", ["山塘村", "白湾村"]),
    ("441803106", "三坑镇", ["三坑村", "布锦村"]),
    ("441803112", "龙颈镇", ["迳口村", "南坑村", "龙颈社区"]),
    ("441803113", "禾云镇", ["禾云村", "鱼坝村"]),
    ("441803117", "浸潭镇", ["浸潭村", "新洲村"]),
    ("441803118", "石潭镇", ["石潭村", "黄坑村", "石潭社区"]),
]

# More of Hunnan's streets, each with two communities: the names of the communities are invented, and
# these streets carry no code here (五三街道 above has its official one).
HUNNAN_STREETS = [
    ("白塔街道", ["白塔社区", "塔湾社区"]),
    ("东湖街道", ["东湖社区", "湖滨社区"]),
    ("桃仙街道", ["桃仙社区", "仙鹤社区"]),
    ("李相街道", ["李相社区", "相和社区"]),
]

# (user name, full name, role, place name): one for each role, in different places.
DEMO_USERS = [
    ("qx_admin", "周海燕", Role.BUREAU_ADMIN, "清新区"),
    ("qy_leader", "陈国强", Role.LEADER, "清远市"),
    ("lj_station", "黄志明", Role.STATION_STAFF, "龙颈镇"),
    ("jk_clerk", "谢小梅", Role.STATION_STAFF, "迳口村"),
    ("nk_clerk", "李文华", Role.STATION_STAFF, "南坑村"),
    ("jk_volunteer", "曹建明", Role.VOLUNTEER, "迳口村"),
    ("hn_admin", "王立新", Role.BUREAU_ADMIN, "浑南区"),
    ("zs_grid", "刘晓红", Role.GRID_WORKER, "在水一方第一网格"),
    ("zs_guard", "赵永刚", Role.CHECKPOINT_GUARD, "在水一方社区"),
]


def _create_demo_place(parent, name, level, code=None, **station) -> OrgUnit:
    """A place of the demo tree, written through the same service as the pages."""
    return services.create_place(by=None, parent=parent, name=name, level=level, code=code, **station)


@transaction.atomic
def load() -> list[str]:
    if not OrgUnit.objects.filter(code="441803000000").exists():
        _create_qingxin()
        _create_hunnan()
    return _create_users()


def _create_qingxin() -> None:
    """Qingxin district, its eight towns, their villages, and 迳口村's two grids."""
    guangdong = _create_demo_place(None, "广东省", Level.PROVINCE, "44")
    qingyuan = _create_demo_place(guangdong, "清远市", Level.CITY, "4418")
    qingxin = _create_demo_place(
        qingyuan,
        "清新区",
        Level.DISTRICT,
        "441803",
        station_kind=StationKind.SERVICE_CENTRE,
        address="清远市清新区太和镇",
        phone="0763-5812345",
        hall_status=HallStatus.CLOSED,
    )
    for town_code, town_name, villages in QINGXIN_TOWNS:
        town = _create_demo_place(
            qingxin,
            town_name,
            Level.TOWN,
            town_code,
            station_kind=StationKind.SERVICE_STATION,
            address=f"清新区{town_name}人民政府",
            hall_status=HallStatus.ONLINE_ONLY,
        )
        for number, village_name in enumerate(villages, 1):
            village = _create_demo_place(
                town,
                village_name,
                Level.VILLAGE,
                f"{town_code}2{number:02d}",
                station_kind=StationKind.SERVICE_STATION,
            )
            if village_name == "迳口村":
                for grid in ("迳口村第一网格", "迳口村第二网格"):
                    _create_demo_place(village, grid, Level.GRID)


def _create_hunnan() -> None:
    """Hunnan district: 五三街道 with 在水一方 and its four grids, and four more streets."""
    liaoning = _create_demo_place(None, "辽宁省", Level.PROVINCE, "21")
    shenyang = _create_demo_place(liaoning, "沈阳市", Level.CITY, "2101")
    hunnan = _create_demo_place(
        shenyang, "浑南区", Level.DISTRICT, "210112", station_kind=StationKind.SERVICE_CENTRE
    )
    wusan = _create_demo_place(
        hunnan, "五三街道", Level.TOWN, "210112014", station_kind=StationKind.SERVICE_STATION
    )
    community = _create_demo_place(
        wusan,
        "在水一方社区",
        Level.VILLAGE,
        "210112014003",
        station_kind=StationKind.SERVICE_STATION,
        address="沈阳市浑南区五三街道在水一方小区",
    )
    for grid in ["第一", "第二", "第三", "第四"]:
        _create_demo_place(community, f"在水一方{grid}网格", Level.GRID)
    for street_name, communities in HUNNAN_STREETS:
        street = _create_demo_place(hunnan, street_name, Level.TOWN, station_kind=StationKind.SERVICE_STATION)
        for community_name in communities:
            _create_demo_place(
                street, community_name, Level.VILLAGE, station_kind=StationKind.SERVICE_STATION
            )


def _create_users() -> list[str]:
    """The demo's people (once each), and the lines that tell how to sign in as them."""
    lines = [f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"]
    for username, full_name, role, place_name in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            place = OrgUnit.objects.get(name=place_name)
            services.create_user(
                by=None,
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                place=place,
                role=role,
            )
        lines.append(f"  {username:<14} {Role(role).label} · {place_name}")
        if role == Role.BUREAU_ADMIN:
            # Admins sign in with a TOTP code too: the demo enrols them and prints the key for an app.
            device = services.pending_totp_device(user=User.objects.get(username=username))
            lines.append(f"  {'':<14} authenticator key {base64.b32encode(device.bin_key).decode()}")
    return lines
