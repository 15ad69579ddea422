"""The level above approves or returns its children's reports: approval locks a report and adds its
figures to the approved totals of every place above at once; a returned report says why, is corrected
and approved; only the level above may review; the kept tallies always equal the raw reports."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.core.access import Scope, under
from qunfang.core.services import create_place, move_place
from qunfang.reporting import selectors, services
from qunfang.reporting.models import PendingReportTally, Report, ReportStatus, ReportTally

DAY = date(2020, 1, 25)


def submit(by, place, data_set, key, **kwargs):
    kwargs.setdefault("period_start", DAY)
    return services.submit_report(by=by, data_set=data_set, place=place, submission=key, **kwargs)


def approve(by, report):
    return services.approve_report(by=by, report=report, scope=Scope.for_user(by))


def test_approved_figures_reach_the_district_at_once_and_lock_the_report(world, epidemic):
    jingkou = submit(world.carol, world.jingkou, epidemic, "k1", values={"fever_found": 2, "suspected": 1})
    submit(world.dave, world.nankeng, epidemic, "k2", values={"fever_found": 5})
    district = Scope.for_user(world.alice)
    submitted = selectors.totals(district, epidemic, world.qingxin, DAY, DAY)
    assert submitted["fever_found"] == 7 and submitted["suspected"] == 1
    assert selectors.totals(district, epidemic, world.qingxin, DAY, DAY, approved=True)["fever_found"] == 0

    approve(world.bob, jingkou)
    approve(world.bob, jingkou)  # a double tap approves once
    approved = selectors.totals(district, epidemic, world.qingxin, DAY, DAY, approved=True)
    assert approved["fever_found"] == 2 and approved["suspected"] == 1
    assert selectors.completeness(district, epidemic, world.qingxin, DAY).place.approved == 1
    with pytest.raises(ValidationError, match="已审核通过"):
        submit(world.carol, world.jingkou, epidemic, "k3", values={"fever_found": 9})
    with pytest.raises(ValidationError, match="已审核通过"):
        services.return_report(by=world.bob, report=jingkou, reason="再核实", scope=Scope.for_user(world.bob))
    assert Report.objects.get(pk=jingkou.pk).values["fever_found"] == 2


def test_a_returned_report_says_why_and_its_correction_keeps_both_versions(world, epidemic):
    report = submit(world.carol, world.jingkou, epidemic, "k1", values={"fever_found": 2})
    with pytest.raises(ValidationError, match="说明退回原因"):
        services.return_report(by=world.bob, report=report, reason="  ", scope=Scope.for_user(world.bob))
    returned = services.return_report(
        by=world.bob, report=report, reason="发热人数与台账不符", scope=Scope.for_user(world.bob)
    )
    assert returned.status == ReportStatus.RETURNED and returned.return_reason == "发热人数与台账不符"
    with pytest.raises(ValidationError, match="退回"):
        approve(world.bob, returned)
    corrected = submit(world.carol, world.jingkou, epidemic, "k2", values={"fever_found": 3})
    assert corrected.status == ReportStatus.SUBMITTED
    assert [v.values["fever_found"] for v in corrected.versions.all()] == [2, 3]
    approve(world.bob, corrected)
    town = Scope.for_user(world.bob)
    assert selectors.totals(town, epidemic, world.longjing, DAY, DAY, approved=True)["fever_found"] == 3
    assert selectors.totals(town, epidemic, world.longjing, DAY, DAY)["fever_found"] == 3


@pytest.mark.parametrize("reviewer", ["carol", "erin", "leo"])
def test_only_the_level_above_reviews(world, epidemic, reviewer):
    """The village's own staff, another district's admin and a read-only leader may not."""
    report = submit(world.carol, world.jingkou, epidemic, "k1", zero=True)
    user = getattr(world, reviewer)
    with pytest.raises(PermissionDenied):
        approve(user, report)
    with pytest.raises(PermissionDenied):
        services.return_report(by=user, report=report, reason="x", scope=Scope.for_user(user))
    assert Report.objects.get().status == ReportStatus.SUBMITTED
    assert not ReportTally.objects.filter(key="approved").exists()


def test_the_district_admin_may_approve_for_a_town(world, epidemic):
    report = submit(world.carol, world.jingkou, epidemic, "k1", zero=True)
    assert approve(world.alice, report).status == ReportStatus.APPROVED


def test_a_moved_village_takes_its_reports_to_its_new_town(world, epidemic):
    submit(world.carol, world.jingkou, epidemic, "k1", values={"fever_found": 4})
    other_town = create_place(by=world.alice, parent=world.qingxin, level="town", name="太和镇")
    move_place(by=world.alice, place=world.jingkou, new_parent=other_town)
    scope = Scope.for_user(world.alice)
    assert selectors.totals(scope, epidemic, world.longjing, DAY, DAY)["fever_found"] == 0
    assert selectors.totals(scope, epidemic, other_town, DAY, DAY)["fever_found"] == 4
    found = selectors.completeness(scope, epidemic, world.qingxin, DAY)
    assert {(row.place.name, row.expected, row.reported) for row in found.children} == {
        ("龙颈镇", 1, 0),
        ("太和镇", 1, 1),
    }


def raw_sums(data_set, place, approved):
    """The oracle: the period's figures summed from the raw reports under the place."""
    sums = dict.fromkeys((f.code for f in data_set.fields.all()), 0)
    for report in Report.objects.filter(under(place), data_set=data_set):
        if not approved or report.status == ReportStatus.APPROVED:
            for code, value in report.values.items():
                sums[code] += value
    return sums


