"""The demo's bureaus are the reports': Qingxin's leading group headed by 汤育雄 with its work plan given
to every town, daily check-ins and the 24-hour roster; Hunnan's director, 14 staff and four groups."""

from datetime import date

from qunfang.core.models import OrgUnit
from qunfang.operations import selectors
from qunfang.operations.models import CheckIn, DutyShift, LeadingGroup, StaffMember, Task


def test_the_demo_bureaus_are_the_reports(demo):
    qingxin = OrgUnit.objects.get(code="441803000000")
    group = LeadingGroup.objects.get(place=qingxin)
    head = group.members.get(role="leader").staff
    assert (head.name, head.title) == ("汤育雄", "党组书记、局长")
    towns = OrgUnit.objects.filter(parent=qingxin).exclude(station_kind="").count()
    assert (
        Task.objects.filter(plan__place=qingxin, parent=None, owner_station__isnull=False).count()
        == 3 * towns
    )
    assert Task.objects.filter(parent__place__name="龙颈镇").exists()  # pushed down to its villages
    assert (
        CheckIn.objects.filter(staff__place=qingxin, day=date(2020, 1, 30), temperature__gte=37.3).count()
        == 1
    )
    shifts = DutyShift.objects.filter(place=qingxin, start__date__lte=date(2020, 2, 3))
    assert shifts.count() == 11 and all(s.leader_id for s in shifts)

    hunnan = OrgUnit.objects.get(code="210112000000")
    assert StaffMember.objects.filter(place=hunnan).exclude(name="许海清").count() == 14
    hunnan_group = LeadingGroup.objects.get(place=hunnan)
    assert hunnan_group.members.get(role="leader").staff.name == "许海清"
    team_tasks = Task.objects.filter(plan__place=hunnan, owner_team__isnull=False)
    assert {t.owner_team.name for t in team_tasks} == {
        "一组：流动宣传",
        "二组：电话排查",
        "三组：卡点登记",
        "四组：心理疏导",
    }
    progress = {r.owner: r.done for r in selectors.progress_by_owner(team_tasks.first().plan)}
    assert progress["许海清"] == 1
