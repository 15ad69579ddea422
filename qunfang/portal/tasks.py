"""The portal's work on the worker's clock."""

from qunfang.core.background import background_task
from qunfang.portal import services


@background_task()
def forget_old_codes() -> int:
    return services.forget_old_codes()
