"""Every write of a bureau's own operations. Each checks what it is given before writing anything and
leaves an audit entry: staff and sections; leading groups and who answers for what; work plans and
their tasks (one owner each, inside the plan's place; given to every station one level down at once,
and pushed down again from there); daily check-ins and return-to-work screenings; leave; duty shifts
(nobody on two shifts at once); office measures; and the reminders to staff who have not checked in.

One module a topic; every name is also here, where callers import it from."""

from __future__ import annotations

from qunfang.operations.services.health import (
    check_in,
    check_in_deadline,
    record_leave,
    remind_to_check_in,
    screen_return,
)
from qunfang.operations.services.plans import (
    Owner,
    add_task,
    assign_to_stations,
    give_out_task,
    push_down,
    report_progress,
    save_plan,
)
from qunfang.operations.services.roster import (
    record_measure,
    reveal_roster_phones,
    save_shift,
    write_handover,
)
from qunfang.operations.services.rules import (
    LONGEST_SHIFT,
    OBSERVATION_DAYS,
)
from qunfang.operations.services.staff import (
    form_group,
    remove_group_member,
    save_section,
    save_staff,
    set_group_member,
)

__all__ = [
    "LONGEST_SHIFT",
    "OBSERVATION_DAYS",
    "Owner",
    "add_task",
    "assign_to_stations",
    "check_in",
    "check_in_deadline",
    "form_group",
    "give_out_task",
    "push_down",
    "record_leave",
    "record_measure",
    "remind_to_check_in",
    "remove_group_member",
    "report_progress",
    "reveal_roster_phones",
    "save_plan",
    "save_section",
    "save_shift",
    "save_staff",
    "screen_return",
    "set_group_member",
    "write_handover",
]