steps = st.lists(
    st.tuples(
        st.sampled_from(["jingkou", "nankeng"]),
        st.sampled_from(["submit", "zero", "approve", "return"]),
        st.integers(0, 3),  # day offset
        st.integers(0, 50),  # fever patients found
    ),
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_kept_totals_always_equal_the_raw_reports(world, epidemic, steps):
    ReportTally.objects.all().delete()
    PendingReportTally.objects.all().delete()
    Report.objects.all().delete()
    for n, (village, action, offset, fever) in enumerate(steps):
        place, day = getattr(world, village), DAY + timedelta(days=offset)
        staff = world.carol if village == "jingkou" else world.dave
        report = Report.objects.filter(place=place, period_start=day).first()
        try:
            if action in ("submit", "zero"):
                values = {"fever_found": fever}
                submit(
                    staff, place, epidemic, f"k{n}", period_start=day, values=values, zero=action == "zero"
                )
            elif report and action == "approve":
                approve(world.bob, report)
            elif report:
                services.return_report(
                    by=world.bob, report=report, reason="核实", scope=Scope.for_user(world.bob)
                )
        except ValidationError:
            pass  # locked or returned: refused, and nothing may have changed
    assert services.count_tally_disagreements() == 0
    scope = Scope.for_user(world.alice)
    for place in (world.qingxin, world.longjing, world.jingkou):
        for approved in (False, True):
            kept = selectors.totals(scope, epidemic, place, DAY, DAY + timedelta(days=3), approved=approved)
            assert kept == raw_sums(epidemic, place, approved)
    for offset in range(4):
        day = DAY + timedelta(days=offset)
        town = selectors.completeness(scope, epidemic, world.longjing, day).place
        reports = Report.objects.filter(period_start=day)
        assert town.reported == reports.count()
        assert town.zero == reports.filter(zero=True).count()
        assert town.approved == reports.filter(status=ReportStatus.APPROVED).count()


def test_lost_tallies_are_found_and_made_again_from_the_reports(world, epidemic):
    report = submit(
        world.carol,
        world.jingkou,
        epidemic,
        "k1",
        values={"fever_found": 2, "confirmed": 1, "close_contacts": 3},
    )
    approve(world.bob, report)
    submit(world.dave, world.nankeng, epidemic, "k2", zero=True)
    services.fold_tallies()  # the ancestors' deltas into their kept rows, which are then lost
    kept = sorted(ReportTally.objects.values_list("place_id", "period_start", "key", "value"))
    ReportTally.objects.filter(key="approved:fever_found", place=world.qingxin).delete()
    ReportTally.objects.filter(key="zero", place=world.longjing).update(value=5)
    assert services.count_tally_disagreements() == 3  # one missing; one changed: extra and missing
    services.rebuild_tallies()
    assert services.count_tally_disagreements() == 0
    assert sorted(ReportTally.objects.values_list("place_id", "period_start", "key", "value")) == kept
