"""The ancestors' tallies as pending deltas (lib/tallies): a submission writes its village's kept rows
and appends deltas for the town, district, city and province; every figure is exact with the deltas
unfolded, after folding, with a fold under way beside a submission, after a move and a rebuild; and
villages of one town submitting at once do not wait for one another."""

from datetime import date, timedelta
from threading import Event, Thread

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from qunfang.core.access import Scope, under
from qunfang.core.models import OrgUnit
from qunfang.core.services import create_place, move_place
from qunfang.lib import tallies
from qunfang.reporting import selectors, services
from qunfang.reporting.models import PendingReportTally, Report, ReportStatus, ReportTally

DAY = date(2020, 1, 25)
postgresql_only = pytest.mark.skipif(
    "sqlite" in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's in-memory test database refuses a second writer at once; a file waits its turn",
)


@pytest.fixture(autouse=True)
def folds_only_when_asked(monkeypatch):
    """A writer whose deltas cross a mark folds a batch once committed (its own test below). The ids
    the marks count run on across tests on PostgreSQL, so elsewhere here the folds are the tests' own."""
    monkeypatch.setattr(tallies, "FOLD_EVERY", 10**15)


def on(day: date):
    return connection.ops.adapt_datefield_value(day)


def submit(by, place, data_set, key, day=DAY, **kwargs):
    return services.submit_report(
        by=by, data_set=data_set, place=place, period_start=day, submission=key, **kwargs
    )


def some_reports(world, epidemic):
    """Two villages over two days: figures, a zero report, a correction, an approval."""
    first = submit(
        world.carol, world.jingkou, epidemic, "k1", values={"fever_found": 2, "home_quarantined": 3}
    )
    submit(world.dave, world.nankeng, epidemic, "k2", zero=True)
    submit(world.carol, world.jingkou, epidemic, "k3", values={"fever_found": 5})  # corrected
    submit(world.dave, world.nankeng, epidemic, "k4", day=DAY + timedelta(days=1), values={"fever_found": 1})
    services.approve_report(by=world.bob, report=first, scope=Scope.for_user(world.bob))


def raw(epidemic, place, day) -> dict:
    """The oracle: the day's counts and sums under the place, from the raw reports."""
    reports = Report.objects.filter(under(place), data_set=epidemic, period_start=day)
    found = {
        "reported": reports.count(),
        "zero": reports.filter(zero=True).count(),
        "late": reports.filter(late=True).count(),
        "approved": reports.filter(status=ReportStatus.APPROVED).count(),
    }
    for field in epidemic.fields.all():
        found[f"sum:{field.code}"] = sum(r.values.get(field.code, 0) for r in reports)
        approved = reports.filter(status=ReportStatus.APPROVED)
        found[f"approved:{field.code}"] = sum(r.values.get(field.code, 0) for r in approved)
    return found


def read(world, epidemic, place, day) -> dict:
    """The same figures as the selectors read them (the pages, the API, the briefings)."""
    scope = Scope.for_user(world.alice)
    whole = selectors.completeness(scope, epidemic, place, day).place
    found = {key: getattr(whole, key) for key in ("reported", "zero", "late", "approved")}
    for approved, prefix in ((False, "sum:"), (True, "approved:")):
        for code, value in selectors.totals(scope, epidemic, place, day, day, approved=approved).items():
            found[prefix + code] = value
    return found


def assert_exact(world, epidemic):
    assert services.count_tally_disagreements() == 0
    for known in (world.qingxin, world.longjing, world.jingkou, world.nankeng):
        place = OrgUnit.objects.get(pk=known.pk)  # its path as it is now, after a move
        for day in (DAY, DAY + timedelta(days=1)):
            found = read(world, epidemic, place, day)
            assert found == raw(epidemic, place, day), (place, day)
            assert {type(value) for value in found.values()} == {int}  # not PostgreSQL's numeric sums
    # the province, above the reader's scope: kept and pending summed as every reader sums them
    province = dict(
        services.TALLIES.summed(
            ("key",), "place_id = %s AND period_start = %s", [world.guangdong.pk, on(DAY)]
        )
    )
    nonzero = {key: value for key, value in province.items() if value}  # a correction back to none
    assert {key: value for key, value in raw(epidemic, world.guangdong, DAY).items() if value} == nonzero


