"""The hardship app's kept totals (lib/tallies): the fen paid and payments per place, day and veteran
(a period's amount and its distinct people helped), and the cases per place and state. Written by the
services in their transaction; checked and rebuilt by `qunfang tallies`; moved with a moved place."""

from __future__ import annotations

from datetime import date

from django.db import connection

from qunfang.core import audit
from qunfang.core.models import OrgUnit
from qunfang.core.writes import service, within_a_service, writes_nothing
from qunfang.hardship.models import CaseCount, FundLine, HardshipCase, HelpedDay
from qunfang.lib.tallies import Tally

HELPED = Tally(HelpedDay, keys=("place_id", "day", "veteran_id"), sums=("paid_fen", "payments"))
CASES = Tally(CaseCount, keys=("place_id", "state"), sums=("cases",))


@within_a_service
def count_payment(case: HardshipCase, day: date, fen: int, payments: int) -> None:
    """A payment (fen > 0, one payment) or its reversal (fen < 0, minus one), on the payment's day."""
    HELPED.add_up_the_tree(
        case.place.path, [(connection.ops.adapt_datefield_value(day), case.veteran_id, fen, payments)]
    )


@within_a_service
def count_state(case: HardshipCase, old: str | None, new: str) -> None:
    """The case leaves state `old` (None: it is new) and enters `new`."""
    rows = [(new, 1)] + ([(old, -1)] if old else [])
    CASES.add_up_the_tree(case.place.path, rows)


@within_a_service
def move_totals(sender, *, place: OrgUnit, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree moved (core.move_place, same transaction): its hardship totals follow it."""
    HELPED.move(place.pk, old_path, new_path)
    CASES.move(place.pk, old_path, new_path)


def _own_helped_sql() -> str:
    """Each place's own payments per day of payment and veteran: a payment line counts its fen and
    one payment; a reversal of one takes them off on the reversed payment's day."""
    lines, cases = FundLine._meta.db_table, HardshipCase._meta.db_table
    return (
        f"SELECT c.place_id, COALESCE(o.day, l.day), c.veteran_id, SUM(-l.amount_fen),"
        " SUM(CASE WHEN l.reverses_id IS NULL THEN 1 ELSE -1 END)"
        f" FROM {lines} l JOIN {cases} c ON c.id = l.case_id LEFT JOIN {lines} o ON o.id = l.reverses_id"
        " GROUP BY c.place_id, COALESCE(o.day, l.day), c.veteran_id"
    )


def _own_cases_sql() -> str:
    return f"SELECT place_id, state, COUNT(*) FROM {HardshipCase._meta.db_table} GROUP BY place_id, state"


@writes_nothing
def count_disagreements() -> int:
    """How many kept totals differ from the payments and cases summed up the tree."""
    return HELPED.count_disagreements(_own_helped_sql()) + CASES.count_disagreements(_own_cases_sql())


@service
def rebuild_totals() -> int:
    """The kept totals thrown away and made again from the ledger and the cases."""
    rebuilt = HELPED.rebuild(_own_helped_sql()) + CASES.rebuild(_own_cases_sql())
    audit.record(by=None, action="hardship.rebuild_totals", place=None, target=HelpedDay,
                 after={"rows": rebuilt})  # fmt: skip
    return rebuilt
