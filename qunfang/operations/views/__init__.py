"""A bureau's operations pages: the overview of a place's day (who has not checked in, who is unwell,
who is away, hours of the next 14 days nobody covers, overdue tasks); staff and sections; leading
groups; work plans and tasks (one's own list too); the daily health check-in (one's own on a phone,
or for a colleague) and the return-to-work screening; leave; the duty roster's week (printable) with
its gaps; the office measures log. Each list exports to .xlsx.

One module a topic; every name is also here, where callers import it from."""

from qunfang.operations.views.health import (
    check_in_for,
    health,
    health_remind,
    leave_list,
    my_check_in,
    return_screening,
)
from qunfang.operations.views.overview import (
    MANAGE,
    VIEW,
    overview,
)
from qunfang.operations.views.plans import (
    my_tasks,
    plan_detail,
    plan_list,
    plan_new,
    task_detail,
    task_list,
    task_push_down,
)
from qunfang.operations.views.roster import (
    measures,
    roster,
    roster_pdf,
    shift_detail,
    shift_new,
)
from qunfang.operations.views.staff import (
    group_detail,
    group_list,
    group_member_remove,
    group_new,
    section_new,
    staff_detail,
    staff_edit,
    staff_list,
    staff_new,
)

__all__ = [
    "MANAGE",
    "VIEW",
    "check_in_for",
    "group_detail",
    "group_list",
    "group_member_remove",
    "group_new",
    "health",
    "health_remind",
    "leave_list",
    "measures",
    "my_check_in",
    "my_tasks",
    "overview",
    "plan_detail",
    "plan_list",
    "plan_new",
    "return_screening",
    "roster",
    "roster_pdf",
    "section_new",
    "shift_detail",
    "shift_new",
    "staff_detail",
    "staff_edit",
    "staff_list",
    "staff_new",
    "task_detail",
    "task_list",
    "task_push_down",
]
