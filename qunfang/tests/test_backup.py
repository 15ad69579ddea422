"""`qunfang backup` and `qunfang restore`: a consistent copy while the system is in use, brought back
on a fresh installation with every table equal."""

import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from qunfang.core import personal, services
from qunfang.core.models import User
from qunfang.lib.backup import read_manifest


def comparable(value):
    # Two connections may name the same instant in different time zones, and hand JSON back parsed or not.
    if isinstance(value, datetime) and value.tzinfo:
        return value.astimezone(UTC).isoformat()
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def all_rows(rows_by_table) -> dict:
    return {
        table: sorted(repr(tuple(map(comparable, row))) for row in rows)
        for table, rows in rows_by_table.items()
    }


def source_tables() -> dict[str, list]:
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            tables[table] = cursor.fetchall()
    return tables


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_on_a_fresh_installation_with_every_table_equal(site, tmp_path, settings):
    call_command("load_demo")
    services.issue_token(by=User.objects.get(username="qx_admin"), name="integration")
    settings.MEDIA_ROOT = tmp_path / "uploads"
    (tmp_path / "uploads" / "imports").mkdir(parents=True)
    (tmp_path / "uploads" / "imports" / "places.csv").write_text("code,name\n")

    call_command("backup", str(tmp_path))
    archive = next(tmp_path.glob("qunfang-backup-*.tar.gz"))
    manifest = read_manifest(archive)
    assert manifest["includes_keys"] is False and "secret_key" in manifest["keys"]

    # The keys go to the new machine apart from the archive, as docs/operations.md says.
    if personal.field_key_path().exists():
        shutil.copy(personal.field_key_path(), site.var_dir / "field_key")
    result = site.qunfang("restore", str(archive))
    assert "Restored" in result.stdout
    source = source_tables()
    restored = {table: site.query(f'SELECT * FROM "{table}"') for table in source}
    assert all_rows(restored) == all_rows(source)
    assert sum(len(rows) for rows in source.values()) > 100
    assert (site.var_dir / "uploads" / "imports" / "places.csv").read_text() == "code,name\n"


@pytest.mark.django_db(transaction=True)
def test_a_restore_refuses_a_database_that_is_not_empty_and_a_file_that_is_no_backup(world, site, tmp_path):
    call_command("backup", str(tmp_path / "one.tar.gz"))
    site.migrate()
    refused = site.qunfang("restore", str(tmp_path / "one.tar.gz"), check=False)
    assert refused.returncode != 0 and "not empty" in refused.stderr
    (tmp_path / "junk.tar.gz").write_bytes(b"not a backup")
    junk = site.qunfang("restore", str(tmp_path / "junk.tar.gz"), check=False)
    assert junk.returncode != 0 and "not a Qunfang backup" in junk.stderr


def test_a_backup_taken_while_places_are_being_written_is_consistent(site, tmp_path):
    site.migrate()
    site.qunfang("load_demo")
    writer = site.start("shell", "--no-imports", "-c", WRITER)
    try:
        time.sleep(2)  # let the writer get going
        archive = Path(site.qunfang("backup", str(tmp_path)).stdout.strip())
    finally:
        writer.terminate()
        writer.wait(timeout=30)
    fresh = type(site)(tmp_path / "fresh")
    try:
        shutil.copy(site.var_dir / "field_key", fresh.var_dir / "field_key")  # keys travel apart
        fresh.qunfang("restore", str(archive))
        places = fresh.query("SELECT COUNT(*) FROM core_orgunit")[0][0]
        created = fresh.query("SELECT COUNT(*) FROM core_auditentry WHERE action = 'place.create'")[0][0]
        demo_places = 43
        assert places == created > demo_places  # each place and its audit entry, or neither
        assert read_manifest(archive)["tables"]["core_orgunit"] == places
    finally:
        fresh.drop()


# Creates grids under a village, one transaction each, until stopped.
WRITER = """
import itertools
from qunfang.core import personal, services
from qunfang.core.models import User
from qunfang.core.models import OrgUnit, Level
village = OrgUnit.objects.get(name="迳口村")
for number in itertools.count():
    services.create_place(by=None, parent=village, name=f"写入网格{number}", level=Level.GRID)
"""


@pytest.mark.django_db(transaction=True)
def test_the_personal_data_key_travels_only_when_asked_and_a_restore_without_it_is_refused(site, tmp_path):
    personal.Protected.seal(personal.PHONE, "13800138000")  # makes the key, as the first record would
    call_command("backup", str(tmp_path / "without.tar.gz"))
    call_command("backup", str(tmp_path / "with.tar.gz"), "--include-keys")
    assert read_manifest(tmp_path / "without.tar.gz")["keys"]["field_key"]

    refused = site.qunfang("restore", str(tmp_path / "without.tar.gz"), check=False)
    assert refused.returncode != 0 and "field_key" in refused.stderr

    site.qunfang("restore", str(tmp_path / "with.tar.gz"))
    assert (site.var_dir / "field_key").read_bytes().strip() == personal.master_key_bytes()
