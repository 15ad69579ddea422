"""The scale-out drill on 127.0.0.1 (testing/cluster.py): two `qunfang serve` hosts with var/ folders of
their own, a PostgreSQL primary and its synchronous streaming replica, a Redis, one worker on each host.

1. A clerk signs in on host A and goes on with the same cookies on host B: a page, and a form that A
   gave her sent to B.
2. A roll she uploads on A is checked and imported by whichever worker takes it (reading the file from
   the shared uploads), and its progress shows on both hosts' pages (from the shared cache: the
   worker's own file cache would show it on its own host only).
3. A campaign of several hundred console messages, sent by both workers together: every message once,
   across both workers' messages.log.
4. The dashboard is read from the replica: with the replica's replay paused, another user's dashboard
   on B does not show what the clerk just recorded on A, the clerk's own does; resumed, both do.
5. Failover: while clients write the day's work through the API on both hosts, the primary is stopped
   at once and the replica promoted; the hosts answer again, and every write answered 2xx is on the
   promoted server, once (a write not answered is sent again with its submission key, and made once).

Timings go to test-output/drill.json. It brings its own PostgreSQL servers, so it runs once, in the
PostgreSQL pass of scripts/test.sh."""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from django.conf import settings
from django.utils import timezone

from qunfang.core.demo import DEMO_PASSWORD
from qunfang.testing.cluster import Cluster, Host, Visitor, answers
from qunfang.testing.processes import postgres_folder, wait_until

pytestmark = [
    pytest.mark.process,
    pytest.mark.system,
    pytest.mark.skipif(
        "postgres" not in os.environ.get("QUNFANG_DATABASE_URL", ""),
        reason="the drill starts PostgreSQL servers of its own (a primary and its replica): it runs in the "
        "PostgreSQL pass of scripts/test.sh, which installs PostgreSQL",
    ),
]

ROLL_ROWS = 6000  # six progress steps of the import's writing (lib: a step every 1,000 rows)
TAG = "电工"  # every tenth synthetic veteran: the campaign's 600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SET_UP = """
from qunfang.core import demo, services
from qunfang.core.models import OrgUnit, User
from qunfang.registry import synthetic
demo.load()
village = OrgUnit.objects.select_related("parent").get(name="迳口村")
with open({path!r}, "wb") as out:
    out.write(synthetic.xlsx(synthetic.rows([village], {rows})))
_token, raw = services.issue_token(by=User.objects.get(username="jk_clerk"), name="drill")
print(raw, village.pk, village.parent.pk)
"""

CAMPAIGN = """
from qunfang.core.models import OrgUnit
from qunfang.messaging import services
village = OrgUnit.objects.get(name="迳口村")
template = services.save_template(by=None, place=village, name={name!r}, channel="console", approved=True,
                                  body="{{name}}同志：请做好防护。")
campaign = services.create_campaign(by=None, place=village, name={name!r}, template=template,
                                    filters={{"tag": {tag!r}}})
