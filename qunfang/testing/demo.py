"""One demo database for the tests that only read the demo: the whole demo (every roll at full
scale) is loaded once, inside a transaction; each test that asks for it (the `demo` fixture) runs in a
savepoint of that transaction, and a test that did not ask, or the end of the session, rolls it back.
A test that writes (a second load, to show it adds nothing) is undone with its savepoint."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


class SharedDemo:
    # The one that holds the database now: a test that did not ask for the demo rolls it back first.
    loaded: SharedDemo | None = None

    def __init__(self, folder: Path, blocker, in_process_settings: Callable[[Path], dict]):
        self.folder = folder  # the demo's uploads and messages log, which the rollback does not undo
        self.settings = {**in_process_settings(folder), "DEMO_ROLL_SCALE": 1, "DEMO_COMMUNITY_SCALE": 1}
        self._blocker = blocker
        self._atomic = None

    def load(self) -> None:
        if self._atomic is not None:
            return
        with self._blocker.unblock():
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            try:
                with override_settings(**self.settings):
                    call_command("load_demo", stdout=io.StringIO())  # the sign-ins it prints
            except BaseException:
                self.unload()
                raise
        SharedDemo.loaded = self

    def unload(self) -> None:
        if self._atomic is None:
            return
        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self._atomic = None
        SharedDemo.loaded = None
