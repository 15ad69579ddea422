"""Roll import benchmark: a synthetic .xlsx roll of 100,000 veterans, imported by Qunfang, by
django-import-export (the usual Django tool for the job) into the same database in the same run, and
read by openpyxl alone (the floor: every import must read the file). Each side runs the same number of
times, in turns, on an empty roll; prints the medians and the ratios and writes them to
benchmarks/results/roll_import.json.

    .venv/bin/python benchmarks/roll_import.py                     # 100,000 rows, embedded SQLite
    .venv/bin/python benchmarks/roll_import.py --rows 20000        # a quicker look
    .venv/bin/python benchmarks/roll_import.py --default-settings  # django-import-export's defaults too
    .venv/bin/python benchmarks/roll_import.py --database-url postgres://postgres@127.0.0.1:54330/bench

The issue's bar: Qunfang at least 10x faster than django-import-export in its bulk configuration, and at
most 3x openpyxl's read. Qunfang's time is the whole import as the worker runs it (read, check every
row, look for the ID numbers already on the roll, encrypt, write in one transaction). django-import-export
gets the same file, the same model and the same derived fields (birth date, sex, blind indexes, place),
configured as its documentation's "Performance tuning" (docs/bulk_import.rst, 4.x) recommends for a
file of new rows: use_bulk with the default batch_size of 1000, force_init_instance (no lookup of
existing rows), skip_diff, and the rest of its defaults (skip_unchanged off: it needs the diff; no
stored instances or row values). It sets fewer columns than Qunfang (name, ID number, mobile, address,
place: no category, status, branch, years, party, tags or SMS opt-out), which is in its favour.
"""

import argparse
import io
import os
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
    Its default configuration, or with `bulk` the settings its documentation gives for large files
    of new rows."""
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
            # The documentation's performance tuning for a file of new rows (docs/bulk_import.rst).
            use_bulk = bulk
            batch_size = 1000  # its default; the documentation found None slower
            force_init_instance = bulk
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
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (median taken)")
    parser.add_argument(
        "--default-settings",
        action="store_true",
        help="also time django-import-export with its default settings (a row at a time, with diffs)",
    )
    parser.add_argument("--database-url", help="PostgreSQL instead of the embedded SQLite")
    args = parser.parse_args()
    setup_django(args.database_url)
    import results
    from django.db import connection
    from ledger import timed_medians

    from qunfang.registry import synthetic

    district, villages = make_tree()
    data = synthetic.xlsx(synthetic.rows(villages, args.rows))
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB .xlsx, database: {connection.vendor}", flush=True)

    def seconds(function):
        return lambda: timed(function)

    steps = {
        "openpyxl_read": seconds(lambda: read_with_openpyxl(data)),
        "qunfang": seconds(lambda: import_with_qunfang(data, district)),
        "import_export_bulk": seconds(lambda: import_with_import_export(data, district, bulk=True)),
    }
    if args.default_settings:
        steps["import_export_default"] = seconds(lambda: import_with_import_export(data, district))
    medians = timed_medians(steps, args.runs, clear)
    labels = {
        "openpyxl_read": "openpyxl read",
        "qunfang": "Qunfang import",
        "import_export_bulk": "django-import-export, bulk configuration",
        "import_export_default": "django-import-export, default settings",
    }
    for name, median in medians.items():
        print(f"{labels[name]:<42} median {median:7.2f} s  ({args.runs} runs)")
    qunfang = medians["qunfang"]
    figures = {
        "rows": args.rows,
        "database": connection.vendor,
        "runs": args.runs,
        "median_seconds": {name: round(median, 3) for name, median in medians.items()},
        "import_export_bulk_over_qunfang": round(medians["import_export_bulk"] / qunfang, 2),
        "qunfang_over_openpyxl_read": round(qunfang / medians["openpyxl_read"], 2),
    }
    print()
    print(
        f"django-import-export bulk / Qunfang = {figures['import_export_bulk_over_qunfang']:5.1f}x faster"
        "  (bar: at least 10x)"
    )
    if "import_export_default" in medians:
        figures["import_export_default_over_qunfang"] = round(medians["import_export_default"] / qunfang, 2)
        print(f"  with its default settings         = {figures['import_export_default_over_qunfang']:5.1f}x")
    floor = figures["qunfang_over_openpyxl_read"]
    print(f"Qunfang / openpyxl read             = {floor:5.2f}x  (bar: at most 3x)")
    print(f"figures written to {results.record('roll_import', figures, options=vars(args))}")


if __name__ == "__main__":
    main()
