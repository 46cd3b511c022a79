"""Demo documents: a brochure (public) and the claims (for enterprises that filed a request) on the
first 瑞和 listing, and the contract and valuation report of the deal forwarded to the exchange, put in
the forward's dossier. Each is a one-page PDF saying it is an example; each goes through the real
operations (checked, stored, audited)."""

from __future__ import annotations

import io

from flask import current_app

from portal.demo.deals import FORWARD_TO, RUIHE, STAFF
from portal.documents import operations as ops
from portal.extensions import db
from portal.files.checks import receive
from portal.models import Document, ExchangeForward, Listing, Organisation, User


def example_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF in Chinese (reportlab's built-in CID font: nothing to install)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    page.setTitle(title)
    page.setFont("STSong-Light", 18)
    page.drawString(72, 770, title)
    page.setFont("STSong-Light", 11)
    for n, line in enumerate([*lines, "（示例文件，内容虚构）"]):
        page.drawString(72, 730 - 18 * n, line)
    page.showPage()
    page.save()
    return out.getvalue()


def _add(add, name: str, title: str, lines: list[str]) -> Document:
    received = receive(io.BytesIO(example_pdf(title, lines)), name, current_app.config["FILES_MAX_BYTES"])
    try:
        return add(received)
    finally:
        received.data.close()


def load(echo) -> None:
    """Add the demo documents once (skipped when any document exists, or without the demo centre)."""
    if db.session.scalar(db.select(Document.id).limit(1)) is not None:
        return
    centre = db.session.scalar(db.select(Organisation).where(Organisation.code == RUIHE))
    staff = db.session.scalar(db.select(User).where(User.email == STAFF[RUIHE]))
    if centre is None or staff is None:
        return
    added = 0
    listing = db.session.scalar(db.select(Listing).where(Listing.centre_id == centre.id, Listing.status == "published")
                                .order_by(Listing.id).limit(1))
    if listing is not None:
        _add(lambda r: ops.add_listing_document(listing, r, "public", staff), "技术介绍（示例）.pdf",
             listing.title[:40], ["技术领域、主要优势与应用场景", "联系人：运营中心"])
        _add(lambda r: ops.add_listing_document(listing, r, "requesters", staff), "权利要求书（示例）.pdf",
             "权利要求书", ["1. 一种……，其特征在于……", "仅向已提交许可申请的企业开放"])
        added += 2
    exchange_id = db.session.scalar(db.select(Organisation.id).where(Organisation.code == FORWARD_TO))
    forward = db.session.scalar(db.select(ExchangeForward).where(
        ExchangeForward.centre_id == centre.id, ExchangeForward.exchange_id == exchange_id,
        ExchangeForward.deal_id.isnot(None)).order_by(ExchangeForward.id).limit(1))
    if forward is not None:
        deal = forward.deal
        contract = _add(lambda r: ops.add_deal_document(deal, r, staff), "转让合同（示例）.pdf", "专利权转让合同",
                        [f"转让方：{deal.licensor.name_zh}", f"受让方：{deal.licensee.name_zh}"])
        report = _add(lambda r: ops.add_deal_document(deal, r, staff), "资产评估报告（示例）.pdf", "资产评估报告",
                      [f"评估对象：{', '.join(p.application_number for p in deal.patents)}"])
        ops.set_dossier(forward, [contract.id, report.id], staff)
        added += 2
    db.session.commit()
    echo(f"{added} demo documents added")
