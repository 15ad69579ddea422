"""The Qingxin briefing the demo writes has every figure of the report of 4 February 2020, taken from
the data; its .docx and PDF open, and the PDF's pages are kept as PNG images under the test output."""

import io
import subprocess
from pathlib import Path

import docx

from qunfang.briefings.models import Briefing
from qunfang.core.models import OrgUnit, User
from qunfang.testing.clients import client_for

OUTPUT = Path(__file__).resolve().parents[3] / "test-output" / "pdf"
# Every figure of qingxin-2020-02-04.txt, as the report writes it.
REPORT_FIGURES = [
    "11509",
    "9862",
    "7562",
    "32665",
    "7372",
    "22236",
    "1352",
    "721",
    "1219",
    "1689",
    "161796",
    "384",
    "11796",
]


def test_the_qingxin_briefing_quotes_every_figure_of_the_report(demo):
    # The whole demo: 11,509 reachable veterans; 在水一方 whole, 1,901 households, 8,089 residents.
    qingxin = OrgUnit.objects.get(code="441803000000")
    briefing = Briefing.objects.get(place=qingxin)
    text = "\n".join(f"{s['heading']}\n{s['text']}" for s in briefing.sections)
    missing = [figure for figure in REPORT_FIGURES if figure not in text]
    assert missing == [], text
    assert "测量体温7372人次" in text and "入户走访宣传7562人次，覆盖32665人" in text
    assert "退役军人384人共捐款11796元，于2月3日移交清新区慈善会" in text
    assert briefing.final and briefing.submitted_at and briefing.published_at

    client = client_for(User.objects.get(username="qy_leader"))  # the city sees what Qingxin sent up
    word = client.get(f"/briefings/{briefing.pk}/briefing.docx")
    assert word.status_code == 200
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert paragraphs[0].replace("\n", "") == briefing.title and any("11509" in p for p in paragraphs)
    assert paragraphs[0].split("\n")[1].startswith("（")  # the period on a line of its own
    pdf = client.get(f"/briefings/{briefing.pk}/briefing.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    words = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "161796" in words.replace(" ", "") and "11509" in words
    out = OUTPUT
    out.mkdir(parents=True, exist_ok=True)
    (out / "qingxin-briefing.pdf").write_bytes(pdf.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(out / "qingxin-briefing.pdf"), str(out / "qingxin-briefing")],
        check=True,
    )
    assert list(out.glob("qingxin-briefing*.png"))

    hunnan = Briefing.objects.get(place__name="在水一方社区")
    hunnan_text = "\n".join(s["text"] for s in hunnan.sections)
    assert "33" in hunnan_text and "1901" in hunnan_text and "8089" in hunnan_text and "夏宇" in hunnan_text
