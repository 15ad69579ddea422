"""Heavy reads from a streaming replica (QUNFANG_DATABASE_REPLICA_URL; settings add the `replica`
database and this router only then).

What goes there: the reads inside `heavy_reads()` (dashboards, completeness, exports, briefings'
figures: the views wrap themselves with `@reads_from_replica`) during a GET or HEAD that
`ReplicaMiddleware` let through. Everything else, every write, and every read inside a transaction
stays on the primary.

A user reads their own writes: each writing request by a signed-in user leaves the primary's WAL
position of its end in the cache under the user (shared by every host), and their heavy reads go to the
replica only once it has replayed that far. A replica that cannot be reached, is no longer in recovery
(it was promoted: the primary's URL now finds it), or lags behind a primary that moved on more than
QUNFANG_REPLICA_MAX_LAG_SECONDS sends the reads to the primary; what it is, each process asks at most
once a second (`replica_state`)."""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections

from qunfang.lib.env import env_int

logger = logging.getLogger(__name__)

REPLICA = "replica"
MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 5)
# A writer's mark outlives any lag the replica may have and still be used (MAX_LAG_SECONDS).
WROTE_MARK_SECONDS = 300
# How long a replica that could not be reached is left alone before it is asked again.
LOST_SECONDS = 10
STATE_SECONDS = 1.0


@dataclass
class _Request:
    """What the middleware knows of the request; the router decides at its first heavy read."""

    request: object
    decided: bool | None = None


_request: ContextVar[_Request | None] = ContextVar("replica_request", default=None)
_heavy: ContextVar[bool] = ContextVar("replica_heavy", default=False)


@contextmanager
def heavy_reads():
    """Reads in this block may go to the replica (when the request allows it)."""
    token = _heavy.set(True)
    try:
        yield
    finally:
        _heavy.reset(token)


def reads_from_replica(view):
    """A view whose reads are heavy and need not see the last second's writes of others."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with heavy_reads():
            return view(*args, **kwargs)

    return wrapped


# --- the replica's state, per process -------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaState:
    usable: bool
    replayed: str | None = None  # the WAL position replayed, "16/B374D848"
    why: str = ""


_state_lock = threading.Lock()
_state: tuple[float, ReplicaState] | None = None


def replica_state() -> ReplicaState:
    global _state
    with _state_lock:
        now = time.monotonic()
        if _state is None or now >= _state[0]:
            state = _ask_replica()
            _state = (now + (LOST_SECONDS if state.why == "lost" else STATE_SECONDS), state)
        return _state[1]


def forget_replica_state() -> None:
    global _state
    with _state_lock:
        _state = None


def _ask_replica() -> ReplicaState:
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
                "COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
            )
            in_recovery, replayed, replay_age = cursor.fetchone()
        if not in_recovery:
            return ReplicaState(False, why="promoted")
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [replayed])
            (behind,) = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("The replica cannot be read (%s); heavy reads go to the primary.", error)
        connections[REPLICA].close()
        return ReplicaState(False, why="lost")
    # Behind a primary that moved on, with nothing replayed for a while: replay has stopped or cannot keep
    # up. (A primary with no writes leaves the replica's last replay old but nothing behind.)
    if behind > 0 and replay_age > MAX_LAG_SECONDS:
        return ReplicaState(False, replayed, why="lagging")
    return ReplicaState(True, replayed)


def _replayed_at_least(replayed: str, mark: str) -> bool:
    def number(lsn: str) -> int:
        high, low = lsn.split("/")
        return (int(high, 16) << 32) + int(low, 16)

    return number(replayed) >= number(mark)


# --- the writer's mark --------------------------------------------------------------------------------


def _writer(request) -> int | None:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return user.pk if getattr(user, "is_authenticated", False) else None


def _mark_key(user_id: int) -> str:
    return f"replica:wrote:{user_id}"


def _may_use_replica(request) -> bool:
    state = replica_state()
    if not state.usable:
        return False
    user_id = _writer(request)
    mark = cache.get(_mark_key(user_id)) if user_id else None
    return mark is None or _replayed_at_least(state.replayed, mark)


class ReplicaMiddleware:
    """Lets a GET's heavy reads go to the replica, and marks where each writing request left the
    primary. Not used without a replica."""

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        reading = request.method in ("GET", "HEAD")
        token = _request.set(_Request(request) if reading else None)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if not reading:
            self._mark(request)
        return response

    def _mark(self, request) -> None:
        user_id = _writer(request)
        if user_id is None:
            return
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn()::text")
                (position,) = cursor.fetchone()
            cache.set(_mark_key(user_id), position, WROTE_MARK_SECONDS)
        except DatabaseError:
            # The primary is gone: the write was not answered as done either; nothing to mark.
            logger.warning("Could not mark where user %s's write left the primary.", user_id)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        current = _request.get()
        if current is None or not _heavy.get() or connections["default"].in_atomic_block:
            return None
        if current.decided is None:
            current.decided = _may_use_replica(current.request)
        return REPLICA if current.decided else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is the primary's copy

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"
