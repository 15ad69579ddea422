"""Campaign start benchmark: freezing a campaign's recipients into message rows (the audience's query,
the text filled in by the database, one INSERT … SELECT — what `start_campaign` does) against a bare
bulk load of the same rows (COPY of rows already made, the fastest way in), in the same run on
PostgreSQL. Prints both medians and the ratio (bar: at most 3x); the figures go to
benchmarks/results/campaign.json.

    .venv/bin/python benchmarks/campaign.py                       # 1,000,000 recipients, private PostgreSQL
    .venv/bin/python benchmarks/campaign.py --veterans 200000     # a quicker look
    .venv/bin/python benchmarks/campaign.py --database-url postgres://postgres@127.0.0.1:54330/bench
"""

import argparse
import sys
import time
from pathlib import Path

import results
from ledger import timed_medians
from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = 3


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--veterans", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    args = parser.parse_args()
    prepare_environment("campaign", args.database_url)
    if args.database_url:
        run(args.veterans, vars(args))
        return
    again_on_private_postgres(__file__, ["--veterans", str(args.veterans)])


def run(veterans: int, options: dict) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from qunfang.core.models import OrgUnit
    from qunfang.lib.bulk import insert_rows
    from qunfang.messaging import services
    from qunfang.messaging.models import Campaign, Message
    from qunfang.registry.models import Veteran

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("synth", veterans=veterans, verbosity=0)
    province = OrgUnit.objects.get(name="合成省", parent=None)
    print(f"{Veteran.objects.count():,} veterans ready in {time.perf_counter() - started:,.0f} s", flush=True)
    template = services.save_template(
        by=None,
        place=province,
        name="基准",
        channel="console",
        approved=True,
        body="{name}同志：请做好防护。{place}",
    )
    recipients = services.audience(province, {})
    # The rows the bare load writes: exactly what the freeze makes, made beforehand in Python.
    rows_source = list(recipients.values_list("pk", "name", "place__name"))
    print(f"{len(rows_source):,} recipients", flush=True)

    def personal(name: str, place: str) -> str:
        return template.body.replace("{name}", name).replace("{place}", place)

    def campaign() -> Campaign:
        return services.create_campaign(by=None, place=province, name="基准", template=template, filters={})

    def freeze() -> float:
        made = campaign()
        began = time.perf_counter()
        with transaction.atomic():
            count = services._freeze(made, {})  # noqa: SLF001 (the step timed)
        elapsed = time.perf_counter() - began
        assert count == len(rows_source)
        return elapsed

    def bare() -> float:
        made = campaign()
        rows = [
            (made.pk, pk, personal(name, place), "queued", "", "", 0, "", "", "")
            for pk, name, place in rows_source
        ]
        fields = [
            "campaign", "veteran", "text", "state", "provider_id", "error",
            "attempts", "claimed_by", "outcome", "note",
        ]  # fmt: skip
        began = time.perf_counter()
        with transaction.atomic():
            insert_rows(Message, fields, rows)
        return time.perf_counter() - began

    def clear() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Message._meta.db_table}")
            cursor.execute(f"VACUUM ANALYZE {Veteran._meta.db_table}")

    medians = timed_medians({"bare": bare, "freeze": freeze}, ROUNDS, clear)
    frozen, loaded = medians["freeze"], medians["bare"]
    print(
        f"start a campaign to {len(rows_source):,}: freeze median {frozen:6.2f} s,"
        f" bare COPY of the same rows median {loaded:6.2f} s, ratio {frozen / loaded:4.2f}x (bar: at most 3x)"
    )
    figures = {
        "recipients": len(rows_source),
        "rounds": ROUNDS,
        "median_seconds": {"freeze": round(frozen, 3), "bare_copy": round(loaded, 3)},
        "freeze_over_bare": round(frozen / loaded, 2),
    }
    print(f"figures written to {results.record('campaign', figures, options=options)}")


if __name__ == "__main__":
    main()
