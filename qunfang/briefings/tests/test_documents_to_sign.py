"""Documents a bureau signs and sends: the briefing's file says what and when and its source line names
the issuing body; the donor's receipt carries the amount in capitals, the issuing body and room for the
seal. Read from what a user downloads."""

import io
from datetime import date
from urllib.parse import unquote

import docx

from qunfang.briefings import services as briefings
from qunfang.donations import services as donations
from qunfang.donations.tests.test_pages import pdf_text
from qunfang.lib.money import yuan_in_capitals


def test_the_briefing_file_says_what_and_when_and_who_issues_it(world, as_user):
    briefing = briefings.draft_briefing(by=world.alice, place=world.qingxin, start=date(2020, 2, 1),
                                        end=date(2020, 2, 3))  # fmt: skip
    client = as_user(world.alice)
    for kind in ("docx", "pdf"):
        answer = client.get(f"/briefings/{briefing.pk}/briefing.{kind}")
        assert answer.status_code == 200
        name = unquote(answer["Content-Disposition"].split("''", 1)[1])
        assert name == f"清新区疫情防控工作简报-2020-02-03.{kind}"
    word = docx.Document(io.BytesIO(client.get(f"/briefings/{briefing.pk}/briefing.docx").content))
    assert any("清新区退役军人事务局" in p.text for p in word.paragraphs)
    village = briefings.draft_briefing(by=world.carol, place=world.jingkou, start=date(2020, 2, 1),
                                       end=date(2020, 2, 3))  # fmt: skip
    assert village.source.endswith("退役军人服务站") or village.source.endswith("退役军人服务中心")


def test_the_receipt_has_the_amount_in_capitals_the_issuer_and_a_seal_area(world, as_user, tmp_path):
    gift = donations.record_cash(by=world.alice, place=world.qingxin, amount="12345.67", day=date(2020, 2, 1),
                                 new_donor={"name": "夏宇", "kind": "person"})  # fmt: skip
    receipt = pdf_text(as_user(world.alice).get(f"/donations/{gift.pk}/receipt.pdf").content, tmp_path,
                       "receipt-in-capitals")  # fmt: skip
    flat = "".join(receipt.split())
    assert "大写：人民币壹万贰仟叁佰肆拾伍元陆角柒分" in flat
    assert "开具单位：清新区退役军人事务局" in flat and "（盖章）" in flat and "No." not in receipt


def test_amounts_in_capitals_as_a_cashier_writes_them():
    written = {
        100: "人民币壹元整",
        5_000_000: "人民币伍万元整",
        100_500: "人民币壹仟零伍元整",
        10_000_100: "人民币壹拾万零壹元整",
        101_000_000: "人民币壹佰零壹万元整",
        1_001: "人民币壹拾元零壹分",
        110: "人民币壹元壹角",
        50: "人民币伍角",
        0: "人民币零元整",
        20_000_000_000: "人民币贰亿元整",
    }
    assert {fen: yuan_in_capitals(fen) for fen in written} == written


def test_the_titles_period_is_never_broken_inside_a_date(world, as_user, tmp_path):
    """The issue's steps: the PDF's title broke inside a date (…至2 / 月3日). The period now has a line
    of its own, in the PDF and in Word, whatever the length of the place's name."""
    from qunfang.core.models import Level
    from qunfang.testing.world import place

    long_named = place(world.qingxin, "清新区太和镇某某某某某某某某社区居民委员会", Level.VILLAGE)
    briefing = briefings.draft_briefing(by=world.alice, place=long_named, start=date(2020, 1, 24),
                                        end=date(2020, 2, 3))  # fmt: skip
    client = as_user(world.alice)
    path = tmp_path / "briefing.pdf"
    path.write_bytes(client.get(f"/briefings/{briefing.pk}/briefing.pdf").content)
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "（1月24日至2月3日）" in text.splitlines()[1] or any(
        line.strip() == "（1月24日至2月3日）" for line in text.splitlines()[:4]
    )
    word = docx.Document(io.BytesIO(client.get(f"/briefings/{briefing.pk}/briefing.docx").content))
    assert word.paragraphs[0].text.split("\n")[-1] == "（1月24日至2月3日）"
