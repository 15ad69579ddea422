"""Gates and passes: a pass's token is signed with the community's key and checked without the server's
records (the guard's phone); forged, tampered, expired, revoked and other communities' passes are
refused with the reason; a second exit and an exit too soon for the household's rule are refused;
crossings synced twice are kept once, and a sync cut off half-way loses nothing."""

import re
import subprocess
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.community import tokens
from qunfang.community.models import Crossing, PassKey
from qunfang.community.selectors import checkpoints as selectors
from qunfang.community.services import checkpoints as services
from qunfang.community.services import register
from qunfang.core.models import Level
from qunfang.core.roles import Role
from qunfang.testing.clients import api_client_for
from qunfang.testing.world import person, place

OUTPUT = Path(__file__).resolve().parents[3] / "test-output" / "pdf"
OUTPUT.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def gate_and_pass(world):
    building = register.save_building(by=None, community=world.jingkou, number="3栋")
    household = register.save_household(
        by=None, building=building, unit="2单元", room="302", phone="13900000001"
    )
    gate = services.save_gate(by=world.carol, community=world.jingkou, name="东门")
    today = timezone.localdate()
    issued = services.issue_pass(
        by=world.carol, household=household, valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=13), exit_every_days=2,
    )  # fmt: skip
    return gate, issued


def record(token, direction="out", at=None, client_id=None, temperature="36.5"):
    at = at or timezone.now()
    return {
        "client_id": client_id or str(uuid.uuid4()), "token": token, "direction": direction,
        "temperature": temperature, "at": at.isoformat(), "phone_at": at.isoformat(),
    }  # fmt: skip


def test_a_pass_token_verifies_with_the_public_key_alone(world, gate_and_pass):
    _gate, issued = gate_and_pass
    token = services.token_for(issued)
    keys = {(k.community_id, k.version): k.public_key for k in PassKey.objects.all()}
    facts = tokens.verify(token, keys)
    assert (facts.pass_id, facts.number, facts.holder, facts.exit_every_days) == (
        issued.pk,
        1,
        "3栋2单元302",
        2,
    )
    assert len(token) < 300  # it must fit a QR code that scans from a worn paper pass


def test_a_tampered_or_forged_token_is_refused(world, gate_and_pass):
    gate, issued = gate_and_pass
    token = services.token_for(issued)
    body, signature = token.rsplit(".", 1)
    payload = tokens._unb64(body[4:]).replace(b'"u":"', b'"u":"2099')  # stretch the validity
    tampered = "QF1." + tokens._b64(payload) + "." + signature
    for bad in (tampered, token[:-3] + "AAA", "QF1.eyJ9.AAAA", "https://example.com/", ""):
        verdict = selectors.check_pass(gate, bad, "out")
        assert not verdict.allowed and verdict.reason.startswith("伪造"), bad


def test_another_communitys_pass_is_refused_at_this_gate(world, gate_and_pass):
    gate, _issued = gate_and_pass
    building = register.save_building(by=None, community=world.nankeng, number="1栋")
    household = register.save_household(by=None, building=building, room="101")
    theirs = services.issue_pass(
        by=None,
        household=household,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=3),
    )
    verdict = selectors.check_pass(gate, services.token_for(theirs), "out")
    assert not verdict.allowed and "其他社区" in verdict.reason
    result = services.record_crossings(
        by=world.carol, gate=gate, records=[record(services.token_for(theirs))]
    )
    assert result.refused and not Crossing.objects.exists()


def test_expired_not_yet_valid_and_revoked_passes_are_refused(world, gate_and_pass):
    gate, issued = gate_and_pass
    token = services.token_for(issued)
    later = timezone.now() + timedelta(days=20)
    assert "已过期" in selectors.check_pass(gate, token, "out", now=later).reason
    earlier = timezone.now() - timedelta(days=5)
    assert "尚未生效" in selectors.check_pass(gate, token, "out", now=earlier).reason
    services.revoke_pass(by=world.carol, issued=issued, reason="遗失")
    assert selectors.check_pass(gate, token, "out").reason == "已注销的出入证。"
    assert issued.pk in selectors.guard_bundle(gate)["revoked"]


