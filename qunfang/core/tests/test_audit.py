"""Every write leaves who, when, where, what changed and from which address; admins browse it."""

from qunfang.core import services
from qunfang.core.models import AuditEntry


def test_a_station_fact_change_records_before_after_and_the_address(world, as_user):
    client = as_user(world.carol)
    client.post(
        f"/places/{world.jingkou.pk}/edit/",
        {
            "station_kind": "station",
            "address": "迳口村新址",
            "phone": "0763-5550001",
            "hall_status": "closed",
        },
        REMOTE_ADDR="10.1.2.3",
    )
    entry = AuditEntry.objects.get(action="place.update")
    assert entry.actor == world.carol and entry.place == world.jingkou
    assert entry.address == "10.1.2.3" and entry.channel == "web"
    assert ("address", "迳口村委会", "迳口村新址") in entry.changed_fields
    assert ("hall_status", "open", "closed") in entry.changed_fields


def test_a_password_change_is_audited_without_the_password(world):
    services.set_password(by=world.alice, user=world.carol, password="Another-Secret-77", place=world.jingkou)
    entry = AuditEntry.objects.get(action="user.set_password")
    assert entry.before is None and entry.after is None


def test_the_audit_page_filters_by_place_and_action_and_stays_in_scope(world, as_user):
    services.update_place(by=world.alice, place=world.nankeng, address="南坑新址")
    services.update_place(by=world.erin, place=world.hunnan, address="浑南新址")
    page = as_user(world.alice).get("/audit/", {"place": world.longjing.pk, "action": "place.update"})
    text = page.content.decode()
    assert "南坑新址" in text and "浑南新址" not in text
    assert "place.create" not in text
    assert "浑南新址" not in as_user(world.alice).get("/audit/").content.decode()


def test_station_staff_cannot_open_the_audit_log(world, as_user):
    assert as_user(world.carol).get("/audit/").status_code == 403


def test_a_leader_above_the_district_reads_the_audit_log(world, as_user):
    services.update_place(by=world.alice, place=world.nankeng, address="南坑新址")
    assert "南坑新址" in as_user(world.leo).get("/audit/").content.decode()
