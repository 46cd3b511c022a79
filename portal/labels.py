"""Translatable labels for stored codes (roles, organisation kinds, size classes)."""

from __future__ import annotations

from flask_babel import force_locale, get_locale, gettext, lazy_pgettext
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "centre_staff": _l("Centre staff"),
    "centre_admin": _l("Centre administrator"),
    "sme_member": _l("Enterprise member"),
    "organiser": _l("Organiser"),
    "exchange_operator": _l("Exchange operator"),
    "site_admin": _l("Site administrator"),
}

# The two accounts of a centre's project budget (DOMAIN.md §7), in a sentence ("received into the …").
FUND_LABELS = {
    "grant": _l("central funds"),
    "matching": _l("matching funds"),
}

# The decision of a pre-filing review (申请前预审).
REVIEW_DECISION_LABELS = {"file": lazy_pgettext("review decision", "File"), "revise": _l("Revise and resubmit"),
                          "do_not_file": _l("Do not file")}

ORG_KIND_LABELS = {
    "centre": _l("IP operation centre"),
    "enterprise": _l("Enterprise"),
    "exchange": _l("Exchange base"),
    "organiser": _l("Organiser"),
}

SIZE_CLASS_LABELS = {
    "large": _l("Large enterprise"),
    "medium": _l("Medium enterprise"),
    "small": _l("Small enterprise"),
    "micro": _l("Micro enterprise"),
}


def is_english() -> bool:
    locale = get_locale()
    return bool(locale and locale.language == "en")


def industry_label(key: str | None) -> str:
    """The industry's name in the current language, from the rules' data table."""
    from portal.rules import INDUSTRIES

    if not key or key not in INDUSTRIES:
        return key or ""
    zh, en = INDUSTRIES[key]
    return en if is_english() else zh


def industry_choices() -> list[tuple[str, str]]:
    from portal.rules import INDUSTRIES

    return [(key, industry_label(key)) for key in INDUSTRIES]

MODE_LABELS = {
    "exclusive": _l("Exclusive licence"),
    "sole": _l("Sole licence"),
    "ordinary": _l("Ordinary licence"),
    "assignment": _l("Assignment"),
    "equity": _l("Equity contribution"),
}

FIELD_LABELS = {
    "medical_devices": _l("Medical devices"),
    "ivd": _l("In-vitro diagnostics"),
    "drugs": _l("Chemical drugs"),
    "biologics": _l("Biologics"),
    "tcm": _l("Traditional Chinese medicine"),
    "imaging": _l("Medical imaging"),
    "digital_health": _l("Digital health and medical informatics"),
    "rehabilitation": _l("Rehabilitation and nursing"),
    "surgery": _l("Surgery and interventional therapy"),
    "other": _l("Other fields"),
}

MATURITY_LABELS = {
    "concept": _l("Concept"),
    "lab": _l("Laboratory stage"),
    "prototype": _l("Prototype or sample"),
    "clinical": _l("Clinical trial"),
    "market": _l("Marketed or in production"),
}

PATENT_KIND_LABELS = {
    "invention": _l("Invention"),
    "utility_model": _l("Utility model"),
    "design": _l("Design"),
    "pct_invention": _l("Invention (PCT, entering China)"),
    "pct_utility_model": _l("Utility model (PCT, entering China)"),
}

# Status labels carry a context (msgctxt): a short word such as "Filed" is also a column heading
# ("time filed") elsewhere, and one msgid has one translation. tests/test_labels.py checks it.
LEGAL_STATUS_LABELS = {
    "valid": lazy_pgettext("patent legal status", "Valid"),
    "lapsed": lazy_pgettext("patent legal status", "Lapsed"),
    "pending": lazy_pgettext("patent legal status", "Pending"),
}

LISTING_STATUS_LABELS = {
    "draft": lazy_pgettext("listing status", "Draft"),
    "published": lazy_pgettext("listing status", "Published"),
    "withdrawn": lazy_pgettext("listing status", "Withdrawn"),
    "concluded": lazy_pgettext("listing status", "Concluded"),
}