def test_the_ancestors_figures_wait_as_deltas_and_are_exact_before_and_after_folding(world, epidemic):
    some_reports(world, epidemic)
    # the villages' own rows are kept; the town's and above are only deltas so far
    assert ReportTally.objects.filter(place=world.jingkou).exists()
    assert not ReportTally.objects.filter(place__in=[world.longjing, world.qingxin, world.guangdong]).exists()
    assert PendingReportTally.objects.filter(place=world.guangdong, key="reported").count() == 3
    assert not PendingReportTally.objects.filter(place__in=[world.jingkou, world.nankeng]).exists()
    assert_exact(world, epidemic)
    table = selectors.period_table(Scope.for_user(world.alice), epidemic, world.qingxin, DAY, DAY)
    rates = selectors.rates_by_level(Scope.for_user(world.alice), epidemic, world.qingxin, DAY)

    assert services.fold_tallies() > 0
    assert not PendingReportTally.objects.exists()
    assert ReportTally.objects.get(place=world.guangdong, period_start=DAY, key="reported").value == 2
    assert_exact(world, epidemic)
    assert selectors.period_table(Scope.for_user(world.alice), epidemic, world.qingxin, DAY, DAY) == table
    assert selectors.rates_by_level(Scope.for_user(world.alice), epidemic, world.qingxin, DAY) == rates
    assert services.fold_tallies() == 0  # nothing left: folding again changes nothing
    assert_exact(world, epidemic)


def test_deltas_after_a_fold_add_to_the_folded_rows(world, epidemic):
    some_reports(world, epidemic)
    services.fold_tallies()
    submit(world.dave, world.nankeng, epidemic, "k5", values={"fever_found": 7})  # a correction
    submit(world.carol, world.jingkou, epidemic, "k6", day=DAY + timedelta(days=1), zero=True)
    assert PendingReportTally.objects.exists()
    assert_exact(world, epidemic)
    services.fold_tallies()
    assert_exact(world, epidemic)


def test_folding_in_small_batches_moves_every_delta_once(world, epidemic, monkeypatch):
    monkeypatch.setattr(tallies, "FOLD_BATCH", 3)
    some_reports(world, epidemic)
    pending = PendingReportTally.objects.count()
    assert services.TALLIES.fold(batches=1) == 3
    assert PendingReportTally.objects.count() == pending - 3
    assert_exact(world, epidemic)  # part folded, part pending
    assert services.fold_tallies() == pending - 3
    assert_exact(world, epidemic)


def test_a_fold_of_more_rows_than_one_statement_takes_moves_them_all(world, epidemic):
    # Each day is its own kept row at each of the four places above the village: some 1,800 rows,
    # more than SQLite takes in one compound SELECT (500 terms).
    for n in range(150):
        submit(
            world.carol,
            world.jingkou,
            epidemic,
            f"d{n}",
            day=DAY + timedelta(days=n),
            values={"fever_found": n},
        )
    assert services.fold_tallies() > tallies.ROWS_A_STATEMENT * 4
    assert not PendingReportTally.objects.exists()
    for place in (world.longjing, world.guangdong):
        kept = ReportTally.objects.filter(place=place, key="sum:fever_found", period_start__gte=DAY)
        assert sum(row.value for row in kept) == sum(range(150))
    assert services.count_tally_disagreements() == 0


def test_a_writer_that_crosses_the_mark_folds_once_it_has_committed(
    world, epidemic, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tallies, "FOLD_EVERY", 1)  # every delta is a mark
    with django_capture_on_commit_callbacks(execute=True) as folds:
        submit(world.carol, world.jingkou, epidemic, "k1", values={"fever_found": 2})
    assert len(folds) == 1
    assert not PendingReportTally.objects.exists()
    assert_exact(world, epidemic)


def test_a_village_moved_with_its_deltas_pending_takes_its_figures_along(world, epidemic):
    some_reports(world, epidemic)
    services.fold_tallies()
    later = DAY + timedelta(days=1)
    submit(world.carol, world.jingkou, epidemic, "k5", day=later, values={"fever_found": 9})  # pending
    other_town = create_place(by=world.alice, parent=world.qingxin, level="town", name="太和镇")
    move_place(by=world.alice, place=world.jingkou, new_parent=other_town)
    assert_exact(world, epidemic)
    for day in (DAY, later):
        assert read(world, epidemic, other_town, day) == raw(epidemic, other_town, day)
    assert read(world, epidemic, world.longjing, later)["sum:fever_found"] == 1  # Nankeng's alone
    services.fold_tallies()
    assert_exact(world, epidemic)
    assert read(world, epidemic, other_town, later)["sum:fever_found"] == 9


