"""Cash donations: amounts to the fen, designations that add up, receipt numbers in sequence per place
and year, kept totals by drive and purpose for the place and every place above it, a donation handed
over once and never edited after; every kind of bad input refused with nothing written."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from qunfang.donations import selectors, services
from qunfang.donations.models import CashDonation, DonationTotal


@pytest.fixture
def drive(world):
    return services.save_drive(
        by=world.alice,
        place=world.qingxin,
        name="抗疫爱心捐款",
        start=date(2020, 1, 28),
        purpose="支援抗疫",
        designations=["支援武汉", "本地一线"],
    )


@pytest.fixture
def charity(world):
    return services.save_donor(
        by=world.alice, place=world.qingxin, name="清新区退役军人爱心协会", kind="charity"
    )


def totals(place, drive):
    return {row["purpose"]: row["amount"] for row in selectors.totals_by_purpose(place, drive)}


def test_a_split_gift_counts_for_each_purpose_up_the_tree(world, drive, charity):
    gift = services.record_cash(
        by=world.alice, place=world.qingxin, donor=charity, day=date(2020, 2, 1), amount="50,000",
        drive=drive, designations=[("支援武汉", "30000"), ("本地一线", "20000.00")],
    )  # fmt: skip
    assert gift.amount == Decimal("50000.00") and gift.receipt_number == "441803000000-2020-00001"
    assert totals(world.qingxin, drive) == {"支援武汉": Decimal("30000.00"), "本地一线": Decimal("20000.00")}
    assert totals(world.guangdong, drive) == totals(world.qingxin, drive)  # kept for every place above
    town_gift = services.record_cash(
        by=world.bob, place=world.longjing, donor=charity, day=date(2020, 2, 2), amount="0.5", drive=drive
    )
    assert town_gift.receipt_number == "441803112000-2020-00001"
    assert selectors.drive_total(world.qingxin, drive) == Decimal("50000.50")
    assert {row["place"].name: row["amount"] for row in selectors.totals_by_child(world.qingxin, drive)} == {
        "龙颈镇": Decimal("0.50")
    }


@pytest.mark.parametrize(
    "change, message",
    [
        ({"amount": "0"}, "大于零"),
        ({"amount": "-5"}, "大于零"),
        ({"amount": "12.345"}, "两位小数"),
        ({"amount": "一百"}, "不是金额"),
        ({"designations": [("支援武汉", "30000"), ("本地一线", "30000")]}, "合计 60000.00 元"),
        ({"designations": [("定向支援武汉", "30000")]}, "不是这次募捐的指定用途"),  # a second name for one
        ({"drive": None, "designations": [("支援武汉", "30000")]}, "不是这次募捐的指定用途"),
        ({"designations": [("支援武汉", "50000"), ("支援武汉", "0.01")]}, "只填一次"),
        ({"day": date.today() + timedelta(days=2)}, "晚于今天"),  # noqa: DTZ011
    ],
)
def test_bad_donations_are_refused_and_nothing_is_written(world, drive, charity, change, message):
    facts = {"by": world.alice, "place": world.qingxin, "donor": charity, "day": date(2020, 2, 1),
             "amount": "50000", "drive": drive, **change}  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.record_cash(**facts)
    assert message in " ".join(refused.value.messages)
    assert not CashDonation.objects.exists() and not DonationTotal.objects.exists()


def test_what_the_designations_leave_of_a_gift_is_undesignated(world, drive, charity):
    """The issue's steps: a gift could not be partly undesignated, and free text made 支援武汉 and
    定向支援武汉 two lines. Now a part is one of the drive's designations, and the rest is undesignated."""
    services.record_cash(
        by=world.alice, place=world.qingxin, donor=charity, day=date(2020, 2, 1), amount="50000",
        drive=drive, designations=[("支援武汉", "30000")],
    )  # fmt: skip
    assert totals(world.qingxin, drive) == {"支援武汉": Decimal("30000.00"), "": Decimal("20000.00")}
    assert selectors.drive_total(world.qingxin, drive) == Decimal("50000.00")


