"""What every public function of an app's services module is, said by its decorator, so that a test can
see it (core/tests/test_services.py) and the suite can hold it to it:

- `@service`: a write. One transaction, and its audit entry in it: with settings.CHECK_WRITES on (the
  test suite), a service that changed rows and recorded no audit entry fails at once.
- `@within_a_service`: part of another service's write (a kept total added, a signal's receiver); it
  must run inside that service's transaction, whose audit entry covers it.
- `@in_steps(why)`: long work that commits as it goes (sending a campaign, a background import); each
  step is its own transaction, and `why` says why it cannot be one.
- `@writes_nothing`: a check or a computation services share with pages (parsing an amount, a text's
  length); with CHECK_WRITES on it fails if it changes a row.

Django's execute_wrapper sees every statement the function sends, which is how the check knows."""

from __future__ import annotations

import contextvars
import functools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from qunfang.core.models import AuditEntry

KINDS = ("service", "within_a_service", "in_steps", "writes_nothing")
_CHANGE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_watching: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar("qunfang_write_watch", default=None)


@dataclass
class _Watch:
    changes: int = 0
    audits: int = 0
    tables: set = field(default_factory=set)  # the tables changed, for the message
    # The browser tests' live server shares one SQLite connection among its threads: only the
    # watching thread's own statements are its service's.
    thread: int = field(default_factory=threading.get_ident)

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if threading.get_ident() != self.thread:
            return result
        change = _CHANGE.match(sql)
        # An UPDATE or DELETE that matched nothing changed nothing. (An INSERT always counts: with
        # RETURNING, SQLite reports no rowcount until the rows are read.)
        if change and (change.group(1).upper() == "INSERT" or context["cursor"].rowcount != 0):
            self.changes += 1
            if AuditEntry._meta.db_table in sql.split("(")[0]:
                self.audits += 1
            else:
                self.tables.add(sql.split("(")[0].split(" SET ")[0].strip()[:80])
        return result


def _watched(function: Callable, check: Callable[[_Watch], str | None]) -> Callable:
    """Run `function` watching its statements (only the outermost watched call watches), then `check`."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        if not settings.CHECK_WRITES or _watching.get() is not None:
            return function(*args, **kwargs)
        watch = _Watch()
        token = _watching.set(watch)
        try:
            with connection.execute_wrapper(watch):
                result = function(*args, **kwargs)
        finally:
            _watching.reset(token)
        problem = check(watch)
        if problem:
            raise AssertionError(f"{function.__module__}.{function.__qualname__} {problem}")
        return result

    return run


def _mark(function: Callable, kind: str, why: str = "") -> Callable:
    function.write_kind, function.write_why = kind, why
    return function


def service(function: Callable) -> Callable:
    """A write: one transaction with its audit entry."""
    atomic = transaction.atomic(function)
    return _mark(
        _watched(
            atomic,
            lambda w: (
                f"changed rows without an audit entry ({sorted(w.tables)})"
                if w.changes and not w.audits
                else None
            ),
        ),
        "service",
    )


def within_a_service(function: Callable) -> Callable:
    """Part of the calling service's write, inside its transaction."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        if settings.CHECK_WRITES and not connection.in_atomic_block:
            raise AssertionError(f"{function.__module__}.{function.__qualname__} runs outside a service")
        return function(*args, **kwargs)

    return _mark(run, "within_a_service")


def in_steps(why: str) -> Callable[[Callable], Callable]:
    """Long work that commits step by step; `why` says why it is not one transaction."""

    def mark(function: Callable) -> Callable:
        return _mark(function, "in_steps", why)

    return mark


def writes_nothing(function: Callable) -> Callable:
    """A check or computation shared by services and pages."""
    return _mark(
        _watched(
            function,
            lambda w: f"changed {w.changes} rows: it is marked as writing nothing" if w.changes else None,
        ),
        "writes_nothing",
    )
