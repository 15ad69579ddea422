"""The worker's clock outlives a database that is busy or away for a round (on the demo's first start,
SQLite's write lock held by a long task once killed the clock's thread for good)."""

import pytest
from django.db import OperationalError

from qunfang.core.management.commands import worker


class Stop(Exception):
    pass


def test_the_clock_queues_again_after_a_round_the_database_refused(monkeypatch):
    queued, rounds = [], []

    class Task:
        def __init__(self, name):
            self.name = name

        def enqueue(self):
            if not rounds:
                raise OperationalError("database is locked")
            queued.append(self.name)

    def sleep(seconds):
        rounds.append(seconds)
        if len(rounds) == 2:
            raise Stop

    monkeypatch.setattr(worker, "CLOCK", [("a", 60), ("b", 60)])
    monkeypatch.setattr(worker, "import_string", Task)
    monkeypatch.setattr(worker.time, "sleep", sleep)
    with pytest.raises(Stop):
        worker.run_clock()
    assert queued == ["a", "b"]  # refused in the first round, queued in the second