def test_a_second_exit_and_an_exit_too_soon_are_refused(world, gate_and_pass):
    gate, issued = gate_and_pass
    token = services.token_for(issued)
    assert selectors.check_pass(gate, token, "out").allowed
    services.record_crossings(by=world.carol, gate=gate, records=[record(token)])
    assert "已外出" in selectors.check_pass(gate, token, "out").reason
    services.record_crossings(by=world.carol, gate=gate, records=[record(token, "in")])
    verdict = selectors.check_pass(gate, token, "out")
    assert not verdict.allowed and "下次可外出" in verdict.reason
    in_two_days = timezone.now() + timedelta(days=2)
    assert selectors.check_pass(gate, token, "out", now=in_two_days).allowed


def test_a_raised_key_version_retires_every_pass_signed_before(world, gate_and_pass):
    gate, issued = gate_and_pass
    token = services.token_for(issued)
    services.raise_key_version(by=world.carol, community=world.jingkou)
    assert not selectors.check_pass(gate, token, "out").allowed
    assert [k["version"] for k in selectors.guard_bundle(gate)["keys"]] == [2]


def test_crossings_synced_twice_are_kept_once(world, gate_and_pass):
    gate, issued = gate_and_pass
    token = services.token_for(issued)
    start = timezone.now() - timedelta(hours=3)
    batch = [record(token, "out" if n % 2 == 0 else "in", at=start + timedelta(minutes=n)) for n in range(10)]
    # The answer to the first half was lost (the network dropped): the phone sends everything again.
    first = services.record_crossings(by=world.carol, gate=gate, records=batch[:5])
    again = services.record_crossings(by=world.carol, gate=gate, records=batch)
    assert len(first.stored) == 5 and len(again.already) == 5 and len(again.stored) == 5
    assert Crossing.objects.count() == 10


def test_bad_crossing_records_are_refused_one_by_one(world, gate_and_pass):
    gate, issued = gate_and_pass
    token = services.token_for(issued)
    good = record(token)
    result = services.record_crossings(
        by=world.carol,
        gate=gate,
        records=[
            good,
            record(token, temperature="50"),
            record(token, direction="sideways"),
            record(token, at=timezone.now() + timedelta(days=1)),
            {"client_id": "not-a-uuid", "token": token},
        ],
    )
    assert result.stored == [good["client_id"]]
    reasons = " ".join(reason for _id, reason in result.refused)
    assert "50.0 °C" in reasons and "出或进" in reasons and "未来" in reasons
    assert Crossing.objects.count() == 1


def test_a_crossing_after_revocation_on_an_old_list_is_kept_and_flagged(world, gate_and_pass):
    gate, issued = gate_and_pass
    token = services.token_for(issued)
    services.revoke_pass(by=world.carol, issued=issued, reason="遗失")
    services.record_crossings(by=world.carol, gate=gate, records=[record(token)])
    assert "注销" in Crossing.objects.get().problem


def test_a_household_under_home_quarantine_is_refused_on_the_way_out(world, gate_and_pass):
    """The rule is the server's as well as the phone's: check_pass refuses the exit by name, the bundle
    carries the household, and an exit a phone with an older list let through is kept and flagged."""
    gate, issued = gate_and_pass
    token = services.token_for(issued)
    resident = register.add_resident(by=None, household=issued.household, name="王建国")
    assert selectors.check_pass(gate, token, "out").allowed
    assert selectors.guard_bundle(gate)["quarantined"] == {}
    register.change_status(by=None, resident=resident, status="home_quarantine", since=timezone.localdate())
    verdict = selectors.check_pass(gate, token, "out")
    assert not verdict.allowed and "王建国" in verdict.reason and "居家隔离" in verdict.reason
    assert selectors.check_pass(gate, token, "in").allowed  # coming home is not refused
    assert selectors.guard_bundle(gate)["quarantined"] == {str(issued.pk): ["王建国"]}
    result = services.record_crossings(by=None, gate=gate, records=[record(token)])
    assert result.stored and "居家隔离" in Crossing.objects.get().problem


