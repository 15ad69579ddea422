"""The two bureaus' own operations as the reports tell them, written through the services.

Qingxin (report of 4 February 2020): a leading group headed by the party secretary and director 汤育雄,
the work plan for the district's veterans-affairs system with its tasks given to every town station,
staff screened before returning to work, temperatures checked daily, a sick-leave register, the office
disinfected, 24-hour duty with a leader on duty. Beyond the report's days, the roster of the coming
fortnight (with the gaps a clerk would still have to fill) and today's check-ins, so that the pages
show a working day. Only 汤育雄 is named in the report; the other staff's names are invented.

Hunnan (report of 25 February 2020): director 许海清 formed the leading group and heads it, gave every
section, centre and street station its duties, and split his 14 staff into four groups with tasks."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from qunfang.core.models import OrgUnit, User
from qunfang.mobilization.demo import HUNNAN_DIRECTOR, HUNNAN_GROUPS, HUNNAN_STAFF
from qunfang.mobilization.models import Team
from qunfang.operations import services
from qunfang.operations.models import LeadingGroup, StaffMember

QINGXIN_SECTIONS = [
    ("办公室", "综合协调、值班值守、信息报送"),
    ("优抚安置股", "退役军人摸排、走访慰问"),
    ("退役军人服务中心", "服务大厅、权益维护、捐赠接收"),
]
# (name, post, section, user account, role in the leading group, responsible for)
QINGXIN_STAFF = [
    ("汤育雄", "党组书记、局长", None, None, "leader", "全面负责，靠前指挥"),
    ("梁振华", "党组成员、副局长", "优抚安置股", None, "deputy", "协助组长，负责退役军人摸排和宣传发动"),
    ("邓伟强", "副局长", "退役军人服务中心", None, "deputy", "负责服务中心防控和捐赠接收"),
    ("周海燕", "办公室主任", "办公室", "qx_admin", "member", "值班安排、信息报送、日报告零报告"),
    ("黄淑仪", "优抚安置股股长", "优抚安置股", None, "member", "各镇街摸排情况汇总"),
    ("冯建新", "服务中心主任", "退役军人服务中心", None, "member", "服务大厅暂停接待期间的咨询答复"),
    ("陈志远", "科员", "办公室", None, "member", "办公楼消毒、口罩发放"),
    ("李美玲", "科员", "优抚安置股", None, None, ""),
    ("吴国栋", "科员", "退役军人服务中心", None, None, ""),
    ("朱晓燕", "科员", "办公室", None, None, ""),
]
QINGXIN_TASKS = [
    ("全面摸排辖区退役军人健康和出行情况，建立台账", date(2020, 1, 31), "done"),
    ("转发《致全区退役军人的倡议书》，组织退役军人志愿者参与防控", date(2020, 1, 29), "done"),
    ("落实疫情“日报告”“零报告”", date(2020, 2, 29), "doing"),
]
FIRST_DAY, LAST_DAY = date(2020, 1, 24), date(2020, 2, 3)


def _qingxin() -> str:
    district = OrgUnit.objects.get(code="441803000000")
    if StaffMember.objects.filter(place=district).exists():
        return ""
    admin = User.objects.get(username="qx_admin")
    sections, staff, group = _qingxin_staff(admin, district)
    plan = _qingxin_plan(admin, district, sections)
    people = list(staff.values())
    _qingxin_health(admin, district, staff, people)
    # 24-hour duty from 08:00 to 08:00, a leader (the director or a deputy) on duty with two staff.
    leaders = [staff["汤育雄"], staff["梁振华"], staff["邓伟强"]]
    others = [p for p in people if p not in leaders]
    _roster(admin, district, FIRST_DAY, (LAST_DAY - FIRST_DAY).days + 1, leaders, others)
    # The coming fortnight as a clerk would have it half-planned: 12 days done, the 6th without a leader.
    today = timezone.localdate()
    _roster(admin, district, today, 12, leaders, others, no_leader_on=5)
    for number, person in enumerate(people[:-2]):  # two have not checked in yet today
        services.check_in(
            by=admin, staff=person, day=today, temperature=f"36.{number % 6 + 2}", whereabouts="局机关"
        )
    return (
        f"Operations: Qingxin bureau's leading group of {group.members.count()}, {len(people)} staff, "
        f"{plan.tasks.count()} tasks of the work plan, daily check-ins and a 24-hour roster."
    )


def _qingxin_staff(admin, district):
    """The bureau's sections, its staff, and the leading group under 汤育雄."""
    sections = {
        name: services.save_section(by=admin, place=district, name=name, duties=duties)
        for name, duties in QINGXIN_SECTIONS
    }
    staff = {}
    for number, (name, post, section, username, _role, _duty) in enumerate(QINGXIN_STAFF):
        staff[name] = services.save_staff(
            by=admin,
            place=district,
            name=name,
            title=post,
            section=sections.get(section),
            phone=str(13902630000 + number),
            user=User.objects.get(username=username) if username else None,
        )
    group = services.form_group(
        by=admin,
        place=district,
        name="清新区退役军人事务局疫情防控工作领导小组",
        purpose="统筹全局力量推进疫情防控工作",
        formed_on=date(2020, 1, 24),
    )
    for name, _post, _section, _user, role, duty in QINGXIN_STAFF:
        if role:
            services.set_group_member(
                by=admin, group=group, staff=staff[name], role=role, responsibility=duty
            )
    return sections, staff, group


