"""Page weight on a phone: the bytes each role's phone pages cost on the wire, on a first visit (an empty
browser cache) and on a repeat visit (the same browser opens the page again), against the goals of
350 KB and 30 KB. Served as in production (`qunfang serve`: gunicorn, 2 workers) from a fresh
installation with the demo data, beside the same installation served by the code of the commit before
static files were hashed and compressed ("before", from `git archive`), in the same run. Debian's
Chromium through Playwright at 390x844. The bytes are counted on the wire: every byte each server sends
to the browser passes through a counting relay on 127.0.0.1 (headers and bodies as sent, the service
worker's own fetches on the guard's page included); Chromium's own count for the page (CDP
Network.loadingFinished encodedDataLength, which leaves out what a service worker fetched) is kept
beside it as a check.

    .venv/bin/python benchmarks/page_weight.py                       # a twentieth of the rolls (~5 min)
    .venv/bin/python benchmarks/page_weight.py --scale 1             # the demo at full size (~6 min)
    .venv/bin/python benchmarks/page_weight.py --before-commit ''    # no "before" server

It sets up everything itself (an installation under a temporary folder on SQLite, its servers on
127.0.0.1) and stops it all at the end. Writes benchmarks/results/page_weight.json.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import results

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 390, "height": 844}
GOAL_FIRST, GOAL_REPEAT = 350_000, 30_000
# The commit this work started from: plain names served from the apps, uncompressed, the full ECharts.
BEFORE = "55ff26c7c5c091efcc41f557959077d35e8103cf"
DEMO_PERIOD = "?start=2020-01-24&end=2020-02-03"  # the days the demo's villages recorded activities

# The demo's places and gate, as paths; printed by the installation's shell.
PATHS = """
import json
from django.urls import reverse
from qunfang.community.models import Gate
from qunfang.core.models import OrgUnit
village = OrgUnit.objects.get(name="迳口村")
gate = Gate.objects.filter(community__name="在水一方社区").order_by("pk").first()
print(json.dumps({
    "dashboard": reverse("briefings:dashboard", args=[village.pk]) + PERIOD,
    "stats": reverse("mobilization:stats", args=[village.pk]) + PERIOD,
    "guard": reverse("community:guard", args=[gate.pk]),
}))
"""


def phone_pages(paths: dict) -> list[tuple[str, str, str, str | None]]:
    """(user, what, path, the element that says the page is ready) for each role's phone pages."""
    chart = "#daily-chart[data-drawn=yes] canvas"
    return [
        ("lj_station", "station clerk's home", "/", None),
        ("lj_station", "village dashboard, chart", paths["dashboard"], chart),
        ("jk_clerk", "village clerk's home", "/", None),
        ("jk_clerk", "activities stats, chart", paths["stats"], chart),
        ("nk_clerk", "village clerk's home", "/", None),
        ("zs_grid", "grid worker's home", "/", None),
        ("zs_guard", "guard's home", "/", None),
        ("zs_guard", "guard's gate page", paths["guard"], "#guard[data-ready]"),
        ("jk_volunteer", "volunteer's home", "/", None),
    ]


class Relay:
    """A TCP relay on 127.0.0.1 in front of a server that counts the bytes the server sends back."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sent = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return  # closed
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:  # not listening yet
                client.close()
                continue
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source, target, counted: bool) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
                if counted:
                    with self.lock:
                        self.sent += len(chunk)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


def open_page(context, url: str, ready: str | None) -> int:
    """Open `url` in a new tab of `context`, wait until it is ready and quiet, and answer Chromium's
    count of the bytes the page itself received."""
    page = context.new_page()
    received: dict[str, int] = {}
    session = context.new_cdp_session(page)
    session.on(
        "Network.loadingFinished", lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"])
    )
    session.send("Network.enable")
    page.goto(url)
    if ready:
        page.wait_for_selector(ready, state="attached", timeout=30000)
    page.wait_for_load_state("networkidle")
    time.sleep(0.5)  # the last bytes through the relay, the last events
    page.close()
    return sum(received.values())


def signed_in(browser, base_url: str, user: str) -> dict:
    """The cookies of a signed-in session, from a context thrown away: the measured one starts empty."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", user)
    from qunfang.core.demo import DEMO_PASSWORD  # the demo's published sign-ins; Django is set up by now

    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    state = context.storage_state()
    context.close()
    return state


def weigh(browser, base_url: str, relay: Relay, user: str, path: str, ready: str | None) -> dict:
    context = browser.new_context(viewport=PHONE, storage_state=signed_in(browser, base_url, user))
    figures = {}
    for visit in ("first", "repeat"):
        sent_before = relay.sent
        figures[f"{visit}_cdp_page"] = open_page(context, base_url + path, ready)
        figures[visit] = relay.sent - sent_before
    context.close()
    return figures


def prepare(work: Path, scale: float):
    """A fresh installation with the demo data, and the demo's paths."""
    from qunfang.testing.processes import Site

    site = Site(work / "site")
    site.env["QUNFANG_DEMO_ROLL_SCALE"] = str(scale)
    site.env["QUNFANG_DEMO_COMMUNITY_SCALE"] = str(scale)
    site.qunfang("migrate")
    site.qunfang("load_demo")
    paths = json.loads(site.shell(PATHS.replace("PERIOD", repr(DEMO_PERIOD))).splitlines()[-1])
    return site, paths