def test_a_crossing_without_a_temperature_or_an_exit_with_a_fever_is_refused(world, gate_and_pass):
    gate, issued = gate_and_pass
    token = services.token_for(issued)
    result = services.record_crossings(
        by=None, gate=gate, records=[record(token, temperature=None), record(token, temperature="37.6")]
    )
    reasons = [reason for _id, reason in result.refused]
    assert not result.stored and "体温" in reasons[0] and "发热" in reasons[1]
    result = services.record_crossings(by=None, gate=gate, records=[record(token, "in", temperature="37.6")])
    assert result.stored and str(Crossing.objects.get().temperature) == "37.6"  # home, with a fever


def test_a_guard_lists_her_communitys_gates_through_the_api(world, gate_and_pass):
    gate, _issued = gate_and_pass
    guard = person("gateguard", world.jingkou, Role.CHECKPOINT_GUARD, "门卫")
    api = api_client_for(guard)
    assert [g["name"] for g in api.get("/api/v1/community/gates").json()] == ["东门"]
    listed = api.get(f"/api/v1/community/gates?place_id={world.jingkou.pk}")
    assert listed.status_code == 200 and [g["id"] for g in listed.json()] == [gate.pk]
    assert api.get(f"/api/v1/community/gates?place_id={world.nankeng.pk}").status_code == 404


def test_pass_rules_are_checked_when_issued(world, gate_and_pass):
    _gate, issued = gate_and_pass
    today = timezone.localdate()
    for bad in (
        {"valid_from": today, "valid_until": today - timedelta(days=1)},
        {"valid_from": today, "valid_until": today + timedelta(days=200)},
        {"valid_from": today, "valid_until": today, "exit_every_days": 0},
    ):
        with pytest.raises(ValidationError):
            services.issue_pass(by=None, household=issued.household, **bad)


def test_shifts_of_one_guard_cannot_overlap(world, gate_and_pass):
    gate, _issued = gate_and_pass
    start = datetime(2020, 2, 1, 8, tzinfo=timezone.get_current_timezone())
    services.add_shift(by=None, gate=gate, guard=world.carol, start=start, end=start + timedelta(hours=8))
    with pytest.raises(ValidationError):
        services.add_shift(
            by=None,
            gate=gate,
            guard=world.carol,
            start=start + timedelta(hours=7),
            end=start + timedelta(hours=12),
        )
    with pytest.raises(ValidationError):
        services.add_shift(by=None, gate=gate, guard=world.carol, start=start, end=start)


def test_gates_are_kept_at_the_community_not_a_grid(world):
    grid = place(world.jingkou, "第9网格", Level.GRID)
    assert services.save_gate(by=None, community=grid, name="西门").community == world.jingkou


def test_passes_print_on_a6_with_their_qr_code(world, gate_and_pass, as_user, tmp_path):
    _gate, issued = gate_and_pass
    response = as_user(world.carol).get(f"/places/{world.jingkou.pk}/passes/print.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "passes.pdf"
    pdf.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages: +1\n", info) and "297.638 x 419.528 pts" in info  # A6: 105 x 148 mm
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "出入证" in text and "3栋2单元302" in text and "编号：00001" in text
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(OUTPUT / "pass-a6")], check=True)


def test_a_station_puts_a_guard_on_a_shift_and_the_gate_page_lists_it(world, gate_and_pass, as_user):
    gate, _issued = gate_and_pass
    guard = person("guard", world.jingkou, Role.CHECKPOINT_GUARD, "门卫老王")
    client = as_user(world.carol)
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    response = client.post(
        f"/gates/{gate.pk}/shifts/new/",
        {
            "guard": guard.pk,
            "start": f"{start:%Y-%m-%dT%H:%M}",
            "end": f"{start + timedelta(hours=8):%Y-%m-%dT%H:%M}",
        },
    )
    assert response.status_code == 302
    assert "门卫老王" in client.get(f"/gates/{gate.pk}/").content.decode()
    assert "东门" in as_user(guard).get("/gates/").content.decode()  # where the guard starts
