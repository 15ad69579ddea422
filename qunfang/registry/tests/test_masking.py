"""No page, export or API answer shows a full ID number or mobile to a role that may not reveal them;
a role that may sees them only when asking, with an audit entry."""

import io
import zipfile

import docx
import pytest
from openpyxl import load_workbook

from qunfang.core import services as core_services
from qunfang.core.models import AuditEntry
from qunfang.core.roles import Role
from qunfang.registry import services
from qunfang.registry.models import RollImport
from qunfang.registry.testing import PHONE, SPOUSE_ID, SPOUSE_PHONE
from qunfang.testing.clients import client_for
from qunfang.testing.records import records_at
from qunfang.testing.walks import fill_route, page_routes, route_ids
from qunfang.testing.world import SAMPLE_ID

SECRETS = [SAMPLE_ID, PHONE, SPOUSE_ID, SPOUSE_PHONE, "13700137000"]  # the last: records_at's volunteer


@pytest.fixture
def veteran(world):
    veteran = services.create_veteran(
        by=None, place=world.jingkou, name="曹建明", id_number=SAMPLE_ID, phone=PHONE, tags=["驾驶员"]
    )
    services.add_family_member(
        by=None, veteran=veteran, relation="spouse", name="王秀兰", id_number=SPOUSE_ID, phone=SPOUSE_PHONE
    )
    return veteran


@pytest.fixture
def grid_worker(world):
    return core_services.create_user(
        by=None,
        username="gina",
        full_name="网格员",
        password="Grid-worker-2020",
        place=world.jingkou,
        role=Role.GRID_WORKER,
    )


def text_of(response) -> str:
    """What a person could read in the answer: the page, every cell of a workbook, every paragraph of a
    Word document."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK") and "word/document.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist():
        return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
    if content.startswith(b"PK"):
        sheet = load_workbook(io.BytesIO(content)).active
        return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    return content.decode(errors="replace")


def assert_masked(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{where} shows {secret}"
        assert secret[-4:] in text or secret not in text  # masks keep the last four


@pytest.mark.parametrize(
    "who",
    [
        "leader",
        pytest.param(
            "grid worker",
            marks=pytest.mark.sqlite_pass(
                "masking is the same rendering for either role; on PostgreSQL the leader, who reads the "
                "whole city, walks every page"
            ),
        ),
    ],
)
def test_no_page_or_export_shows_a_full_number_to_a_role_that_may_not_reveal(who, world, grid_worker):
    user = world.leo if who == "leader" else grid_worker
    # Every app's records at the village: the veteran of SAMPLE_ID and PHONE, the spouse of SPOUSE_ID
    # and SPOUSE_PHONE, the volunteer…, each page of each aimed at by its ids.
    records = records_at(world.jingkou, by=world.carol, text="志愿者")
    veteran, ids = records["veteran_id"], route_ids(records)
    for route, _view in page_routes():
        url = fill_route(route, ids)
        client = client_for(user)  # afresh: one of the pages signs out
        for response in (client.get(url), client.post(url, {"reveal": "1", "field": "id_number"})):
            assert_masked(text_of(response), f"{url} as the {who}")
    detail = client.get(f"/veterans/{veteran.pk}/").content.decode()
    assert "4418**********1235" in detail and "显示" not in detail  # masked, and no button to reveal

    exported = client.post("/veterans/export/", {"reveal": "1"})
    assert exported.status_code == 200 and "4418**********1235" in text_of(exported)
    assert not AuditEntry.objects.filter(action="veteran.export_revealed").exists()

    _token, raw = core_services.issue_token(by=user, name="masking")
    api = client_for(user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for path in (
        "/api/v1/veterans",
        f"/api/v1/veterans/{veteran.pk}",
        "/api/v1/veterans/export?reveal=true",
        f"/api/v1/volunteers?place_id={world.jingkou.pk}",
    ):
        assert_masked(text_of(api.get(path, **headers)), f"{path} as the {who}")


def test_station_staff_see_full_numbers_in_an_export_only_when_they_ask_and_it_is_audited(world, veteran):
    client = client_for(world.carol)
    assert_masked(text_of(client.post("/veterans/export/")), "the plain export")
    revealed = text_of(client.post("/veterans/export/", {"reveal": "1"}))
    assert SAMPLE_ID in revealed and PHONE in revealed
    entry = AuditEntry.objects.get(action="veteran.export_revealed")
    assert entry.actor == world.carol and entry.after == {"rows": 1}


def test_revealing_a_family_members_number_is_audited(world, veteran, as_user):
    member = veteran.family.get()
    response = as_user(world.carol).post(f"/family/{member.pk}/reveal/", {"field": "id_number"})
    assert SPOUSE_ID in response.content.decode() and SPOUSE_PHONE not in response.content.decode()
    assert AuditEntry.objects.filter(action="veteran.reveal", target_id=str(member.pk)).count() == 1


def test_an_export_imports_back_as_the_same_roll(world, veteran, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(world.bob)
    content = client.post("/veterans/export/", {"reveal": "1"}).content
    client.post(
        f"/places/{world.longjing.pk}/veterans/import/", {"file": SimpleUploadedFile("roll.xlsx", content)}
    )
    job = RollImport.objects.latest("pk")
    client.post(f"/roll-imports/{job.pk}/", {k: str(v) for k, v in job.mapping.items()})
    job.refresh_from_db()
    assert (job.total_rows, job.unchanged_count, job.errors) == (1, 1, [])
