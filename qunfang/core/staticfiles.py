"""Static files as a phone on a slow network wants them: each under a name that carries a hash of its
content (so a browser keeps it for a year and never asks again), compressed once with brotli and gzip
when they are collected, served by WhiteNoise from the app server.

`ensure_collected()` collects them into STATIC_ROOT when the files in the apps have changed since the
last time; `qunfang serve` (and so the demo) and the test session call it before anything is served."""

from __future__ import annotations

import fcntl
import hashlib
import io

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.utils.functional import empty
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage (hashed names, .br and .gz beside each file), which also rewrites
    the paths that ES modules import (guard.js imports pass-check.js), so that a hashed module imports
    the hashed files and the browser's cache of them holds for a release."""

    support_js_module_import_aggregation = True

    def stored_name(self, name):
        # Before the first collection there is no manifest at all: the plain names, which WhiteNoise
        # serves from the apps (WHITENOISE_USE_FINDERS), keep the pages working, uncached. Once a
        # manifest exists a name missing from it is a mistake and raises as usual.
        if not self.hashed_files:
            return name
        return super().stored_name(name)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with hashed files kept for a year (`immutable`) rather than its ten: a year is what
    HTTP caches are asked to honour at most, and a release renames every file it changes anyway."""

    FOREVER = 365 * 24 * 60 * 60


def sources_fingerprint() -> str:
    """A hash of every static file the apps hold (names and contents) and of the storage that collects
    them: when it is unchanged, what STATIC_ROOT holds is still right."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    found = {}
    for finder in finders.get_finders():
        for path, storage in finder.list(None):
            found.setdefault(path, storage.path(path))  # the first found wins, as in collectstatic
    for path in sorted(found):
        digest.update(path.encode() + b"\0")
        with open(found[path], "rb") as source:
            digest.update(hashlib.sha256(source.read()).digest())
    return digest.hexdigest()


def ensure_collected() -> bool:
    """Collect the static files into STATIC_ROOT unless they are already there as the apps hold them
    now. Safe to call from several processes at once (the test workers): one collects, the others
    wait for it. Answers whether it collected."""
    root = settings.STATIC_ROOT
    root.mkdir(parents=True, exist_ok=True)
    # Beside STATIC_ROOT, not in it: WhiteNoise serves everything in it.
    stamp = root.with_name(root.name + ".collected-from")
    with open(root.with_name(root.name + ".collect-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = sources_fingerprint()
        if stamp.exists() and stamp.read_text() == wanted and (root / "staticfiles.json").exists():
            # Another process collected them: this one's storage, if already made, reads the manifest.
            if staticfiles_storage._wrapped is not empty and not staticfiles_storage.hashed_files:
                staticfiles_storage.hashed_files, _hash = staticfiles_storage.load_manifest()
            return False
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
        stamp.write_text(wanted)
        return True
