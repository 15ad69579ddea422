"""Background tasks: the one decorator that starts every task the same way."""

from collections.abc import Callable
from contextlib import nullcontext
from functools import wraps
from typing import Any

from django.utils import translation
from django_tasks import task

from qunfang.core.audit import TASK, working_as


def background_task(*, language: str | None = None, **options: Any) -> Callable[[Callable], Any]:
    """A django-tasks task whose writes the audit log records as coming from a task, not from the thread
    that happens to run it (a request's or a test's, with the immediate backend); in `language` when the
    people it writes to read that one. Each task sits beside the service it runs, so that services
    queue it without importing a tasks module that imports them back."""

    def decorator(func: Callable) -> Any:
        @wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with working_as(TASK), translation.override(language) if language else nullcontext():
                return func(*args, **kwargs)

        return task(**options)(run)

    return decorator
