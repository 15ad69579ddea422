"""Printable pages as PDF: a Django template rendered to HTML, then to PDF by WeasyPrint. The
templates name the Noto CJK fonts (Debian's fonts-noto-cjk): a generic family would fall back to
Japanese glyph variants."""

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML  # imported on use: it loads Pango, which the pages never need

    html = render_to_string(template, context, request=request)
    base = request.build_absolute_uri("/") if request else None
    return HTML(string=html, base_url=base).write_pdf()


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)