services.start_campaign(by=None, campaign=campaign)
print(campaign.pk)
"""


@pytest.fixture
def cluster():
    root = postgres_folder("qunfang-drill-")
    deployment = Cluster(root)
    yield deployment
    deployment.close()
    for host in deployment.hosts:
        print(host.logs())  # shown when the test failed
    shutil.rmtree(root, ignore_errors=True)


def today() -> str:
    return timezone.now().astimezone(ZoneInfo(settings.TIME_ZONE)).date().isoformat()


def days_ago(days: int) -> str:
    return (timezone.now().astimezone(ZoneInfo(settings.TIME_ZONE)).date() - timedelta(days=days)).isoformat()


def test_the_scale_out_drill(cluster):
    timings: dict[str, float] = {}
    started = cluster.began
    a, b = cluster.hosts
    timings["set up: PostgreSQL primary and replica, Redis (s)"] = time.monotonic() - started
    step = time.monotonic()
    restored = cluster.migrate(kept=Path(settings.VAR_DIR))
    timings["set up: tables restored (s)" if restored else "set up: tables migrated (s)"] = (
        time.monotonic() - step
    )
    step = time.monotonic()
    roll_path = cluster.root / "roll.xlsx"
    token, village, town = a.shell(SET_UP.format(path=str(roll_path), rows=ROLL_ROWS)).split()
    timings["set up: places, people, the roll's file (s)"] = time.monotonic() - step
    step = time.monotonic()
    cluster.start()
    timings["set up: two hosts serving, two workers (s)"] = time.monotonic() - step

    clerk = Visitor("jk_clerk")
    step = time.monotonic()
    sessions_are_shared(a, b, clerk, village)
    timings["1. signed in on A, went on on B"] = time.monotonic() - step

    step = time.monotonic()
    timings.update(import_progress_is_shared(a, b, town, village, roll_path.read_bytes()))
    timings["2. roll imported, progress on both hosts"] = time.monotonic() - step

    step = time.monotonic()
    timings.update(a_campaign_is_sent_once_by_both_workers(cluster, a, b))
    timings["3. campaign sent by both workers"] = time.monotonic() - step

    step = time.monotonic()
    timings.update(the_dashboard_is_read_from_the_replica(cluster, a, b, clerk, village))
    timings["4. dashboard from the replica"] = time.monotonic() - step

    step = time.monotonic()
    timings.update(failover_loses_no_answered_write(cluster, a, b, token, village))
    timings["5. failover"] = time.monotonic() - step
    timings["the whole drill"] = time.monotonic() - started

    out = Path(settings.BASE_DIR, "test-output")
    out.mkdir(exist_ok=True)
    report = {name: round(value, 2) if isinstance(value, float) else value for name, value in timings.items()}
    (out / "drill.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(json.dumps(report, ensure_ascii=False, indent=1))


# --- 1. sessions -----------------------------------------------------------------------------------------


def sessions_are_shared(a: Host, b: Host, clerk: Visitor, village: str) -> None:
    # Two servers on one machine, each with gunicorn's control socket in its own var/ folder.
    assert all((host.var_dir / "gunicorn.ctl").exists() for host in (a, b))
    clerk.sign_in(a.base, "jk_clerk", DEMO_PASSWORD)
    page = clerk.get(f"{b.base}/places/{village}/activities/day/")
    assert page.status_code == 200 and "/accounts/login/" not in page.url, "B did not know A's session"
    assert "谢小梅" in page.text  # her name in the page's header: signed in as herself
    # The form A gave her, sent to B (its CSRF token and submission key from A).
    day = days_ago(10)
    answer = clerk.submit(
        f"{a.base}/places/{village}/activities/day/",
        "submission",
        {"day": day, "count_door_to_door": "3", "reached_door_to_door": "5"},
        to=b.base,
    )
    assert answer.status_code == 200 and "/activities/day/" not in answer.url, answer.text[:3000]
    recorded = a.query(
        "SELECT r.count FROM mobilization_activityrecord r JOIN mobilization_activitytype t"
        " ON t.id = r.activity_type_id WHERE r.place_id = %s AND r.day = %s AND t.code = 'door_to_door'",
        (int(village), day),
    )
    assert recorded == [(3,)]


# --- 2. an import's progress -----------------------------------------------------------------------------

BADGE = re.compile(r'class="badge job-(\w+)"')
PROGRESS = re.compile(r'<progress max="(\d+)" value="(\d+)"')


def _import_state(clerk: Visitor, host: Host, job: str) -> tuple[str, tuple[int, int] | None]:
    page = clerk.get(f"{host.base}/roll-imports/{job}/")
    assert page.status_code == 200, page.text[:2000]
    status = BADGE.search(page.text)
    progress = PROGRESS.search(page.text)
    return status.group(1) if status else "", (int(progress[2]), int(progress[1])) if progress else None


def _watch(clerk: Visitor, hosts: tuple[Host, Host], job: str, until: set[str], seen: dict) -> str:
    """Read the import's page on each host in turn until it is in one of `until`; keeps in `seen` what
    progress (done, total) each host showed."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        for host in hosts:
            status, progress = _import_state(clerk, host, job)
            if progress and progress[1] > 1:  # 1: no progress in this host's cache (the page's default)
                seen[host.name].add(progress)
            if status in until:
                return status
    raise AssertionError(f"import {job} did not reach {until}")


def import_progress_is_shared(a: Host, b: Host, town: str, village: str, roll: bytes) -> dict:
    clerk = Visitor("lj_station")  # the town's station brings in the roll of its villages
    clerk.sign_in(a.base, "lj_station", DEMO_PASSWORD)
    answer = clerk.submit(
        f"{a.base}/places/{town}/veterans/import/", "file", files={"file": ("花名册.xlsx", roll, XLSX)}
    )
    found = re.search(r"/roll-imports/(\d+)/$", answer.url)
    assert found, f"the upload was not taken: {answer.url} {answer.text[:2000]}"
    job = found[1]
    seen: dict[str, set] = {a.name: set(), b.name: set()}
    checked = time.monotonic()
    clerk.submit(f"{a.base}/roll-imports/{job}/", "id_number")  # the columns as guessed: check every row
    assert _watch(clerk, (b, a), job, {"checked", "failed"}, seen) == "checked"
    checked = time.monotonic() - checked
    imported = time.monotonic()
    clerk.submit(f"{a.base}/roll-imports/{job}/", "submission_key", action="/confirm/")
    assert _watch(clerk, (b, a), job, {"done", "failed"}, seen) == "done"
    imported = time.monotonic() - imported
    rows = a.query("SELECT new_count, total_rows FROM registry_rollimport WHERE id = %s", (int(job),))
    assert rows == [(ROLL_ROWS, ROLL_ROWS)]
    assert a.query("SELECT COUNT(*) FROM registry_veteran WHERE place_id = %s", (int(village),)) == [
        (ROLL_ROWS,)
    ]
    # The worker that ran it wrote the progress to the cache; both hosts' pages showed it.
    for host in (a, b):
        assert any(0 < done <= total == ROLL_ROWS for done, total in seen[host.name]), (
            f"host {host.name} never showed the import's progress: {seen}"
        )
    return {
        "2. dry run of the roll (s)": checked,
        "2. import of the roll (s)": imported,
        "2. progress steps seen on A": len(seen[a.name]),
        "2. progress steps seen on B": len(seen[b.name]),
        "2. import run by the worker of host": _runner((a, b), "import_roll_task"),
    }