def _qingxin_plan(admin, district, sections):
    """The work plan: tasks given to every station (龙颈镇 pushing its own down) and to sections."""
    plan = services.save_plan(
        by=admin,
        place=district,
        title="清新区退役军人事务系统关于做好疫情防控的工作方案",
        start=FIRST_DAY,
        end=date(2020, 2, 29),
        text="一、立足退役军人事务职能，统筹全局力量推进疫情防控。\n二、各镇（街）退役军人服务站全面摸排、"
        "宣传发动。\n三、机关内部防控：返岗前摸底排查、每日体温检测、病假记录、佩戴口罩、办公楼消毒。\n"
        "四、严格落实24小时值班和领导带班制度，落实“日报告”“零报告”。",
    )
    clerk = User.objects.get(username="lj_station")
    for title, due, status in QINGXIN_TASKS:
        for task in services.assign_to_stations(by=admin, plan=plan, under=district, title=title, due=due):
            if task.place.name == "龙颈镇":  # the town gives it on to its villages
                services.push_down(by=clerk, task=task)
            services.report_progress(
                by=clerk, task=task, status=status, note="按方案推进" if status != "done" else "已完成"
            )
    for title, owner, due in [
        ("返岗干部职工摸底排查和体温检测", sections["办公室"], date(2020, 1, 31)),
        ("建立员工病假记录制度", sections["办公室"], date(2020, 1, 28)),
        ("暂停服务中心大厅对外接待，做好电话咨询答复", sections["退役军人服务中心"], date(2020, 1, 26)),
    ]:
        task = services.add_task(
            by=admin, plan=plan, title=title, due=due, owner=services.Owner(section=owner)
        )
        services.report_progress(by=admin, task=task, status="done", note="已落实")
    return plan


def _qingxin_health(admin, district, staff, people) -> None:
    """Return-to-work screening, a sick leave, daily check-ins with one fever, the office's measures."""
    # Staff screened before their first day back (29 January), temperatures checked every day after.
    for number, person in enumerate(people):
        services.screen_return(
            by=admin,
            staff=person,
            first_day=date(2020, 1, 29),
            came_from="清远市区" if number % 3 else "广州市",
            temperature="36.4",
            arrived_on=date(2020, 1, 27) if number % 3 == 0 else None,
        )
    services.record_leave(
        by=admin,
        staff=staff["朱晓燕"],
        kind="sick",
        start=date(2020, 1, 31),
        end=date(2020, 2, 2),
        reason="感冒发热，居家休息，已到发热门诊排除",
    )
    day = date(2020, 1, 29)
    while day <= LAST_DAY:
        for number, person in enumerate(people):
            if person.name == "朱晓燕" and date(2020, 1, 31) <= day <= date(2020, 2, 2):
                continue
            fever = person.name == "朱晓燕" and day == date(2020, 1, 30)
            services.check_in(
                by=admin,
                staff=person,
                day=day,
                temperature="37.6" if fever else f"36.{(number + day.day) % 7 + 1}",
                whereabouts="局机关",
                symptoms=["cough"] if fever else [],
            )
        services.record_measure(
            by=admin,
            place=district,
            day=day,
            site="办公楼",
            kind="disinfection",
            done_by="陈志远",
            note="走廊、电梯、卫生间喷洒消毒",
        )
        services.record_measure(
            by=admin, place=district, day=day, site="办公楼入口", kind="entrance_check", done_by="值班人员"
        )
        day += timedelta(days=1)
    services.record_measure(
        by=admin,
        place=district,
        day=date(2020, 1, 29),
        site="全局",
        kind="masks",
        done_by="陈志远",
        note="每人每天一只，督促佩戴口罩上班",
    )


