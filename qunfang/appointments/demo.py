"""Qingxin's service hall (清新区退役军人服务中心) closed to the public from 24 January 2020 for the
outbreak, reopening on 2 March with appointments: the bureau makes the slots of two working weeks on
25 February, veterans book from their phones (one phones in and the clerk books for him), and on the
first days back most come, one misses his time and one cancels. Through the services, on the demo's
clock (each write at the day it happened)."""

from datetime import date, datetime, time

from django.utils import timezone

from qunfang.appointments import services
from qunfang.appointments.models import Hall, Slot
from qunfang.core.models import OrgUnit, User
from qunfang.registry.models import Status, Veteran

CLOSED, REOPENS = date(2020, 1, 24), date(2020, 3, 2)
HOURS = [(time(9), time(11, 30)), (time(14), time(17))]
WHAT_FOR = ["社保接续材料原件核验", "优待证领取", "光荣牌领取", "档案查询", "社保接续材料原件核验"]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load() -> list[str]:
    qingxin = OrgUnit.objects.filter(name="清新区").first()
    if qingxin is None or Hall.objects.filter(place=qingxin).exists():
        return []
    admin = User.objects.get(username="qx_admin")
    hall = services.set_up_hall(by=admin, place=qingxin, name="清新区退役军人服务中心")
    services.change_hall(
        by=admin, hall=hall, name=hall.name, address=hall.address or "清远市清新区太和镇", closed_from=CLOSED,
        closed_reason="新冠肺炎疫情防控，服务大厅暂停对外开放，业务网上办理", reopens_on=REOPENS,
    )  # fmt: skip
    services.make_slots(
        by=admin, hall=hall, first_day=REOPENS, last_day=date(2020, 3, 13), periods=HOURS, minutes=30,
        capacity=6, now=_at(date(2020, 2, 25), 10),
    )  # fmt: skip
    people = list(Veteran.objects.under(qingxin).filter(status=Status.ACTIVE).order_by("pk")[:8])
    slots = list(Slot.objects.filter(hall=hall, day__in=[REOPENS, date(2020, 3, 3)]).order_by("day", "start"))
    made = []
    for n, veteran in enumerate(people):
        by = admin if n == 3 else None  # the fourth phoned in; the others booked on their phones
        made.append(
            services.book(
                by=by,
                veteran=veteran,
                slot=slots[n % len(slots)],
                purpose=WHAT_FOR[n % len(WHAT_FOR)],
                now=_at(date(2020, 2, 26), 9 + n % 8),
            )  # fmt: skip
        )
    if not made:
        return []
    services.cancel(by=None, appointment=made[-1], now=_at(date(2020, 2, 28), 15))
    for n, appointment in enumerate(made[:-1]):
        outcome = "missed" if n == 2 else "came"
        services.mark(by=admin, appointment=appointment, outcome=outcome, now=_at(date(2020, 3, 3), 18))
    return [
        f"Appointments: {hall.name} closed from {CLOSED}, reopening {REOPENS} with slots; "
        f"{len(made)} veterans booked, {len(made) - 2} came, one missed, one cancelled"
    ]
