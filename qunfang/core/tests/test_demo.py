"""The demo data: built through the services, safe to load twice."""

from django.core.management import call_command

from qunfang.core.models import AuditEntry, Membership, OrgUnit


def test_the_demo_has_qingxins_eight_towns_and_hunnans_community_and_loads_twice(demo):
    call_command("load_demo")  # again, over the shared demo
    qingxin = OrgUnit.objects.get(code="441803000000")
    towns = set(OrgUnit.objects.filter(parent=qingxin).values_list("name", flat=True))
    assert towns == {"太和镇", "太平镇", "山塘镇", "三坑镇", "龙颈镇", "禾云镇", "浸潭镇", "石潭镇"}
    assert OrgUnit.objects.get(name="在水一方社区").parent.name == "五三街道"
    assert OrgUnit.objects.filter(name="迳口村", parent__name="龙颈镇").exists()
    assert Membership.objects.values("role").distinct().count() == 6
    assert AuditEntry.objects.filter(action="place.create", channel="cli").count() == OrgUnit.objects.count()
