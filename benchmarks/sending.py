"""Sending benchmark: a campaign sent through the Aliyun SMS client (the real code: signing, one HTTP
request per message, each outcome written to its message row, the provider's rate taken from the shared
window) by 4 worker processes, against the fake gateway on loopback running in a process of its own; and
in the same run the gateway's own ceiling: 4 processes doing nothing but the same signed requests.
Prints both rates (medians of the rounds) and the ratio (goal: at least 0.7), and writes them to
benchmarks/results/sending.json. PostgreSQL, as several workers need.

    .venv/bin/python benchmarks/sending.py                    # 20,000 messages, private PostgreSQL
    .venv/bin/python benchmarks/sending.py --messages 5000    # a quicker look
"""

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

import results
from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS, WORKERS = 3, 4
KEY_ID, SECRET, SIGN, TEMPLATE = "LTAI-bench", "bench-secret", "合成省退役军人事务厅", "SMS_BENCH"


def serve_gateway(ports, stop) -> None:
    """The fake gateway, in its own process as the real one is on its own machine."""
    from qunfang.messaging.fake_gateway import FakeAliyunSms

    with FakeAliyunSms(
        keys={KEY_ID: SECRET},
        sign_names={SIGN},
        templates={TEMPLATE: {"name", "place"}},
        per_number_per_minute=10**6,
    ) as gateway:
        ports.put(gateway.url)
        stop.wait()


def configure(url: str) -> None:
    from django.conf import settings

    settings.MESSAGING_BACKENDS = {
        **settings.MESSAGING_BACKENDS,
        "sms": "qunfang.messaging.aliyun.AliyunSmsBackend",
    }
    settings.ALIYUN_SMS = {
        "ACCESS_KEY_ID": KEY_ID,
        "ACCESS_KEY_SECRET": SECRET,
        "SIGN_NAME": SIGN,
        "ENDPOINT": url,
    }
    # High enough not to hold anyone back, so the shared window's cost is in the figure.
    settings.MESSAGING_RATES = {**settings.MESSAGING_RATES, "aliyun": "1000000/1"}
    settings.MESSAGING_QUIET_HOURS = None


def bare_client(url: str, count: int, start, done) -> None:
    """The gateway's ceiling: the same signed requests, with no database and nothing else around them."""
    import django

    django.setup()
    configure(url)
    from qunfang.messaging.aliyun import AliyunSmsBackend
    from qunfang.messaging.backends import Outgoing, Recipient

    client = AliyunSmsBackend()
    messages = [
        Outgoing(
            [Recipient("某某", f"+86139{n:08d}")],
            "x",
            template_code=TEMPLATE,
            params={"name": "某某", "place": "某村"},
            key=f"b{n}",
        )
        for n in range(count)
    ]
    start.wait()
    for message in messages:
        client.send(message)
    done.put(count)


def campaign_worker(url: str, campaign_id: int, start, done) -> None:
    import django

    django.setup()
    configure(url)
    from qunfang.messaging import services

    start.wait()
    done.put(services.send_campaign(campaign_id))


def timed(target, args_of, workers: int) -> tuple[float, int]:
    start, done = multiprocessing.Event(), multiprocessing.Queue()
    processes = [
        multiprocessing.Process(target=target, args=(*args_of(n), start, done)) for n in range(workers)
    ]
    for process in processes:
        process.start()
    time.sleep(3)  # every process has set Django up and waits at the line
    began = time.perf_counter()
    start.set()
    total = sum(done.get() for _ in processes)
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
    return elapsed, total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    args = parser.parse_args()
    prepare_environment("sending", args.database_url)
    if args.database_url:
        run(args.messages, vars(args))
        return
    again_on_private_postgres(__file__, ["--messages", str(args.messages)])


def run(count: int, options: dict) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from qunfang.core.models import OrgUnit
    from qunfang.messaging import services
    from qunfang.messaging.models import Message, MessageState

    call_command("migrate", verbosity=0)
    call_command("synth", veterans=count, verbosity=0)
    province = OrgUnit.objects.get(name="合成省", parent=None)
    template = services.save_template(
        by=None, place=province, name="基准", channel="sms", approved=True, provider_code=TEMPLATE,
        body="{name}同志：请做好防护。{place}",
    )  # fmt: skip
    connection.close()  # the processes below must not share this connection

    ports, stop = multiprocessing.Queue(), multiprocessing.Event()
    gateway = multiprocessing.Process(target=serve_gateway, args=(ports, stop))
    gateway.start()
    url = ports.get()
    per_client = count // WORKERS
    rates: dict[str, list[float]] = {"ceiling": [], "campaign": []}
    try:
        for _round in range(ROUNDS):
            elapsed, sent = timed(bare_client, lambda n: (url, per_client), WORKERS)
            rates["ceiling"].append(sent / elapsed)
            campaign = services.create_campaign(
                by=None, place=province, name="基准", template=template, filters={}
            )
            # Started without its task: the four workers below send it.
            services._freeze(campaign, {})  # noqa: SLF001 (the start, without queueing a task)
            connection.close()
            elapsed, sent = timed(campaign_worker, lambda n, pk=campaign.pk: (url, pk), WORKERS)
            assert Message.objects.filter(campaign=campaign, state=MessageState.SENT).count() == sent
            rates["campaign"].append(sent / elapsed)
            connection.close()
            print(
                f"round {_round + 1}: ceiling {rates['ceiling'][-1]:,.0f}/s,"
                f" campaign {rates['campaign'][-1]:,.0f}/s",
                flush=True,
            )
    finally:
        stop.set()
        gateway.join()
    _report(rates, count, options)


def _report(rates: dict[str, list[float]], count: int, options: dict) -> None:
    ceiling, sending = statistics.median(rates["ceiling"]), statistics.median(rates["campaign"])
    print(
        f"sending {count:,} messages with {WORKERS} workers: median {sending:,.0f} messages/s;"
        f" the gateway's ceiling median {ceiling:,.0f}/s; ratio {sending / ceiling:4.2f} (goal: at least 0.7)"
    )
    figures = {
        "messages": count,
        "workers": WORKERS,
        "rounds": ROUNDS,
        "median_per_second": {"campaign": round(sending, 1), "gateway_ceiling": round(ceiling, 1)},
        "campaign_over_ceiling": round(sending / ceiling, 2),
    }
    print(f"figures written to {results.record('sending', figures, options=options)}")


if __name__ == "__main__":
    main()
