"""The fund's ledger against an independent reckoning: random money in, cases approved, payments and
corrections (some refused: more than the fund holds, more than is left to pay, a line reversed twice);
the kept balance, the ledger's sum and the reckoning agree to the fen, never below zero, and so do
the kept totals and the figures of random periods. On PostgreSQL, two payments at once cannot
overdraw the fund nor pay a case twice."""

from datetime import date, timedelta
from threading import Barrier, Thread

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.core.access import Scope
from qunfang.hardship import selectors, services
from qunfang.hardship.models import CaseState, Fund, FundLine, HardshipCase
from qunfang.hardship.tests.conftest import ID_NUMBERS, approved
from qunfang.registry.services import create_veteran

FIRST = date(2020, 1, 10)
postgresql_only = pytest.mark.skipif(
    "sqlite" in django_settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's in-memory test database refuses a second writer at once",
)

operation = st.one_of(
    st.tuples(st.just("in"), st.integers(1, 500_000)),
    st.tuples(st.just("case"), st.integers(0, 2), st.integers(1, 300_000)),
    st.tuples(st.just("pay"), st.integers(0, 5), st.integers(1, 300_000), st.integers(0, 9)),
    st.tuples(st.just("reverse"), st.integers(0, 30)),
)


@pytest.fixture
def stage(world):
    fund = services.create_fund(by=None, place=world.qingxin, name="随机基金")
    veterans = [
        create_veteran(by=None, place=place, name=f"老兵{n}", id_number=ID_NUMBERS[n])
        for n, place in enumerate((world.jingkou, world.jingkou, world.nankeng))
    ]
    return fund, veterans


class Reckoning:
    """What the fund and its cases should hold, reckoned here line by line, apart from the services."""

    def __init__(self):
        self.balance = 0
        self.lines: list[dict] = []  # {"fen", "case", "day", "reversed", "correction"}
        self.cases: list[dict] = []  # {"case", "veteran", "approved", "paid"}

    def payments(self, start: date, end: date) -> tuple[int, int, int]:
        """Fen paid, payments, distinct people paid (net), for payments dated in the period."""
        net: dict[int, int] = {}
        fen = count = 0
        for line in self.lines:
            if line["case"] is None or line["correction"] or not start <= line["day"] <= end:
                continue
            if not line["reversed"]:
                fen, count = fen - line["fen"], count + 1
                net[line["veteran"]] = net.get(line["veteran"], 0) - line["fen"]
        return fen, count, sum(1 for paid in net.values() if paid > 0)


def _apply(world, fund, veterans, reckoning: Reckoning, op) -> None:
    kind = op[0]
    if kind == "in":
        services.take_in_budget(by=None, fund=fund, amount=f"{op[1] / 100:.2f}", day=FIRST, document="文件")
        reckoning.balance += op[1]
        reckoning.lines.append({"fen": op[1], "case": None, "reversed": False, "correction": False})
    elif kind == "case":
        case = approved(world, veterans[op[1]], fund, amount=f"{op[2] / 100:.2f}")
        reckoning.cases.append({"case": case, "veteran": case.veteran_id, "approved": op[2], "paid": 0})
    elif kind == "pay" and reckoning.cases:
        _pay(
            fund,
            reckoning,
            reckoning.cases[op[1] % len(reckoning.cases)],
            op[2],
            FIRST + timedelta(days=op[3]),
        )
    elif kind == "reverse" and reckoning.lines:
        _reverse(reckoning, op[1] % len(reckoning.lines))


def _pay(fund, reckoning: Reckoning, held: dict, fen: int, day: date) -> None:
    may = fen <= held["approved"] - held["paid"] and fen <= reckoning.balance
    try:
        line = services.pay(by=None, case=held["case"], amount=f"{fen / 100:.2f}", day=day)
    except ValidationError:
        assert not may, ("refused a payment the reckoning allows", fen, held, reckoning.balance)
        return
    assert may, ("paid what the reckoning refuses", fen, held, reckoning.balance)
    held["paid"] += fen
    reckoning.balance -= fen
    reckoning.lines.append(
        {"fen": -fen, "case": held, "veteran": held["veteran"], "day": day, "reversed": False,
         "correction": False, "id": line.pk}
    )  # fmt: skip


