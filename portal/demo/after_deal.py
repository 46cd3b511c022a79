"""Demo records after the handshake: an open public notice with an objection waiting for an answer,
a licence with running royalties (some periods overdue), the centre's reward share and a reward
paid, so the work pages, the notices list and the deal pages have something to show."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from portal.demo.deals import RUIHE, STAFF, _user
from portal.errors import OperationError
from portal.extensions import db
from portal.models import Deal, Listing, Organisation, PublicNotice, RoyaltyTerms
from portal.notices import operations as notices
from portal.rewards import operations as rewards
from portal.royalties import operations as royalties


def load(echo) -> None:
    """Once: skipped when the demo centre already has a notice, or has no deals yet."""
    centre = db.session.scalar(db.select(Organisation).where(Organisation.code == RUIHE))
    if centre is None or db.session.scalar(db.select(PublicNotice.id).where(PublicNotice.centre_id == centre.id)
                                           .limit(1)) is not None:
        return
    actor = _user(STAFF[RUIHE])
    today = date.today()
    listing = db.session.scalar(db.select(Listing).where(Listing.centre_id == centre.id, Listing.status == "published")
                                .order_by(Listing.id.desc()).limit(1))
    made = []
    if listing is not None:
        start, end = notices.default_window(today)
        notice = notices.open_notice(centre, notices.NoticeData(
            title=listing.title, mode="ordinary", intended_price_yuan=listing.price_yuan or Decimal(300000),
            patents=list(listing.patents), starts_on=start, ends_on=end,
            description="拟以协议定价方式普通许可，现予公示。公示期内如有异议，请在本页提出。"), actor, today)
        notices.file_objection(notice, notices.ObjectionData(
            name="示例公众", email="objector@example.com", organisation="示例研究所",
            body="请说明拟交易价格的评估依据。"), today, None)
        made.append("a public notice with an objection")
    deal = db.session.scalar(db.select(Deal).where(Deal.licensor_id == centre.id, Deal.kind == "licence",
                                                   Deal.term_end > today + timedelta(days=365))
                             .order_by(Deal.effective_date).limit(1))
    has_terms = deal is not None and db.session.scalar(
        db.select(RoyaltyTerms.id).where(RoyaltyTerms.deal_id == deal.id)) is not None
    if deal is not None and not has_terms:
        try:
            royalties.set_terms(deal, royalties.TermsData(basis="sales", rate_pct=Decimal(3), frequency="quarterly",
                                                          starts_on=deal.effective_date), actor)
            ended = [p for p in royalties.periods_of(deal) if p.ends_on < today]
            if ended:
                royalties.report_period(ended[0], Decimal(2_000_000), None, actor, today)
            made.append("royalty terms")
        except OperationError:
            pass
    rewards.set_share(centre, Decimal("0.7"), actor)
    earned = next((d for d in db.session.scalars(db.select(Deal).where(Deal.licensor_id == centre.id)
                                                 .order_by(Deal.id)) if rewards.net_income(d) > 0), None)
    if earned is not None:
        names = rewards.inventors_of(earned) or ["张明"]
        due = rewards.figures(earned).due
        rewards.record_reward(earned, names[0], (due / 2).quantize(Decimal("0.01")), earned.effective_date, "",
                              actor, today)
        made.append("a reward paid below due")
    db.session.commit()
    echo("demo after-the-deal records: " + (", ".join(made) or "none"))
