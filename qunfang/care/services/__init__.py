"""Writes of everyday care (records) and the kept dues they move (dues)."""

from qunfang.care.services.records import (  # noqa: F401
    add_category,
    number_to_call,
    plan_round,
    record_contact,
    record_event,
    save_rule,
    set_categories,
)
