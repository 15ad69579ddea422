"""The donation pages: a clerk records a gift on the form (a double tap records once), prints the thank-
you receipt, hands the collected money over and prints the sheet; goods come in and go out on the stock
page; a drive's page shows its totals by purpose and by place."""

import re
import subprocess
from datetime import date
from pathlib import Path

from qunfang.donations import services
from qunfang.donations.models import CashDonation, StockLevel

OUTPUT = Path(__file__).resolve().parents[3] / "test-output" / "pdf"


def pdf_text(content: bytes, tmp_path, name: str) -> str:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(content)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(OUTPUT / name)], check=True
    )
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_a_gift_is_recorded_once_printed_and_handed_over(world, as_user, tmp_path):
    drive = services.save_drive(
        by=None,
        place=world.qingxin,
        name="抗疫爱心捐款",
        start=date(2020, 1, 28),
        designations=["支援武汉", "本地一线"],
    )
    client = as_user(world.alice)
    form = {
        "submission": "tap-1", "donor_name": "清新区退役军人爱心协会", "donor_kind": "charity",
        "drive": drive.pk, "day": "2020-02-01", "amount": "50000", "purpose_0": "支援武汉", "part_0": "30000",
        "purpose_1": "本地一线", "part_1": "20000",
    }  # fmt: skip
    first = client.post(f"/places/{world.qingxin.pk}/donations/new/", form)
    again = client.post(f"/places/{world.qingxin.pk}/donations/new/", form)  # the double tap
    assert first.status_code == again.status_code == 302 and CashDonation.objects.count() == 1
    gift = CashDonation.objects.get()
    receipt = pdf_text(client.get(f"/donations/{gift.pk}/receipt.pdf").content, tmp_path, "donation-receipt")
    assert "捐赠收据" in receipt and "50,000.00" in receipt and "支援武汉" in receipt
    drive_page = client.get(f"/drives/{drive.pk}/?place={world.qingxin.pk}").content.decode()
    assert "30,000.00" in drive_page and "本地一线" in drive_page
    handing = {
        "donations": [gift.pk],
        "recipient": "清新区慈善会",
        "day": "2020-02-03",
        "signed_by": "黄会长",
    }
    client.post(f"/places/{world.qingxin.pk}/handovers/", handing)
    gift.refresh_from_db()
    assert gift.hand_over is not None
    sheet = pdf_text(
        client.get(f"/handovers/{gift.hand_over_id}/sheet.pdf").content, tmp_path, "handover-sheet"
    )
    assert "捐款移交清单" in sheet and "清新区慈善会" in sheet and re.search(r"共\s*1\s*笔", sheet)
    refused = client.post(f"/donations/{gift.pk}/", {"amount": "1"})
    assert refused.status_code == 302 and CashDonation.objects.get().amount_fen == 5_000_000
    bad = client.post(
        f"/places/{world.qingxin.pk}/donations/new/", {**form, "submission": "tap-2", "amount": "-3"}
    )
    assert "金额必须大于零" in bad.content.decode()


def test_goods_come_in_and_go_out_on_the_stock_page(world, as_user):
    client = as_user(world.alice)
    received = {
        "receive": "1",
        "item": "消毒液",
        "unit": "瓶",
        "quantity": "120",
        "day": "2020-02-18",
        "note": "4箱",
    }
    client.post(f"/places/{world.qingxin.pk}/stock/", received)
    level = StockLevel.objects.get(place=world.qingxin)
    delivery = {"deliver": "1", "level": level.pk, "to_place": world.jingkou.pk, "day": "2020-02-18",
                "delivered_by": "夏宇", "received_by": "社区书记"}  # fmt: skip
    response = client.post(f"/places/{world.qingxin.pk}/stock/", {**delivery, "quantity": "121"})
    assert "库存只有 120 瓶" in response.content.decode()
    client.post(f"/places/{world.qingxin.pk}/stock/", {**delivery, "quantity": "120"})
    assert StockLevel.objects.get(place=world.jingkou).on_hand == 120
    assert StockLevel.objects.get(place=world.qingxin).on_hand == 0
    page = client.get(f"/places/{world.qingxin.pk}/stock/").content.decode()
    assert "送达人 夏宇" in page