def test_a_receipt_number_is_used_once_and_a_double_tap_records_once(world, drive, charity):
    facts = {
        "by": world.alice,
        "place": world.qingxin,
        "donor": charity,
        "day": date(2020, 2, 1),
        "amount": "100",
    }
    services.record_cash(**facts, receipt_number="QX-0001")
    with pytest.raises(ValidationError) as refused:
        services.record_cash(**facts, receipt_number="QX-0001")
    assert "已被使用" in " ".join(refused.value.messages)
    first = services.record_cash(**facts, submission="form-1")
    again = services.record_cash(**facts, submission="form-1")
    assert first == again and CashDonation.objects.count() == 2


def test_a_donation_is_handed_over_once_and_not_changed_after(world, drive, charity):
    gifts = [
        services.record_cash(
            by=world.alice,
            place=world.qingxin,
            donor=charity,
            day=date(2020, 2, 3),
            amount=amount,
            drive=drive,
        )  # fmt: skip
        for amount in ("30.5", "20", "100")
    ]
    services.correct_cash(by=world.alice, donation=gifts[2], amount="10")
    assert selectors.not_handed_over(world.qingxin)["amount"] == Decimal("60.50")
    sheet = services.hand_over(
        by=world.alice, place=world.qingxin, donations=gifts[:2], recipient="清新区慈善会",
        day=date(2020, 2, 3), signed_by="黄会长",
    )  # fmt: skip
    assert sheet.total == Decimal("50.50")
    assert selectors.not_handed_over(world.qingxin)["amount"] == Decimal("10.00")
    with pytest.raises(ValidationError):
        services.hand_over(by=world.alice, place=world.qingxin, donations=gifts[1:], recipient="清新区慈善会",
                           day=date(2020, 2, 3), signed_by="黄会长")  # fmt: skip
    with pytest.raises(ValidationError):
        services.correct_cash(by=world.alice, donation=gifts[0], amount="31")
    assert selectors.drive_total(world.qingxin, drive) == Decimal("60.50")


def test_a_hundred_thousand_amounts_sum_to_the_fen(world, drive, charity):
    rng = random.Random(20200204)
    amounts = [Decimal(rng.randint(1, 10_000_000)) / 100 for _ in range(100_000)]
    CashDonation.objects.bulk_create(
        [
            CashDonation(
                place=world.jingkou,
                donor=charity,
                drive=drive,
                day=date(2020, 2, 1),
                amount_fen=services.to_fen(str(amount)),
                receipt_number=f"R{n}",
            )  # fmt: skip
            for n, amount in enumerate(amounts)
        ],
        batch_size=2000,
    )
    expected = sum(amounts, Decimal(0))
    assert selectors.cash_sum(CashDonation.objects.filter(drive=drive)) == expected
    # The kept totals add in fen too: a few hundred through the service agree with Decimal arithmetic.
    few = amounts[:300]
    for amount in few:
        services.record_cash(by=None, place=world.nankeng, donor=charity, day=date(2020, 2, 1), amount=amount,
                             drive=drive)  # fmt: skip
    assert selectors.drive_total(world.nankeng, drive) == sum(few, Decimal(0))


def test_the_kept_totals_follow_a_moved_town_and_rebuild_from_the_donations(world, drive, charity):
    from django.core.management import call_command

    from qunfang.core.services import move_place

    services.record_cash(by=None, place=world.jingkou, donor=charity, day=date(2020, 2, 1), amount="88.80",
                         drive=drive, designations=[("本地一线", "88.80")])  # fmt: skip
    services.correct_cash(by=None, donation=CashDonation.objects.get(), amount="99.90")
    move_place(by=None, place=world.longjing, new_parent=world.qingyuan)
    assert selectors.drive_total(world.qingxin, drive) == Decimal("0.00")
    assert selectors.drive_total(world.qingyuan, drive) == Decimal("99.90")
    assert services.count_disagreements() == 0
    DonationTotal.objects.filter(place=world.qingyuan).update(amount_fen=1)
    assert services.count_disagreements() > 0
    call_command("tallies", "--rebuild", "--app", "donations")
    assert services.count_disagreements() == 0
    assert selectors.drive_total(world.qingyuan, drive) == Decimal("99.90")
