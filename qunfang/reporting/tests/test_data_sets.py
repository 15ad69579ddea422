"""A bureau admin defines what the places under the bureau report: a data set with fields and checks.
Its villages get the form; other districts never see it; bad definitions are refused in Chinese and
change nothing; once reported, a data set keeps its fields."""

import pytest
from django.core.exceptions import ValidationError

from qunfang.core.access import Scope
from qunfang.reporting import selectors, services
from qunfang.reporting.models import DataSet, Report
from qunfang.testing.clients import client_for

FACTS = {
    "code": "flood_daily",
    "name_zh": "汛情日报",
    "name_en": "Flood daily report",
    "level": "village",
    "periodicity": "daily",
    "deadline_hour": 9,
    "remind_hours_before": 1,
}


def post_new(client, place, **extra):
    data = {
        **FACTS,
        "fields-TOTAL_FORMS": "3",
        "fields-INITIAL_FORMS": "0",
        "fields-0-code": "sandbags",
        "fields-0-name_zh": "沙袋",
        "fields-0-unit": "袋",
        "fields-1-code": "evacuated",
        "fields-1-name_zh": "转移群众",
        "fields-1-unit": "人",
        **extra,
    }
    return client.post(f"/places/{place.pk}/data-sets/new/", data)


def test_a_district_defines_a_data_set_its_villages_report_and_another_district_never_sees(world, epidemic):
    assert post_new(client_for(world.alice), world.qingxin).status_code == 302
    flood = DataSet.objects.get(code="flood_daily")
    assert flood.owner == world.qingxin and [f.code for f in flood.fields.all()] == ["sandbags", "evacuated"]
    form = client_for(world.carol).get(f"/places/{world.jingkou.pk}/reports/submit/?set=flood_daily")
    assert "沙袋" in form.content.decode()
    assert flood not in selectors.data_sets(world.hunnan) and flood in selectors.data_sets(world.qingyuan)
    found = selectors.completeness(Scope.for_user(world.leo), flood, world.qingyuan, epidemic_day())
    assert found.place.expected == 2  # the city counts only the district's villages

    edit = client_for(world.alice).get(f"/data-sets/{flood.pk}/").content.decode()
    assert "字段之间的检查" in edit  # checks can be added once saved
    assert client_for(world.erin).get(f"/data-sets/{flood.pk}/").status_code == 404
    assert client_for(world.bob).get(f"/places/{world.longjing.pk}/data-sets/new/").status_code == 403


def epidemic_day():
    from datetime import date

    return date(2020, 1, 25)


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"fields-TOTAL_FORMS": "0"}, "至少"),
        ({"fields-1-code": "sandbags"}, "sandbags"),
        ({"code": "epidemic_daily"}, "代码"),
        ({"deadline_hour": "25"}, "23"),
    ],
)
def test_bad_data_sets_are_refused_in_chinese_and_nothing_is_stored(world, epidemic, extra, message):
    response = post_new(client_for(world.alice), world.qingxin, **extra)
    assert response.status_code == 200 and message in response.content.decode()
    assert not DataSet.objects.filter(owner__isnull=False).exists()


def test_a_data_set_with_reports_keeps_its_fields_and_a_rule_needs_two_fields(world, epidemic):
    post_new(client_for(world.alice), world.qingxin)
    flood = DataSet.objects.get(code="flood_daily")
    services.submit_report(
        by=world.carol,
        data_set=flood,
        place=world.jingkou,
        period_start=epidemic_day(),
        values={"sandbags": 30},
        submission="flood-1",
    )
    with pytest.raises(ValidationError, match="sandbags"):
        services.save_data_set(
            by=world.alice,
            owner=world.qingxin,
            facts=FACTS,
            data_set=flood,
            fields=[{"code": "evacuated", "name_zh": "转移群众", "unit": "人"}],
        )
    with pytest.raises(ValidationError, match="两个不同"):
        services.save_data_set(
            by=world.alice,
            owner=world.qingxin,
            facts=FACTS,
            data_set=flood,
            fields=[{"code": "sandbags", "name_zh": "沙袋"}, {"code": "evacuated", "name_zh": "转移"}],
            rules=[("sandbags", ">=", "sandbags")],
        )
    assert [f.code for f in flood.fields.all()] == ["sandbags", "evacuated"] and Report.objects.count() == 1
    services.save_data_set(
        by=world.alice,
        owner=world.qingxin,
        facts=FACTS,
        data_set=flood,
        fields=[{"code": "sandbags", "name_zh": "沙袋"}, {"code": "evacuated", "name_zh": "转移群众"}],
        rules=[("evacuated", "<=", "sandbags")],
    )
    with pytest.raises(ValidationError, match="转移群众"):
        services.submit_report(
            by=world.carol,
            data_set=flood,
            place=world.jingkou,
            period_start=epidemic_day(),
            values={"sandbags": 1, "evacuated": 5},
            submission="flood-2",
        )


def test_a_village_of_another_district_does_not_report_it(world, epidemic):
    post_new(client_for(world.alice), world.qingxin)
    flood = DataSet.objects.get(code="flood_daily")
    from qunfang.testing.world import place as make_place

    village = make_place(world.hunnan, "邻区村", "village")
    with pytest.raises(ValidationError, match="不报送"):
        services.submit_report(
            by=None,
            data_set=flood,
            place=village,
            period_start=epidemic_day(),
            zero=True,
            submission="flood-x",
        )


def test_the_operator_changes_the_data_set_reported_everywhere_in_the_admin(world, epidemic, as_user):
    from qunfang.core.models import User

    operator = as_user(User.objects.create_superuser("operator", password="a long operator password"))
    assert "疫情日报" in operator.get("/operator/reporting/dataset/").content.decode()
    page = operator.get(f"/operator/reporting/dataset/{epidemic.pk}/change/").content.decode()
    assert "密切接触者" in page and "close_contacts" in page
