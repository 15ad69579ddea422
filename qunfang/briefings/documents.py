"""A final or draft briefing as the documents bureaus exchange: Word (.docx, python-docx) and PDF
(WeasyPrint), A4, with the title, the source line, the date and the author line as the reports have
them, its sections, and the picked deeds' photos with their captions."""

import base64
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from qunfang.briefings.models import Briefing
from qunfang.lib.pdf import render_pdf
from qunfang.lib.text import printable

CHINESE_FONT = "Noto Serif CJK SC"  # falls back to the reader's own Song typeface in Word


def _font(run, size: float, bold: bool = False) -> None:
    run.font.size, run.font.bold = Pt(size), bold
    run.font.name = CHINESE_FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), CHINESE_FONT)  # Word picks CJK glyphs by this one


def title_lines(title: str) -> list[str]:
    """The title as a bureau sets it: the period in brackets on a line of its own, so that a line never
    breaks inside a date (…至2 / 月3日); a title without one stays whole."""
    for bracket in ("（", " ("):
        head, found, period = title.partition(bracket)
        if found and head and period:
            return [head, (found + period).strip()]
    return [title]


def lines(briefing: Briefing) -> tuple[str, str]:
    day = timezone.localdate(briefing.finalized_at or briefing.created_at or timezone.now())
    source = _("Source: %(source)s    Date: %(day)s") % {"source": briefing.source, "day": day.isoformat()}
    author = _("Written by: %(author)s") % {"author": briefing.author} if briefing.author else ""
    return source, author


def briefing_docx(briefing: Briefing) -> bytes:
    # Every run's text through `printable`: Word's XML refuses control characters an old row may hold.
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for n, part in enumerate(title_lines(printable(briefing.title))):
        if n:
            heading.add_run().add_break()  # the period on a line of its own
        _font(heading.add_run(part), 18, bold=True)
    source, author = lines(briefing)
    for text in (source, author):
        if text:
            line = document.add_paragraph()
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(line.add_run(printable(text)), 10.5)
    for part in briefing.sections:
        _font(document.add_paragraph().add_run(printable(part["heading"])), 14, bold=True)
        for paragraph in part["text"].split("\n"):
            if paragraph.strip():
                body = document.add_paragraph()
                body.paragraph_format.first_line_indent = Pt(28)
                _font(body.add_run(printable(paragraph.strip())), 12)
    for deed in briefing.deeds.all():
        for photo in deed.photos.all():
            with photo.image.open("rb") as image:
                document.add_picture(io.BytesIO(image.read()), width=Cm(12))
            caption = document.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(caption.add_run(printable(photo.caption or deed.title)), 10.5)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _embedded(photo) -> dict:
    """A photo inside the PDF itself: WeasyPrint would otherwise fetch it over HTTP, past the sign-in."""
    with photo.image.open("rb") as image:
        data = base64.b64encode(image.read()).decode()
    kind = "png" if photo.image.name.lower().endswith(".png") else "jpeg"
    return {"src": f"data:image/{kind};base64,{data}", "caption": photo.caption}


def briefing_pdf(briefing: Briefing, request) -> bytes:
    source, author = lines(briefing)
    photos = [_embedded(photo) for deed in briefing.deeds.all() for photo in deed.photos.all()]
    return render_pdf(
        "briefings/briefing_pdf.html",
        {
            "briefing": briefing,
            "title_lines": title_lines(briefing.title),
            "source": source,
            "author": author,
            "photos": photos,
        },  # fmt: skip
        request,
    )
