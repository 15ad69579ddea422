"""What is due follows the rules, the contacts and the person's life: kept rows and counts, each write
whole, each refusal leaving nothing behind."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.care import selectors, services, tasks
from qunfang.care.models import CareCategory, Contact, ContactDue, ContactKind, EventKind
from qunfang.care.services import kept
from qunfang.care.services.dues import add_months
from qunfang.core.personal import check_character
from qunfang.donations import services as donations
from qunfang.donations.models import StockLevel
from qunfang.registry import services as registry
from qunfang.registry.models import Status
from qunfang.testing.clients import image_upload

TODAY = timezone.localdate()


@pytest.fixture
def quarterly(world, people):
    return services.save_rule(
        by=world.alice,
        place=world.qingxin,
        name="重点联系：每季度电话",
        kind=ContactKind.CALL,
        every_months=3,
        starts=TODAY - timedelta(days=10),
    )


def test_a_rule_makes_a_due_for_each_person_under_it(world, people, quarterly):
    assert ContactDue.objects.filter(rule=quarterly).count() == 2
    assert [d.veteran for d in selectors.due_this_week(_scope(world.carol), world.jingkou, TODAY)] == people
    assert selectors.care_figures(world.qingxin, TODAY - timedelta(days=30), TODAY).calls_overdue == 2
    assert kept.count_disagreements() == 0


def _scope(user):
    from qunfang.core.access import Scope

    return Scope.for_user(user)


def test_a_call_moves_the_due_on_by_the_interval_and_counts_on_time(world, people, quarterly):
    call = services.record_contact(
        by=world.carol, veteran=people[0], kind=ContactKind.CALL, day=TODAY, note="身体好"
    )
    due = ContactDue.objects.get(veteran=people[0], rule=quarterly)
    assert due.due == add_months(TODAY, 3)
    assert call.due_day == TODAY - timedelta(days=10) and not call.on_time
    figures = selectors.care_figures(world.qingxin, TODAY, TODAY)
    assert (figures.calls_done, figures.done_late, figures.calls_overdue) == (1, 1, 1)
    assert kept.count_disagreements() == 0


def test_a_visit_meets_a_call_due_too(world, people, quarterly):
    services.record_contact(by=world.carol, veteran=people[1], kind=ContactKind.VISIT, day=TODAY)
    assert ContactDue.objects.get(veteran=people[1]).due == add_months(TODAY, 3)


def test_a_gift_leaves_the_stock_with_the_visit_and_a_short_stock_refuses_both(world, people, quarterly):
    oil = donations.item_named("花生油", "桶")
    donations.receive_goods(by=None, place=world.jingkou, item=oil, quantity=1, day=TODAY)
    services.record_contact(
        by=world.carol,
        veteran=people[0],
        kind=ContactKind.VISIT,
        day=TODAY,
        gift_item=oil,
        gift_quantity=1,
        photo=image_upload("visit.jpg"),
    )
    assert StockLevel.objects.get(place=world.jingkou, item=oil).on_hand == 0
    with pytest.raises(ValidationError) as refused:
        services.record_contact(
            by=world.carol,
            veteran=people[1],
            kind=ContactKind.VISIT,
            day=TODAY,
            gift_item=oil,
            gift_quantity=1,
        )
    assert "quantity" in refused.value.message_dict
    assert Contact.objects.filter(veteran=people[1]).count() == 0
    assert ContactDue.objects.get(veteran=people[1]).due == TODAY - timedelta(days=10)
    assert kept.count_disagreements() == 0


@pytest.mark.parametrize(
    "day,message",
    [(TODAY + timedelta(days=1), "不能晚于今天"), (date(2017, 12, 31), "早于此人建档入册")],
)
def test_a_visit_in_the_future_or_before_entering_the_roll_is_refused(world, people, quarterly, day, message):
    with pytest.raises(ValidationError, match=message):
        services.record_contact(by=world.carol, veteran=people[0], kind=ContactKind.VISIT, day=day)
    assert Contact.objects.count() == 0


def test_a_person_imported_with_the_roll_takes_last_weeks_visit_but_none_before_birth(world, quarterly):
    # A roll import makes the record on the import's day; the person entered the roll years before.
    number = "44180319450101123"
    veteran = registry.create_veteran(
        by=None, place=world.jingkou, name="何军", id_number=number + check_character(number)
    )
    last_week = TODAY - timedelta(days=7)
    assert services.record_contact(by=world.carol, veteran=veteran, kind=ContactKind.VISIT, day=last_week).pk
    with pytest.raises(ValidationError, match="早于此人出生日期"):
        services.record_contact(
            by=world.carol, veteran=veteran, kind=ContactKind.CALL, day=date(1944, 12, 31)
        )
    assert Contact.objects.filter(veteran=veteran).count() == 1


@pytest.mark.parametrize("every", [None, 0, ""])
def test_a_rule_with_no_interval_is_refused(world, people, every):
    with pytest.raises(ValidationError, match="周期"):
        services.save_rule(
            by=world.alice, place=world.qingxin, name="没有周期", kind=ContactKind.VISIT, every_months=every
        )
    assert ContactDue.objects.count() == 0


def test_a_village_cannot_make_rules(world, people):
    with pytest.raises(ValidationError, match="区级及以上"):
        services.save_rule(
            by=world.carol, place=world.jingkou, name="村里的", kind=ContactKind.CALL, every_months=1
        )


def test_passing_away_closes_the_file_and_sets_the_rolls_status(world, people, quarterly):
    services.record_event(by=world.carol, veteran=people[0], kind=EventKind.PASSED_AWAY, day=TODAY)
    people[0].refresh_from_db()
    assert people[0].status == Status.DECEASED
    assert not ContactDue.objects.filter(veteran=people[0]).exists()
    with pytest.raises(ValidationError):
        services.record_contact(by=world.carol, veteran=people[0], kind=ContactKind.CALL, day=TODAY)
    assert kept.count_disagreements() == 0


def test_a_stay_in_hospital_makes_a_visit_due_soon(world, people):
    services.record_event(by=world.carol, veteran=people[1], kind=EventKind.HOSPITALISED, day=TODAY)
    due = ContactDue.objects.get(veteran=people[1])
    assert (due.kind, due.due) == (ContactKind.VISIT, TODAY + timedelta(days=3))
    services.record_contact(by=world.carol, veteran=people[1], kind=ContactKind.VISIT, day=TODAY)
    assert not ContactDue.objects.filter(veteran=people[1]).exists()


def test_a_person_who_moves_takes_their_dues_and_counts_along(world, people, quarterly):
    registry.update_veteran(by=world.alice, veteran=people[0], place=world.nankeng)
    assert ContactDue.objects.get(veteran=people[0]).place == world.nankeng
    counts = {r["place"].name: r["total"] for r in selectors.overdue_by_child(world.longjing, TODAY)}
    assert counts == {"迳口村": 1, "南坑村": 1}
    registry.update_veteran(by=world.alice, veteran=people[1], status=Status.MOVED)
    assert not ContactDue.objects.filter(veteran=people[1]).exists()
    assert kept.count_disagreements() == 0


def test_a_rule_changed_or_put_out_of_force_moves_its_dues(world, people, quarterly):
    category = CareCategory.objects.get(name="伤残军人")
    services.set_categories(by=world.carol, veteran=people[0], categories=[category])
    services.save_rule(
        by=world.alice,
        place=world.qingxin,
        rule=quarterly,
        name=quarterly.name,
        kind="call",
        every_months=6,
        starts=quarterly.starts,
        categories=[category],
    )
    assert list(ContactDue.objects.values_list("veteran", flat=True)) == [people[0].pk]
    services.save_rule(
        by=world.alice,
        place=world.qingxin,
        rule=quarterly,
        name=quarterly.name,
        kind="call",
        every_months=6,
        starts=quarterly.starts,
        active=False,
    )
    assert ContactDue.objects.count() == 0
    assert kept.count_disagreements() == 0


def test_an_age_rule_falls_due_at_the_birthday(world, people):
    rule = services.save_rule(
        by=world.alice,
        place=world.qingxin,
        name="80岁以上每月走访",
        kind="visit",
        every_months=1,
        older_than=80,
        starts=TODAY,
    )
    dues = dict(ContactDue.objects.filter(rule=rule).values_list("veteran", "due"))
    assert dues[people[0].pk] == max(TODAY, date(2030, 1, 1)) and dues[people[1].pk] == date(2040, 1, 1)


def test_a_festival_round_is_watched_by_station(world, people):
    oil = donations.item_named("花生油", "桶")
    donations.receive_goods(by=None, place=world.jingkou, item=oil, quantity=5, day=TODAY)
    round_ = services.plan_round(
        by=world.alice,
        place=world.qingxin,
        name="2019年八一慰问",
        day=TODAY,
        veterans=people,
        gift_item=oil,
        gift_quantity=1,
    )
    services.record_contact(
        by=world.carol,
        veteran=people[0],
        kind="visit",
        day=TODAY,
        round=round_,
        gift_item=oil,
        gift_quantity=1,
    )
    assert [(r["place"], r["done"], r["left"]) for r in selectors.round_progress(round_, world.qingxin)] == [
        (world.jingkou, 1, 1)
    ]
    assert kept.count_disagreements() == 0


def test_people_a_roll_import_added_get_their_dues_on_the_clock(world, people, quarterly):
    ContactDue.objects.all().delete()  # as if the import's bulk insert had made no dues
    kept.rebuild_totals()
    assert kept.settle_people(kept.added_without_dues()) == 2 and ContactDue.objects.count() == 2
    assert kept.settle_people(kept.added_without_dues()) == 0 and kept.count_disagreements() == 0


def test_the_clock_settles_an_import_a_few_people_a_transaction(world, people, quarterly, monkeypatch):
    ContactDue.objects.all().delete()  # as if the import's bulk insert had made no dues
    kept.rebuild_totals()
    monkeypatch.setattr(kept, "SETTLE_A_TRANSACTION", 1)
    batches, settle = [], kept.settle_people
    monkeypatch.setattr(kept, "settle_people", lambda ids: batches.append(list(ids)) or settle(ids))
    assert tasks.settle_new_people.call() == 2
    assert [len(ids) for ids in batches] == [1, 1] and kept.count_disagreements() == 0


def test_the_town_and_the_district_see_what_has_gone_up_after_their_days(world, people):
    services.save_rule(
        by=world.alice,
        place=world.qingxin,
        name="季度电话",
        kind="call",
        every_months=3,
        starts=TODAY - timedelta(days=10),
        town_after_days=7,
        district_after_days=30,
    )
    scope = _scope(world.alice)
    assert selectors.gone_up(scope, world.longjing, TODAY).count() == 2
    assert selectors.gone_up(scope, world.qingxin, TODAY).count() == 0
    assert [(r["place"], r["total"]) for r in selectors.overdue_by_child(world.longjing, TODAY)] == [
        (world.jingkou, 2)
    ]


def test_the_due_list_costs_the_same_few_queries_for_many_people(
    world, people, quarterly, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        rows = list(selectors.due_this_week(_scope(world.carol), world.jingkou, TODAY))
        assert [row.veteran.address for row in rows] == ["迳口村一巷1号", "迳口村一巷1号"]
