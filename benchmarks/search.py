"""Search benchmark: finding a veteran by exact ID number or mobile among millions on PostgreSQL,
against a primary-key lookup of the same record in the same run. Prints both medians and the ratio.

    .venv/bin/python benchmarks/search.py                           # 3,000,000 veterans, a private server
    .venv/bin/python benchmarks/search.py --veterans 300000         # a quicker look
    .venv/bin/python benchmarks/search.py --database-url postgres://postgres@127.0.0.1:54330/bench

The roll is made by `qunfang synth` (through the import's checks and writes), once: with
--database-url a second run reuses it. The search is what the roll's page and the API run for a
province's bureau admin: the scoped selector, the blind index of the typed value, the place joined,
the protected values decrypted to their masks. The bar: at most 2x the primary-key lookup. The
figures go to benchmarks/results/search.json.
"""

import argparse
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

import results
from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LOOKUPS = 400
ROUNDS = 3


def medians_ms(functions, values) -> list[float]:
    """The median time of each function over the values, taken in turns (each value through every
    function before the next value), so that a noisy moment of the machine falls on all alike."""
    times: list[list[float]] = [[] for _ in functions]
    for value in values:
        for function, kept in zip(functions, times, strict=True):
            started = time.perf_counter()
            function(value)
            kept.append((time.perf_counter() - started) * 1000)
    return [statistics.median(kept) for kept in times]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--veterans", type=int, default=3_000_000)
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    args = parser.parse_args()

    prepare_environment("search", args.database_url)
    if args.database_url:
        run(args.veterans, vars(args))
        return
    again_on_private_postgres(__file__, ["--veterans", str(args.veterans)])


def run(veterans: int, options: dict) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from qunfang.core import services as core_services
    from qunfang.core.access import Scope
    from qunfang.core.models import OrgUnit, User
    from qunfang.core.roles import Role
    from qunfang.registry import selectors, synthetic
    from qunfang.registry.models import Veteran

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("synth", veterans=veterans)
    print(f"roll ready in {time.perf_counter() - started:,.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_veteran")

    province = OrgUnit.objects.get(code=synthetic.SYNTH_PROVINCE_CODE.ljust(12, "0"))
    admin = User.objects.filter(username="search-bench").first() or core_services.create_user(
        by=None,
        username="search-bench",
        full_name="基准",
        password=secrets.token_urlsafe(16),  # nobody signs in: the benchmark calls the selector
        place=province,
        role=Role.BUREAU_ADMIN,
    )
    scope = Scope.for_user(admin)
    picked = sorted(random.Random(7).sample(range(veterans), LOOKUPS))
    # Row i of the synthetic roll is the same person every time: its ID number and mobile are known.
    villages = synthetic.synth_tree()[1]
    people = {}
    for i in picked:
        row = next(synthetic.rows(villages, 1, start=i, phone_base=13000000000, region="980100"))
        people[i] = (row[1], row[4])
    pks = {i: Veteran.objects.get(id_number_index=selectors.find_index(people[i][0])[1]).pk for i in picked}

    def by_pk(i):
        veteran = Veteran.objects.get(pk=pks[i])
        assert str(veteran.id_number)

    def by_id_number(i):
        found = list(selectors.veterans(scope, search=people[i][0]))
        assert [v.pk for v in found] == [pks[i]]

    def by_mobile(i):
        found = list(selectors.veterans(scope, search=people[i][1]))
        assert pks[i] in [v.pk for v in found]

    medians_ms([by_pk, by_id_number, by_mobile], picked[:50])  # warm the caches alike
    pk_ms, id_ms, mobile_ms = medians_ms([by_pk, by_id_number, by_mobile], picked * ROUNDS)
    total = Veteran.objects.count()
    print(
        f"{total:,} veterans on PostgreSQL {connection.pg_version // 10000}, {LOOKUPS * ROUNDS} lookups each"
    )
    print(f"primary-key lookup      median {pk_ms:6.2f} ms")
    for label, ms in (("exact ID number search", id_ms), ("exact mobile search", mobile_ms)):
        print(f"{label:<23} median {ms:6.2f} ms   ratio {ms / pk_ms:4.2f}x  (bar: at most 2x)")
    figures = {
        "veterans": total,
        "lookups": LOOKUPS * ROUNDS,
        "median_ms": {
            "primary_key": round(pk_ms, 3),
            "id_number": round(id_ms, 3),
            "mobile": round(mobile_ms, 3),
        },
        "id_number_ratio": round(id_ms / pk_ms, 2),
        "mobile_ratio": round(mobile_ms / pk_ms, 2),
    }
    print(f"figures written to {results.record('search', figures, options=options)}")


if __name__ == "__main__":
    main()
