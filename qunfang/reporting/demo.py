"""Qingxin's villages reporting the epidemic's daily report ("日报告""零报告") from 24 January to
3 February 2020, through the same services as the form: mostly zero reports, a few with people in home
quarantine or fever found, some late, a few missing, one returned by its town and corrected; the towns
approved every day but the last, which waits for their review."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from qunfang.core.access import under
from qunfang.core.models import Level, OrgUnit, User
from qunfang.reporting import services
from qunfang.reporting.models import DataField, DataSet, Report, Rule
from qunfang.reporting.seed import ensure_epidemic_data_set

FIRST_DAY, DAYS = date(2020, 1, 24), 11
CLERKS = {"迳口村": "jk_clerk", "南坑村": "nk_clerk"}
RETURNED = ("迳口村", date(2020, 1, 28))  # sent with 3 fever patients, returned, corrected to 2


def _sent_at(day: date, late: bool, number: int) -> datetime:
    """In the evening of the day, or, late, the next morning after the 10:00 deadline."""
    moment = time(11, number % 50) if late else time(18 + number % 4, number % 60)
    return timezone.make_aware(datetime.combine(day + timedelta(days=1 if late else 0), moment))


def load() -> list[str]:
    ensure_epidemic_data_set(DataSet, DataField, Rule)
    data_set = DataSet.objects.get(code="epidemic_daily")
    qingxin = OrgUnit.objects.get(code="441803000000")
    if Report.objects.filter(under(qingxin), data_set=data_set).exists():
        return []
    # In the order of their names, not their paths: a path orders by the places' ids, which depend on what
    # else the database held, and the spread below must fall the same way every time.
    villages = list(
        OrgUnit.objects.under(qingxin)
        .filter(level=Level.VILLAGE)
        .order_by("parent__sort_name", "sort_name", "code")
    )
    admin = User.objects.get(username="qx_admin")
    clerks = {name: User.objects.get(username=username) for name, username in CLERKS.items()}
    for offset in range(DAYS):
        day = FIRST_DAY + timedelta(days=offset)
        for number, village in enumerate(villages):
            draw = (number * 37 + offset * 11) % 100  # a fixed spread: the same demo every time
            if draw < 5 and (village.name, day) != RETURNED:
                continue  # did not report
            values = {}
            if draw >= 90:  # people back from Wuhan, quarantined at home; now and then a fever found
                values = {"home_quarantined": 1 + draw % 4, "fever_found": int(draw % 3 == 0)}
            if (village.name, day) == RETURNED:
                values = {"home_quarantined": 2, "fever_found": 3}
            services.submit_report(
                by=clerks.get(village.name, admin),
                data_set=data_set,
                place=village,
                period_start=day,
                values=values,
                zero=not values,
                submission=f"demo-report-{village.pk}-{offset}",
                at=_sent_at(day, late=5 <= draw < 12, number=number),
            )
        if (FIRST_DAY + timedelta(days=offset)) == RETURNED[1]:
            _return_and_correct(data_set, admin, clerks)
    last = FIRST_DAY + timedelta(days=DAYS - 1)
    waiting = Report.objects.filter(data_set=data_set, period_start__lt=last, status="submitted")
    services.approve_reports(by=admin, reports=list(waiting.select_related("place")))
    found = Report.objects.filter(under(qingxin), data_set=data_set)
    return [
        f"Daily reports: {found.count()} from {len(villages)} villages of Qingxin, 24 January to 3 February"
        f" 2020 ({found.filter(zero=True).count()} zero reports, {found.filter(late=True).count()} late);"
        f" see /places/{qingxin.pk}/reports/?day={last.isoformat()}"
    ]


def _return_and_correct(data_set: DataSet, admin: User, clerks: dict[str, User]) -> None:
    name, day = RETURNED
    report = Report.objects.get(data_set=data_set, place__name=name, period_start=day)
    services.return_report(by=admin, report=report, reason="发热人数与村卫生站登记不符，请核实后重报")
    services.submit_report(
        by=clerks[name],
        data_set=data_set,
        place=report.place,
        period_start=day,
        values={"home_quarantined": 2, "fever_found": 2},
        submission=f"demo-report-{report.place_id}-corrected",
        at=_sent_at(day, late=True, number=0) + timedelta(hours=1),
    )
