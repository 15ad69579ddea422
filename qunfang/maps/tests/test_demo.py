"""The demo's map: Qingxin's eight towns drawn for the demo (and said to be), its stations as points,
and the map drills down: the town's link from the district's map opens the town's map of its villages."""

import json

from qunfang.core.models import OrgUnit, User
from qunfang.maps.models import PlaceShape, StationPosition
from qunfang.testing.clients import client_for


def chart(page: str) -> dict:
    return json.loads(page.split('id="district-map-data" type="application/json">')[1].split("</script>")[0])


def test_the_demo_district_is_drawn_for_the_demo_and_drills_down(demo):
    qingxin = OrgUnit.objects.get(code="441803000000")
    assert PlaceShape.objects.filter(place__parent=qingxin).count() == 8
    assert not PlaceShape.objects.exclude(drawn_for_demo=True).exists()
    assert (
        StationPosition.objects.under(qingxin).count()
        == OrgUnit.objects.under(qingxin).exclude(station_kind="").count()
    )
    client = client_for(User.objects.get(username="qx_admin"))
    for figure in ("reports", "visits_overdue", "activity:temperature_checks"):  # the report's period
        answer = client.get(
            f"/places/{qingxin.pk}/dashboard/?start=2020-01-24&end=2020-02-04&map_figure={figure}"
        )
        assert answer.status_code == 200, figure
    page = client.get(f"/places/{qingxin.pk}/dashboard/").content.decode()
    assert "示意边界，仅供演示" in page and len(chart(page)["geojson"]["features"]) == 8
    town = OrgUnit.objects.get(name="龙颈镇")
    link = next(r["url"] for r in chart(page)["regions"] if r["label"] == "龙颈镇")
    assert f'<a href="{link.replace("&", "&amp;")}">龙颈镇</a>' in page
    below = client.get(link).content.decode()
    assert [f["properties"]["name"] for f in chart(below)["geojson"]["features"]] == [
        f"p{v.pk}" for v in OrgUnit.objects.filter(parent=town).order_by("code", "sort_name")
    ]
