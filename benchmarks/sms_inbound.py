"""Reports by SMS in a burst: 10,000 zero reports texted by 1,000 registered stations (ten days each)
and pushed through Aliyun's inbound callback (one message a push, as the fake gateway plays it), against
the same number of zero reports of the same stations submitted through the API (POST /api/v1/reports,
ten other days), at the same concurrency, in the same run. Both go through the WSGI application in
this process (Django's test client, one per thread), so neither pays for an HTTP server the other does
not. Prints both rates and their ratio (goal: at least 0.8); records to benchmarks/results/.

The SMS path does more per report: it keeps the inbound message, reads the station's keywords, parses
the text and queues the reply (a task row in the database queue) beside the same submit_report.

    .venv/bin/python benchmarks/sms_inbound.py                      # 10,000 each, private PostgreSQL
    .venv/bin/python benchmarks/sms_inbound.py --messages 2000      # a quick look
    .venv/bin/python benchmarks/sms_inbound.py --database-url postgres://postgres@127.0.0.1:54411/bench
"""

import argparse
import json
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from private_postgres import again_on_private_postgres, prepare_environment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
STATIONS = 1000
TOKEN = "bench-inbound-token"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=10_000, help="reports each way (default 10,000)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent senders (default 4)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of each (default 5)")
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    args = parser.parse_args()
    prepare_environment("sms-inbound", args.database_url)
    import os

    os.environ["QUNFANG_SMS_INBOUND_TOKEN"] = TOKEN
    os.environ["QUNFANG_TASKS_BACKEND"] = "database"
    if args.database_url:
        run(args)
    else:
        again_on_private_postgres(
            __file__, ["--messages", str(args.messages), "--threads", str(args.threads)]
        )


def _world(stations: int):
    from qunfang.core import services as core
    from qunfang.core.models import Level
    from qunfang.core.roles import Role
    from qunfang.smsreports import services

    province = core.create_place(by=None, parent=None, name="测试省", level=Level.PROVINCE, code="91")
    city = core.create_place(by=None, parent=province, name="测试市", level=Level.CITY, code="9101")
    district = core.create_place(by=None, parent=city, name="测试区", level=Level.DISTRICT, code="910101")
    admin = core.create_user(
        by=None, username="bench", full_name="测试", password="x" * 16, place=district, role=Role.BUREAU_ADMIN
    )
    villages, phones = [], []
    for t in range(stations // 100):
        town = core.create_place(
            by=None, parent=district, name=f"镇{t}", level=Level.TOWN, code=f"910101{t + 1:03d}"
        )
        for v in range(100):
            village = core.create_place(
                by=None,
                parent=town,
                name=f"村{t}-{v}",
                level=Level.VILLAGE,
                code=f"910101{t + 1:03d}{v + 1:03d}",
            )
            phone = f"139{len(villages):08d}"
            services.register_phone(by=None, place=village, phone=phone)
            villages.append(village)
            phones.append(phone)
    return admin, villages, phones


def _burst(jobs: list, threads: int, send) -> float:
    """Seconds to send every job with `threads` senders, each with its own client."""
    from qunfang.testing.clients import ClosingClient

    lock, at = threading.Lock(), [0]
    failures: list[str] = []

    def sender():
        client = ClosingClient()
        while True:
            with lock:
                if at[0] >= len(jobs):
                    return
                job, at[0] = jobs[at[0]], at[0] + 1
            answer = send(client, job)
            if answer.status_code not in (200, 201):
                failures.append(answer.content.decode()[:200])

    workers = [threading.Thread(target=sender) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failures:
        raise SystemExit(f"{len(failures)} refused, e.g. {failures[0]}")
    return time.perf_counter() - started


def run(args) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from qunfang.core.services import issue_token
    from qunfang.reporting.models import Report
    from qunfang.smsreports import fake_uplink
    from qunfang.smsreports.models import InboundMessage, Outcome

    days = max(1, args.messages // STATIONS)
    admin, villages, phones = _world(STATIONS)
    _token, raw = issue_token(by=admin, name="bench")
    today = timezone.localdate()
    api_days = [today - timedelta(days=40 + n) for n in range(days)]
    sms_days = [today - timedelta(days=10 + n) for n in range(days)]
    api_jobs = [(v.pk, day) for day in api_days for v in villages][: args.messages]
    sent = timezone.now()
    sms_jobs = [
        fake_uplink.aliyun_item(n, phones[n % STATIONS], f"日报 {day.month}-{day.day} 0", sent)
        for n, day in enumerate(d for d in sms_days for _v in villages)
    ][: args.messages]

    def api_send(client, job):
        place_id, day = job
        body = {
            "data_set": "epidemic_daily",
            "place_id": place_id,
            "period_start": day.isoformat(),
            "zero": True,
        }
        body["submission"] = f"bench-{place_id}-{day}"
        return client.post(
            "/api/v1/reports",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    def sms_send(client, item):
        return client.post(
            f"/api/v1/sms/inbound/aliyun/{TOKEN}", json.dumps([item]), content_type="application/json"
        )

    # Interleaved rounds, so that both paths meet the same machine (other processes' load comes and
    # goes) and the same size of tables; one of each first, untimed, to warm both up.
    _burst(api_jobs[:1], 1, api_send)
    _burst(sms_jobs[:1], 1, sms_send)
    api_seconds = sms_seconds = 0.0
    size = -(-(len(api_jobs) - 1) // args.rounds)
    for start in range(1, len(api_jobs), size):
        api_seconds += _burst(api_jobs[start : start + size], args.threads, api_send)
        sms_seconds += _burst(sms_jobs[start : start + size], args.threads, sms_send)
    print(f"({args.rounds} rounds of {size} each way, {args.threads} senders)")
    recorded = InboundMessage.objects.filter(outcome=Outcome.RECORDED).count()
    reports = Report.objects.filter(period_start__in=sms_days, zero=True).count()
    assert recorded == reports == len(sms_jobs), (recorded, reports, len(sms_jobs))
    assert Report.objects.filter(period_start__in=api_days).count() == len(api_jobs)
    _report(args, len(api_jobs) - 1, api_seconds, sms_seconds)  # each way, less the warm-up


def _report(args, timed: int, api_seconds: float, sms_seconds: float) -> None:
    from results import record

    api_rate, sms_rate = timed / api_seconds, timed / sms_seconds
    ratio = sms_rate / api_rate
    print(f"API:  {timed} reports in {api_seconds:.1f} s, {api_rate:.0f}/s")
    print(f"SMS:  {timed} reports in {sms_seconds:.1f} s, {sms_rate:.0f}/s")
    print(f"ratio SMS/API: {ratio:.2f} (goal >= 0.8)")
    path = record(
        "sms_inbound",
        {
            "api_reports_per_second": round(api_rate, 1),
            "sms_reports_per_second": round(sms_rate, 1),
            "ratio": round(ratio, 3),
            "reports_each": timed,
        },
        options={
            "messages": args.messages,
            "threads": args.threads,
            "rounds": args.rounds,
            "stations": STATIONS,
        },
    )
    print(f"recorded to {path}")


if __name__ == "__main__":
    main()