def test_a_town_moved_with_deltas_pending_at_it_takes_them_to_its_new_district(world, epidemic):
    some_reports(world, epidemic)  # the town's figures are all pending deltas
    other_district = create_place(by=None, parent=world.qingyuan, level="district", name="清城区")
    move_place(by=None, place=world.longjing, new_parent=other_district)
    assert services.count_tally_disagreements() == 0
    assert raw(epidemic, other_district, DAY)["reported"] == 2
    kept = dict(services.TALLIES.summed(("place_id",), "key = 'reported' AND period_start = %s", [on(DAY)]))
    assert (kept.get(world.qingxin.pk, 0), kept[other_district.pk], kept[world.guangdong.pk]) == (0, 2, 2)
    services.fold_tallies()
    assert services.count_tally_disagreements() == 0


def test_the_rebuild_throws_the_deltas_away_with_the_kept_rows(world, epidemic):
    some_reports(world, epidemic)
    before = {place: read(world, epidemic, place, DAY) for place in (world.qingxin, world.jingkou)}
    PendingReportTally.objects.create(
        place=world.qingxin, data_set=epidemic, period_start=DAY, key="zero", value=4
    )
    assert services.count_tally_disagreements() == 2  # a stray delta, found as a wrong kept row is
    services.rebuild_tallies()
    assert not PendingReportTally.objects.exists()
    assert_exact(world, epidemic)
    assert {place: read(world, epidemic, place, DAY) for place in before} == before


def test_qunfang_tallies_folds_and_then_finds_them_agreeing(world, epidemic):
    from io import StringIO

    some_reports(world, epidemic)
    out = StringIO()
    call_command("tallies", "--fold", "--app", "reporting", stdout=out)
    assert "pending report tallies folded" in out.getvalue() and "reporting: all" in out.getvalue()
    assert not PendingReportTally.objects.exists()


def test_the_workers_clock_folds_them(world, epidemic):
    from qunfang.core.management.commands.worker import CLOCK
    from qunfang.reporting.tasks import fold_tallies

    assert ("qunfang.reporting.tasks.fold_tallies", 60) in CLOCK
    some_reports(world, epidemic)
    fold_tallies.enqueue()
    assert not PendingReportTally.objects.exists()
    assert_exact(world, epidemic)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_villages_of_one_town_submitting_at_once_do_not_wait_for_each_other(world, epidemic):
    """Jingkou's submission holds its transaction open; Nankeng's, under the same town, district, city
    and province, must commit meanwhile (it would wait on their rows, were they updated in place)."""
    held, released, errors = Event(), Event(), []

    def jingkou():
        try:
            with transaction.atomic():
                submit(world.carol, world.jingkou, epidemic, "a", values={"fever_found": 1})
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
            submit(world.dave, world.nankeng, epidemic, "b", values={"fever_found": 2})
        # Nankeng committed with Jingkou's still open: readers see Nankeng's alone, exactly
        assert read(world, epidemic, world.longjing, DAY)["sum:fever_found"] == 2
    finally:
        released.set()
        thread.join()
    assert errors == []
    assert_exact(world, epidemic)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_fold_beside_an_open_submission_moves_only_what_was_committed(world, epidemic):
    submit(world.dave, world.nankeng, epidemic, "b", values={"fever_found": 2})
    held, released, errors = Event(), Event(), []

    def jingkou():
        try:
            with transaction.atomic():
                submit(world.carol, world.jingkou, epidemic, "a", values={"fever_found": 1})
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
        assert services.fold_tallies() > 0  # Nankeng's; Jingkou's are not committed: not seen, not moved
        assert not PendingReportTally.objects.exists()
        assert read(world, epidemic, world.longjing, DAY)["sum:fever_found"] == 2
        assert services.count_tally_disagreements() == 0
    finally:
        released.set()
        thread.join()
    assert errors == []
    assert PendingReportTally.objects.exists()  # Jingkou's, committed after the fold
    assert read(world, epidemic, world.longjing, DAY)["sum:fever_found"] == 3
    assert_exact(world, epidemic)
    services.fold_tallies()
    assert not PendingReportTally.objects.exists()
    assert_exact(world, epidemic)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_folds_at_once_take_different_batches(world, epidemic, monkeypatch):
    monkeypatch.setattr(tallies, "FOLD_BATCH", 2)
    some_reports(world, epidemic)
    pending, moved, errors = PendingReportTally.objects.count(), [], []

    def fold():
        try:
            moved.append(services.fold_tallies())
        except Exception as error:  # noqa: BLE001 (the test reports whatever went wrong)
            errors.append(error)
        finally:
            connection.close()

    threads = [Thread(target=fold) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(moved) == pending and not PendingReportTally.objects.exists()
    assert_exact(world, epidemic)