def start_server(command: list[str], env: dict, cwd: Path, log: Path) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)


def wait_for(url: str, server: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def servers(work: Path, site, before_commit: str) -> dict[str, tuple[str, Relay, subprocess.Popen]]:
    """The installation served by this code ("after") and, on the same database, by the code of
    `before_commit` ("before"): name → (base URL of its counting relay, the relay, the process)."""
    from qunfang.testing.processes import free_port

    started = {}
    trees = {"after": ROOT}
    if before_commit:
        tree = work / "before"
        tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", before_commit], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        trees["before"] = tree
    for name, tree in trees.items():
        port = free_port()
        log = work / f"{name}.log"
        command = [
            sys.executable,
            str(tree / "manage.py"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ]
        # The tree's own package first: the before server runs the old code, with its own qunfang.
        env = {**site.env, "PYTHONPATH": str(tree)}
        relay = Relay(port)
        started[name] = (f"http://127.0.0.1:{relay.port}", relay, start_server(command, env, tree, log))
    for base_url, _relay, process in started.values():
        wait_for(base_url + "/healthz", process)
    return started


def measure(args) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qunfang.settings")
    os.environ.setdefault("QUNFANG_VAR_DIR", tempfile.mkdtemp(prefix="qunfang-bench-var-"))
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from qunfang.conftest import BROWSER_ARGS

    work = Path(tempfile.mkdtemp(prefix="qunfang-weight-"))
    site, paths = prepare(work, args.scale)
    started = servers(work, site, args.before_commit)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=BROWSER_ARGS)
            for user, what, path, ready in phone_pages(paths):
                row = {"user": user, "page": what, "path": path}
                for name, (base_url, relay, _process) in started.items():
                    row[name] = weigh(browser, base_url, relay, user, path, ready)
                rows.append(row)
            browser.close()
    finally:
        for _base_url, relay, process in started.values():
            relay.close()
            process.terminate()
            process.wait(timeout=30)
    return summary(rows)


def summary(rows: list[dict]) -> dict:
    after = [row["after"] for row in rows]
    figures = {
        "goal_first_bytes": GOAL_FIRST,
        "goal_repeat_bytes": GOAL_REPEAT,
        "pages": rows,
        "largest_first_after": max(f["first"] for f in after),
        "largest_repeat_after": max(f["repeat"] for f in after),
    }
    figures["goals_met"] = (
        figures["largest_first_after"] <= GOAL_FIRST and figures["largest_repeat_after"] <= GOAL_REPEAT
    )
    if all("before" in row for row in rows):
        figures["largest_first_before"] = max(row["before"]["first"] for row in rows)
        figures["largest_repeat_before"] = max(row["before"]["repeat"] for row in rows)
        figures["largest_first_ratio"] = round(
            figures["largest_first_after"] / figures["largest_first_before"], 3
        )
    return figures


def kb(n: int | None) -> str:
    return "-" if n is None else f"{n / 1000:.1f}"


def report(figures: dict) -> str:
    lines = [
        "Page weight on a phone (390x844), KB on the wire (1 KB = 1000 bytes); goals: first visit "
        f"<= {kb(GOAL_FIRST)}, repeat visit <= {kb(GOAL_REPEAT)}",
        f"{'user':<13}{'page':<27}{'first before':>13}{'first after':>12}{'ratio':>7}"
        f"{'repeat before':>14}{'repeat after':>13}{'ok':>4}",
    ]
    for row in figures["pages"]:
        before, after = row.get("before", {}), row["after"]
        ratio = f"{after['first'] / before['first']:.2f}" if before.get("first") else "-"
        ok = after["first"] <= GOAL_FIRST and after["repeat"] <= GOAL_REPEAT
        lines.append(
            f"{row['user']:<13}{row['page']:<27}{kb(before.get('first')):>13}{kb(after['first']):>12}{ratio:>7}"
            f"{kb(before.get('repeat')):>14}{kb(after['repeat']):>13}{'yes' if ok else 'NO':>4}"
        )
    lines.append(
        f"largest after: first {kb(figures['largest_first_after'])} KB, "
        f"repeat {kb(figures['largest_repeat_after'])} KB"
        f" (before: first {kb(figures.get('largest_first_before'))} KB, repeat "
        f"{kb(figures.get('largest_repeat_before'))} KB); goals met: {figures['goals_met']}"
    )
    cdp = ", ".join(
        f"{r['page']} {kb(r['after']['first_cdp_page'])}/{kb(r['after']['repeat_cdp_page'])}"
        for r in figures["pages"]
    )
    lines.append(f"Chromium's count for the page alone (CDP), after, first/repeat: {cdp}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.05, help="the demo's rolls (1: full size)")
    parser.add_argument("--before-commit", default=BEFORE, help="the code served as 'before' ('' for none)")
    parser.add_argument("--chromium", default=os.environ.get("QUNFANG_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    figures = measure(args)
    print(report(figures))
    path = results.record("page_weight", figures, options=vars(args))
    print(f"written to {path}")
    return 0 if figures["goals_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
