"""Django's deployment check (`qunfang check --deploy`, run by `qunfang serve` before it starts) made to
catch an installation served by several hosts (QUNFANG_APP_HOSTS above 1) that still keeps on one host's
disk what the others need: each finding is an error, so such a host refuses to start."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register

from qunfang.lib.env import env_str


def _under_var(path) -> bool:
    return Path(path).resolve().is_relative_to(Path(settings.VAR_DIR).resolve())


@register(Tags.caches, deploy=True)
def check_shared_state(app_configs=None, **kwargs) -> list[Error]:
    if settings.APP_HOSTS <= 1:
        return []
    hosts = settings.APP_HOSTS
    found = []
    if "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        found.append(
            Error(
                f"{hosts} hosts cannot share the embedded SQLite database in var/.",
                hint="Set QUNFANG_DATABASE_URL to the PostgreSQL primary.",
                id="qunfang.E101",
            )
        )
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        found.append(
            Error(
                "The cache (the tree's version, throttles, import progress, read-your-writes marks) is in "
                "files on this host; the other hosts would not see it.",
                hint="Set QUNFANG_REDIS_URL (or QUNFANG_CACHE_URL=redis://…) to the Redis every host uses.",
                id="qunfang.E102",
            )
        )
    if not settings.UPLOADS_SHARED and _under_var(settings.MEDIA_ROOT):
        found.append(
            Error(
                f"Uploads and generated files go to {settings.MEDIA_ROOT}, on this host's disk: a sheet "
                "uploaded here could not be imported by a worker on another host.",
                hint="Set QUNFANG_UPLOADS_DIR to a directory every host mounts.",
                id="qunfang.E103",
            )
        )
    for variable, what in (("SECRET_KEY", "signs sessions and links"), ("FIELD_KEY", "encrypts ID numbers")):
        if not env_str(variable):
            found.append(
                Error(
                    f"QUNFANG_{variable} is not set: this host would make its own key in var/ ({what}), "
                    "unlike the others'.",
                    hint=f"Give every host the same QUNFANG_{variable}.",
                    id="qunfang.E104",
                )
            )
    if "ImmediateBackend" in settings.TASKS["default"]["BACKEND"]:
        found.append(
            Error(
                "Background tasks run inside the web process that queued them.",
                hint="Use the database queue (the default) or QUNFANG_TASKS_BACKEND=rq.",
                id="qunfang.E105",
            )
        )
    return found