def test_the_api_takes_a_gift_and_answers_the_drive_totals(world):
    from qunfang.testing.clients import api_client_for

    drive = services.save_drive(by=None, place=world.qingxin, name="抗疫爱心捐款", start=date(2020, 1, 28))
    client = api_client_for(world.alice)
    body = {"place_id": world.qingxin.pk, "donor_name": "某公司", "donor_kind": "company",
            "drive_id": drive.pk, "day": "2020-02-01", "amount": "100000", "submission": "api-1"}  # fmt: skip
    made = client.post("/api/v1/donations/cash", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["amount"] == "100000.00"
    bad = client.post("/api/v1/donations/cash", {**body, "submission": "api-2", "amount": "1.001"},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "两位小数" in " ".join(bad.json()["detail"])
    totals = client.get(f"/api/v1/donations/drives/{drive.pk}/totals").json()
    assert totals["total"] == "100000.00" and totals["by_purpose"][0]["purpose"] == ""


def test_the_donor_is_found_by_typing_not_picked_from_a_list_of_hundreds(world, as_user):
    """The issue's steps: the donor was picked from a plain list of ~390 names. The form sends none;
    typing asks for the first matches, told apart by kind, place and gifts; the choice stays scoped."""
    for n in range(30):
        services.save_donor(by=None, place=world.qingxin, name=f"捐赠人{n:02d}", kind="person")
    theirs = services.save_donor(by=None, place=world.hunnan, name="捐赠人浑南", kind="company")
    client = as_user(world.alice)
    form = client.get(f"/places/{world.qingxin.pk}/donations/new/").content.decode()
    assert "捐赠人07" not in form and "core/picker" in form and "donors/pick/" in form
    found = client.get(f"/places/{world.qingxin.pk}/donors/pick/", {"q": "捐赠人0"}).json()
    assert len(found) == 10 and all("人员" in item["label"] and "清新区" in item["label"] for item in found)
    assert client.get(f"/places/{world.qingxin.pk}/donors/pick/", {"q": "浑南"}).json() == []
    assert (
        as_user(world.erin).get(f"/places/{world.qingxin.pk}/donors/pick/", {"q": "捐赠"}).status_code == 404
    )
    chosen = found[0]["id"]
    answer = client.post(
        f"/places/{world.qingxin.pk}/donations/new/",
        {
            "submission": "pick-1",
            "donor": chosen,
            "donor_kind": "person",
            "day": "2020-02-01",
            "amount": "100",
        },
    )
    assert answer.status_code == 302 and CashDonation.objects.get().donor_id == chosen
    refused = client.post(
        f"/places/{world.qingxin.pk}/donations/new/",
        {
            "submission": "pick-2",
            "donor": theirs.pk,
            "donor_kind": "person",
            "day": "2020-02-01",
            "amount": "100",
        },
    )
    assert refused.status_code == 200 and CashDonation.objects.count() == 1


def test_a_village_opens_the_districts_drive_from_its_own_donations_page(world, as_user):
    """The helper's walk: the district's drive, listed on a village clerk's donations page, led to 未找到."""
    drive = services.save_drive(by=None, place=world.qingxin, name="抗疫爱心捐款", start=date(2020, 1, 28))
    clerk = as_user(world.carol)
    listed = clerk.get(f"/places/{world.jingkou.pk}/donations/").content.decode()
    assert f"/drives/{drive.pk}/?place={world.jingkou.pk}" in listed
    page = clerk.get(f"/drives/{drive.pk}/?place={world.jingkou.pk}")
    assert page.status_code == 200 and "抗疫爱心捐款" in page.content.decode()
    assert clerk.get(f"/drives/{drive.pk}/").status_code == 404  # the district's own view is not hers
    theirs = services.save_drive(by=None, place=world.hunnan, name="浑南募捐", start=date(2020, 1, 28))
    assert clerk.get(f"/drives/{theirs.pk}/?place={world.jingkou.pk}").status_code == 404
