"""The veterans roll: adding, finding by ID number or mobile through the blind index, masking, and the
audited reveal."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from qunfang.core.models import AuditEntry
from qunfang.registry import services
from qunfang.registry.models import Veteran
from qunfang.testing.world import SAMPLE_ID


@pytest.fixture
def veteran(world):
    return services.create_veteran(
        by=world.carol,
        place=world.jingkou,
        name="曹建明",
        id_number=SAMPLE_ID,
        phone="138 0013 8000",
        address="迳口村三队",
    )


def test_a_veteran_is_stored_encrypted_with_birth_date_and_sex_derived(veteran):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_veteran WHERE id = %s", [veteran.pk])
        stored = " ".join(cursor.fetchone())
    assert SAMPLE_ID not in stored and "13800138000" not in stored
    veteran = Veteran.objects.get(pk=veteran.pk)
    assert str(veteran.birth_date) == "1990-01-01" and veteran.sex == "male"
    assert str(veteran.id_number) == "4418**********1235" and str(veteran.phone) == "138****8000"


def test_a_duplicate_id_number_is_refused_with_a_pointer_to_the_record(veteran, world):
    with pytest.raises(ValidationError) as error:
        services.create_veteran(
            by=None, place=world.nankeng, name="重复", id_number=SAMPLE_ID.replace("5", "５")
        )
    assert "曹建明" in str(error.value) and str(veteran.pk) in str(error.value)


def test_a_wrong_check_digit_is_explained_on_the_form(world, as_user):
    response = as_user(world.carol).post(
        f"/places/{world.jingkou.pk}/veterans/new/",
        {
            "name": "某人",
            "id_number": SAMPLE_ID[:-1] + "3",
            "category": "retired_soldier",
            "status": "active",
        },
    )
    assert "校验码不符" in response.content.decode()
    assert not Veteran.objects.exists()


def test_search_by_id_number_or_mobile_finds_exactly_and_pages_show_masks_only(veteran, world, as_user):
    client = as_user(world.carol)
    for query in (SAMPLE_ID, "13800138000", "曹建"):
        response = client.post("/veterans/", {"q": query})
        assert query not in response.url  # the search is not in the address, nor in the access log
        page = client.get(response.url).content.decode()
        # The only full number on the page is the one the user typed, back in the search box.
        assert "曹建明" in page and page.count(SAMPLE_ID) + page.count("13800138000") == (query != "曹建")
    other = client.post("/veterans/", {"q": "441803199001011243"}, follow=True).content.decode()
    assert "曹建明" not in other
    detail = client.get(f"/veterans/{veteran.pk}/").content.decode()
    assert SAMPLE_ID not in detail and "4418**********1235" in detail


def test_revealing_needs_the_capability_and_is_audited(veteran, world, as_user):
    revealed = as_user(world.carol).post(f"/veterans/{veteran.pk}/reveal/", {"field": "id_number"})
    assert SAMPLE_ID in revealed.content.decode()
    assert AuditEntry.objects.filter(action="veteran.reveal", actor=world.carol).count() == 1
    assert (
        as_user(world.leo).post(f"/veterans/{veteran.pk}/reveal/", {"field": "id_number"}).status_code == 403
    )
    leader_page = as_user(world.leo).get(f"/veterans/{veteran.pk}/").content.decode()
    assert "4418**********1235" in leader_page and SAMPLE_ID not in leader_page


def test_audit_entries_keep_masks_not_the_numbers(veteran):
    entry = AuditEntry.objects.get(action="veteran.create")
    assert SAMPLE_ID not in str(entry.after) and "4418**********1235" in str(entry.after)


def test_editing_with_blank_protected_fields_keeps_them(veteran, world, as_user):
    as_user(world.carol).post(
        f"/veterans/{veteran.pk}/edit/",
        {
            "name": "曹建明",
            "id_number": "",
            "phone": "",
            "address": "新址",
            "category": "retired_soldier",
            "status": "moved",
        },
    )
    veteran = Veteran.objects.get(pk=veteran.pk)
    assert veteran.status == "moved" and veteran.id_number.reveal() == SAMPLE_ID
    assert veteran.phone.reveal() == "+8613800138000"


def test_the_api_lists_masked_veterans_within_scope(veteran, world, as_user):
    body = as_user(world.bob).get("/api/v1/veterans", {"q": SAMPLE_ID}).json()
    assert body["count"] == 1 and body["items"][0]["id_number"] == "4418**********1235"
    assert as_user(world.dave).get("/api/v1/veterans").json()["count"] == 0


def test_the_full_demo_roll_has_qingxins_11509_reachable_veterans_and_hunnans_14100_people(demo):
    from django.core.management import call_command

    from qunfang.core.models import OrgUnit
    from qunfang.registry.models import FamilyMember

    call_command("load_demo")  # again, over the shared demo
    qingxin = Veteran.objects.under(OrgUnit.objects.get(name="清新区"))
    assert qingxin.count() == 11_581
    reachable = qingxin.filter(status="active", sms_opt_out=False).exclude(phone=None)
    assert reachable.count() == 11_509
    hunnan_path = OrgUnit.objects.get(name="浑南区").path
    hunnan = Veteran.objects.under(hunnan_path).count()
    families = FamilyMember.objects.under(hunnan_path).count()
    assert (hunnan, families) == (11_200, 2_900)
    # Brought in through the roll import, as a bureau would: one audited import per district.
    imports = AuditEntry.objects.filter(action="veteran.import")
    assert sorted(imports.values_list("actor__username", flat=True)) == ["hn_admin", "qx_admin"]


def test_synth_makes_a_province_of_valid_veterans_and_tops_it_up_when_run_again(db):
    from django.core.management import call_command

    from qunfang.core.models import OrgUnit
    from qunfang.core.personal import parse_id_number

    call_command("synth", veterans=250)
    call_command("synth", veterans=300)
    province = OrgUnit.objects.get(name="合成省")
    assert OrgUnit.objects.under(province).filter(level="village").count() == 1000
    veterans = Veteran.objects.under(province)
    assert veterans.count() == 300
    for veteran in veterans[:20]:
        assert parse_id_number(veteran.id_number.reveal()).birth_date == veteran.birth_date


def test_moving_a_veteran_on_the_page_keeps_the_history_and_filters_find_by_place_and_tag(
    veteran, world, as_user
):
    from qunfang.registry.models import Move

    client = as_user(world.bob)
    client.post(f"/veterans/{veteran.pk}/edit/", {"name": veteran.name, "category": "retired_soldier",
                "status": "active", "tags": "驾驶员, 医护"})  # fmt: skip
    response = client.post(f"/veterans/{veteran.pk}/move/", {"place": world.nankeng.pk}, follow=True)
    assert "现居南坑村" in response.content.decode()
    move = Move.objects.get(veteran=veteran)
    assert (move.from_place, move.to_place, move.moved_by) == (world.jingkou, world.nankeng, world.bob)
    assert "迳口村 → 南坑村" in client.get(f"/veterans/{veteran.pk}/").content.decode()

    tag = veteran.tags.get(name="医护")
    found = client.post("/veterans/", {"place": world.nankeng.pk, "tag": tag.pk}, follow=True)
    assert "曹建明" in found.content.decode()
    elsewhere = client.post("/veterans/", {"place": world.jingkou.pk}, follow=True)
    assert "曹建明" not in elsewhere.content.decode()
    # The village clerk of 迳口村 no longer sees him.
    assert as_user(world.carol).get(f"/veterans/{veteran.pk}/").status_code == 404


def test_the_api_updates_moves_and_exports_with_the_same_rules(veteran, world):
    import io

    from django.test import Client
    from openpyxl import load_workbook

    from qunfang.core import services as core_services
    from qunfang.registry.models import Move

    _token, raw = core_services.issue_token(by=world.bob, name="script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.patch(
        f"/api/v1/veterans/{veteran.pk}",
        {"place_id": world.nankeng.pk, "tags": ["驾驶员"], "enlisted_year": 1985, "discharged_year": 1980},
        content_type="application/json",
    )
    assert response.status_code == 422 and "退役年份早于入伍年份" in str(response.json())
    response = api.patch(
        f"/api/v1/veterans/{veteran.pk}",
        {"place_id": world.nankeng.pk, "tags": ["驾驶员"], "enlisted_year": 1985},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["驾驶员"] and response.json()["id_number"] == "4418**********1235"
    assert Move.objects.filter(veteran=veteran, to_place=world.nankeng).exists()
    exported = api.get("/api/v1/veterans/export", {"tag": "驾驶员"})
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("曹建明", "4418**********1235", "龙颈镇", "南坑村")


def test_text_that_a_spreadsheet_would_run_is_exported_as_text(world, as_user):
    import io

    from openpyxl import load_workbook

    services.create_veteran(
        by=None, place=world.jingkou, name="老兵", id_number=SAMPLE_ID, address="=HYPERLINK(1)"
    )
    content = as_user(world.carol).post("/veterans/export/").content
    cell = load_workbook(io.BytesIO(content)).active["F2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_veterans_of_the_same_name_are_told_apart_in_the_search(world, as_user):
    """The issue's steps: nine veterans of one name in one village looked alike (the same masked ID,
    no birth year, no address)."""
    from qunfang.registry.services import create_veteran
    from qunfang.registry.synthetic import synthetic_id

    for n, address in ((1, "迳口村东街1号"), (4000, "迳口村西街8号")):
        create_veteran(
            by=None, place=world.jingkou, name="张伟", id_number=synthetic_id("441803", n), address=address
        )
    page = as_user(world.carol).get("/veterans/", {"q": "张伟"}).content.decode()
    years = {v.birth_date.year for v in Veteran.objects.all()}
    assert len(years) == 2 and all(f"{year}年生" in page for year in years)
    assert "迳口村东街1号" in page and "迳口村西街8号" in page