def _roster(by, place, first: date, days: int, leaders, others, no_leader_on: int | None = None) -> None:
    for n in range(days):
        start = timezone.make_aware(datetime.combine(first + timedelta(days=n), datetime.min.time())).replace(
            hour=8
        )
        services.save_shift(
            by=by,
            place=place,
            start=start,
            end=start + timedelta(days=1),
            leader=None if n == no_leader_on else leaders[n % len(leaders)],
            staff=[others[(2 * n) % len(others)], others[(2 * n + 1) % len(others)]],
            handover_note="无异常情况。" if n % 3 else "接市局通知，明日起日报告时间提前至上午10时。",
        )


def _hunnan() -> str:
    district = OrgUnit.objects.get(code="210112000000")
    if StaffMember.objects.filter(place=district).exists():
        return ""
    admin = User.objects.get(username="hn_admin")
    director = services.save_staff(
        by=admin, place=district, name=HUNNAN_DIRECTOR, title="局长", phone="13940000000"
    )
    staff = [
        services.save_staff(
            by=admin,
            place=district,
            name=name,
            title="科员",
            phone=str(13940000001 + number),
            user=admin if admin.full_name == name else None,
        )
        for number, name in enumerate(HUNNAN_STAFF)
    ]
    group = services.form_group(
        by=admin,
        place=district,
        name="浑南区退役军人事务局疫情防控工作领导小组",
        purpose="对全局各科室、中心、街道社区服务站明确防控工作职责，联防联控",
        formed_on=date(2020, 1, 26),
    )
    services.set_group_member(
        by=admin, group=group, staff=director, role="leader", responsibility="全面负责，制定防控方案"
    )
    teams = {t.name: t for t in Team.objects.filter(place=district)}
    for number, (name, duties) in enumerate(HUNNAN_GROUPS):
        services.set_group_member(
            by=admin, group=group, staff=staff[number], role="member", responsibility=f"{name}组长：{duties}"
        )
    plan = services.save_plan(
        by=admin,
        place=district,
        title="浑南区退役军人事务局疫情防控方案",
        start=date(2020, 1, 26),
        end=date(2020, 3, 31),
        text="成立疫情防控工作领导小组；明确各科室、中心、街道社区服务站防控职责；"
        "2月13日起全局人员下沉五三街道在水一方社区，分四组协助社区防控。",
    )
    services.assign_to_stations(
        by=admin,
        plan=plan,
        under=district,
        title="明确本街道社区服务站防控职责，摸排退役军人及家属",
        due=date(2020, 2, 5),
    )
    for name, duties in HUNNAN_GROUPS:
        if name in teams:
            services.add_task(
                by=admin,
                plan=plan,
                title=duties,
                due=date(2020, 2, 25),
                owner=services.Owner(team=teams[name]),
            )
    task = services.add_task(
        by=admin,
        plan=plan,
        title="走访商户，送达《疫情防控告知函》和《人员登记手册》",
        due=date(2020, 2, 22),
        owner=services.Owner(staff=director),
    )
    services.report_progress(by=admin, task=task, status="done", note="走访商户近500家，已开业的55家全部送达")
    return (
        f"Operations: Hunnan bureau's director and {len(staff)} staff, the leading group, "
        f"{plan.tasks.count()} tasks including the four groups'."
    )


def load() -> list[str]:
    lines = [_qingxin(), _hunnan()]
    return [line for line in lines if line] or [
        f"Operations: {LeadingGroup.objects.count()} leading groups already loaded."
    ]
