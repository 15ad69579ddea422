"""The online app's kept totals (lib/tallies): applications received, approved through their last step
and returned, per place (the veteran's, and every place above it), day and service. Written by the
services in their transaction; checked and rebuilt by `qunfang tallies`; moved with a moved place."""

from __future__ import annotations

from django.db import connection

from qunfang.core import audit
from qunfang.core.models import OrgUnit
from qunfang.core.writes import service, within_a_service, writes_nothing
from qunfang.lib.tallies import Tally
from qunfang.online.models import Application, ApplicationDay, ApplicationStep, Taken

DAYS = Tally(
    ApplicationDay, keys=("place_id", "day", "service_id"), sums=("received", "approved", "returned")
)


@within_a_service
def count_step(step: ApplicationStep) -> None:
    """A step just taken adds to the day's received, approved or returned."""
    received = int(step.taken == Taken.SENT)
    approved = int(step.taken == Taken.APPROVED and step.finished)
    returned = int(step.taken == Taken.RETURNED)
    if received or approved or returned:
        application = step.application
        day = connection.ops.adapt_datefield_value(step.day)
        DAYS.add_up_the_tree(
            application.place.path, [(day, application.service_id, received, approved, returned)]
        )


@within_a_service
def move_totals(sender, *, place: OrgUnit, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree moved (core.move_place, same transaction): its totals follow it."""
    DAYS.move(place.pk, old_path, new_path)


def _own_sql() -> str:
    steps, applications = ApplicationStep._meta.db_table, Application._meta.db_table
    return (
        "SELECT a.place_id, s.day, a.service_id,"
        f" SUM(CASE WHEN s.taken = '{Taken.SENT.value}' THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN s.taken = '{Taken.APPROVED.value}' AND s.finished THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN s.taken = '{Taken.RETURNED.value}' THEN 1 ELSE 0 END)"
        f" FROM {steps} s JOIN {applications} a ON a.id = s.application_id"
        " GROUP BY a.place_id, s.day, a.service_id"
    )


@writes_nothing
def count_disagreements() -> int:
    """How many kept totals differ from the steps summed up the tree."""
    return DAYS.count_disagreements(_own_sql())


@service
def rebuild_totals() -> int:
    """The kept totals thrown away and made again from the steps."""
    rebuilt = DAYS.rebuild(_own_sql())
    audit.record(
        by=None, action="online.rebuild_totals", place=None, target=ApplicationDay, after={"rows": rebuilt}
    )
    return rebuilt