def _reverse(reckoning: Reckoning, index: int) -> None:
    line = reckoning.lines[index]
    may = not line["reversed"] and not line["correction"] and reckoning.balance - line["fen"] >= 0
    row = FundLine.objects.filter(kind__in=["budget", "payment"]).order_by("pk")
    target = line.get("id") and FundLine.objects.get(pk=line["id"])
    target = target or row.filter(amount_fen=line["fen"], case=None, reversed_by=None).first()
    if target is None:  # a reversed budget line: refused as the reckoning says
        assert not may
        return
    try:
        services.reverse_line(by=None, line=target)
    except ValidationError:
        assert not may, ("refused a reversal the reckoning allows", line, reckoning.balance)
        return
    assert may, ("reversed what the reckoning refuses", line, reckoning.balance)
    line["reversed"] = True
    reckoning.balance -= line["fen"]
    if line["case"] is not None:
        line["case"]["paid"] += line["fen"]
    reckoning.lines.append({"fen": -line["fen"], "case": None, "reversed": False, "correction": True})


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, max_size=14), periods=st.lists(st.tuples(st.integers(0, 9),
       st.integers(0, 9)), min_size=1, max_size=3))  # fmt: skip
def test_the_ledger_agrees_with_a_reckoning_to_the_fen(world, stage, operations, periods):
    fund, veterans = stage
    # Each example starts with an empty fund (the rows are the test's own, made again below).
    FundLine.objects.filter(fund=fund, reverses__isnull=False).delete()
    FundLine.objects.filter(fund=fund).delete()
    HardshipCase.objects.filter(fund=fund).delete()
    Fund.objects.filter(pk=fund.pk).update(balance_fen=0)
    services.rebuild_totals()
    reckoning = Reckoning()
    for op in operations:
        _apply(world, fund, veterans, reckoning, op)
    fund.refresh_from_db()
    in_ledger = FundLine.objects.filter(fund=fund).aggregate(fen=Sum("amount_fen"))["fen"] or 0
    assert fund.balance_fen == in_ledger == reckoning.balance >= 0
    for held in reckoning.cases:
        case = HardshipCase.objects.get(pk=held["case"].pk)
        assert case.paid_fen == held["paid"] <= case.approved_fen
        assert case.state == (CaseState.PAID if held["paid"] == held["approved"] else CaseState.APPROVED)
    assert services.count_disagreements() == 0
    scope = Scope.for_user(world.alice)
    for offset, length in periods:
        start = FIRST + timedelta(days=offset)
        end = start + timedelta(days=length)
        fen, count, people = reckoning.payments(start, end)
        found = selectors.figures_for(scope, world.qingxin, start, end)
        assert (found.yuan_paid_in_period, found.payments_in_period, found.people_helped_in_period) == (
            f"{fen / 100:.2f}",
            count,
            people,
        ), (start, end)
    approved_now = sum(1 for held in reckoning.cases if held["paid"] < held["approved"])
    assert selectors.figures_for(scope, world.qingxin, FIRST, FIRST).cases_approved == approved_now


def _at_once(calls) -> list[str]:
    """Each call in its own thread and connection, started together; what each answered."""
    answers: list[str] = []
    start = Barrier(len(calls))

    def run(call):
        try:
            start.wait()
            call()
            answers.append("paid")
        except ValidationError:
            answers.append("refused")
        finally:
            connection.close()

    threads = [Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(answers)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_payments_at_once_cannot_overdraw_the_fund(world, stage):
    fund, veterans = stage
    services.take_in_budget(by=None, fund=fund, amount="1000", day=FIRST, document="文件")
    cases = [approved(world, veterans[n], fund, amount="800") for n in (0, 2)]
    day = FIRST + timedelta(days=5)
    answers = _at_once(
        [lambda case=case: services.pay(by=None, case=case, amount="800", day=day) for case in cases]
    )
    assert answers == ["paid", "refused"]
    fund.refresh_from_db()
    assert fund.balance_fen == 20_000 == 100_000 + FundLine.objects.filter(kind="payment").aggregate(
        fen=Sum("amount_fen"))["fen"]  # fmt: skip
    assert services.count_disagreements() == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_payments_of_one_case_at_once_pay_it_once(world, stage):
    fund, veterans = stage
    services.take_in_budget(by=None, fund=fund, amount="5000", day=FIRST, document="文件")
    case = approved(world, veterans[0], fund, amount="800")
    day = FIRST + timedelta(days=5)
    answers = _at_once([lambda: services.pay(by=None, case=case, amount="800", day=day)] * 2)
    assert answers == ["paid", "refused"]
    case.refresh_from_db()
    assert (case.paid_fen, case.state) == (80_000, CaseState.PAID)
    assert Fund.objects.get(pk=fund.pk).balance_fen == 420_000
