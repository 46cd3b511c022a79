"""The written notice as a PDF: Chinese text wrapped inside the page, onto more pages when long."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import date
from types import SimpleNamespace

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

from portal.requests.notice import FONT, notice_lines, render_pdf

PAGE_WIDTH, _ = A4
LEFT = RIGHT = BOTTOM = 60  # where the text may go: 60 points from the edges


def acceptance(**changes) -> SimpleNamespace:
    centre = SimpleNamespace(name_zh="瑞金医院技术转移中心")
    patent = SimpleNamespace(patentee="上海交通大学医学院附属瑞金医院", centre=centre,
                             display_number="ZL 2020 1 0123456.7", title="一种可降解镁合金血管支架及其制备方法")
    values = dict(patent=patent, notice_number="KL-2025-000123",
                  declaration=SimpleNamespace(announced_on=date(2025, 1, 1)), effective_date=date(2025, 3, 1),
                  term_end=date(2032, 12, 31), licensee_name="上海测试医疗器械有限公司",
                  licensee_credit_code="91310115MA1H7GQ2XU", licensee_address="上海市浦东新区张江路 1 号",
                  licensee_contact="李经理 021-12345678")
    return SimpleNamespace(**{**values, **changes})


def _unescape(literal: bytes) -> bytes:
    """A PDF literal string's bytes (octal and backslash escapes)."""
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    return re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit()
                  else simple.get(m.group(1), m.group(1)), literal, flags=re.S)


def pages(pdf: bytes) -> list[dict]:
    """Per page: the ``cm`` origins of its paragraphs and the lines drawn in the CJK font."""
    found = []
    for match in re.finditer(rb"<<([^<>]*?/Filter[^<>]*?)>>\s*stream\r?\n(.*?)endstream", pdf, re.S):
        header, data = match.groups()
        if b"ASCII85Decode" in header:
            data = base64.a85decode(data.strip(), adobe=True)
        if b"FlateDecode" in header:
            data = zlib.decompress(data)
        if b" Tj" not in data:
            continue
        origins = [(float(x), float(y)) for x, y in re.findall(rb"1 0 0 1 (-?[\d.]+) (-?[\d.]+) cm", data)]
        lines = [(float(size), _unescape(text).decode("utf-16-be")) for size, text in re.findall(
            rb"/F2 ([\d.]+) Tf[^()]*?\(((?:\\[0-7]{1,3}|\\.|[^\\)])*)\) Tj", data, re.S)]
        found.append({"origins": origins, "lines": [(size, text) for size, text in lines if text]})
    return found


def test_the_notice_fits_one_page():
    pdf = render_pdf(acceptance(), "入门费 20000 元 + 提成 2.5%")
    assert pdf.startswith(b"%PDF") and b"/Count 1 " in pdf
    (page,) = pages(pdf)
    text = "".join(text for _, text in page["lines"])
    for line in notice_lines(acceptance(), "入门费 20000 元 + 提成 2.5%"):
        assert line in text


def test_a_long_name_without_spaces_wraps_inside_the_page_and_onto_more_pages():
    name = "上海" + "医疗器械研究开发测试" * 200  # 2,002 characters, no space to break at
    pdf = render_pdf(acceptance(licensee_name=name), "入门费 20000 元")
    found = pages(pdf)
    assert len(found) >= 2 and f"/Count {len(found)} ".encode() in pdf
    for page in found:
        for x, y in page["origins"][1:]:  # the first is the page's own origin
            assert x == LEFT and y >= BOTTOM - 0.01
        for size, text in page["lines"]:
            assert stringWidth(text, FONT, size) <= PAGE_WIDTH - LEFT - RIGHT + 0.01, text
    text = "".join(text for page in found for _, text in page["lines"])
    assert f"被许可人：{name}" in text  # nothing lost at the breaks
    assert sum(len(page["lines"]) for page in found) > 60


def test_user_text_is_not_markup():
    name = "<b>甲&amp;乙</b> & <br/>丙 <font size=40>丁</font>"
    pdf = render_pdf(acceptance(licensee_name=name, licensee_address="上海市<i>浦东</i>"), "入门费 20000 元")
    text = "".join(text for page in pages(pdf) for _, text in page["lines"])
    assert f"被许可人：{name}" in text and "地址：上海市<i>浦东</i>" in text
