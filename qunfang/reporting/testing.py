"""Reporting's records at a place, for the walks and the other tests (qunfang/testing/records.py): a
daily report of its first village and a data set of its own."""

from datetime import date

from qunfang.core.models import Level
from qunfang.reporting import services
from qunfang.reporting.models import DataSet
from qunfang.testing.records import first_village


def records_at(place, *, by, text, id_number, made) -> dict:
    village = first_village(place)
    report = services.submit_report(
        by=by,
        data_set=DataSet.objects.get(code="epidemic_daily"),
        place=village,
        period_start=date(2020, 1, 25),
        values={"fever_found": 4321},
        submission=f"people-at-{village.pk}",
    )
    data_set = services.save_data_set(
        by=None,
        owner=place,
        facts={
            "code": f"local_{place.pk}",
            "name_zh": text[:80],
            "name_en": text[:120],
            "level": Level.VILLAGE,
            "periodicity": "daily",
            "deadline_hour": 10,
            "remind_hours_before": 2,
        },
        fields=[{"code": "sandbags", "name_zh": text[:80], "name_en": "Sandbags", "unit": "袋"}],
    )
    return {"report_id": report, "data_set_id": data_set}
