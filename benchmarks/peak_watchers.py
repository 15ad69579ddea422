"""The watchers of benchmarks/nation_peak.py's rounds, threads of its main process each with its own
connection: a probe writing one activity every 100 ms, the root's reader polling the nation's figure
back to back (from the two, the lag from a write's commit to the root's figure showing it), the pending
deltas sampled, and the writers waiting on a lock (concurrent_reports.py's sampler)."""

import random
import threading
import time
from datetime import date


class Watch(threading.Thread):
    """A thread of this process with its own connection, doing `step` until told to stop."""

    every = 0.0

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.done = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.done.wait(self.every):
                self.step()
        finally:
            connection.close()

    def stop(self) -> None:
        self.done.set()
        self.join()


class Probe(Watch):
    """Records one probe activity at a random village every 100 ms: when each commit returned."""

    every = 0.1

    def __init__(self, villages: list, kind, day: date) -> None:
        super().__init__()
        self.villages, self.kind, self.day = villages, kind, day
        self.committed: list[float] = []
        self.took: list[float] = []
        self.random = random.Random(day.toordinal())

    def step(self) -> None:
        from qunfang.mobilization import services

        started = time.time()
        services.record_day(
            by=None,
            place=self.random.choice(self.villages),
            day=self.day,
            entries=[services.Entry(self.kind, 1)],
            submission=f"probe-{self.day}-{len(self.committed)}",
        )
        self.committed.append(time.time())
        self.took.append(self.committed[-1] - started)


class RootReader(Watch):
    """Reads the root's figures back to back as the nation's admin sees them: (end, probe count)."""

    def __init__(self, scope, root, kind, day: date) -> None:
        super().__init__()
        self.scope, self.root, self.kind, self.day = scope, root, kind, day
        self.reads: list[tuple[float, int]] = []
        self.took: list[float] = []

    def step(self) -> None:
        from qunfang.mobilization import selectors

        started = time.time()
        rows = selectors.totals(self.scope, self.root, self.day, self.day)
        seen = next(row["count"] for row in rows if row["type"].pk == self.kind.pk)
        self.reads.append((time.time(), seen))
        self.took.append(self.reads[-1][0] - started)

    def lags(self, committed: list[float]) -> list[float]:
        """For the n-th probe write, from its commit to the end of the first read counting n writes."""
        found, reads = [], iter(self.reads)
        end, seen = next(reads, (None, 0))
        for n, at in enumerate(committed, start=1):
            while end is not None and seen < n:
                end, seen = next(reads, (None, 0))
            if end is None:
                break
            found.append(max(end - at, 0.0))
        return found


class PendingSampler(Watch):
    """Every 100 ms: the deltas waiting to be folded, of both tallies."""

    every = 0.1

    def __init__(self) -> None:
        super().__init__()
        self.counts: list[int] = []

    def step(self) -> None:
        from django.db import connection

        from qunfang.lib.tallies import table
        from qunfang.mobilization.models import PendingDailyTotal
        from qunfang.reporting.models import PendingReportTally

        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT count(*) FROM {table(PendingDailyTotal)}),"
                f" (SELECT count(*) FROM {table(PendingReportTally)})"
            )
            self.counts.append(sum(cursor.fetchone()))


class Watched:
    """What watches a round: the lock sampler, the pending deltas, and (but for the bare way) the probe
    and the root's reader."""

    def __init__(self, scope, root, villages: list[int], kind, day: date, design: str) -> None:
        import dataclasses

        from concurrent_reports import LockSampler

        from qunfang.core.models import OrgUnit
        from qunfang.mobilization import selectors, services

        kept = selectors.TOTALS  # the pending design, whatever the probe writes by
        services.TOTALS = kept if design == "pending" else dataclasses.replace(kept, pending=None)
        self.watches = [LockSampler(), PendingSampler()]
        if design != "bare":
            sample = OrgUnit.objects.filter(pk__in=villages[::97])
            self.watches += [RootReader(scope, root, kind, day), Probe(list(sample), kind, day)]
        for watch in self.watches:
            watch.start()

    def stop(self) -> dict:
        from concurrent_reports import LockSampler

        from qunfang.mobilization import selectors, services

        for watch in self.watches:
            (watch.done.set() if isinstance(watch, LockSampler) else watch.stop())
        self.watches[0].join()
        services.TOTALS = selectors.TOTALS
        locks, pending = self.watches[:2]
        found = {"waiting": locks.waiting, "active": locks.active, "pending": pending.counts}
        if len(self.watches) == 4:
            reader, probe = self.watches[2:]
            found |= {"lags": reader.lags(probe.committed), "reads": reader.took, "probe_writes": probe.took}
        return found
