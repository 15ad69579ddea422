"""Background work of care, on the worker's clock. Idempotent: run twice, it does the work once."""

from qunfang.care.services import kept
from qunfang.core.background import background_task


@background_task()
def settle_new_people() -> int:
    """The dues of people a roll import added lately."""
    return kept.settle_new_people()
