"""The ancestors' daily totals as pending deltas (lib/tallies): a record writes its place's kept rows and
appends a delta for each ancestor, so stations all over the tree recording at once never queue on the
root's row. Every figure the readers give (totals, by day, by child place, the figures of a place) is
exact with the deltas unfolded, half folded and folded, against a recount from the raw ledger; the
worker's clock and `qunfang tallies --fold` fold them."""

from collections import defaultdict
from datetime import date, timedelta
from io import StringIO
from threading import Event, Thread

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Role
from qunfang.lib import tallies
from qunfang.mobilization import selectors, services
from qunfang.mobilization.models import ActivityRecord, ActivityType, DailyTotal, PendingDailyTotal
from qunfang.mobilization.services import Entry
from qunfang.testing.world import person

DAY = date(2020, 1, 23)
DAYS = 3
postgresql_only = pytest.mark.skipif(
    "sqlite" in django_settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's in-memory test database refuses a second writer at once; a file waits its turn",
)


@pytest.fixture(autouse=True)
def folds_only_when_asked(monkeypatch):
    """A writer crossing every FOLD_EVERY-th delta folds a batch after its commit; the ids run on across
    tests on PostgreSQL, so here the folds are the tests' own."""
    monkeypatch.setattr(tallies, "FOLD_EVERY", 10**15)


@pytest.fixture
def province_admin(world):
    return Scope.for_user(person("gd-admin", world.guangdong, Role.BUREAU_ADMIN))


def places(world) -> list[OrgUnit]:
    return list(OrgUnit.objects.under(world.guangdong).order_by("path"))


def recount(world) -> dict[tuple[int, date, int], tuple[int, int]]:
    """The oracle: every place's count and people reached per day and type, from the raw records."""
    sums: dict = defaultdict(lambda: [0, 0])
    tree = places(world)
    for path, day, kind, count, reached in ActivityRecord.objects.values_list(
        "place__path", "day", "activity_type_id", "count", "people_reached"
    ):
        for place in tree:
            if path.startswith(place.path):
                sums[place.pk, day, kind][0] += count
                sums[place.pk, day, kind][1] += reached
    return {key: tuple(value) for key, value in sums.items()}


def assert_figures_exact(world, scope) -> None:
    """What every reader shows at every place of the province equals the recount."""
    expected, end = recount(world), DAY + timedelta(days=DAYS - 1)
    kinds = list(selectors.activity_types())
    for place in places(world):

        def raw(pk, days=range(DAYS), kind=None, at=1):
            return sum(
                expected.get((pk, DAY + timedelta(days=d), k.pk), (0, 0))[at]
                for d in days
                for k in kinds
                if kind in (None, k)
            )

        for row in selectors.totals(scope, place, DAY, end):
            assert (row["count"], row["reached"]) == (
                raw(place.pk, kind=row["type"], at=0),
                raw(place.pk, kind=row["type"]),
            ), place
        for row in selectors.by_day(scope, place, DAY, end):
            offset = [(row["day"] - DAY).days]
            assert row["counts"] == [raw(place.pk, offset, kind, 0) for kind in kinds], place
        for row in selectors.breakdown(scope, place, DAY, end):
            assert row["counts"] == [raw(row["place"].pk, kind=kind, at=0) for kind in kinds], place
        children = [child.pk for child in places(world) if child.parent_id == place.pk]
        for row in selectors.figures_for(scope, place, DAY, end).activities:
            kind = next(k for k in kinds if k.code == row["code"])
            assert row["by_stations_below"] == sum(raw(pk, kind=kind, at=0) for pk in children), place


records = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, DAYS - 1), st.integers(0, 2), st.integers(1, 300)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=records, batch=st.integers(1, 9), correct=st.booleans())
def test_figures_equal_the_ledger_with_deltas_unfolded_half_folded_and_folded(
    world, province_admin, monkeypatch, records, batch, correct
):
    stations = [world.jingkou, world.nankeng, world.jingkou_grid, world.longjing, world.qingxin]
    kinds = list(ActivityType.objects.order_by("position")[:3])
    with transaction.atomic():
        for station, day, kind, count in records:
            reached = count * 2 if kinds[kind].counts_people_reached else 0
            services.record_day(
                by=None,
                place=stations[station],
                day=DAY + timedelta(days=day),
                entries=[Entry(kinds[kind], count, reached)],
            )
        if correct:
            services.correct_record(by=None, record=ActivityRecord.objects.order_by("pk").first(), count=7)
        pending = PendingDailyTotal.objects.count()
        assert pending > 0  # every record has ancestors: their shares wait as deltas
        assert_figures_exact(world, province_admin)
        monkeypatch.setattr(tallies, "FOLD_BATCH", batch)
        assert services.TOTALS.fold(batches=1) == min(batch, pending)  # half folded: the oldest batch
        assert PendingDailyTotal.objects.count() == pending - min(batch, pending)
        assert_figures_exact(world, province_admin)
        assert services.count_disagreements() == 0
        services.fold_totals()
        assert not PendingDailyTotal.objects.exists()
        assert_figures_exact(world, province_admin)
        assert services.count_disagreements() == 0
        transaction.set_rollback(True)


def test_a_record_writes_its_place_in_place_and_its_ancestors_as_deltas(world):
    checks = ActivityType.objects.get(code="temperature_checks")
    services.record_day(by=None, place=world.jingkou, day=DAY, entries=[Entry(checks, 120)])
    assert list(DailyTotal.objects.values_list("place_id", "count")) == [(world.jingkou.pk, 120)]
    ancestors = set(PendingDailyTotal.objects.values_list("place_id", flat=True))
    assert ancestors == {world.longjing.pk, world.qingxin.pk, world.qingyuan.pk, world.guangdong.pk}


def test_qunfang_tallies_folds_them_and_finds_them_agreeing(world):
    checks = ActivityType.objects.get(code="temperature_checks")
    services.record_day(by=None, place=world.nankeng, day=DAY, entries=[Entry(checks, 30)])
    out = StringIO()
    call_command("tallies", "--fold", "--app", "mobilization", stdout=out)
    said = out.getvalue()
    assert "4 pending activity totals folded" in said and "mobilization: all 5 kept" in said
    assert not PendingDailyTotal.objects.exists()
    assert DailyTotal.objects.get(place=world.guangdong, activity_type=checks).count == 30


def test_the_workers_clock_folds_them(world):
    from qunfang.core.management.commands.worker import CLOCK
    from qunfang.mobilization.tasks import fold_totals

    assert ("qunfang.mobilization.tasks.fold_totals", 60) in CLOCK
    checks = ActivityType.objects.get(code="temperature_checks")
    services.record_day(by=None, place=world.nankeng, day=DAY, entries=[Entry(checks, 30)])
    fold_totals.enqueue()
    assert not PendingDailyTotal.objects.exists()
    assert services.count_disagreements() == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_villages_recording_at_once_do_not_wait_on_their_ancestors_rows(world, province_admin):
    """Jingkou's day of work holds its transaction open; Nankeng's, under the same town, district, city
    and province, the same day and activity, must commit meanwhile (it would wait on their rows, were
    they updated in place: every station of a nation on the root's)."""
    checks = ActivityType.objects.get(code="temperature_checks")
    held, released, errors = Event(), Event(), []

    def jingkou():
        try:
            with transaction.atomic():
                services.record_day(by=None, place=world.jingkou, day=DAY, entries=[Entry(checks, 120)])
                held.set()
                released.wait(10)
        except Exception as error:  # noqa: BLE001 (the test reports whatever went wrong)
            errors.append(error)
        finally:
            held.set()
            connection.close()

    thread = Thread(target=jingkou)
    thread.start()
    try:
        assert held.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")  # a wait fails instead of hanging
            services.record_day(by=None, place=world.nankeng, day=DAY, entries=[Entry(checks, 30)])
        # Nankeng committed with Jingkou's still open: the province reads Nankeng's alone, exactly
        found = selectors.totals(province_admin, world.guangdong, DAY, DAY)
        assert next(row["count"] for row in found if row["type"] == checks) == 30
    finally:
        released.set()
        thread.join()
    assert errors == []
    assert_figures_exact(world, province_admin)
