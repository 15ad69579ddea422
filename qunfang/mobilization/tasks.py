"""Background work of the activity ledger. Every task is idempotent: run twice, it does the work once."""

from qunfang.core.background import background_task
from qunfang.mobilization import services


@background_task()
def fold_totals() -> int:
    """Fold the ancestors' pending daily-total deltas into their kept rows (the figures are exact either
    way)."""
    return services.fold_totals()
