"""The hardship app's writes, one module each: funds (the funds, their ledger and payments), cases (the
cases, their steps up the tree, the eligibility rules) and totals (the kept totals)."""

from qunfang.hardship.services.cases import (
    add_rule,
    approve,
    attach,
    deciders,
    end_rule,
    follow_up,
    open_case,
    return_case,
    send_up,
    took_part,
)
from qunfang.hardship.services.funds import (
    create_fund,
    pay,
    reverse_line,
    take_in_budget,
    take_in_donation,
    taken_from,
)
from qunfang.hardship.services.totals import count_disagreements, move_totals, rebuild_totals

__all__ = [
    "add_rule", "approve", "attach", "count_disagreements", "create_fund", "deciders", "end_rule",
    "follow_up", "move_totals", "open_case", "pay", "rebuild_totals", "return_case", "reverse_line",
    "send_up", "take_in_budget", "took_part", "take_in_donation", "taken_from",
]  # fmt: skip
