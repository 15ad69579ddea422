"""Care benchmark: a village station's "due this week" list and a province's overdue calls and visits by
city, read from what care keeps (the ContactDue rows, the DueTotal counts up the tree), against the same
answers reckoned from the raw visit history (each person's last contact and the rule's interval) in the
same run. Prints both medians, the ratio and whether the answers agree (goal: the list under 50 ms and
at least 50x the raw reckoning).

    .venv/bin/python benchmarks/care_due.py                         # 3,000,000 veterans, two contacts
                                                                    # each over 2019, private PostgreSQL
    .venv/bin/python benchmarks/care_due.py --veterans 300000       # a quicker look
    .venv/bin/python benchmarks/care_due.py --database-url postgres://postgres@127.0.0.1:54400/bench

The places are benchmarks/ledger.py's province; the veterans, their contacts and their dues are made in
the server (one statement each), then the kept counts by the service's own rebuild. The raw side gets
an index on (veteran, day) for its reads and fresh statistics. The figures go to
benchmarks/results/care_due.json."""

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import results
from ledger import bench_admin, build_tree, medians_ms
from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = 7
TODAY = date(2020, 1, 10)  # the day the reads are asked on: the year of 2019's contacts just behind
EVERY_MONTHS = 3


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--veterans", type=int, default=3_000_000)
    parser.add_argument("--contacts", type=int, default=2, help="contacts of each veteran over 2019")
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    args = parser.parse_args()
    prepare_environment("care_due", args.database_url)
    if args.database_url:
        run(args.veterans, args.contacts, vars(args))
        return
    again_on_private_postgres(__file__, ["--veterans", str(args.veterans), "--contacts", str(args.contacts)])


def fill(root, leaves: list[int], veterans: int, contacts: int):
    """Veterans over the villages, their contacts over 2019, a quarterly rule and each one's due (the
    interval after the last contact), in the server; then the kept counts rebuilt."""
    from django.db import connection, transaction

    from qunfang.care.models import CareRule
    from qunfang.care.services import kept
    from qunfang.core.personal import ID_NUMBER, Protected

    rule = CareRule.objects.filter(place=root).first()
    if rule is not None:
        return rule
    started = time.perf_counter()
    sealed = Protected.seal(ID_NUMBER, _sample_id()).ciphertext
    with transaction.atomic(), connection.cursor() as cursor:
        rule = CareRule.objects.create(
            place=root,
            name="基准：每季度电话",
            kind="call",
            every_months=EVERY_MONTHS,
            starts=date(2019, 1, 1),
        )
        cursor.execute("CREATE TEMP TABLE leaves (n integer PRIMARY KEY, place_id bigint)")
        cursor.execute(
            "INSERT INTO leaves SELECT ordinality - 1, id FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(id)",
            [leaves],
        )
        cursor.execute(VETERANS_SQL, [sealed, veterans, len(leaves)])
        cursor.execute(CONTACTS_SQL, [contacts])
        cursor.execute(DUES_SQL, [rule.pk])
    print(
        f"{veterans:,} veterans, their contacts and dues made in {time.perf_counter() - started:,.0f} s",
        flush=True,
    )
    started = time.perf_counter()
    made = kept.rebuild_totals()
    print(f"{made:,} kept counts made in {time.perf_counter() - started:,.0f} s", flush=True)
    return rule


def _sample_id() -> str:
    from qunfang.core.personal import check_character

    return "44180319500101123" + check_character("44180319500101123")


