"""Qingxin's counted work from 24 January to 3 February 2020, as the report of 4 February gives it,
spread over its villages and days the way stations would have recorded it, day by day, through the
same service as the day's form. The district's totals then equal the report's figures exactly."""

from datetime import date, timedelta

from qunfang.core.models import Level, OrgUnit, User
from qunfang.mobilization import services
from qunfang.mobilization.models import ActivityRecord, ActivityType, Volunteer
from qunfang.mobilization.seed import ensure_activity_types
from qunfang.registry.synthetic import synthetic_id

FIRST_DAY, DAYS = date(2020, 1, 24), 11
# The report's figures for the district (qingxin-2020-02-04.txt).
REPORT = {
    "temperature_checks": 7_372,
    "people_served": 22_236,
    "visitors_dissuaded": 1_352,
    "gatherings_dispersed": 721,
    "sites_disinfected": 1_219,
    "duty_shifts": 1_689,
    "broadcasts": 9_862,
    "door_to_door": 7_562,
}
DOOR_TO_DOOR_REACHED = 32_665
CLERKS = {"迳口村": "jk_clerk", "南坑村": "nk_clerk"}


def split(total: int, weights: list[int]) -> list[int]:
    """`total` shared in proportion to `weights`, in whole numbers that add up exactly (the largest
    remainders get the odd units)."""
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


# The Hunnan bureau's director and the 14 staff he took into 在水一方 on 13 February 2020, in the
# report's four groups (the staff's names are invented; the report names only the director).
HUNNAN_DIRECTOR = "许海清"
HUNNAN_STAFF = [
    "王立新",
    "李春雨",
    "张志强",
    "刘洋",
    "陈晓东",
    "赵丽",
    "孙海波",
    "周建国",
    "吴敏",
    "郑凯",
    "冯雪",
    "何军",
    "高峰",
    "马丽娜",
]
HUNNAN_GROUPS = [
    ("一组：流动宣传", "利用广播在小区对防控疫情工作进行流动宣传"),
    ("二组：电话排查", "协助社区网格员对全部住户进行电话排查"),
    ("三组：卡点登记", "到社区门岗卡点登记办理业主出入证"),
    ("四组：心理疏导", "对社区居民进行心理疏导，解答居民对防控工作提出的各类问题"),
]


def _hunnan() -> str:
    """The director and his staff as volunteers of the district bureau, four teams, all sent into the
    community; and the deed of 18 February the report tells."""
    district = OrgUnit.objects.get(code="210112000000")
    if Volunteer.objects.filter(place=district).exists():
        return ""
    community = OrgUnit.objects.get(name="在水一方社区")
    admin = User.objects.get(username="hn_admin")
    people = [
        services.add_volunteer(
            by=admin,
            place=district,
            name=name,
            id_number=synthetic_id("210112", 900_000 + number),
            phone=str(13940000000 + number),
            skills=["publicity", "patrol", "counselling", "paperwork"][number % 4 : number % 4 + 1],
            availability="any_time",
            note="区退役军人事务局",
        )
        for number, name in enumerate([HUNNAN_DIRECTOR, *HUNNAN_STAFF])
    ]
    director, staff = people[0], people[1:]
    for number, (name, duties) in enumerate(HUNNAN_GROUPS):
        members = staff[number::4]
        team = services.save_team(
            by=admin, place=district, name=name, duties=duties, members=members, leader=members[0]
        )
        services.deploy(
            by=admin, place=community, team=team, start=date(2020, 2, 13), end=date(2020, 2, 25), task=duties
        )
    services.deploy(
        by=admin,
        place=community,
        volunteer=director,
        start=date(2020, 2, 13),
        end=date(2020, 2, 25),
        task="担任网格组组长，协调全局人员工作，每天走访巡查各门岗卡点",
    )
    services.record_deed(
        by=admin,
        place=community,
        day=date(2020, 2, 18),
        person="夏宇",
        title="退役军人夏宇向在水一方社区捐赠防护物资",
        story="在许海清局长的邀请协调下，浑南区退役军人、沈阳军诚驾校校长夏宇带着防护物资来到在水一方社区，"
        "捐赠消毒液四箱共120瓶、防护服40件，为社区解决了很大的物资问题。",
    )
    teams = len(HUNNAN_GROUPS)
    return f"Volunteers: Hunnan's director and {len(staff)} staff in {teams} teams, sent to 在水一方."


def load() -> list[str]:
    ensure_activity_types(ActivityType)
    hunnan = _hunnan()
    qingxin = OrgUnit.objects.get(code="441803000000")
    if ActivityRecord.objects.under(qingxin).exists():
        return [hunnan] if hunnan else []
    villages = list(OrgUnit.objects.under(qingxin).filter(level=Level.VILLAGE).order_by("path"))
    cells = [(village, day) for day in range(DAYS) for village in villages]
    # Work grew as the response got going, and some villages are bigger than others.
    weights = [(day + 2) * ((number * 7) % 5 + 2) for day in range(DAYS) for number in range(len(villages))]
    counts = {code: split(total, weights) for code, total in REPORT.items()}
    reached = split(DOOR_TO_DOOR_REACHED, weights)
    types = {kind.code: kind for kind in ActivityType.objects.filter(code__in=REPORT)}
    admin = User.objects.get(username="qx_admin")
    clerks = {name: User.objects.get(username=username) for name, username in CLERKS.items()}
    for index, (village, day) in enumerate(cells):
        entries = [
            services.Entry(types[code], counts[code][index], reached[index] if code == "door_to_door" else 0)
            for code in REPORT
        ]
        services.record_day(
            by=clerks.get(village.name, admin),
            place=village,
            day=FIRST_DAY + timedelta(days=day),
            entries=entries,
            submission=f"demo-{village.pk}-{day}",
        )
    return [f"Activities: Qingxin's report of 4 February 2020, {len(cells)} village-days recorded.", hunnan]
