"""The written notice (书面通知) of taking an open licence, as a PDF.

ReportLab's built-in CID font STSong-Light renders Chinese without shipping a font file; every
PDF reader has the matching Adobe-GB1 font.
"""

from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape

from portal.models import OpenLicenceAcceptance

FONT = "STSong-Light"
MARGIN = 54  # points; with the frame's 6-point padding the text sits 60 points from each edge


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
    """The notice on A4, as many pages as it takes: Platypus lays it out, and ``wordWrap="CJK"``
    breaks lines between any two Chinese characters (Chinese has no spaces to break at)."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_font()
    # The title's baseline 72 points from the top of the page, 48 above the first line of text;
    # lines 18 points apart.
    title = ParagraphStyle("notice-title", fontName=FONT, fontSize=16, leading=30, spaceAfter=5.5,
                           alignment=TA_CENTER, wordWrap="CJK")
    body = ParagraphStyle("notice-body", fontName=FONT, fontSize=10.5, leading=18, wordWrap="CJK")
    story = []
    for i, line in enumerate(notice_lines(a, fee_text)):
        # Paragraph text is markup: user text (names, addresses, titles) is escaped.
        story.append(Paragraph(escape(line), title if i == 0 else body) if line else Spacer(0, body.leading))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=50,
                            bottomMargin=MARGIN, title=f"专利开放许可实施通知书 {a.notice_number}", invariant=1)
    doc.build(story)
    return buffer.getvalue()
