"""Translatable names of the figures, targets, eligibility conditions and award kinds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "licence": _l("Licence"),
    "assignment": _l("Assignment"),
    "equity": _l("Equity contribution"),
}

TARGET_LABELS = {
    "count": _l("Deals concluded (licences, assignments, equity contributions)"),
    "amount": _l("Contract amount of the deals (yuan)"),
    "sme_count": _l("Deals with small, medium and micro enterprises"),
    "sme_amount": _l("Contract amount of the deals with small, medium and micro enterprises (yuan)"),
    "pct": _l("PCT international applications"),
    "navigation_reports": _l("Patent navigation reports"),
    "staff": _l("Full-time IP staff"),
    "certified_staff": _l("Staff with an IP professional title or certificate"),
    "rules_documents": _l("IP operation rules documents adopted"),
}
AMOUNT_TARGETS = ("amount", "sme_amount")
# Targets whose figure comes from the deals: each links to the deals behind it.
DEAL_TARGETS = {"count": {}, "amount": {}, "sme_count": {"sme": 1}, "sme_amount": {"sme": 1}}

CONDITION_LABELS = {
    "valid_inventions": _l("Valid invention patents"),
    "operable_patents": _l("Patents that can be put into operation (valid, on a published listing)"),
    "deals_or_received": _l("Deals concluded or amount actually received in the window"),
    "ip_department": _l("An IP management department with full-time staff"),
    "management_rules": _l("IP management rules adopted"),
}

AWARD_LABELS = {
    "china_patent_award": _l("China Patent Award"),
    "shanghai_ip_innovation_award": _l("Shanghai IP Innovation Award"),
    "high_value_patent_competition": _l("Shanghai high-value patent competition award"),
    "pilot_demonstration_unit": _l("Shanghai patent pilot or demonstration unit"),
}
