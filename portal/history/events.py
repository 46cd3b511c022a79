"""The registry of audit event kinds: each kind's name and its sentences with named parameters,
rendered in the reader's language when a page shows the entry.

A kind new to ``audit.record`` gets an entry here: its name (``_l``, a short action such as "Account
deactivated"), then its sentences, most specific first (``_l("Recordal: %(old)s → %(new)s")``), then
where each parameter comes from (``portal.history.sources``: ``data("to")`` through ``label(...,
labels.RECORDAL_STATUS_LABELS)``, ``org(data("exchange"))``, ``EMAIL`` of the target account …).
tests/test_chinese_throughout.py fails on a recorded kind without an entry."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l

from portal import labels
from portal.history.sources import (
    CENTRE,
    EMAIL,
    EXCHANGE,
    LICENSEE,
    REASON,
    TARGET_ORG,
    TITLE,
    TOKEN_EXCHANGE,
    TRAIL,
    Lookups,
    Source,
    data,
    first,
    joined,
    label,
    licensee_of,
    money,
    org,
    said,
    when,
)
from portal.models import AuditEntry
from portal.notices.labels import LEGAL_STATUS_LABELS, ROYALTY_BASIS_LABELS, ROYALTY_FREQUENCY_LABELS


class Event(NamedTuple):
    """An event kind: its name (the audit log's action column and filter) and its sentences, the
    first whose parameters are all known being used; with none, the name is the sentence. A
    sentence may be ``(text, condition)``: used only when ``condition(data)`` holds."""

    label: Any
    texts: tuple = ()
    params: dict[str, Source] = {}


def _e(kind_name, *texts, **params: Source) -> Event:
    return Event(kind_name, texts, params)


def _transfer(stored: dict) -> bool:
    return bool(stored.get("transfer"))


_STATUS_CHANGE = {"old": label(data("from"), labels.REQUEST_STATUS_LABELS),
                  "new": label(data("to"), labels.REQUEST_STATUS_LABELS), "reason": REASON}
_FORWARD_CHANGE = {"exchange": EXCHANGE, "old": label(data("from"), labels.FORWARD_STATUS_LABELS),
                   "new": label(data("to"), labels.FORWARD_STATUS_LABELS), "reason": REASON,
                   "reference": data("reference")}
_IMPORT = {"file": data("file"), "rows": data("rows"), "created": data("created"), "updated": data("updated")}
_PATENT_NUMBER = {"number": said(r"^([^\s:]+)"), "title": said(r"^\S+ (.+)$")}
_CLAIM = {"email": said(r"^claim of (\S+) on "), "company": org(said(r"^claim of \S+ on (\S+):"))}
_FACT_REMOVED = _l("%(centre)s: “%(title)s” removed")

EVENTS: dict[str, Event] = {
    # deals (their history on the deal page)
    "deal.recorded": _e(_l("Deal recorded"),
                        _l("Deal recorded: %(mode)s with %(licensee)s, contract amount %(amount)s yuan"),
                        _l("Deal recorded: %(mode)s with %(licensee)s"),
                        mode=label(data("mode"), labels.DEAL_MODE_LABELS), licensee=LICENSEE,
                        amount=money(data("amount"))),
    "deal.imported": _e(_l("Deal imported"), _l("Deal imported from %(file)s, row %(row)s"),
                        file=data("file"), row=data("row")),
    "deals.imported": _e(_l("Deals imported"),
                         _l("%(rows)s deals imported from %(file)s: %(created)s new, %(updated)s updated"), **_IMPORT),
    "deal.payment": _e(_l("Payment recorded"), _l("Amount received: %(amount)s yuan on %(date)s"),
                       amount=money(data("amount")), date=data("paid_on")),
    "deal.recordal": _e(_l("Recordal status changed"),
                        _l("Recordal: %(old)s → %(new)s, recordal number %(number)s"),
                        _l("Recordal: %(old)s → %(new)s; reason: %(reason)s"),
                        _l("Recordal: %(old)s → %(new)s"),
                        old=label(data("from"), labels.RECORDAL_STATUS_LABELS),
                        new=label(data("to"), labels.RECORDAL_STATUS_LABELS),
                        number=when(data("number"), "to", "recorded"), reason=when(REASON, "to", "refused")),
    "deal.registered": _e(_l("Assignment registered"), _l("Assignment registered with CNIPA on %(date)s"),
                          date=first(data("registered_on"), said(r" on (\S+)$"))),
    # documents (on the deal, listing or request they belong to)
    "document.added": _e(_l("Document added"), _l("Document “%(file)s” added"), file=data("file")),
    "document.deleted": _e(_l("Document deleted"), _l("Document “%(file)s” deleted"), file=data("file")),
    "exchange.dossier": _e(_l("Dossier chosen"), _l("Dossier for %(exchange)s: %(count)s documents"),
                           exchange=EXCHANGE, count=data("count")),
    "deal.notice_override": _e(_l("Recorded without a completed public notice"),
                               _l("Recorded without a completed public notice; reason: %(reason)s"), reason=REASON),
    # public notices, royalties, inventor rewards, legal status
    "notice.opened": _e(_l("Public notice opened"),
                        _l("Public notice “%(title)s” opened: %(start)s to %(end)s, intended price %(price)s yuan"),
                        title=data("title"), start=data("starts"), end=data("ends"), price=money(data("price"))),
    "notice.cancelled": _e(_l("Public notice cancelled"), _l("Public notice cancelled; reason: %(reason)s"),
                           reason=REASON),
    "notice.objection": _e(_l("Objection filed")),
    "notice.answered": _e(_l("Objection answered")),
    "royalty.terms": _e(_l("Royalty terms set"),
                        _l("Royalty terms: %(rate)s%% of %(basis)s, reported %(frequency)s from %(start)s"),
                        rate=data("rate"), basis=label(data("basis"), ROYALTY_BASIS_LABELS),
                        frequency=label(data("frequency"), ROYALTY_FREQUENCY_LABELS), start=data("starts")),
    "royalty.reported": _e(_l("Royalty reported"),
                           _l("Period from %(start)s: base %(base)s yuan, royalty due %(due)s yuan"),
                           start=data("period"), base=money(data("base")), due=money(data("due"))),
    "royalty.payment": _e(_l("Royalty payment recorded"),
                          _l("Royalty of the period from %(start)s: %(amount)s yuan received on %(date)s"),
                          start=data("period"), amount=money(data("amount")), date=data("paid_on")),
    "reward.share": _e(_l("Reward share set"), _l("Inventors' reward share set to %(share)s"), share=data("share")),
    "reward.paid": _e(_l("Inventor reward paid"), _l("Reward of %(amount)s yuan paid to %(inventor)s on %(date)s"),
                      amount=money(data("amount")), inventor=data("inventor"), date=data("paid_on")),
    "patent.legal_status": _e(_l("Legal status changed"),
                              _l("Legal status of patent %(number)s: %(status)s on %(date)s"),
                              number=data("number"), status=label(data("status"), LEGAL_STATUS_LABELS),
                              date=data("date")),
    "patents.status_refreshed": _e(_l("Legal status refreshed"),
                                   _l("Legal status refreshed from %(file)s: %(rows)s rows, %(changed)s changes"),
                                   file=data("file"), rows=data("rows"), changed=data("changed")),
    # exchange forwards and tokens
    "exchange.forwarded": _e(_l("Forwarded to an exchange"), _l("Forwarded to %(exchange)s."), exchange=EXCHANGE),
    "exchange.recorded": _e(_l("Recorded as traded on an exchange"),
                            _l("Recorded as traded on %(exchange)s, reference %(reference)s"),
                            _l("Recorded as traded on %(exchange)s"),
                            exchange=EXCHANGE, reference=data("reference")),
    "exchange.status": _e(_l("Exchange step"), _l("%(exchange)s: %(old)s → %(new)s; reason: %(reason)s"),
                          _l("%(exchange)s: %(old)s → %(new)s, reference %(reference)s"),
                          _l("%(exchange)s: %(old)s → %(new)s"), **_FORWARD_CHANGE),
    "exchange.token_created": _e(_l("API token created"), _l("API token “%(name)s” created for %(exchange)s"),
                                 name=first(data("name"), said(r"“(.*)”")), exchange=EXCHANGE),
    "exchange.token_revoked": _e(_l("API token revoked"), _l("API token of %(exchange)s revoked"),
                                 exchange=EXCHANGE),
    "exchange.token_used": _e(_l("API token used"), _l("API call by %(exchange)s: %(method)s %(path)s"),
                              exchange=first(EXCHANGE, TOKEN_EXCHANGE), method=data("method"), path=data("path")),
    # requests, listings, patents, open licences, events
    "request.status": _e(_l("Request status changed"), _l("Status: %(old)s → %(new)s; reason: %(reason)s"),
                         _l("Status: %(old)s → %(new)s"), _l("Status: %(new)s"), **_STATUS_CHANGE),
    "request.message": _e(_l("Message sent")),
    "listing.created": _e(_l("Listing created"), _l("Draft listing “%(title)s” created"),
                          title=said(r"^draft listing (.+)$")),
    "listing.updated": _e(_l("Listing edited")),
    "listing.published": _e(_l("Listing published")),
    "listing.withdrawn": _e(_l("Listing withdrawn"), _l("Listing withdrawn; reason: %(reason)s"), reason=REASON),
    "listing.concluded": _e(_l("Listing marked as concluded")),
    "patent.created": _e(_l("Patent added"), _l("Patent %(number)s added: %(title)s"), **_PATENT_NUMBER),
    "patent.updated": _e(_l("Patent updated"), _l("Patent %(number)s updated: %(title)s"), **_PATENT_NUMBER),
    "patent.assessment": _e(_l("Patent operation and value scores changed"),
                            _l("Operation flag or value scores of patent %(number)s changed"), **_PATENT_NUMBER),
    "patent.operable_bulk": _e(_l("Patents marked operable or not"),
                               (_l("%(centre)s: %(count)s patents marked as operable"), lambda d: d.get("operable")),
                               _l("%(centre)s: %(count)s patents marked as not operable"),
                               count=data("count"), **CENTRE),
    "patent.facts_changed": _e(_l("Patent legal facts changed"), _l("Legal facts of patent %(number)s changed"),
                               **_PATENT_NUMBER),
    "patent.co_owners_changed": _e(_l("Patent co-owners changed"),
                                   _l("Co-owners of patent %(number)s changed: %(names)s"),
                                   _l("Co-owners of patent %(number)s changed"),
                                   names=joined("added", "changed", "removed"), **_PATENT_NUMBER),
    "patents.imported": _e(_l("Patents imported"),
                           _l("%(rows)s patents imported from %(file)s: %(created)s new, %(updated)s updated"),
                           **_IMPORT),
    "open_licence.declared": _e(_l("Open licence declared"), _l("Open licence declared on patent %(patent)s"),
                                patent=first(data("patent"), said(r"on (\S+)$"))),
    "open_licence.withdrawn": _e(_l("Open licence withdrawn"),
                                 _l("Open licence on patent %(patent)s withdrawn; reason: %(reason)s"),
                                 _l("Open licence on patent %(patent)s withdrawn"),
                                 patent=said(r"^open licence on (\S+) withdrawn"), reason=REASON),
    "open_licence.taken": _e(_l("Open licence taken"), _l("%(company)s took the open licence on patent %(patent)s."),
                             company=first(licensee_of(data("deal")), said(r"^(.+) took the open licence")),
                             patent=said(r"open licence on (\S+)$")),
    # technology needs (issue 17)
    "need.posted": _e(_l("Need posted"), _l("Need “%(title)s” posted"), title=data("title")),
    "need.closed": _e(_l("Need closed")),
    "need.expired": _e(_l("Need expired"), _l("Need expired at its deadline %(date)s"), date=data("deadline")),
    "need.proposed": _e(_l("Listings proposed for a need"), _l("%(centre)s proposed listings for the need"),
                        centre=org(data("centre"))),
    "event.created": _e(_l("Event created"), _l("Event “%(title)s” created"), title=data("title")),
    "event.updated": _e(_l("Event edited")),
    "event.registered": _e(_l("Registered for an event"), _l("%(company)s registered for the event"),
                           company=org(data("company"))),
    "event.registration_changed": _e(_l("Event registration changed"),
                                     _l("%(company)s changed its registration"), company=org(data("company"))),
    "event.registration_cancelled": _e(_l("Event registration cancelled"),
                                       _l("%(company)s cancelled its registration"), company=org(data("company"))),
    "event.checked_in": _e(_l("Checked in"), _l("%(company)s checked in"), company=org(data("company"))),
    "event.check_in_undone": _e(_l("Check-in undone"), _l("Check-in of %(company)s undone"),
                                company=org(data("company"))),
    "event.follow_up_sent": _e(_l("Follow-up mail sent"), _l("Follow-up mail sent to %(count)s attendees"),
                               count=data("recipients")),
    # accounts and companies
    "account.registration_repeated": _e(_l("Registration with a registered address"),
                                        _l("Registration tried again with the registered address %(email)s"),
                                        email=first(EMAIL, said(r"address (\S+)$"))),
    "account.registration_started": _e(_l("Registration started"),
                                       _l("Registration of the company %(credit_code)s started by %(email)s"),
                                       credit_code=data("credit_code"), email=said(r" by (\S+)$")),
    "account.registered": _e(_l("Company registered"), _l("%(email)s registered %(company)s (%(size)s)"),
                             _l("%(email)s registered %(company)s"), email=EMAIL, company=org(data("org")),
                             size=label(data("size_class"), labels.SIZE_CLASS_LABELS)),
    "auth.login": _e(_l("Logged in"), _l("%(email)s logged in"), email=EMAIL),
    "auth.login_failed": _e(_l("Failed login"), _l("Failed login for %(email)s"), email=data("email")),
    "account.logged_out": _e(_l("Logged out"), _l("%(email)s logged out"), email=EMAIL),
    "account.password_changed": _e(_l("Password changed"), _l("%(email)s changed the password"), email=EMAIL),
    "account.password_set": _e(_l("Password set"), _l("New password set for %(email)s"), email=EMAIL),
    "account.reset_requested": _e(_l("Password reset requested"), _l("Password reset requested for %(email)s"),
                                  email=EMAIL),
    "account.created": _e(_l("Account created"), _l("%(email)s created as %(role)s of %(org)s"), email=EMAIL,
                          role=label(data("role"), labels.ROLE_LABELS), org=org(data("org"))),
    "account.role_changed": _e(_l("Role changed"), _l("Role of %(email)s: %(old)s → %(new)s"), email=EMAIL,
                               old=label(data("from"), labels.ROLE_LABELS),
                               new=label(data("to"), labels.ROLE_LABELS)),
    "account.activated": _e(_l("Account activated"), _l("Account %(email)s activated"), email=EMAIL),
    "account.deactivated": _e(_l("Account deactivated"),
                              _l("Account %(email)s closed: %(company)s was transferred to its claimant"),
                              _l("Account %(email)s deactivated"), email=EMAIL,
                              company=org(said(r": (\S+) transferred to its claimant$"))),
    "organisation.verified": _e(_l("Company verified"), _l("%(org)s marked verified"), org=TARGET_ORG),
    "organisation.unverified": _e(_l("Company verification withdrawn"), _l("%(org)s marked unverified"),
                                  org=TARGET_ORG),
    "org.created": _e(_l("Organisation created"), _l("%(kind)s %(org)s created"),
                      kind=label(data("kind"), labels.ORG_KIND_LABELS),
                      org=first(TARGET_ORG, org(data("code")))),
    "company.join_requested": _e(_l("Request to join a company"), _l("%(email)s asks to join %(company)s"),
                                 email=said(r"^(\S+) asks"), company=org(said(r"asks to join (\S+)$"))),
    "company.join_approved": _e(_l("Joining approved"), _l("%(email)s joined %(company)s"),
                                email=said(r"^(\S+) joined"), company=org(said(r" joined (\S+)$"))),
    "company.join_declined": _e(_l("Joining declined"), _l("Request of %(email)s to join %(company)s declined"),
                                email=said(r"^(\S+) declined"), company=org(said(r" declined for (\S+)$"))),
    "company.claimed": _e(_l("Company claimed"), _l("%(email)s claims %(company)s"),
                          email=said(r"^(\S+) claims"), company=org(data("org"))),
    "company.claim_approved": _e(_l("Claim approved"),
                                 (_l("Claim of %(email)s on %(company)s approved; the company was transferred"),
                                  _transfer),
                                 _l("Claim of %(email)s on %(company)s approved"), **_CLAIM),
    "company.claim_declined": _e(_l("Claim declined"), _l("Claim of %(email)s on %(company)s declined"), **_CLAIM),
    # the programme's figures
    "metrics.parameters": _e(_l("Programme parameters changed")),
    "metrics.staffing": _e(_l("IP staff recorded"),
                           _l("%(centre)s: %(full_time)s full-time IP staff, %(certified)s with a title or "
                              "certificate"),
                           centre=TARGET_ORG, full_time=data("full_time"), certified=data("certified")),
    "metrics.pct": _e(_l("PCT application recorded"), _l("%(centre)s: PCT application %(number)s"),
                      number=said(r"PCT application (\S+)$"), **CENTRE),
    "metrics.navigation_report": _e(_l("Navigation report stored"), _l("%(centre)s: navigation report “%(title)s”"),
                                    **CENTRE, **TITLE),
    "metrics.rules_document": _e(_l("Rules document recorded"), _l("%(centre)s: rules document “%(title)s”"),
                                 **CENTRE, **TITLE),
    "metrics.award": _e(_l("Award recorded"), _l("%(centre)s: award “%(title)s” (%(year)s)"),
                        year=said(r"\((\d{4})\)$"), **CENTRE, **TITLE),
    "metrics.leadership": _e(_l("Leadership body recorded"),
                             _l("%(centre)s: leadership body “%(title)s”"), **CENTRE, **TITLE),
    "metrics.funding": _e(_l("Working funds recorded"), _l("%(centre)s: working funds “%(title)s”, %(amount)s yuan"),
                          amount=money(data("amount")), **CENTRE, **TITLE),
    "metrics.funding.deleted": _e(_l("Working funds removed"), _FACT_REMOVED, **CENTRE, **TITLE),
    "metrics.pct.deleted": _e(_l("PCT application removed"), _FACT_REMOVED, **CENTRE, **TITLE),
    "metrics.reports.deleted": _e(_l("Navigation report removed"), _FACT_REMOVED, **CENTRE, **TITLE),
    "metrics.rules.deleted": _e(_l("Rules document removed"), _FACT_REMOVED, **CENTRE, **TITLE),
    "metrics.awards.deleted": _e(_l("Award removed"), _FACT_REMOVED, **CENTRE, **TITLE),
    # pre-filing review
    "disclosure.created": _e(_l("Disclosure entered"), _l("%(centre)s: disclosure “%(title)s”"), **CENTRE, **TITLE),
    "disclosure.reviewed": _e(_l("Disclosure reviewed"), _l("Disclosure reviewed: %(decision)s"),
                              decision=label(data("decision"), labels.REVIEW_DECISION_LABELS)),
    # the project budget
    "budget.receipt": _e(_l("Budget: funds received"),
                         _l("%(centre)s: %(amount)s yuan received into the %(fund)s on %(date)s"),
                         amount=money(data("amount")), fund=label(data("fund"), labels.FUND_LABELS),
                         date=data("date"), **CENTRE),
    "budget.expense": _e(_l("Budget: expenditure recorded"),
                         _l("%(centre)s: %(amount)s yuan paid from the %(fund)s on %(date)s"),
                         amount=money(data("amount")), fund=label(data("fund"), labels.FUND_LABELS),
                         date=data("date"), **CENTRE),
    "budget.receipts.deleted": _e(_l("Budget: receipt removed"),
                                  _l("%(centre)s: receipt of %(amount)s yuan (%(date)s) removed"),
                                  amount=money(data("amount")), date=data("date"), **CENTRE),
    "budget.expenses.deleted": _e(_l("Budget: expenditure removed"),
                                  _l("%(centre)s: expenditure of %(amount)s yuan (%(date)s) removed"),
                                  amount=money(data("amount")), date=data("date"), **CENTRE),
    # refusals
    "security.csrf_refused": _e(_l("Form refused"), _l("Form refused (expired or sent from another site): "
                                                       "%(method)s %(path)s"), **TRAIL),
    "security.forbidden": _e(_l("Access refused"), _l("Access refused (no permission): %(method)s %(path)s"),
                             **TRAIL),
    "security.rate_limited": _e(_l("Too many attempts"), _l("Refused (too many attempts): %(method)s %(path)s"),
                                **TRAIL),
}

TARGET_LABELS = {
    "deals": _l("Deal #%(id)s"), "users": _l("Account #%(id)s"), "organisations": _l("Organisation #%(id)s"),
    "listings": _l("Listing #%(id)s"), "licence_requests": _l("Request #%(id)s"), "patents": _l("Patent #%(id)s"),
    "events": _l("Event #%(id)s"), "exchange_tokens": _l("API token #%(id)s"),
    "join_requests": _l("Join request #%(id)s"), "company_claims": _l("Claim #%(id)s"),
    "open_licence_declarations": _l("Open licence declaration #%(id)s"),
    "open_licence_acceptances": _l("Open licence taken #%(id)s"), "programme_parameters": _l("Programme parameters"),
    "pct_applications": _l("PCT application #%(id)s"), "navigation_reports": _l("Navigation report #%(id)s"),
    "rules_documents": _l("Rules document #%(id)s"), "centre_awards": _l("Award #%(id)s"),
    "needs": _l("Technology need #%(id)s"),
    "funding_secured": _l("Working funds #%(id)s"), "disclosures": _l("Disclosure #%(id)s"),
    "budget_receipts": _l("Budget receipt #%(id)s"), "budget_expenses": _l("Budget expenditure #%(id)s"),
}
_NAMES = re.compile(r"%\((\w+)\)s")


def kind_label(kind: str) -> str:
    """The event kind's name in the reader's language (the kind itself when it is not registered)."""
    event = EVENTS.get(kind)
    return str(event.label) if event is not None else kind


def target_label(entry: AuditEntry) -> str:
    if entry.target_type is None:
        return ""
    template = TARGET_LABELS.get(entry.target_type)
    return str(template) % {"id": entry.target_id} if template is not None else f"#{entry.target_id}"


def describe(entry: AuditEntry, lookups: Lookups | None = None) -> str:
    """The entry as a sentence in the reader's language; its stored summary when it cannot be."""
    event = EVENTS.get(entry.kind)
    if event is None:
        return entry.summary
    if not event.texts:
        return str(event.label)
    lookups = lookups or Lookups()
    stored = entry.data if isinstance(entry.data, dict) else {}
    values: dict[str, str] = {}
    for option in event.texts:
        template, condition = option if isinstance(option, tuple) else (option, None)
        if condition is not None and not condition(stored):
            continue
        text = str(template)
        names = _NAMES.findall(text)
        for name in names:
            if name not in values and name in event.params:
                value = event.params[name](entry, lookups)
                values[name] = "" if value is None else str(value)
        if all(values.get(name) for name in names):
            return text % values
    return entry.summary


def describe_all(entries) -> list[tuple[AuditEntry, str]]:
    """Each entry with its sentence, the lookups shared across the page."""
    lookups = Lookups()
    return [(entry, describe(entry, lookups)) for entry in entries]
