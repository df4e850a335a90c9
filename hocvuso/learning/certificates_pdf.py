"""The certificate of a completion as PDF: landscape A4, Noto Serif (``core.pdf``), the
verification code and a QR code of the absolute ``/verify/<code>/`` address. One page per
certificate; a class's certificates in one file, one per page. Imported only by the
requests that build one."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from decimal import Decimal

import segno
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from hocvuso.core import pdf
from hocvuso.core.documents import MOTTO
from hocvuso.learning.models import Certificate

# Landscape A4, 297 × 210 mm, a frame 10 mm in.
PAGE_W, PAGE_H = 297.0, 210.0
FRAME = 10.0
MARGIN = 22.0
TEXT_W = PAGE_W - 2 * MARGIN
QR_MM = 32.0
BRAND = (179, 18, 27)


def certificates_pdf(
    certificates: Sequence[Certificate],
    *,
    verify_url: Callable[[str], str],
    hours: Callable[[Certificate], Decimal | None] = lambda c: None,
) -> bytes:
    """The PDF of ``certificates``, one page each; ``verify_url(code)`` is the absolute
    address the QR code opens."""
    document = FPDF(orientation="L", unit="mm", format="A4")
    document.set_auto_page_break(auto=False)
    document.set_margins(MARGIN, MARGIN, MARGIN)
    for style, path in pdf.font_files().items():
        document.add_font(pdf.FONT, style, path)
    document.set_title("Giấy chứng nhận")
    document.set_author(pdf.clean(certificates[0].organiser_name if certificates else ""))
    document.set_creator("Học vụ số")
    document.set_lang("vi")
    for certificate in certificates:
        _page(document, certificate, verify_url(certificate.code), hours(certificate))
    return pdf.output(document)


def _centre(document: FPDF, text: str, *, size: float, style: str = "", after: float = 2) -> None:
    document.set_font(pdf.FONT, style, size)
    document.set_x(MARGIN)
    document.multi_cell(
        TEXT_W,
        size * pdf.PT * 1.35,
        pdf.clean(text),
        align=Align.C,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    document.ln(after)


def _fitting(
    document: FPDF, text: str, *, size: float, smallest: float, lines: int, style: str = ""
) -> float:
    """The largest size from ``size`` down to ``smallest`` at which ``text`` takes at most
    ``lines`` lines: a long name or course title shrinks rather than runs into the seal."""
    while size > smallest:
        document.set_font(pdf.FONT, style, size)
        if math.ceil(document.get_string_width(pdf.clean(text)) / (TEXT_W - 6)) <= lines:
            break
        size -= 1
    return size


def _frame(document: FPDF) -> None:
    document.set_draw_color(*BRAND)
    document.set_line_width(1.2)
    document.rect(FRAME, FRAME, PAGE_W - 2 * FRAME, PAGE_H - 2 * FRAME)
    document.set_line_width(0.3)
    document.rect(FRAME + 2.5, FRAME + 2.5, PAGE_W - 2 * FRAME - 5, PAGE_H - 2 * FRAME - 5)
    document.set_draw_color(0, 0, 0)


def _hours_text(hours: Decimal | None) -> str:
    if hours is None:
        return ""
    text = f"{hours.normalize():f}".replace(".", ",")
    return f"Thời lượng: {text} giờ"


def _page(document: FPDF, certificate: Certificate, url: str, hours: Decimal | None) -> None:
    document.add_page()
    _frame(document)
    document.set_y(MARGIN)
    _centre(document, MOTTO[0], size=13, style="B", after=0)
    _centre(document, MOTTO[1], size=13, style="B", after=0)
    document.set_font(pdf.FONT, "B", 13)
    rule = document.get_string_width(MOTTO[1]) * 0.8
    document.set_line_width(0.3)
    document.line(
        (PAGE_W - rule) / 2, document.get_y() + 0.5, (PAGE_W + rule) / 2, document.get_y() + 0.5
    )
    document.ln(8)
    if certificate.revoked:
        document.set_text_color(*BRAND)
        _centre(document, "ĐÃ THU HỒI — KHÔNG CÒN GIÁ TRỊ", size=14, style="B", after=2)
        document.set_text_color(0, 0, 0)
    document.set_text_color(*BRAND)
    _centre(document, "GIẤY CHỨNG NHẬN", size=30, style="B", after=4)
    document.set_text_color(0, 0, 0)
    _centre(document, certificate.organiser_name, size=14, after=2)
    _centre(document, "chứng nhận", size=14, style="I", after=2)
    name = certificate.holder_name
    size = _fitting(document, name, size=24, smallest=14, lines=1, style="B")
    _centre(document, name, size=size, style="B", after=4)
    course = f"Đã hoàn thành chương trình “{certificate.course_title}”"
    _centre(
        document, course, size=_fitting(document, course, size=15, smallest=9, lines=2), after=1
    )
    details = [
        _hours_text(hours),
        f"Ngày hoàn thành: {certificate.completed_on:%d/%m/%Y}",
    ]
    _centre(document, " · ".join(d for d in details if d), size=13, after=0)
    _footer(document, certificate, url)


def _footer(document: FPDF, certificate: Certificate, url: str) -> None:
    top = PAGE_H - MARGIN - QR_MM - 4
    qr = segno.make(url, error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=8, border=1)
    image.seek(0)
    document.image(image, x=MARGIN, y=top, w=QR_MM, h=QR_MM)
    document.set_xy(MARGIN + QR_MM + 4, top + 4)
    document.set_font(pdf.FONT, "", 11)
    document.cell(90, 6, "Mã xác minh:", new_x=XPos.LEFT, new_y=YPos.NEXT)
    document.set_font(pdf.FONT, "B", 18)
    document.cell(90, 9, certificate.code, new_x=XPos.LEFT, new_y=YPos.NEXT)
    document.set_font(pdf.FONT, "", 9)
    document.cell(90, 4.5, "Kiểm tra tại:", new_x=XPos.LEFT, new_y=YPos.NEXT)
    document.multi_cell(90, 4.5, pdf.clean(url), align=Align.L, new_x=XPos.LEFT)
    right = PAGE_W - MARGIN - 100
    issued = certificate.issued_on
    document.set_xy(right, top - 6)
    document.set_font(pdf.FONT, "I", 12)
    place_date = f"Ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}"
    document.cell(100, 6, place_date, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    document.set_font(pdf.FONT, "B", 12)
    document.multi_cell(
        100,
        6,
        pdf.clean(f"THỦ TRƯỞNG ĐƠN VỊ\n{certificate.organiser_name.upper()}"),
        align=Align.C,
        new_x=XPos.LEFT,
        new_y=YPos.NEXT,
    )
    document.set_font(pdf.FONT, "I", 10)
    document.cell(100, 5, "(Ký, ghi rõ họ tên, đóng dấu)", align=Align.C)
    line_y = PAGE_H - MARGIN - 2
    document.set_line_width(0.2)
    document.line(right + 15, line_y, right + 85, line_y)
