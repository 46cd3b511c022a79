"""The written notice (书面通知) of taking an open licence, as a PDF.

ReportLab's built-in CID font STSong-Light renders Chinese without shipping a font file; every
PDF reader has the matching Adobe-GB1 font.
"""

from __future__ import annotations

import io
from functools import lru_cache

from portal.models import OpenLicenceAcceptance

FONT = "STSong-Light"


@lru_cache(maxsize=1)
def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def notice_lines(a: OpenLicenceAcceptance, fee_text: str) -> list[str]:
    """The notice's text, shared by the printable page's tests and the PDF."""
    p = a.patent
    return [
        "专利开放许可实施通知书",
        "",
        f"通知编号：{a.notice_number}",
        f"致专利权人：{p.patentee or p.centre.name_zh}",
        "",
        f"本单位根据《中华人民共和国专利法》第五十一条，就专利号 {p.display_number}（{p.title}）",
        "的开放许可，书面通知贵方：本单位接受贵方公告的开放许可条件，并将依照公告的付费方式和标准支付许可使用费，",
        "据此获得该专利的普通许可。",
        "",
        f"公告日期：{a.declaration.announced_on.isoformat()}",
        f"许可使用费：{fee_text}",
        f"许可期限：自 {a.effective_date.isoformat()} 至 {a.term_end.isoformat()}",
        "许可类型：普通许可",
        "",
        f"被许可人：{a.licensee_name}",
        f"统一社会信用代码：{a.licensee_credit_code or '—'}",
        f"地址：{a.licensee_address or '—'}",
        f"联系人及联系方式：{a.licensee_contact or '—'}",
        "",
        f"通知日期：{a.effective_date.isoformat()}",
        "本许可合同应自生效之日起三个月内向国家知识产权局办理备案。",
    ]


def render_pdf(a: OpenLicenceAcceptance, fee_text: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _register_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(f"专利开放许可实施通知书 {a.notice_number}")
    width, height = A4
    y = height - 72
    for i, line in enumerate(notice_lines(a, fee_text)):
        pdf.setFont(FONT, 16 if i == 0 else 10.5)
        if i == 0:
            pdf.drawCentredString(width / 2, y, line)
            y -= 30
            continue
        for part in _wrap(line, width - 120, 10.5):
            pdf.drawString(60, y, part)
            y -= 18
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(line: str, max_width: float, size: float) -> list[str]:
    """Break a line of mixed Chinese and Latin text to the page width (Chinese has no spaces)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    parts, current = [], ""
    for char in line:
        if current and stringWidth(current + char, FONT, size) > max_width:
            parts.append(current)
            current = ""
        current += char
    return [*parts, current] if current or not parts else parts
