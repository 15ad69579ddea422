"""Lists benchmark: the pages a bureau lives in, on the demo's data at full scale, server time with one
worker (Django's own request handling, in this process), against a bare view measured in the same run:
the veterans roll, the volunteers list, a veteran's page, a name search with hundreds of matches, the
roll's Excel export (11,200 veterans) and one community's, and the distinct donors of the province
root's dashboard figures. Prints each median against its goal and the bare view.

    .venv/bin/python benchmarks/lists.py                      # the demo at full scale on SQLite: loading
                                                              # it takes ~5 minutes, timing ~3 minutes
    QUNFANG_VAR_DIR=/tmp/lists-demo .venv/bin/python benchmarks/lists.py   # a second run reuses the demo
    .venv/bin/python benchmarks/lists.py --rounds 20 --export-rounds 3     # a quicker look
    .venv/bin/python benchmarks/lists.py --database-url postgres://postgres@127.0.0.1:54330/bench

The reader is the Hunnan district's bureau admin (浑南区: 11,200 veterans, 2,900 family members, nine
communities of 1,244): the people of the peer comparison. The requests are taken in turns, each page
once before any again, so that a noisy moment falls on all alike. Goals: the lists, the page and the
search under 10 ms; the export of 11,200 under 1 s.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

from ledger import bench_admin
from lists_donors import donors_steps, fill_gifts_once
from private_postgres import prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEARCH = "志强"  # one given name of 25: ~450 of the district's 11,200
GOALS_MS = {
    "roll": 10,
    "volunteers": 10,
    "veteran": 10,
    "search": 10,
    "export_district": 1000,
    "export_community": None,
    "donors_root": None,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=50, help="rounds of the pages")
    parser.add_argument("--export-rounds", type=int, default=8, help="rounds of the exports")
    parser.add_argument("--gifts", type=int, default=200_000, help="synthetic gifts under Guangdong")
    parser.add_argument("--database-url", help="a PostgreSQL database (else SQLite in the run's var/)")
    args = parser.parse_args()
    os.environ.setdefault("QUNFANG_DEMO_ROLL_SCALE", "1")
    prepare_environment("lists", args.database_url, settings="baseline_settings")
    run(args)


def load_demo() -> None:
    from django.core.management import call_command

    from qunfang.registry.models import Veteran

    call_command("migrate", verbosity=0)
    if not Veteran.objects.exists():
        started = time.perf_counter()
        call_command("load_demo", stdout=io.StringIO())
        print(f"demo loaded in {time.perf_counter() - started:,.0f} s", flush=True)


def pages(client, district, veteran, volunteers_at) -> dict:
    """Each timed request as a function answering its milliseconds (the body read and checked)."""

    def get(address: str, expect: bytes = b""):
        def ask() -> float:
            started = time.perf_counter()
            answer = client.get(address)
            body = b"".join(answer) if answer.streaming else answer.content
            elapsed = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200, (address, answer.status_code)
            assert expect in body, (address, expect)
            return elapsed

        return ask

    def export(search: str):
        def ask() -> float:
            started = time.perf_counter()
            answer = client.post(f"/veterans/export/?search={search}" if search else "/veterans/export/")
            body = b"".join(answer) if answer.streaming else answer.content
            elapsed = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200 and body.startswith(b"PK"), answer.status_code
            return elapsed

        return ask

    name_search = saved_search(client, {"q": SEARCH})
    community_search = saved_search(client, {"place": volunteers_at["community"].pk})
    return {
        "pages": {
            "bare": get("/bench/bare"),
            "roll": get("/veterans/", volunteers_at["community"].name.encode()),
            "volunteers": get(f"/places/{volunteers_at['district'].pk}/volunteers/"),
            "veteran": get(f"/veterans/{veteran.pk}/", veteran.name.encode()),
            "search": get(f"/veterans/?search={name_search}", SEARCH.encode()),
        },
        "exports": {
            "bare": get("/bench/bare"),
            "export_district": export(""),
            "export_community": export(community_search),
        },
    }


def saved_search(client, filters: dict) -> str:
    """The name the roll's page keeps a posted search under (see registry.views.veteran_list)."""
    answer = client.post("/veterans/", filters)
    assert answer.status_code == 302, answer.status_code
    return answer["Location"].split("search=", 1)[1]


def medians(steps: dict, rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _round in range(rounds):
        for name, step in steps.items():
            times[name].append(step())
    return {name: statistics.median(kept) for name, kept in times.items()}


def show(figures: dict[str, float], bare: float) -> None:
    for name, value in figures.items():
        goal = GOALS_MS.get(name)
        against = f"goal {goal:>6,} ms {'met' if value < goal else 'MISSED'}" if goal else " " * 20
        print(
            f"{name:19} median {value:9.2f} ms   {value / bare:8.1f}x the bare view   {against}", flush=True
        )


def run(args) -> None:
    import django

    django.setup()
    from qunfang.core.models import OrgUnit
    from qunfang.mobilization.models import Volunteer
    from qunfang.registry.models import Veteran
    from qunfang.testing.clients import client_for

    load_demo()
    district = OrgUnit.objects.get(code="210112000000")
    community = OrgUnit.objects.under(district).filter(level="village").order_by("path").first()
    client = client_for(bench_admin("lists-bench", district))
    veteran = Veteran.objects.under(district).filter(family__isnull=False).order_by("pk").first()
    volunteer_place = (
        OrgUnit.objects.filter(pk__in=Volunteer.objects.under(district).values("place")).order_by("depth")
    ).first() or district
    people = Veteran.objects.under(district).count()
    print(
        f"{people:,} veterans in {district.name}, {Veteran.objects.under(community).count():,} in"
        f" {community.name}; {Veteran.objects.under(district).filter(name__contains=SEARCH).count():,}"
        f" named with {SEARCH}; {Volunteer.objects.under(volunteer_place).count():,} volunteers",
        flush=True,
    )
    steps = pages(client, district, veteran, {"district": volunteer_place, "community": community})
    medians(steps["pages"], 2)  # warm the caches alike
    figures = medians(steps["pages"], args.rounds)
    exports = medians(steps["exports"], args.export_rounds)
    exports["bare_beside_exports"] = exports.pop("bare")
    figures.update(exports)
    show(figures, figures["bare"])
    fill_gifts_once(args.gifts)
    donors = medians(donors_steps(lambda root: bench_admin("lists-root-bench", root)), args.rounds)
    show(donors, figures["bare"])
    figures.update(donors)
    from results import record

    print(
        "written to",
        record("lists", {f"{k}_ms": round(v, 2) for k, v in figures.items()}, options=vars(args)),
    )


if __name__ == "__main__":
    main()
