"""A guard at a gate, on a phone, with the network cut: passes are checked from their QR codes (a photo
of a printed pass, or the code typed) by signature, validity and the revocation list downloaded
before; forged, expired, revoked and other communities' passes are refused in large type; a second
exit is refused; the records wait on the phone, survive a reload, and reach the server once each when
the network returns, even when the first sync's answer is lost."""

import os
from datetime import timedelta

import pytest
import segno
from django.utils import timezone

from qunfang.community import tokens
from qunfang.community.models import Crossing
from qunfang.community.services import checkpoints, register
from qunfang.core.roles import Role
from qunfang.core.tests.test_browser import DESKTOP, PHONE, sign_in
from qunfang.testing.world import person

pytestmark = pytest.mark.browser


def a_pass(world, community, number, **dates):
    building = register.save_building(by=None, community=community, number=f"{number}栋")
    household = register.save_household(by=None, building=building, unit="1单元", room="101")
    today = timezone.localdate()
    facts = {"valid_from": today - timedelta(days=1), "valid_until": today + timedelta(days=13), **dates}
    return checkpoints.issue_pass(by=None, household=household, exit_every_days=2, **facts)


def verdict(page) -> str:
    page.wait_for_selector("#verdict:not([hidden])")
    return page.inner_text("#verdict")


def check_typed(page, token, temperature="36.5") -> str:
    page.locator("#verdict").evaluate("box => { box.hidden = true; }")
    page.fill("#temperature", temperature)
    page.fill("#typed input", token)
    page.press("#typed input", "Enter")
    return verdict(page)


