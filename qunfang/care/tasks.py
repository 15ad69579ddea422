"""Background work of care, on the worker's clock. Idempotent: run twice, it does the work once."""

import time

from django.db import connection

from qunfang.care.services import kept
from qunfang.core.background import background_task

# Between two transactions of the settling, SQLite's lock is let go for this long: its busy handler
# polls, so without a gap the worker takes the lock again at once and a clerk's save waits out its
# timeout (a 503) while a district's import is settled.
PAUSE_BETWEEN = 0.2


@background_task()
def settle_new_people() -> int:
    """The dues of people a roll import added lately, a few hundred a transaction: a district's
    import of thousands must not hold the database's write lock (SQLite's is the whole file) while
    the stations sign in and record."""
    ids = kept.added_without_dues()
    step = kept.SETTLE_A_TRANSACTION
    settled = 0
    for start in range(0, len(ids), step):
        if start and connection.vendor == "sqlite":
            time.sleep(PAUSE_BETWEEN)
        settled += kept.settle_people(ids[start : start + step])
    return settled
