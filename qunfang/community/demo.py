"""The Hunnan report's community 在水一方: 33 buildings, 1,901 households and 8,089 residents (invented
people) imported from a spreadsheet through the register's import; its four gates with passes issued
and a morning's crossings synced from the guard's phone; a phone screening round in progress; about 500
merchants visited, of which the 55 that had reopened were given the notice letter and the staff book;
residents' requests with standard answers."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qunfang.community.models import Building, Merchant, ScreeningOutcome
from qunfang.community.services import checkpoints, merchants, register, requests, screening
from qunfang.community.synthetic import HEADINGS, register_rows
from qunfang.core import services as core
from qunfang.core.demo import DEMO_PASSWORD
from qunfang.core.models import Level, OrgUnit, User
from qunfang.core.roles import Role
from qunfang.lib.tables import write_xlsx
from qunfang.registry.synthetic import GIVEN, SURNAMES

GATES = ["东门", "西门", "南门（车行）", "北门"]
MERCHANTS, OPEN_MERCHANTS, NOT_VISITED = 500, 55, 23
KINDS = ["food"] * 5 + ["grocery"] * 3 + ["retail"] * 6 + ["services"] * 4 + ["pharmacy", "other"]
SHOP_WORDS = ["便利店", "面馆", "理发店", "水果店", "药房", "干洗店", "五金店", "烧烤", "超市", "早餐店"]
SCRIPT = (
    "您好，我们是浑南区退役军人事务局和在水一方社区的工作人员。"
    "请问家里人身体都好吗，有没有发热、咳嗽？"
    "近 14 天有没有人从外地回来？生活上有什么需要帮助的吗？"
    "请尽量居家，有情况及时联系网格员。"
)
ANSWERS = [
    (
        "rules",
        "现在可以出小区吗？",
        "每户每两天可安排一名家庭成员持出入证外出采购生活必需品，进出请配合测温登记。",
    ),
    ("supplies", "居家隔离买菜怎么办？", "请联系所在网格员，由社区志愿者代购并送到门口，费用按小票结算。"),
    ("medicine", "慢性病药吃完了怎么办？", "请告知网格员药品名称和剂量，社区联系药房配送或由志愿者代取。"),
    (
        "counselling",
        "心里紧张睡不好怎么办？",
        "可拨打区心理援助热线，也可联系社区，安排工作人员上门或电话疏导。",
    ),
]


def _scaled(count: int) -> int:
    return max(1, round(count * settings.DEMO_COMMUNITY_SCALE))


def load() -> list[str]:
    community = OrgUnit.objects.filter(name="在水一方社区").first()
    if community is None or Building.objects.filter(community=community).exists():
        return []
    admin = User.objects.get(username="hn_admin")
    grids = list(OrgUnit.objects.filter(parent=community, level=Level.GRID).order_by("name"))
    rows = register_rows(
        buildings=_scaled(33),
        households=_scaled(1901),
        residents=_scaled(8089),
        grids=[g.name for g in grids],
    )
    sheet = SimpleUploadedFile("在水一方住户登记.xlsx", write_xlsx("住户", HEADINGS, rows))
    made = register.import_register(by=admin, community=community, upload=sheet)
    lines = [f"Community: 在水一方 with {made.buildings} buildings, {made.households} households, "
             f"{made.residents} residents"]  # fmt: skip
    lines.append(_screening(admin, community, grids))
    lines.append(_gates(admin, community))
    lines.append(_merchants(admin, community))
    lines.append(_requests(admin, community))
    return lines


def _grid_workers(community: OrgUnit, grids: list[OrgUnit]) -> list[User]:
    workers = list(User.objects.filter(memberships__place__in=grids, memberships__role=Role.GRID_WORKER))
    for n, grid in enumerate(grids[len(workers) :], start=len(workers) + 1):
        workers.append(
            core.create_user(
                by=None,
                username=f"zs_grid{n}",
                full_name=SURNAMES[n] + GIVEN[n],
                password=DEMO_PASSWORD,
                place=grid,
                role=Role.GRID_WORKER,
            )  # fmt: skip
        )
    return workers


def _screening(admin: User, community: OrgUnit, grids: list[OrgUnit]) -> str:
    """Started on 13 February with the grid workers and the bureau's admin; most calls made since."""
    callers = [*_grid_workers(community, grids), admin]
    round_ = screening.start_round(
        by=admin, community=community, name="在水一方全覆盖电话排查", callers=callers,
        day=timezone.localdate(), script=SCRIPT,
    )  # fmt: skip
    calls = list(
        round_.calls.exclude(outcome=ScreeningOutcome.NO_PHONE).select_related("household", "caller")
    )
    for n, call in enumerate(calls[: len(calls) * 3 // 5]):
        outcome, note = ScreeningOutcome.REACHED, ""
        if n % 41 == 0:
            outcome, note = ScreeningOutcome.NO_ANSWER, ""
        elif n % 97 == 0:
            outcome, note = ScreeningOutcome.NEEDS_HELP, "独居老人，需要代购米面和降压药"
        elif n % 151 == 0:
            outcome, note = ScreeningOutcome.RISK_TRAVEL, "女儿 2 月 8 日从湖北返回，已居家隔离"
        screening.record_call(
            by=call.caller, call=call, household_id=call.household_id, outcome=outcome, note=note
        )
    return f"Screening: {len(calls)} households to call, {len(calls) * 3 // 5} called so far"


def _gates(admin: User, community: OrgUnit) -> str:
    gates = [checkpoints.save_gate(by=admin, community=community, name=name) for name in GATES]
    today = timezone.localdate()
    households = list(
        register.Household.objects.filter(building__community=community)
        .exclude(phone=None)
        .order_by("pk")[: _scaled(600)]
    )
    passes = [
        checkpoints.issue_pass(
            by=admin,
            household=h,
            valid_from=today - timedelta(days=3),
            valid_until=today + timedelta(days=11),
            exit_every_days=2,
        )  # fmt: skip
        for h in households
    ]
    checkpoints.revoke_pass(by=admin, issued=passes[0], reason="出入证遗失，已补办")
    checkpoints.issue_pass(
        by=admin, household=passes[0].household, valid_from=today, valid_until=today + timedelta(days=11),
        exit_every_days=2,
    )  # fmt: skip
    yesterday = timezone.localtime() - timedelta(days=1)
    morning = yesterday.replace(hour=9, minute=30, second=0, microsecond=0)
    records = []
    for n, issued in enumerate(passes[1 : _scaled(160)]):
        out_at = morning + timedelta(minutes=n)
        token = checkpoints.token_for(issued)
        records.append(_crossing(token, "out", out_at, "36.4"))
        if n % 3:  # two in three back by the time the guard synced
            records.append(
                _crossing(token, "in", out_at + timedelta(minutes=50), "37.6" if n == 40 else "36.5")
            )
    guard = User.objects.filter(username="zs_guard").first() or admin
    checkpoints.record_crossings(by=guard, gate=gates[0], records=records)
    return f"Checkpoints: {len(gates)} gates, {len(passes) + 1} passes issued"


def _crossing(token: str, direction: str, at, temperature: str) -> dict:
    return {"client_id": str(uuid.uuid4()), "token": token, "direction": direction,
            "temperature": temperature, "at": at.isoformat()}  # fmt: skip


def _merchants(admin: User, community: OrgUnit) -> str:
    """About 500 businesses visited by the bureau's staff; the 55 found open given the letter."""
    visited_on = date(2020, 2, 14)
    for n in range(_scaled(MERCHANTS)):
        surname = SURNAMES[n % len(SURNAMES)]
        merchant = merchants.save_merchant(
            by=admin, community=community, name=f"{surname}记{SHOP_WORDS[n % len(SHOP_WORDS)]}",
            address=f"在水一方商业街{n + 1}号", kind=KINDS[n % len(KINDS)], contact=f"{surname}老板",
        )  # fmt: skip
        if n >= _scaled(MERCHANTS) - _scaled(NOT_VISITED):
            continue
        is_open = n % 8 == 0 and n // 8 < OPEN_MERCHANTS
        merchants.record_visit(
            by=admin, merchant=merchant, day=visited_on, is_open=is_open,
            findings="已复工，员工佩戴口罩，门口设测温点" if is_open else "未营业，门上张贴告示",
        )  # fmt: skip
        if is_open:
            merchants.deliver_notice(by=admin, merchant=merchant, day=visited_on, signed_by=merchant.contact)
            staff = merchants.add_staff(
                by=admin, merchant=merchant, name=SURNAMES[n % 40] + GIVEN[n % 25], job="店员"
            )
            merchants.record_health_check(by=admin, staff=staff, day=visited_on, temperature="36.5")
    found = Merchant.objects.filter(community=community)
    noticed = found.filter(is_open=True, notices__isnull=False).distinct().count()
    return f"Merchants: {found.count()}, {noticed} open and given the notice"


def _requests(admin: User, community: OrgUnit) -> str:
    for category, question, answer in ANSWERS:
        requests.save_standard_answer(
            by=admin, place=community, category=category, question=question, answer=answer
        )
    household = register.Household.objects.filter(building__community=community).order_by("pk").first()
    taken = requests.take_request(
        by=admin, community=community, channel="gate", category="rules", text="什么时候可以正常出入小区？",
        household=household,
    )  # fmt: skip
    requests.answer_request(
        by=admin, resident_request=taken, answer="请关注社区公告，目前每户每两天可安排一人持证外出。"
    )
    requests.take_request(
        by=admin, community=community, channel="phone", category="counselling",
        text="家中老人独居，担心疫情，情绪低落，希望有人聊聊。", household=household,
    )  # fmt: skip
    return "Requests: standard answers and residents' requests at 在水一方"
