"""`qunfang worker`: runs background tasks from the database queue (django-tasks-db's db_worker), and
queues the tasks that run on a clock (the daily reports' reminders) every few minutes.

django-tasks-db leaves a task RUNNING forever when its worker dies (SIGKILL, power cut). Before it
starts, this worker puts back in the queue the tasks of workers on this host whose process is gone;
every task is idempotent, so running such a task again finishes the work exactly once. Workers on
other hosts are left alone: only their own host can tell whether they still live. When the database
goes away (a restart, a failover), db_worker stops; this worker starts it again once the database
answers, with the task it was running put back in the queue.
"""

import logging
import threading
import time
import uuid

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from qunfang.lib.apps import app_entries
from qunfang.lib.processes import is_gone, this_process

log = logging.getLogger("qunfang.worker")
RECONNECT_SECONDS = 1.0


def worker_id() -> str:
    return f"{this_process()}:{uuid.uuid4().hex[:6]}"


def requeue_orphans() -> int:
    """Tasks marked RUNNING by a worker of this host that no longer runs go back to READY."""
    requeued = 0
    for result in DBTaskResult.objects.filter(status="RUNNING"):
        if is_gone((result.worker_ids or [""])[-1]):
            requeued += DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
                status="READY", started_at=None
            )
    return requeued


# Tasks queued on a clock rather than by a user: (task, seconds between runs), as each app names them
# on its AppConfig (`clock`). Each is idempotent, so several workers queueing the same one do the work once.
CLOCK = [(name, every) for _config, clock in app_entries("clock") for name, every in clock.items()]


def queue_clock_tasks() -> None:
    for name, _every in CLOCK:
        import_string(name).enqueue()


def run_clock() -> None:
    """The clock's thread: queue each task when its time between runs has passed, sleep, again; its
    database connection closes each round."""
    last_queued: dict[str, float] = {}
    while True:
        now = time.monotonic()
        try:
            for name, every in CLOCK:
                if now - last_queued.get(name, -every) >= every:
                    import_string(name).enqueue()
                    last_queued[name] = now
        except DatabaseError as error:
            # The database busy (SQLite's write lock held by a long task) or restarting: the tasks not
            # queued this round are queued the next; the clock must outlive it (it once died of it).
            log.warning("the clock could not queue its tasks: %s", error)
        finally:
            connection.close()
        time.sleep(min(seconds for _name, seconds in CLOCK))


class Command(BaseCommand):
    help = "Run background tasks (imports, later campaigns and briefings) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="stop when the queue is empty")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the queue")

    def handle(self, *args, batch, interval, **options):
        requeued = requeue_orphans()
        if requeued:
            self.stdout.write(f"Requeued {requeued} task(s) left running by workers that died.")
        if batch:
            queue_clock_tasks()  # a batch run (from cron) does the clock's work once
        else:
            threading.Thread(target=run_clock, daemon=True, name="clock").start()
        me = worker_id()
        while True:
            try:
                call_command("db_worker", worker_id=me, batch=batch, interval=interval, startup_delay=False)
                return
            except (OperationalError, InterfaceError) as error:
                # The database went away (a restart, a failover to the replica): db_worker gives up on
                # it; this worker waits and goes on, with what it was running put back in the queue.
                if batch:
                    raise
                log.warning("the database cannot be reached (%s); looking again in a moment", error)
                connection.close()
                time.sleep(RECONNECT_SECONDS)
                self._take_back(me)

    def _take_back(self, me: str) -> None:
        try:
            taken = DBTaskResult.objects.filter(status="RUNNING").values_list("pk", "worker_ids")
            mine = [pk for pk, ids in taken if (ids or [""])[-1] == me]
            DBTaskResult.objects.filter(pk__in=mine, status="RUNNING").update(status="READY", started_at=None)
        except DatabaseError:
            connection.close()  # still away: db_worker's first look will say so again
