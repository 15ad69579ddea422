"""The demo's rolls, brought in the way a bureau brings its own: a spreadsheet per district, uploaded,
checked and imported by the district's admin through the import's code, then families added one by one.

Qingxin: 11,581 veterans over its villages, of whom 11,509 can be sent an SMS (the figure of the
Qingxin report): 23 said they want none, 31 have died and 18 moved away. Hunnan: 11,200 veterans and
2,900 family members, 14,100 people. `QUNFANG_DEMO_ROLL_SCALE` (a fraction) makes smaller rolls for tests.
"""

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from qunfang.core.models import Level, OrgUnit, User
from qunfang.registry import services, synthetic
from qunfang.registry.models import Relation, RollImport, Veteran

QINGXIN_REACHABLE = 11_509
QINGXIN_OPTED_OUT, QINGXIN_DECEASED, QINGXIN_MOVED = 23, 31, 18
HUNNAN_VETERANS, HUNNAN_FAMILY = 11_200, 2_900
STATUS_COLUMN, OPT_OUT_COLUMN = 7, 13
FAMILY_NAMES = ["王秀兰", "李桂英", "张丽", "刘洋", "陈静", "杨帆", "赵敏", "黄磊"]


def _scaled(count: int) -> int:
    return max(1, round(count * settings.DEMO_ROLL_SCALE))


def _import(admin: User, district: OrgUnit, rows: list[list], name: str) -> RollImport:
    upload = SimpleUploadedFile(name, synthetic.xlsx(rows, title=f"{district.name}退役军人花名册"))
    job = services.start_roll_import(by=admin, place=district, upload=upload)
    # What the worker does after the admin confirms; the demo runs it here, in order.
    RollImport.objects.filter(pk=job.pk).update(status=RollImport.Status.IMPORTING)
    services.run_roll_import(job.pk)
    job.refresh_from_db()
    assert job.status == RollImport.Status.DONE, job.errors[:3] or job.message
    return job


def _qingxin() -> str:
    district = OrgUnit.objects.get(code="441803000000")
    villages = list(OrgUnit.objects.under(district).filter(level=Level.VILLAGE).select_related("parent"))
    counts = [_scaled(n) for n in (QINGXIN_REACHABLE, QINGXIN_OPTED_OUT, QINGXIN_DECEASED, QINGXIN_MOVED)]
    rows = list(synthetic.rows(villages, sum(counts)))
    reachable, opted_out, deceased = counts[0], counts[1], counts[2]
    for row in rows[reachable : reachable + opted_out]:
        row[OPT_OUT_COLUMN] = "是"
    for row in rows[reachable + opted_out : reachable + opted_out + deceased]:
        row[STATUS_COLUMN] = "去世"
    for row in rows[reachable + opted_out + deceased :]:
        row[STATUS_COLUMN] = "迁出"
    job = _import(User.objects.get(username="qx_admin"), district, rows, "清新区退役军人花名册.xlsx")
    return f"Qingxin roll: {job.new_count} veterans, {reachable} of them reachable by SMS."


def _hunnan() -> str:
    district = OrgUnit.objects.get(code="210112000000")
    communities = list(OrgUnit.objects.under(district).filter(level=Level.VILLAGE).select_related("parent"))
    admin = User.objects.get(username="hn_admin")
    veterans = _scaled(HUNNAN_VETERANS)
    rows = list(synthetic.rows(communities, veterans, start=50_000, phone_base=13600000000, region="210112"))
    job = _import(admin, district, rows, "浑南区退役军人花名册.xlsx")
    relations = [Relation.SPOUSE, Relation.SPOUSE, Relation.CHILD, Relation.PARENT]
    family = _scaled(HUNNAN_FAMILY)
    for number, veteran in enumerate(Veteran.objects.under(district).order_by("pk")[:family]):
        services.add_family_member(
            by=admin,
            veteran=veteran,
            relation=relations[number % len(relations)],
            name=FAMILY_NAMES[number % len(FAMILY_NAMES)],
            phone=str(13500000000 + number),
        )
    return f"Hunnan roll: {job.new_count} veterans and {family} family members."


def load() -> list[str]:
    if Veteran.objects.exists():
        return []
    return [_qingxin(), _hunnan()]
