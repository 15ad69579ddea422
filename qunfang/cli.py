"""The `qunfang` command: every manage.py command, plus `demo` and `serve`.

qunfang demo            migrate the embedded database, load the demo data, serve on 127.0.0.1:8000
qunfang serve           the production server (gunicorn) against whatever database is configured
qunfang worker          background tasks (imports) from the database queue; run it beside `serve`
qunfang synth --veterans N   a synthetic province with N veterans, for benchmarks
qunfang backup/restore  a consistent backup while running, and bringing it back on a fresh machine
qunfang <command>       any Django management command (migrate, createsuperuser, load_demo, …)
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile

from qunfang.lib.env import env_int, env_str


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qunfang.settings")
    command = argv[1] if len(argv) > 1 else "help"
    if command == "demo":
        return demo(argv[2:])
    if command == "serve":
        return serve(argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


def _server_arguments(args: list[str], default_workers: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="qunfang serve")
    parser.add_argument("--bind", default=env_str("BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=env_int("WORKERS", default_workers))
    # Threads in each worker (more than one: gunicorn's threaded worker). One by default: under load,
    # threads of one process that wait on the database wait again for the interpreter's lock held by a
    # busy sibling, and the load benchmark served fewer signed-in requests with four than with one.
    parser.add_argument("--threads", type=int, default=env_int("THREADS", 1))
    return parser.parse_args(args)


def serve(args: list[str], default_workers: int = 2, deploy_check: bool = True) -> int:
    options = _server_arguments(args, default_workers)
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    if deploy_check:
        call_command("check", "--deploy", "--fail-level", "ERROR")
    from qunfang.core.staticfiles import ensure_collected

    # The pages name the collected files (hashed, compressed): collect them when the apps' have changed.
    if ensure_collected():
        print(f"Static files collected into {settings.STATIC_ROOT}", flush=True)
    print(f"Qunfang is serving at http://{options.bind}/", flush=True)
    # Replace this process with gunicorn, so that signals (Ctrl-C, systemd) reach the server itself.
    os.execv(
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "qunfang.wsgi:application",
            "--bind",
            options.bind,
            "--workers",
            str(options.workers),
            "--threads",
            str(options.threads),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "20",
            "--control-socket",
            control_socket(settings.VAR_DIR),
        ],
    )
    return 0  # not reached


def control_socket(var_dir) -> str:
    """Where this installation's gunicorn listens for `gunicornc`: in its own var/ folder, since
    gunicorn's default is one path per user (~/.gunicorn/gunicorn.ctl) that a second server on the
    machine would take over. A socket's path may be 107 bytes at most; a deep folder's goes to /tmp
    under a name of its own."""
    path = os.path.join(os.path.abspath(var_dir), "gunicorn.ctl")
    if len(path.encode()) > 100:
        digest = hashlib.sha256(path.encode()).hexdigest()[:16]
        path = os.path.join(tempfile.gettempdir(), f"qunfang-{digest}.ctl")
    return path


def demo(args: list[str]) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    # The demo runs its own task worker beside the web server (production runs `qunfang worker` as a
    # service of its own). Both stop together on Ctrl-C, which reaches the whole process group.
    subprocess.Popen([sys.executable, "-m", "qunfang.cli", "worker"])
    # The demo is plain HTTP on the loopback address: the deployment check's TLS advice does not apply.
    return serve(args, default_workers=1, deploy_check=False)


if __name__ == "__main__":
    sys.exit(main())
