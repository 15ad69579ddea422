"""Every care figure, and every kept due, recounted from the raw rows after random calls and visits,
moves, deaths, stays in hospital and rule changes, in any order (property-based)."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.care import selectors, services
from qunfang.care.models import Contact, ContactDue, ContactKind, DueReason, EventKind
from qunfang.care.services import kept
from qunfang.core.personal import check_character
from qunfang.registry import services as registry
from qunfang.registry.models import Status

TODAY = timezone.localdate()
START = TODAY - timedelta(days=120)

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("contact"), st.integers(0, 3), st.sampled_from(["call", "visit"]), st.integers(0, 119)
        ),
        st.tuples(st.just("move"), st.integers(0, 3), st.integers(0, 1)),
        st.tuples(st.just("hospital"), st.integers(0, 3), st.integers(0, 119)),
        st.tuples(st.just("death"), st.integers(0, 3)),
        st.tuples(st.just("interval"), st.integers(1, 12)),
    ),
    min_size=1,
    max_size=20,
)


@pytest.fixture
def setting(world):
    people = []
    for n in range(4):
        first = f"44180319500101{n}12"
        veteran = registry.create_veteran(
            by=None, place=world.jingkou, name=f"老兵{n}", id_number=first + check_character(first)
        )
        services.record_event(by=None, veteran=veteran, kind=EventKind.ENTERED, day=START)
        people.append(veteran)
    rule = services.save_rule(
        by=None,
        place=world.qingxin,
        name="每季度电话",
        kind="call",
        every_months=3,
        starts=START + timedelta(days=5),
    )
    return people, rule


def _step(world, people, rule, step) -> None:
    what, *facts = step
    veteran = people[facts[0]] if what != "interval" else None
    if veteran is not None:
        veteran.refresh_from_db()
        if veteran.status != Status.ACTIVE:
            return
    if what == "contact":
        services.record_contact(by=None, veteran=veteran, kind=facts[1], day=START + timedelta(days=facts[2]))
    elif what == "move":
        registry.update_veteran(by=None, veteran=veteran, place=[world.jingkou, world.nankeng][facts[1]])
    elif what == "hospital":
        services.record_event(
            by=None, veteran=veteran, kind=EventKind.HOSPITALISED, day=START + timedelta(days=facts[1])
        )
    elif what == "death":
        services.record_event(by=None, veteran=veteran, kind=EventKind.PASSED_AWAY, day=TODAY)
    else:
        rule.refresh_from_db()
        services.save_rule(
            by=None,
            place=rule.place,
            rule=rule,
            name=rule.name,
            kind=rule.kind,
            every_months=facts[0],
            starts=rule.starts,
        )


def _expected_rule_dues(people, rule) -> dict[int, date]:
    """The oracle: each active person's next call, from their contacts (a visit counts as a call)."""
    from qunfang.care.services.dues import add_months

    rule.refresh_from_db()
    found = {}
    for veteran in people:
        veteran.refresh_from_db()
        if veteran.status != Status.ACTIVE:
            continue
        last = Contact.objects.filter(veteran=veteran).aggregate(last=Max("day"))["last"]
        found[veteran.pk] = add_months(last, rule.every_months) if last else rule.starts
    return found


def _recount(place, start, end) -> dict:
    contacts = Contact.objects.under(place).filter(day__range=(start, end))
    dues = ContactDue.objects.under(place)
    return {
        "calls_done": contacts.filter(kind=ContactKind.CALL).count(),
        "visits_done": contacts.filter(kind=ContactKind.VISIT).count(),
        "done_on_time": contacts.filter(on_time=True).count(),
        "done_late": contacts.filter(on_time=False, due_day__isnull=False).count(),
        "calls_due": dues.filter(kind="call", due__range=(start, end)).count(),
        "visits_due": dues.filter(kind="visit", due__range=(start, end)).count(),
        "calls_overdue": dues.filter(kind="call", due__lt=end).count(),
        "visits_overdue": dues.filter(kind="visit", due__lt=end).count(),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_every_figure_and_due_equals_a_recount_from_the_raw_rows(world, setting, plan):
    people, rule = setting
    with transaction.atomic():
        for step in plan:
            _step(world, people, rule, step)
        kept_dues = dict(ContactDue.objects.filter(reason=DueReason.RULE).values_list("veteran_id", "due"))
        assert kept_dues == _expected_rule_dues(people, rule)
        for veteran in people:  # each due at the person's place of now
            assert set(ContactDue.objects.filter(veteran=veteran).values_list("place", flat=True)) <= {
                veteran.place_id
            }
        for place in (world.qingxin, world.longjing, world.jingkou, world.nankeng):
            for start, end in ((START, TODAY), (START + timedelta(days=30), START + timedelta(days=60))):
                figures = selectors.care_figures(place, start, end)
                assert {k: getattr(figures, k) for k in _recount(place, start, end)} == _recount(
                    place, start, end
                )
        assert kept.count_disagreements() == 0
        transaction.set_rollback(True)
