"""Background work of care, on the worker's clock. Idempotent: run twice, it does the work once."""

from qunfang.care.services import kept
from qunfang.core.background import background_task


@background_task()
def settle_new_people() -> int:
    """The dues of people a roll import added lately, a few hundred a transaction: a district's
    import of thousands must not hold the database's write lock (SQLite's is the whole file) while
    the stations sign in and record."""
    ids = kept.added_without_dues()
    step = kept.SETTLE_A_TRANSACTION
    return sum(kept.settle_people(ids[start : start + step]) for start in range(0, len(ids), step))