@pytest.mark.parametrize("size_name,size", [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_guard_checks_passes_offline_and_syncs_once(
    page, live_server, world, screenshot_dir, tmp_path, size_name, size
):
    person("guard", world.jingkou, Role.CHECKPOINT_GUARD, "门卫老王")
    checkpoints.save_gate(by=None, community=world.jingkou, name="东门")
    good = a_pass(world, world.jingkou, 1)
    expired = a_pass(world, world.jingkou, 2, valid_from=timezone.localdate() - timedelta(days=20),
                     valid_until=timezone.localdate() - timedelta(days=3))  # fmt: skip
    revoked = a_pass(world, world.jingkou, 3)
    checkpoints.revoke_pass(by=None, issued=revoked, reason="遗失补办")
    theirs = a_pass(world, world.nankeng, 4)
    token = checkpoints.token_for(good)
    printed = tmp_path / "pass.png"
    segno.make(token, error="m").save(printed, scale=6, border=4)
    body, signature = token.rsplit(".", 1)
    tampered = "QF1." + tokens._b64(tokens._unb64(body[4:]).replace(b'"e":2', b'"e":0')) + "." + signature

    page.set_viewport_size(size)
    sign_in(page, live_server, "guard")
    page.click("text=值守 迳口村 · 东门")  # her gate, one tap from her home
    page.wait_for_selector("#guard[data-ready]")
    page.context.set_offline(True)
    page.wait_for_selector("#network.offline")

    # The printed pass, photographed: decoded on the phone, checked with the public key, recorded.
    page.fill("#temperature", "36.4")
    page.set_input_files("#photo", str(printed))
    assert "放行" in verdict(page) and "1栋1单元101" in verdict(page)
    assert "1 条未发送" in page.inner_text("#pending")
    page.screenshot(path=os.path.join(screenshot_dir, f"guard-allowed-{size_name}.png"), full_page=True)

    assert "已外出" in check_typed(page, token)  # the same exit twice
    page.screenshot(path=os.path.join(screenshot_dir, f"guard-refused-{size_name}.png"), full_page=True)
    for bad, reason in (
        (tampered, "伪造"),
        (checkpoints.token_for(expired), "已过期"),
        (checkpoints.token_for(revoked), "已注销"),
        (checkpoints.token_for(theirs), "其他社区"),
        ("not a pass at all", "伪造"),
    ):
        assert reason in check_typed(page, bad), reason
    page.check("input[name=direction][value=in]", force=True)
    assert "放行" in check_typed(page, token, "36.6")
    assert "2 条未发送" in page.inner_text("#pending")
    assert Crossing.objects.count() == 0

    # The phone is switched off and on again without a network: the records are still there.
    page.reload()
    page.wait_for_selector("#guard[data-ready]")
    assert "2 条未发送" in page.inner_text("#pending")

    # The network returns, but the answer to the first sync is lost after the server kept the records.
    lost = []

    def lose_the_answer(route):
        if not lost:
            lost.append(route.fetch())
            route.abort()
        else:
            route.continue_()

    page.route("**/crossings", lose_the_answer)
    page.context.set_offline(False)
    page.wait_for_selector("#network.online")
    page.click("#sync-button")
    page.wait_for_selector("#pending:text-is('0 条未发送')", timeout=15000)
    assert lost and lost[0].status == 200
    assert Crossing.objects.count() == 2
    assert sorted(Crossing.objects.values_list("direction", flat=True)) == ["in", "out"]
    assert str(Crossing.objects.get(direction="in").temperature) == "36.6"
    page.screenshot(path=os.path.join(screenshot_dir, f"guard-synced-{size_name}.png"), full_page=True)


def test_a_phone_with_a_wrong_clock_checks_by_the_servers_time(page, live_server, world):
    person("guard", world.jingkou, Role.CHECKPOINT_GUARD, "门卫老王")
    checkpoints.save_gate(by=None, community=world.jingkou, name="东门")
    good = a_pass(world, world.jingkou, 1)
    # The phone thinks it is a month later: by its own clock the pass would have expired.
    page.clock.install(time=timezone.now() + timedelta(days=30))
    sign_in(page, live_server, "guard")
    page.click("text=值守 迳口村 · 东门")
    page.wait_for_selector("#guard[data-ready]")
    assert "分钟" in page.inner_text("#skew")
    assert "放行" in check_typed(page, checkpoints.token_for(good))


def test_a_guard_asks_for_the_temperature_stops_a_fever_and_a_quarantined_household(
    page, live_server, world, screenshot_dir
):
    """The issue's steps: a household with a resident under home quarantine was let out with a green
    放行, even when she was put under quarantine that day; a crossing was kept with no temperature; at
    37.6 °C the headline was an orange 放行."""
    person("guard", world.jingkou, Role.CHECKPOINT_GUARD, "门卫老王")
    checkpoints.save_gate(by=None, community=world.jingkou, name="东门")
    issued = a_pass(world, world.jingkou, 1)
    resident = register.add_resident(by=None, household=issued.household, name="李秀英")
    token = checkpoints.token_for(issued)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "guard")
    page.click("text=值守 迳口村 · 东门")
    page.wait_for_selector("#guard[data-ready]")

    assert "请先测体温" in check_typed(page, token, "")  # no temperature, no check
    assert "发热" in check_typed(page, token, "37.6")  # a fever does not go out
    assert page.locator("#verdict.refused").count() == 1
    page.screenshot(path=os.path.join(screenshot_dir, "guard-fever-out-phone.png"), full_page=True)

    # She is put under home quarantine today; the page's list follows at its next sync.
    register.change_status(by=None, resident=resident, status="home_quarantine", since=timezone.localdate())
    page.click("#sync-button")
    page.wait_for_function(
        "() => Object.keys(JSON.parse(localStorage.getItem(Object.keys(localStorage)"
        ".find((key) => key.startsWith('qunfang-guard-')))).bundle.quarantined).length"
    )
    refused = check_typed(page, token)
    assert "居家隔离" in refused and "李秀英" in refused and "不予放行" in refused
    page.screenshot(path=os.path.join(screenshot_dir, "guard-quarantine-phone.png"), full_page=True)

    # Coming home with a fever: let in, recorded, and red.
    page.check("input[name=direction][value=in]", force=True)
    assert "发热" in check_typed(page, token, "37.6")
    assert page.locator("#verdict.fever").count() == 1
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#verdict')).backgroundColor")
        == "rgb(180, 35, 24)"
    )
    page.wait_for_selector("#pending:text-is('0 条未发送')", timeout=15000)
    kept = Crossing.objects.get()
    assert kept.direction == "in" and str(kept.temperature) == "37.6"