VETERANS_SQL = (
    "INSERT INTO registry_veteran (place_id, name, id_number, id_number_index, birth_date, sex, address,"
    " category, status, service_branch, party_member, sms_opt_out, created_at, updated_at)"
    " SELECT l.place_id, '老兵' || i, %s, md5(i::text), DATE '1950-01-01' + (i %% 9000)::integer, 'male',"
    " '村' || i || '号', 'retired_soldier', 'active', '', false, false, TIMESTAMPTZ '2015-01-01', now()"
    " FROM generate_series(0, %s - 1) AS i JOIN leaves l ON l.n = i %% %s"
)
# Each veteran's calls of 2019, on days spread over the year.
CONTACTS_SQL = (
    "INSERT INTO care_contact (veteran_id, place_id, kind, day, note, photo, photo_name, on_time, created_at)"
    " SELECT v.id, v.place_id, 'call', DATE '2019-01-01' + ((v.id * 7919 + k * 104729) %% 365)::integer,"
    " '', '', '', true, now() FROM registry_veteran v CROSS JOIN generate_series(1, %s) AS k"
)
# What the service keeps: each one's next call, the interval after the last.
DUES_SQL = (
    "INSERT INTO care_contactdue (veteran_id, place_id, rule_id, reason, kind, due, town_on, district_on)"
    " SELECT c.veteran_id, c.place_id, %s, 'rule', 'call', c.due, c.due + 7, c.due + 30 FROM"
    " (SELECT veteran_id, MAX(place_id) AS place_id, (MAX(day) + interval '3 months')::date AS due"
    " FROM care_contact GROUP BY veteran_id) c"
)
RAW_DUE_SQL = (
    "SELECT v.id, (MAX(c.day) + interval '3 months')::date AS due FROM registry_veteran v"
    " JOIN care_contact c ON c.veteran_id = v.id WHERE v.place_id = %s AND v.status = 'active'"
    " GROUP BY v.id HAVING (MAX(c.day) + interval '3 months')::date < %s ORDER BY due, v.id"
)
RAW_BY_CITY_SQL = (
    "SELECT city.id, COUNT(*) FROM (SELECT c.veteran_id, MAX(c.day) AS last FROM care_contact c"
    " GROUP BY c.veteran_id) last JOIN registry_veteran v ON v.id = last.veteran_id AND v.status = 'active'"
    " JOIN core_orgunit p ON p.id = v.place_id JOIN core_orgunit city ON city.parent_id = %s"
    " AND p.path LIKE city.path || '%%' WHERE (last.last + interval '3 months')::date < %s GROUP BY city.id"
)


def run(veterans: int, contacts: int, options: dict) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from qunfang.care import selectors
    from qunfang.core.access import Scope

    call_command("migrate", verbosity=0)
    root, leaves = build_tree("province")
    fill(root, leaves, veterans, contacts)
    scope = Scope.for_user(bench_admin("care-bench", root))
    village = leaves[len(leaves) // 2]
    from qunfang.core.models import OrgUnit

    village = OrgUnit.objects.get(pk=village)
    week_end = TODAY + timedelta(days=7)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_contact_veteran_day ON care_contact (veteran_id, day)"
        )
        cursor.execute("VACUUM ANALYZE care_contact")
        cursor.execute("VACUUM ANALYZE care_contactdue")
        cursor.execute("VACUUM ANALYZE care_duetotal")

    def kept_list():
        return [(d.veteran_id, d.due) for d in selectors.due_this_week(scope, village, TODAY)]

    def raw_list():
        with connection.cursor() as cursor:
            cursor.execute(RAW_DUE_SQL, [village.pk, week_end])
            return [tuple(row) for row in cursor.fetchall()]

    def kept_by_city():
        return sorted((r["place"].pk, r["total"]) for r in selectors.overdue_by_child(root, TODAY))

    def raw_by_city():
        with connection.cursor() as cursor:
            cursor.execute(RAW_BY_CITY_SQL, [root.pk, TODAY])
            return sorted(tuple(row) for row in cursor.fetchall())

    agree_list, agree_cities = kept_list() == raw_list(), kept_by_city() == raw_by_city()
    kept_ms, raw_ms, kept_city_ms, raw_city_ms = medians_ms(
        [kept_list, raw_list, kept_by_city, raw_by_city], ROUNDS
    )
    figures = {
        "veterans": veterans,
        "contacts_each": contacts,
        "station_due_this_week_kept_ms": round(kept_ms, 2),
        "station_due_this_week_raw_ms": round(raw_ms, 2),
        "station_ratio": round(raw_ms / kept_ms, 1),
        "station_answers_agree": agree_list,
        "province_overdue_by_city_kept_ms": round(kept_city_ms, 2),
        "province_overdue_by_city_raw_ms": round(raw_city_ms, 2),
        "province_ratio": round(raw_city_ms / kept_city_ms, 1),
        "province_answers_agree": agree_cities,
    }
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(f"figures written to {results.record('care_due', figures, options=options)}")


if __name__ == "__main__":
    main()
