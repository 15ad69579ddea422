"""Roll import benchmark: a synthetic .xlsx roll of 100,000 veterans, imported by Qunfang, by
django-import-export (the usual Django tool for the job) into the same database in the same run, and
read by openpyxl alone (the floor: every import must read the file). Prints the medians and the ratios.

    .venv/bin/python benchmarks/roll_import.py                     # 100,000 rows, embedded SQLite
    .venv/bin/python benchmarks/roll_import.py --rows 20000        # a quicker look
    .venv/bin/python benchmarks/roll_import.py --database-url postgres://postgres@127.0.0.1:54330/bench

The issue's bar: Qunfang at least 10x faster than django-import-export, and at most 3x openpyxl's read.
Qunfang's time is the whole import as the worker runs it (read, check every row, encrypt, write in one
transaction); django-import-export gets the same file, the same model and the same derived fields (birth
date, sex, blind indexes, place), configured as its documentation recommends for large files (bulk
writes, no per-row diff report).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_url: str | None) -> None:
    var = tempfile.mkdtemp(prefix="qunfang-bench-")
    os.environ["QUNFANG_VAR_DIR"] = var
    os.environ["QUNFANG_TASKS_BACKEND"] = "immediate"
    os.environ["QUNFANG_MAX_IMPORT_ROWS"] = "1000000"
    os.environ["QUNFANG_MAX_UPLOAD_MB"] = "500"
    if database_url:
        os.environ["QUNFANG_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "qunfang.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_tree():
    """A district of 10 towns with 10 villages each, made through the services."""
    from qunfang.core import services
    from qunfang.core.models import Level, OrgUnit

    district = services.create_place(by=None, parent=None, name="基准区", level=Level.DISTRICT, code="449901")
    villages = []
    for t in range(10):
        town = services.create_place(by=None, parent=district, name=f"基准{t}镇", level=Level.TOWN)
        for v in range(10):
            villages.append(
                services.create_place(by=None, parent=town, name=f"基准{t}镇{v}村", level=Level.VILLAGE)
            )
    return district, [OrgUnit.objects.select_related("parent").get(pk=v.pk) for v in villages]


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def read_with_openpyxl(data: bytes) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # openpyxl's fastest read: no pass to size the sheet first
    for _row in sheet.iter_rows(values_only=True):
        pass
    workbook.close()


def import_with_qunfang(data: bytes, district) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qunfang.registry import services
    from qunfang.registry.models import RollImport

    job = services.start_roll_import(by=None, place=district, upload=SimpleUploadedFile("roll.xlsx", data))
    RollImport.objects.filter(pk=job.pk).update(status=RollImport.Status.IMPORTING)
    services.run_roll_import(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.new_count > 0, (job.status, job.errors[:3], job.message)


def import_export_resource(district, *, bulk: bool):
    """django-import-export's resource for the roll: the columns by their Chinese headings, and the
    values Qunfang derives (birth date, sex, place, the blind indexes) set before each row is saved.
    Its default configuration, or with `bulk` the settings its documentation gives for large files."""
    from import_export import fields, resources

    from qunfang.core.models import OrgUnit
    from qunfang.core.personal import ID_NUMBER, PHONE, Protected, parse_id_number
    from qunfang.registry.models import Veteran

    places = {p.name: p.pk for p in OrgUnit.objects.under(district)}

    class VeteranResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        id_number_index = fields.Field(attribute="id_number_index", column_name="id_index")
        address = fields.Field(attribute="address", column_name="家庭住址")

        class Meta:
            model = Veteran
            import_id_fields = ("id_number_index",)
            fields = ("name", "id_number_index", "address")
            use_bulk = bulk
            batch_size = 1000
            skip_diff = bulk

        def before_import_row(self, row, **kwargs):
            parsed = parse_id_number(str(row["身份证号"]))
            sealed = Protected.seal(ID_NUMBER, parsed.number)
            row["id_index"] = sealed.index
            row["_parsed"] = (
                parsed,
                sealed,
                Protected.seal(PHONE, str(row["联系电话"])),
                row["所属村(社区)"],
            )

        def import_instance(self, instance, row, **kwargs):
            super().import_instance(instance, row, **kwargs)
            parsed, sealed, phone, place = row["_parsed"]
            instance.id_number, instance.birth_date, instance.sex = sealed, parsed.birth_date, parsed.sex
            instance.phone, instance.phone_index = phone, phone.index
            instance.place_id = places[place]

    return VeteranResource()


def import_with_import_export(data: bytes, district, *, bulk: bool = False) -> None:
    import tablib

    from qunfang.registry.models import Veteran

    dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx", skip_lines=1)
    dataset.append_col([None] * len(dataset), header="id_index")
    result = import_export_resource(district, bulk=bulk).import_data(
        dataset, dry_run=False, use_transactions=True
    )
    assert not result.has_errors() and not result.has_validation_errors(), result.row_errors()[:3]
    assert Veteran.objects.count() == len(dataset)


def clear() -> None:
    from qunfang.registry.models import Move, Veteran

    Move.objects.all().delete()
    Veteran.tags.through.objects.all().delete()
    Veteran.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of openpyxl and Qunfang (median taken)")
    parser.add_argument("--database-url", help="PostgreSQL instead of the embedded SQLite")
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.db import connection

    from qunfang.registry import synthetic

    district, villages = make_tree()
    data = synthetic.xlsx(synthetic.rows(villages, args.rows))
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB .xlsx, database: {connection.vendor}", flush=True)

    openpyxl_times = [timed(lambda: read_with_openpyxl(data)) for _ in range(args.runs)]
    print(f"openpyxl read      median {statistics.median(openpyxl_times):7.2f} s", flush=True)
    qunfang_times = []
    for _ in range(args.runs):
        clear()
        qunfang_times.append(timed(lambda: import_with_qunfang(data, district)))
    print(f"Qunfang import     median {statistics.median(qunfang_times):7.2f} s", flush=True)
    clear()
    import_export_time = timed(lambda: import_with_import_export(data, district))
    print(
        f"django-import-export      {import_export_time:7.2f} s (one run, its default settings)", flush=True
    )
    clear()
    bulk_time = timed(lambda: import_with_import_export(data, district, bulk=True))
    print(f"django-import-export bulk {bulk_time:7.2f} s (one run, use_bulk and skip_diff)", flush=True)

    qunfang, floor = statistics.median(qunfang_times), statistics.median(openpyxl_times)
    print()
    print(
        f"django-import-export / Qunfang = {import_export_time / qunfang:5.1f}x faster  (bar: at least 10x)"
    )
    print(f"  with its bulk settings       = {bulk_time / qunfang:5.1f}x faster")
    print(f"Qunfang / openpyxl read        = {qunfang / floor:5.2f}x  (bar: at most 3x)")


if __name__ == "__main__":
    main()