def _runner(hosts: tuple[Host, Host], task: str) -> str:
    """Which host's worker ran the task (its worker id starts with the process's host:pid)."""
    ids = hosts[0].query(
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s ORDER BY id DESC",
        (f"%{task}",),
    )[0][0]
    pid = int(ids[-1].split(":")[1])
    return next(host.name for host in hosts if any(p.pid == pid for p in host.processes))


# --- 3. a campaign shared by the workers ----------------------------------------------------------------


def a_campaign_is_sent_once_by_both_workers(cluster: Cluster, a: Host, b: Host) -> dict:
    begun = time.monotonic()
    campaign = int(b.shell(CAMPAIGN.format(tag=TAG, name="演练")))

    wait_until(lambda: _campaign_status(a, campaign) == "done", timeout=180, interval=0.2)
    took = time.monotonic() - begun
    messages = {
        f"qf{pk}"
        for (pk,) in a.query(
            "SELECT id FROM messaging_message WHERE campaign_id = %s AND state = 'sent'", (campaign,)
        )
    }
    expected = a.query("SELECT COUNT(*) FROM messaging_message WHERE campaign_id = %s", (campaign,))[0][0]
    assert expected >= 500 and len(messages) == expected, (expected, len(messages))
    sent: dict[str, collections.Counter] = {}
    for host in (a, b):
        lines = host.messages_log.read_text().splitlines() if host.messages_log.exists() else []
        entries = [json.loads(line) for line in lines]
        sent[host.name] = collections.Counter(
            e["key"] for e in entries if e["topic"] == f"campaign-{campaign}"
        )
    together = sent[a.name] + sent[b.name]
    assert set(together) == messages and max(together.values()) == 1, together.most_common(3)
    assert sent[a.name] and sent[b.name], (
        f"one worker sent the whole campaign: {[len(s) for s in sent.values()]}"
    )
    return {
        "3. messages": expected,
        "3. sent by the worker of A": len(sent[a.name]),
        "3. sent by the worker of B": len(sent[b.name]),
        "3. campaign sent in (s)": took,
    }


def _campaign_status(site: Host, campaign: int) -> str:
    return site.query("SELECT status FROM messaging_campaign WHERE id = %s", (campaign,))[0][0]


# --- 4. the dashboard from the replica ------------------------------------------------------------------


def _broadcasts(visitor: Visitor, host: Host, place: str, day: str) -> int:
    page = visitor.get(f"{host.base}/places/{place}/dashboard/?start={day}&end={day}")
    assert page.status_code == 200 and "/accounts/login/" not in page.url, page.text[:2000]
    found = re.search(r'class="figure">([^<]*)</span><span class="what">宣传广播', page.text)
    return int(re.sub(r"\D", "", found[1])) if found else 0


def the_dashboard_is_read_from_the_replica(
    cluster: Cluster, a: Host, b: Host, clerk: Visitor, village: str
) -> dict:
    leader = Visitor("qy_leader")  # the city's leader: sees the village's figures, writes nothing
    leader.sign_in(b.base, "qy_leader", DEMO_PASSWORD)
    day = days_ago(3)
    postgres = cluster.postgres
    before = _broadcasts(leader, b, village, day)
    # A commit just replayed: the replica is not taken for lagging before it has lagged a while.
    postgres.primary.query("SELECT txid_current()")
    wait_until(postgres.caught_up, timeout=30)
    postgres.pause_replay()
    paused = time.monotonic()
    try:
        answer = clerk.submit(
            f"{a.base}/places/{village}/activities/day/", "submission", {"day": day, "count_broadcasts": "7"}
        )
        assert answer.status_code == 200 and "/activities/day/" not in answer.url, answer.text[:3000]
        assert _broadcasts(leader, b, village, day) == before, "the dashboard was not read from the replica"
        assert _broadcasts(clerk, b, village, day) == before + 7, "the writer does not read her own write"
        # Paused for longer than a replica may lag, it is left for the primary: the others see it too.
        wait_until(lambda: _broadcasts(leader, b, village, day) == before + 7, timeout=30, interval=0.3)
        fallback = time.monotonic() - paused
    finally:
        postgres.resume_replay()
    wait_until(postgres.caught_up, timeout=30)
    assert _broadcasts(leader, b, village, day) == before + 7
    return {"4. a paused replica left for the primary after (s)": fallback}


