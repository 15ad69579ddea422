"""A community's merchants: visited (open or not), given the notice letter once with the staff book,
their staff checked daily; the lists of those not yet visited and open without the notice; the letter
and the book print as PDF in Chinese; bad temperatures and future dates are refused."""

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.community.models import StaffHealthCheck
from qunfang.community.selectors import merchants as selectors
from qunfang.community.services import merchants as services
from qunfang.core.access import Scope

OUTPUT = Path(__file__).resolve().parents[3] / "test-output" / "pdf"


@pytest.fixture
def shops(world):
    return [
        services.save_merchant(by=None, community=world.jingkou, name=name, address=f"幸福路{n}号", kind=kind)
        for n, (name, kind) in enumerate(
            [("老王超市", "grocery"), ("惠民药房", "pharmacy"), ("川味面馆", "food")]
        )
    ]


def test_visits_and_notices_make_the_lists(world, shops):
    today = timezone.localdate()
    services.record_visit(by=world.carol, merchant=shops[0], day=today, is_open=True, findings="员工均戴口罩")
    services.record_visit(by=world.carol, merchant=shops[1], day=today, is_open=True)
    services.deliver_notice(by=world.carol, merchant=shops[0], day=today, signed_by="王老板")
    scope = Scope.for_user(world.carol)
    assert [m.name for m in selectors.merchants(scope, world.jingkou, "not_visited")] == ["川味面馆"]
    assert [m.name for m in selectors.merchants(scope, world.jingkou, "open_no_notice")] == ["惠民药房"]
    counts = selectors.counts(scope, world.jingkou)
    assert (counts["all"], counts["open"], counts["noticed"], counts["not_visited"]) == (3, 2, 1, 1)
    with pytest.raises(ValidationError):
        services.deliver_notice(by=world.carol, merchant=shops[0], day=today, signed_by="王老板")


def test_bad_checks_and_dates_are_refused(world, shops):
    staff = services.add_staff(by=None, merchant=shops[0], name="收银员小刘", phone="13800000011", job="收银")
    today = timezone.localdate()
    for bad in ("50", "30", "abc", ""):
        with pytest.raises(ValidationError):
            services.record_health_check(by=None, staff=staff, day=today, temperature=bad)
    with pytest.raises(ValidationError):
        services.record_health_check(by=None, staff=staff, day=today + timedelta(days=1), temperature="36.5")
    with pytest.raises(ValidationError):
        services.record_visit(by=None, merchant=shops[0], day=today + timedelta(days=1), is_open=True)
    services.record_health_check(by=None, staff=staff, day=today, temperature="36.4")
    services.record_health_check(by=None, staff=staff, day=today, temperature="36.6")  # corrected
    assert str(StaffHealthCheck.objects.get().temperature) == "36.6"


def test_the_letter_and_the_staff_book_print_in_chinese(world, shops, as_user, tmp_path):
    staff = services.add_staff(by=None, merchant=shops[0], name="收银员小刘", job="收银")
    services.record_health_check(
        by=None, staff=staff, day=timezone.localdate(), temperature="37.8", symptoms=True
    )
    client = as_user(world.carol)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for url, name, words in (
        (f"/merchants/{shops[0].pk}/notice.pdf", "notice-letter", ["致辖区商户的一封信", "老王超市"]),
        (f"/merchants/{shops[0].pk}/staff-book.pdf", "staff-book", ["员工登记册", "收银员小刘", "37.8"]),
    ):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for word in words:
            assert word in text, (name, word)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(OUTPUT / name)], check=True
        )


def test_the_merchant_page_records_a_visit_and_exports(world, shops, as_user, tmp_path):
    client = as_user(world.carol)
    today = timezone.localdate().isoformat()
    response = client.post(
        f"/merchants/{shops[2].pk}/", {"visit": "1", "day": today, "is_open": "on", "findings": "已开门"}
    )
    assert response.status_code == 302
    shops[2].refresh_from_db()
    assert shops[2].is_open
    refused = client.post(
        f"/merchants/{shops[2].pk}/", {"check": "1", "staff": "999", "day": today, "temperature": "36.5"}
    )
    assert "请从该商户员工中选择" in refused.content.decode()
    client.post(f"/merchants/{shops[2].pk}/", {"add_staff": "1", "name": "厨师老陈", "job": "厨师"})
    cook = shops[2].staff.get()
    client.post(
        f"/merchants/{shops[2].pk}/", {"check": "1", "staff": cook.pk, "day": today, "temperature": "36.7"}
    )
    assert str(cook.checks.get().temperature) == "36.7"
    listed = client.get(f"/places/{world.jingkou.pk}/merchants/?which=open").content.decode()
    assert "川味面馆" in listed and "老王超市" not in listed
    export = client.get(f"/places/{world.jingkou.pk}/merchants/?format=xlsx")
    assert export.content[:2] == b"PK"
