"""`qunfang tallies`: every app's kept totals checked in one command, rebuilt with --rebuild, one app
with --app."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qunfang.mobilization import services
from qunfang.mobilization.models import ActivityType, DailyTotal
from qunfang.mobilization.services import Entry


def tallies(*args: str) -> str:
    out = StringIO()
    call_command("tallies", *args, stdout=out)
    return out.getvalue()


def test_it_checks_every_app_that_keeps_totals(db):
    said = tallies()
    for label in ("donations", "mobilization", "reporting"):
        assert f"{label}: all " in said
    assert tallies("--check") == said


def test_it_names_the_app_whose_totals_disagree_and_rebuilds_them(world):
    checks = ActivityType.objects.get(code="temperature_checks")
    services.record_day(by=None, place=world.jingkou, day=date(2020, 1, 24), entries=[Entry(checks, 120)])
    services.fold_totals()  # the district's share moved from its pending deltas into its kept row
    DailyTotal.objects.filter(place=world.qingxin).update(count=1)
    with pytest.raises(
        CommandError, match=r"mobilization: \d+ kept activity totals disagree with the ledger"
    ):
        tallies()
    assert "donations: all" in tallies("--app", "donations")
    said = tallies("--rebuild", "--app", "mobilization")
    assert "made from the ledger" in said and "mobilization: all" in said
    assert DailyTotal.objects.get(place=world.qingxin, activity_type=checks).count == 120


def test_check_and_rebuild_go_not_together(db):
    with pytest.raises(CommandError):
        tallies("--check", "--rebuild")
