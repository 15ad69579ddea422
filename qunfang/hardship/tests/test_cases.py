"""A case from opening to closing through the services: up the tree (village → town → district),
each level approving an amount or returning with its reason; nobody decides a case they opened, sent
up or approved; the fund pays at most what is approved and what it holds; the follow-up closes it.
Every refusal writes nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from qunfang.hardship import services
from qunfang.hardship.models import CaseState, Fund, FundLine, HardshipCase, RuleKind, StepKind
from qunfang.hardship.tests.conftest import approved, opened
from qunfang.testing.walks import changed_since, snapshot


def refused(call, message: str):
    before = snapshot()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call()
    assert message in " ".join(error.value.messages), error.value.messages
    assert changed_since(before) == []


def test_a_case_goes_up_the_tree_and_is_paid_and_closed(world, fund, veteran):
    case = opened(world, veteran, fund, asked="5000")
    assert (case.state, case.at) == (CaseState.OPEN, world.jingkou)
    case = services.send_up(by=world.carol, case=case)
    assert (case.state, case.at) == (CaseState.SENT, world.longjing)
    case = services.approve(by=world.bob, case=case, amount="4500")
    assert (case.state, case.at, case.approved_fen) == (CaseState.SENT, world.qingxin, 450_000)
    case = services.approve(by=world.alice, case=case, amount="4000.50")
    assert (case.state, case.approved_fen) == (CaseState.APPROVED, 400_050)
    services.pay(by=world.alice, case=case, amount="1000", day=date(2020, 1, 20))
    services.pay(by=world.alice, case=case, amount="3000.50", day=date(2020, 1, 21))
    case.refresh_from_db()
    assert (case.state, case.paid_fen) == (CaseState.PAID, 400_050)
    fund.refresh_from_db()
    assert fund.balance_fen == 1_000_000 - 400_050
    case = services.follow_up(by=world.carol, case=case, day=date(2020, 2, 1), note="已出院，生活稳定")
    assert case.state == CaseState.CLOSED
    kinds = list(case.steps.values_list("kind", flat=True))
    assert kinds == ["opened", "sent", "approved", "approved", "paid", "paid", "followed_up"]


def test_a_case_opened_at_the_town_is_decided_by_the_district_alone(world, fund, veteran, bella):
    case = services.open_case(by=world.bob, place=world.longjing, veteran=veteran, fund=fund, need="房屋受损",
                              asked="800", medical_costs="20000", household_income="1000")  # fmt: skip
    assert [p.name for p in services.deciders(case)] == ["清新区"]
    case = services.send_up(by=world.bob, case=case)
    assert case.at == world.qingxin
    assert services.approve(by=world.alice, case=case, amount="800").state == CaseState.APPROVED


def test_a_return_needs_its_reason_and_goes_back_to_the_station(world, fund, veteran):
    case = services.send_up(by=world.carol, case=opened(world, veteran, fund))
    refused(
        lambda: services.return_case(by=world.bob, case=case, reason="  "), "Say why the case is returned."
    )
    case = services.return_case(by=world.bob, case=case, reason="请补充医院费用清单")
    assert (case.state, case.at, case.approved_fen) == (CaseState.RETURNED, world.jingkou, None)
    assert case.steps.last().reason == "请补充医院费用清单"
    case = services.send_up(by=world.carol, case=case)  # amended and sent again
    assert case.state == CaseState.SENT and case.at == world.longjing


def test_nobody_approves_a_case_they_opened_or_sent_up(world, fund, veteran, bella):
    case = services.open_case(by=world.bob, place=world.longjing, veteran=veteran, fund=fund, need="困难",
                              asked="800", medical_costs="20000", household_income="1000")  # fmt: skip
    case = services.send_up(by=bella, case=case)
    for who in (world.bob, bella):
        refused(lambda who=who: services.approve(by=who, case=case, amount="800"), "someone else decides it")
        refused(
            lambda who=who: services.return_case(by=who, case=case, reason="不同意"), "someone else decides"
        )


def test_each_level_decides_at_its_own_step(world, fund, veteran):
    case = services.send_up(by=world.carol, case=opened(world, veteran, fund))
    # The district's admin sees the town's cases but does not take the town's decision for it.
    own_step = "each level decides at its own step"
    refused(lambda: services.approve(by=world.alice, case=case, amount="3000"), own_step)
    refused(lambda: services.return_case(by=world.alice, case=case, reason="不同意"), own_step)
    case = services.approve(by=world.bob, case=case, amount="3000")
    assert case.at == world.qingxin
    refused(lambda: services.approve(by=world.bob, case=case, amount="3000"), "someone else decides it")
    assert services.approve(by=world.alice, case=case, amount="3000").state == CaseState.APPROVED


def test_an_approval_is_at_most_what_was_asked_or_approved_below(world, fund, veteran):
    case = services.send_up(by=world.carol, case=opened(world, veteran, fund, asked="3000"))
    refused(lambda: services.approve(by=world.bob, case=case, amount="3000.01"), "At most 3000.00 yuan")
    services.approve(by=world.bob, case=case, amount="2000")
    refused(lambda: services.approve(by=world.alice, case=case, amount="2500"), "At most 2000.00 yuan")
    for amount in ("0", "-5", "abc", "1e999999999", "NaN", "1.001"):
        refused(lambda amount=amount: services.approve(by=world.alice, case=case, amount=amount), "")


def test_a_payment_over_the_approved_amount_is_refused(world, fund, veteran):
    case = approved(world, veteran, fund, amount="3000")
    refused(lambda: services.pay(by=world.alice, case=case, amount="3000.01", day=date(2020, 1, 20)),
            "At most 3000.00 yuan of the approved amount is left to pay.")  # fmt: skip
    services.pay(by=world.alice, case=case, amount="2000", day=date(2020, 1, 20))
    refused(lambda: services.pay(by=world.alice, case=case, amount="1000.01", day=date(2020, 1, 20)),
            "At most 1000.00 yuan")  # fmt: skip


def test_a_payment_over_the_funds_balance_is_refused(world, veteran):
    poor = services.create_fund(by=None, place=world.qingxin, name="小基金")
    services.take_in_budget(by=None, fund=poor, amount="500", day=date(2020, 1, 2), document="文件")
    case = approved(world, veteran, poor, amount="3000")
    refused(lambda: services.pay(by=world.alice, case=case, amount="600", day=date(2020, 1, 20)),
            "The fund holds only 500.00 yuan.")  # fmt: skip
    assert HardshipCase.objects.get(pk=case.pk).paid_fen == 0


def test_payments_refused_for_the_wrong_case_person_or_day(world, fund, veteran):
    case = opened(world, veteran, fund)
    refused(lambda: services.pay(by=world.alice, case=case, amount="1", day=date(2020, 1, 20)),
            "Only an approved case is paid.")  # fmt: skip
    case = approved(world, veteran, fund)
    refused(lambda: services.pay(by=world.carol, case=case, amount="1", day=date(2020, 1, 20)),
            "someone else pays it")  # fmt: skip
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused(lambda: services.pay(by=world.alice, case=case, amount="1", day=tomorrow), "in the future")
    refused(lambda: services.pay(by=world.alice, case=case, amount="1", day=date(2020, 1, 9)),
            "on or after the day the case was opened")  # fmt: skip


def test_a_case_is_opened_only_by_a_station_for_a_veteran_of_its_roll(world, fund, veteran):
    base = {"by": world.dave, "veteran": veteran, "fund": fund, "need": "困难", "asked": "100"}
    refused(lambda: services.open_case(place=world.nankeng, **base), "on this station's roll")
    refused(lambda: services.open_case(**{**base, "by": world.alice}, place=world.qingxin), "village or town")
    hunnan = services.create_fund(by=None, place=world.hunnan, name="浑南基金")
    refused(lambda: services.open_case(**{**base, "fund": hunnan}, place=world.jingkou), "one above it")
    for facts, message in (
        ({"need": " "}, "Say what the household needs"),
        ({"asked": "0"}, "more than zero"),
        ({"household_size": 0}, "1 to 50 people"),
        ({"household_size": "many"}, "how many people"),
        ({"medical_costs": "-3"}, "more than zero"),
        ({"day": timezone.localdate() + timedelta(days=1)}, "in the future"),
    ):
        refused(lambda facts=facts: services.open_case(place=world.jingkou, **{**base, **facts}), message)


def test_a_failing_check_is_shown_and_the_case_goes_up_only_with_a_reason(world, fund, veteran):
    services.add_rule(by=None, place=world.qingxin, kind=RuleKind.MEDICAL_COSTS_OVER, amount="10000")
    services.add_rule(by=None, place=world.qingxin, kind=RuleKind.INCOME_PER_HEAD_UNDER, amount="12000")
    case = opened(world, veteran, fund, medical_costs="8000", household_income="30000", household_size=3)
    assert [c["passed"] for c in case.checks] == [False, True]  # 8,000 < 10,000; 10,000 a head < 12,000
    refused(lambda: services.send_up(by=world.carol, case=case), "say why it should be helped")
    case = services.send_up(by=world.carol, case=case, reason="突发重病，家庭困难")
    assert case.exception_reason == "突发重病，家庭困难" and len(case.failing_checks) == 1


def test_helped_recently_from_the_fund_fails_the_exclusion(world, fund, veteran):
    services.add_rule(by=None, place=world.qingxin, kind=RuleKind.NOT_HELPED_WITHIN, months=12)
    first = approved(world, veteran, fund, amount="1000")
    services.pay(by=world.alice, case=first, amount="1000", day=date(2020, 1, 20))
    again = opened(world, veteran, fund)
    assert again.checks[0]["passed"] is False and "2020-01-20" in again.checks[0]["detail"]
    services.reverse_line(by=world.alice, line=FundLine.objects.get(case=first, kind="payment"))
    assert services.send_up(by=world.carol, case=again).failing_checks == []  # the payment was undone


def test_a_rule_needs_its_parameter(world):
    for kind, facts, message in (
        (RuleKind.NOT_HELPED_WITHIN, {}, "Enter the months"),
        (RuleKind.NOT_HELPED_WITHIN, {"months": 0}, "Enter the months"),
        (RuleKind.MEDICAL_COSTS_OVER, {}, "not an amount of money"),
        ("unknown", {"amount": "5"}, "Choose a kind"),
    ):
        refused(lambda k=kind, f=facts: services.add_rule(by=None, place=world.qingxin, kind=k, **f), message)
    rule = services.add_rule(by=None, place=world.qingxin, kind=RuleKind.NOT_HELPED_WITHIN, months=6)
    services.end_rule(by=None, rule=rule)
    refused(lambda: services.end_rule(by=None, rule=rule), "no longer in force")


def test_the_follow_up_closes_a_paid_case_only(world, fund, veteran):
    case = approved(world, veteran, fund, amount="100")
    refused(lambda: services.follow_up(by=world.carol, case=case, day=date(2020, 2, 1), note="好"),
            "once it is paid")  # fmt: skip
    services.pay(by=world.alice, case=case, amount="100", day=date(2020, 1, 20))
    refused(lambda: services.follow_up(by=world.carol, case=case, day=date(2020, 2, 1), note=" "), "Say how")
    refused(lambda: services.follow_up(by=world.carol, case=case, day=date(2020, 1, 19), note="好"),
            "comes after the payment")  # fmt: skip
    services.follow_up(by=world.carol, case=case, day=date(2020, 2, 1), note="好")
    assert HardshipCase.objects.get(pk=case.pk).state == CaseState.CLOSED
    line = FundLine.objects.get(case=case)
    refused(lambda: services.reverse_line(by=world.alice, line=line), "The case was closed")


def test_a_reversed_payment_is_owed_again(world, fund, veteran):
    case = approved(world, veteran, fund, amount="700")
    line = services.pay(by=world.alice, case=case, amount="700", day=date(2020, 1, 20))
    services.reverse_line(by=world.alice, line=line, note="账号有误")
    case.refresh_from_db()
    assert (case.state, case.paid_fen) == (CaseState.APPROVED, 0)
    assert Fund.objects.get(pk=fund.pk).balance_fen == 1_000_000
    assert case.steps.last().kind == StepKind.PAYMENT_REVERSED
    refused(lambda: services.reverse_line(by=world.alice, line=line), "corrected already")