# --- 5. failover ----------------------------------------------------------------------------------------


class Writer(threading.Thread):
    """A station's app on a bad day: the day's work through the API, one submission key per write,
    written down with the answer (0: no answer at all)."""

    def __init__(self, host: Host, token: str, village: str):
        super().__init__(daemon=True)
        self.host, self.token, self.village = host, token, village
        self.outcomes: list[tuple[str, int, float]] = []  # key, status, when it was sent
        self.stop = threading.Event()
        self.session = requests.Session()
        self.session.trust_env = False

    def send(self, key: str) -> int:
        body = {
            "place_id": int(self.village),
            "day": today(),
            "entries": [{"type": "sms_reminders", "count": 1}],
            "submission": key,
        }
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key}
        try:
            return self.session.post(
                f"{self.host.base}/api/v1/activities/records", json=body, headers=headers, timeout=30
            ).status_code
        except requests.RequestException:
            return 0

    def run(self) -> None:
        while not self.stop.is_set():
            key = f"drill-{self.host.name}-{uuid.uuid4().hex[:12]}"
            sent_at = time.monotonic()
            status = self.send(key)
            self.outcomes.append((key, status, sent_at))
            if status == 0 or status >= 500:
                time.sleep(0.1)


def failover_loses_no_answered_write(cluster: Cluster, a: Host, b: Host, token: str, village: str) -> dict:
    writers = [Writer(host, token, village) for host in (a, b)]
    for writer in writers:
        writer.start()
    try:
        wait_until(lambda: all(sum(s < 300 for _k, s, _t in w.outcomes) >= 10 for w in writers), timeout=60)
        stopped = time.monotonic()
        cluster.postgres.stop_primary()
        time.sleep(1)  # the operator (or the failover manager) sees it and acts
        cluster.postgres.promote()
        promoted = time.monotonic()

        def resumed(writer: Writer) -> float | None:
            after = [t for _k, s, t in writer.outcomes if t >= promoted and s < 300]
            return min(after) - promoted if len(after) >= 5 else None

        wait_until(lambda: all(resumed(w) is not None for w in writers), timeout=90, interval=0.2)
    finally:
        for writer in writers:
            writer.stop.set()
        for writer in writers:
            writer.join(timeout=60)
    outcomes = [outcome for writer in writers for outcome in writer.outcomes]
    statuses = collections.Counter(status for _key, status, _at in outcomes)
    answered = {key for key, status, _at in outcomes if 200 <= status < 300}
    unanswered = {key for key, status, _at in outcomes if not 200 <= status < 300}
    assert unanswered, "stopping the primary interrupted no write"
    # While there is no primary: "try again" (503), or no answer at all; never a server error.
    assert set(statuses) <= {201, 503, 0}, statuses
    # The writes that got no answer, sent again with their keys: each is made once now.
    retried = collections.Counter(writers[0].send(key) for key in sorted(unanswered))
    assert set(retried) <= {200, 201}, retried
    stored = collections.Counter(
        key
        for (key,) in a.query(
            "SELECT submission FROM mobilization_activityrecord WHERE submission LIKE 'drill-%%'"
        )
    )
    lost = answered - set(stored)
    assert not lost, f"{len(lost)} answered writes are not on the promoted server"
    assert set(stored) == answered | unanswered and max(stored.values()) == 1, stored.most_common(3)
    for host in (a, b):
        assert answers(host.base + "/healthz")
    # The workers outlived their database's failover: a campaign started now is sent by both.
    assert all(host.processes[1].poll() is None for host in (a, b)), "a worker died with its database"
    after = int(a.shell(CAMPAIGN.format(tag=TAG, name="演练之后")))
    wait_until(lambda: _campaign_status(a, after) == "done", timeout=120, interval=0.2)
    return {
        "5. writes answered 2xx": len(answered),
        "5. writes not answered while the primary was down": len(unanswered),
        "5. answers": dict(statuses),
        "5. promoted, seconds after the primary stopped": promoted - stopped,
        "5. A answered again, seconds after the promotion": resumed(writers[0]),
        "5. B answered again, seconds after the promotion": resumed(writers[1]),
        "5. retried unanswered writes": dict(retried),
    }
