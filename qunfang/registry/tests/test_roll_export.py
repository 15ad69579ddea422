"""Exporting the roll: small lists at once, large ones (a province's millions) as a background job that
streams the rows to a file on disk with its progress, downloaded by the person who asked and nobody
else; the file holds the same rows as the roll, masked unless revealed."""

import io

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from qunfang.core import services as core_services
from qunfang.core.models import AuditEntry
from qunfang.registry import roll, selectors, services
from qunfang.registry.models import RollExport, Veteran
from qunfang.registry.synthetic import synthetic_id

VETERANS = 12


@pytest.fixture
def roll_of_qingxin(world):
    for n in range(VETERANS):
        services.create_veteran(
            by=None,
            place=world.jingkou if n % 2 else world.nankeng,
            name=f"老兵{n:02d}",
            id_number=synthetic_id("441803", n),
            phone=str(13900000000 + n),
            tags=["驾驶员"] if n % 3 == 0 else [],
        )
    return Veteran.objects.under(world.qingxin)


@pytest.fixture
def in_background(settings):
    settings.EXPORT_IN_BACKGROUND_ROWS = 5  # the Qingxin roll of the tests is "large"


def rows_of(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]


def immediate_rows(world, veterans) -> list[list]:
    """The roll as the export writes it, read straight from the selector."""
    scope = core_services_scope(world.alice)
    found = selectors.export_rows(scope, veterans, reveal=False)
    return [list(roll.EXPORT_HEADINGS), *found]


def core_services_scope(user):
    from qunfang.core.access import Scope

    return Scope.for_user(user)


def normalized(rows: list[list]) -> list[list]:
    return [[str(value) for value in row] for row in rows]


def test_a_small_export_is_answered_at_once(world, as_user, roll_of_qingxin):
    response = as_user(world.alice).post("/veterans/export/")
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert len(rows_of(response.content)) == VETERANS + 1
    assert not RollExport.objects.exists()


def test_a_large_export_is_written_in_the_background_with_progress(
    world, as_user, roll_of_qingxin, in_background
):
    client = as_user(world.alice)
    response = client.post("/veterans/export/")
    job = RollExport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/veterans/exports/{job.pk}/"
    # The tests' tasks run at once: the worker has written the file and told its progress.
    assert job.status == RollExport.Status.DONE and job.total_rows == VETERANS and not job.reveal
    assert cache.get(services.export_progress_key(job.pk)) == {"done": VETERANS, "total": VETERANS}
    page = client.get(f"/veterans/exports/{job.pk}/").content.decode()
    assert f"/veterans/exports/{job.pk}/file/" in page
    download = client.get(f"/veterans/exports/{job.pk}/file/")
    content = b"".join(download.streaming_content)
    assert download["Content-Disposition"].startswith("attachment")
    assert normalized(rows_of(content)) == normalized(immediate_rows(world, roll_of_qingxin))
    assert "4418" not in content.decode("latin-1")  # masked: nothing but the masks' text
    entry = AuditEntry.objects.filter(action="veteran.export").get()
    assert entry.after == {"rows": VETERANS, "export": job.pk}


def test_the_progress_shows_while_the_worker_writes(world, as_user, roll_of_qingxin, in_background):
    job = RollExport.objects.create(place=world.qingxin, created_by=world.alice, file="", filters={})
    cache.set(services.export_progress_key(job.pk), {"done": 4, "total": VETERANS})
    page = as_user(world.alice).get(f"/veterans/exports/{job.pk}/").content.decode()
    assert f"已处理 4 / {VETERANS} 行" in page
    assert "/file/" not in page and 'http-equiv="refresh"' in page


def test_the_background_export_keeps_the_lists_filters_and_reveals_only_when_asked(
    world, as_user, roll_of_qingxin, in_background
):
    client = as_user(world.alice)
    search = client.post("/veterans/", {"place": world.jingkou.pk})["Location"].split("search=")[1]
    client.post(f"/veterans/export/?search={search}", {"reveal": "1"})
    job = RollExport.objects.get()
    assert job.reveal and job.filters["place_id"] == world.jingkou.pk
    content = b"".join(client.get(f"/veterans/exports/{job.pk}/file/").streaming_content)
    rows = rows_of(content)[1:]
    expected = Veteran.objects.under(world.jingkou).order_by("name")
    assert [row[0] for row in rows] == [v.name for v in expected]
    assert [row[1] for row in rows] == [v.id_number.reveal() for v in expected]
    assert AuditEntry.objects.filter(action="veteran.export_revealed").count() == 1


def test_nobody_but_the_asker_sees_or_downloads_the_file(world, as_user, roll_of_qingxin, in_background):
    as_user(world.alice).post("/veterans/export/")
    job = RollExport.objects.get()
    for other in (world.erin, world.bob, world.leo):  # a sibling district's bureau, a colleague, above
        client = as_user(other)
        assert client.get(f"/veterans/exports/{job.pk}/").status_code == 404
        assert client.get(f"/veterans/exports/{job.pk}/file/").status_code == 404


def test_the_api_starts_follows_and_downloads_a_background_export(world, roll_of_qingxin, in_background):
    _token, raw = core_services.issue_token(by=world.alice, name="script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = api.get("/api/v1/veterans/export")
    assert refused.status_code == 422 and "/api/v1/veterans/exports" in str(refused.json())
    started = api.post("/api/v1/veterans/exports", {"tag": "驾驶员"}, content_type="application/json")
    assert started.status_code == 202, started.content
    job_id = started.json()["id"]
    status = api.get(f"/api/v1/veterans/exports/{job_id}").json()
    assert status["status"] == "done" and status["total_rows"] == len(range(0, VETERANS, 3))
    content = b"".join(api.get(f"/api/v1/veterans/exports/{job_id}/file").streaming_content)
    assert {row[12] for row in rows_of(content)[1:]} == {"驾驶员"}
    _token, other = core_services.issue_token(by=world.erin, name="script")
    sibling = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert sibling.get(f"/api/v1/veterans/exports/{job_id}").status_code == 404
    assert sibling.get(f"/api/v1/veterans/exports/{job_id}/file").status_code == 404


def test_an_exact_lookup_is_never_kept_in_a_job(world, roll_of_qingxin, in_background):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.start_roll_export(
            by=world.alice,
            scope=core_services_scope(world.alice),
            place=world.qingxin,
            filters={"q": synthetic_id("441803", 1)},
            reveal=False,
        )
    assert not RollExport.objects.exists()
