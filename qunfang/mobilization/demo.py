"""Qingxin's counted work from 24 January to 3 February 2020, as the report of 4 February gives it,
spread over its villages and days the way stations would have recorded it, day by day, through the
same service as the day's form. The district's totals then equal the report's figures exactly."""

from datetime import date, timedelta

from qunfang.core.models import Level, OrgUnit, User
from qunfang.mobilization import services
from qunfang.mobilization.models import ActivityRecord, ActivityType
from qunfang.mobilization.seed import ensure_activity_types

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


def load() -> list[str]:
    ensure_activity_types(ActivityType)
    qingxin = OrgUnit.objects.get(code="441803000000")
    if ActivityRecord.objects.filter(place__path__startswith=qingxin.path).exists():
        return []
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
    return [f"Activities: Qingxin's report of 4 February 2020, {len(cells)} village-days recorded."]
