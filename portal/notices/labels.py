"""Labels of the notices, royalties, rewards and legal-status codes, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from portal.labels import LEGAL_STATUS_LABELS as PATENT_STATUS_LABELS

PRICING_LABELS = {
    "agreement": _l("By agreement: public notice required"),
    "exchange": _l("On an exchange"),
    "auction": _l("By auction"),
    "listing": _l("By public listing"),
}

NOTICE_STATE_LABELS = {
    "upcoming": lazy_pgettext("notice", "Upcoming"),
    "open": lazy_pgettext("notice", "Open for objections"),
    "ended": lazy_pgettext("notice", "Ended"),
    "cancelled": lazy_pgettext("notice", "Cancelled"),
}

ROYALTY_BASIS_LABELS = {"sales": _l("net sales"), "profit": _l("profit")}
ROYALTY_FREQUENCY_LABELS = {"quarterly": _l("quarterly"), "half_yearly": _l("half-yearly"), "yearly": _l("yearly")}
ROYALTY_STATE_LABELS = {
    "future": lazy_pgettext("royalty period", "Not started"),
    "open": lazy_pgettext("royalty period", "Running"),
    "to_report": lazy_pgettext("royalty period", "To report"),
    "report_overdue": lazy_pgettext("royalty period", "Report overdue"),
    "reported": lazy_pgettext("royalty period", "Reported, payment due"),
    "payment_overdue": lazy_pgettext("royalty period", "Payment overdue"),
    "paid": lazy_pgettext("royalty period", "Paid"),
}
LEGAL_STATUS_LABELS = {
    "valid": PATENT_STATUS_LABELS["valid"],  # one msgid, one meaning (tests/test_recordal_status.py)
    "pending": PATENT_STATUS_LABELS["pending"],
    "fee_overdue": _l("Annual fee overdue, in the grace period"),
    "lapsed": _l("Lapsed for unpaid annual fees"),
    "expired": _l("Expired"),
    "invalidated": _l("Invalidated"),
    "surrendered": _l("Surrendered"),
}

