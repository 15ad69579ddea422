"""The dashboard's map: without shapes or points a sentence on importing; with them the chart's data,
and under it the places below with their figure, each a link to that place's dashboard. Each child's
figure equals its own dashboard's and a recount from the raw rows, for random activities."""

import json
from datetime import date, timedelta

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.maps import services
from qunfang.maps.testing import square
from qunfang.mobilization import services as mobilization
from qunfang.mobilization.models import ActivityRecord, ActivityType
from qunfang.testing.clients import api_client_for, client_for
from qunfang.testing.records import records_at

FIRST = date(2020, 1, 20)
CODES = ["temperature_checks", "door_to_door"]


def test_without_shapes_or_points_the_card_says_how_to_import(world):
    page = client_for(world.alice, "en").get(f"/places/{world.qingxin.pk}/dashboard/").content.decode()
    card = page.split('id="map"')[1].split("</section>")[0]
    assert "district-map-data" not in card and "这里还没有边界和站点位置" in card
    assert f'href="/places/{world.qingxin.pk}/map/shapes/"' in card
    assert (
        "/map/shapes/"
        not in client_for(world.leo, "en").get(f"/places/{world.qingxin.pk}/dashboard/").content.decode()
    )


def test_the_card_draws_the_shapes_and_lists_the_places_below(world):
    services.save_shape(by=world.alice, place=world.jingkou, geometry=square(113, 23.7))
    services.save_position(by=world.alice, place=world.nankeng, lon=113.05, lat=23.72)
    client = client_for(world.alice)
    page = client.get(f"/places/{world.longjing.pk}/dashboard/?map_figure=visits_overdue").content.decode()
    data = json.loads(page.split('id="district-map-data" type="application/json">')[1].split("</script>")[0])
    assert [f["properties"]["name"] for f in data["geojson"]["features"]] == [f"p{world.jingkou.pk}"]
    assert data["stations"] == [{"name": "南坑村", "value": [113.05, 23.72]}]
    listed = page.split('class="rows figures map-places"')[1].split("</table>")[0]
    assert f"/places/{world.nankeng.pk}/dashboard/?start=" in listed and "map_figure=visits_overdue" in listed
    assert '<option value="visits_overdue" selected>' in page
    assert "示意边界" not in page  # the shapes are not the demo's


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    activities=st.lists(
        st.tuples(
            st.sampled_from(["jingkou", "nankeng", "longjing"]), st.integers(0, 9), st.sampled_from(CODES),
            st.integers(1, 50), st.sampled_from([None, 0, 3]),
        ),
        max_size=10,
    ),
    offset=st.integers(0, 9),
    length=st.integers(0, 6),
)  # fmt: skip
def test_each_childs_figure_is_its_own_dashboards_and_the_raw_rows(world, activities, offset, length):
    types = {code: ActivityType.objects.get(code=code) for code in CODES}
    for name, day, code, count, correction in activities:
        made = mobilization.record_day(
            by=world.alice, place=getattr(world, name), day=FIRST + timedelta(days=day),
            entries=[mobilization.Entry(types[code], count, 0)],
        )  # fmt: skip
        if correction is not None:
            mobilization.correct_record(by=world.alice, record=made[0], count=correction)
    start = FIRST + timedelta(days=offset)
    end = start + timedelta(days=length)
    api = api_client_for(world.alice)
    for place in (world.qingxin, world.longjing):
        for code in CODES:
            answer = api.get(
                f"/api/v1/maps/places/{place.pk}/map?figure=activity:{code}&start={start}&end={end}"
            )
            found = answer.json()
            for region in found["regions"]:
                child = region["place_id"]
                raw = ActivityRecord.objects.filter(
                    place__path__startswith=f"{place.path}{child}/", activity_type__code=code,
                    day__range=(start, end),
                ).aggregate(n=Sum("count"))["n"] or 0  # fmt: skip
                if found["figure"] != f"activity:{code}":  # not offered: nothing counted at the place
                    assert raw == 0
                    continue
                assert region["value"] == raw, (region, code, start, end)
                own = api.get(f"/api/v1/dashboard?place_id={child}&start={start}&end={end}").json()
                rows = own["figures"]["mobilization"]["activities"]
                assert region["value"] == next(r["count"] for r in rows if r["code"] == code)


def test_reports_and_visits_overdue_are_the_childs_own_dashboards(world):
    """Jingkou reported on 25 January 2020 and has three people (the records' veteran and two more) with a
    home visit overdue; Nankeng neither."""
    from qunfang.care import services as care
    from qunfang.care.models import ContactKind, EventKind
    from qunfang.core.personal import check_character
    from qunfang.registry import services as registry

    records_at(world.jingkou, by=world.carol, text="台账")  # its daily report of 2020-01-25 among them
    for name, number in (("张清", "44180319500101123"), ("罗显铜", "44180319600101123")):
        person = registry.create_veteran(
            by=None, place=world.jingkou, name=name, id_number=number + check_character(number)
        )
        care.record_event(by=None, veteran=person, kind=EventKind.ENTERED, day=date(2018, 1, 1))
    care.save_rule(
        by=world.alice, place=world.qingxin, name="每年走访", kind=ContactKind.VISIT, every_months=12,
        starts=date(2019, 12, 1),
    )  # fmt: skip
    api = api_client_for(world.alice)
    seen = {}
    for figure, start, end in (
        ("reports", date(2020, 1, 25), date(2020, 1, 25)),
        ("visits_overdue", None, None),
    ):
        period = f"&start={start}&end={end}" if start else ""
        found = api.get(f"/api/v1/maps/places/{world.longjing.pk}/map?figure={figure}{period}").json()
        assert found["figure"] == figure
        for region in found["regions"]:
            own = api.get(
                f"/api/v1/dashboard?place_id={region['place_id']}&start={found['start']}&end={found['end']}"
            ).json()["figures"]
            if figure == "visits_overdue":
                assert region["value"] == own["care"]["visits_overdue"]
            else:
                block = own["reporting"]
                assert region["value"] == round(100 * block["reported"] / block["expected"])
                assert region["text"].startswith(f"{block['reported']}/{block['expected']}")
            seen[(figure, region["name"])] = region["value"]
    assert seen == {
        ("reports", "迳口村"): 100, ("reports", "南坑村"): 0,
        ("visits_overdue", "迳口村"): 3, ("visits_overdue", "南坑村"): 0,
    }  # fmt: skip