FEE_METHOD_LABELS = {
    "lump_sum": _l("Lump sum"),
    "royalty_sales": _l("Running royalty on sales"),
    "royalty_profit": _l("Running royalty on profit"),
    "entry_plus_royalty": _l("Entry fee plus royalty"),
}

VALUE_LABELS = {
    "technical_value": _l("Technical value"),
    "legal_value": _l("Legal value"),
    "market_value": _l("Market value"),
    "strategic_value": _l("Strategic value"),
    "economic_value": _l("Economic value"),
}


def ipc_subclass_title(subclass: str) -> str:
    """The subclass's short title in the current language; for a subclass outside the table, its
    section's title, marked as such ("" when even the section is unknown)."""
    from portal.rules import ipc_section_titles, ipc_subclass_titles

    titles = ipc_subclass_titles(subclass)
    if titles:
        zh, en = titles
        return en if is_english() else zh
    section = ipc_section_titles(subclass)
    if not section:
        return ""
    zh, en = section
    return gettext("Section %(section)s: %(title)s", section=subclass.strip().upper()[:1],
                   title=en if is_english() else zh)


REQUEST_STATUS_LABELS = {
    "submitted": lazy_pgettext("request status", "Submitted"),
    "under_review": lazy_pgettext("request status", "Under review"),
    "negotiating": lazy_pgettext("request status", "Negotiating"),
    "agreed": lazy_pgettext("request status", "Agreed"),
    "declined": lazy_pgettext("request status", "Declined"),
    "withdrawn": lazy_pgettext("request status", "Withdrawn by the enterprise"),
}

REQUEST_MODE_LABELS = {**MODE_LABELS, "open": _l("Open licence")}

DEAL_MODE_LABELS = {
    "exclusive": _l("Exclusive licence"),
    "sole": _l("Sole licence"),
    "ordinary": _l("Ordinary licence"),
    "open": _l("Open licence"),
    "assignment": _l("Assignment"),
    "equity": _l("Equity contribution"),
}

RECORDAL_STATUS_LABELS = {
    "not_filed": lazy_pgettext("recordal status", "Not filed"),
    "filed": lazy_pgettext("recordal status", "Filed"),
    "recorded": lazy_pgettext("recordal status", "Recorded"),
    "refused": lazy_pgettext("recordal status", "Refused"),
}


# Reasons the portal itself writes on a status change, stored as written and shown in the reader's
# language (a person's reason is shown as typed).
SYSTEM_REASONS = {
    "open licence: accepted on submission": _l("Open licence: accepted on submission"),
}


def reason_text(reason: str | None) -> str | None:
    """A status change's reason as the reader should see it."""
    return str(SYSTEM_REASONS[reason]) if reason in SYSTEM_REASONS else reason


def in_chinese(labels: dict) -> dict[str, str]:
    """``labels`` as the Chinese screens show them, whatever the reader's language: for documents
    that are Chinese by rule (the assessment exports), so a file never words a status differently
    from the page it came from."""
    with force_locale("zh_CN"):
        return {key: str(label) for key, label in labels.items()}


# ---------------------------------------------------------------- events

EVENT_KIND_LABELS = {
    "matchmaking": _l("Matchmaking fair"),
    "roadshow": _l("Roadshow"),
    "training": _l("Training or publicity"),
}


# ---------------------------------------------------------------- exchange forwards

FORWARD_STATUS_LABELS = {
    "forwarded": lazy_pgettext("exchange forward status", "Forwarded, awaiting receipt"),
    "received": lazy_pgettext("exchange forward status", "Received by the exchange"),
    "listed": lazy_pgettext("exchange forward status", "Publicly listed"),
    "announced": lazy_pgettext("exchange forward status", "Publicly announced"),
    "concluded": lazy_pgettext("exchange forward status", "Concluded on the exchange"),
    "returned": lazy_pgettext("exchange forward status", "Returned to the centre"),
}


# ---------------------------------------------------------------- figures, targets, conditions, awards

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
    "operable_patents": _l("Patents that can be put into operation (valid, marked operable by the centre)"),
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
