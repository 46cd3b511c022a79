"""Notifications: in-app (a counter in the navigation, a list) and, when SMTP is configured,
e-mail. Mail is queued in the database inside the caller's transaction and sent after commit by
``portal.mail`` (a background sender, or the ``send-mail`` worker), so a failed send is retried
later and never blocks or undoes the request."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, url_for
from flask_babel import force_locale, get_locale, gettext
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import Deal, Listing, Notification, Organisation, OutgoingMail, User

TEXTS = {
    "request.new": _l("New licence request on “%(listing)s” from %(company)s."),
    "request.status": _l("The licence request on “%(listing)s” is now: %(status)s."),
    "request.message": _l("New message on the licence request for “%(listing)s”."),
    "open_licence.taken": _l("%(company)s took the open licence on patent %(patent)s."),
    "deal.recordal_due": _l("The CNIPA recordal of the deal with %(company)s is due on %(due)s."),
    "notice.objection": _l("An objection was filed on the public notice “%(title)s”: answer it on the notice."),
    "royalty.report_overdue": _l("The royalty report of the deal with %(company)s for %(start)s – %(end)s was due on "
                                 "%(due)s and is overdue."),
    "royalty.payment_overdue": _l("The royalty of the deal with %(company)s for %(start)s – %(end)s was due on %(due)s "
                                  "and is not fully paid."),
    "patent.ended": _l("Patent %(patent)s: %(legal_status)s on %(date)s. Its listings and open licence were "
                       "withdrawn."),
    "patent.ended_request": _l("Patent %(patent)s of “%(listing)s”, on which you asked for a licence: "
                               "%(legal_status)s on %(date)s. The listing was withdrawn."),
    "patent.fee_due": _l("The annual fee of patent %(patent)s was due on %(due)s; the grace period ends on %(end)s, "
                         "after which the patent lapses."),
    "exchange.forwarded": _l("%(centre)s forwarded “%(item)s” to your exchange."),
    "exchange.received": _l("%(exchange)s received “%(item)s”."),
    "exchange.listed": _l("%(exchange)s publicly listed “%(item)s”."),
    "exchange.announced": _l("%(exchange)s publicly announced “%(item)s”."),
    "exchange.concluded": _l("%(exchange)s concluded the trade of “%(item)s”."),
    "exchange.returned": _l("%(exchange)s returned “%(item)s”: %(reason)s"),
    "deal.recordal_by_licensee": _l("%(company)s recorded the CNIPA recordal of deal %(item)s as: %(recordal)s."),
    "document.added": _l("New document “%(file)s” on deal %(item)s."),
    "exchange.dossier": _l("%(centre)s updated the dossier of “%(item)s”."),
    "company.join_requested": _l("%(email)s asks to join %(company)s on the portal."),
    "company.claimed": _l("%(email)s claims %(company)s, with evidence: decide on the claims page."),
    "saved_search.new": _l("%(num)s new listing(s) for your saved search “%(name)s”."),
    # needs area (issue 17)
    "need.proposal": _l("%(centre)s proposed %(count)s listing(s) for your need “%(need)s”."),
    "need.new_match": _l("A newly published listing, “%(listing)s”, matches your need “%(need)s”."),
    "need.matches_yours": _l("%(company)s posted a need, “%(need)s”, that %(count)s of your listings match."),
    "company.transferred": _l("%(company)s was transferred to its claimant by a site administrator; "
                              "your account is closed."),
}


# Parameters that name an organisation: stored as its code (older rows: its Chinese name) and shown by
# its name in the reader's language.
ORGANISATION_PARAMS = ("company", "centre", "exchange")


def render(kind: str, params: dict) -> str:
    """The notification's text in the current language: codes (a status, a mode) as their labels,
    organisations by their name in this language, a listing (``listing_id``) by its title in it and a
    deal (``deal_id``) by its number and licensee; what cannot be looked up as it was stored."""
    from portal.labels import RECORDAL_STATUS_LABELS, REQUEST_MODE_LABELS, REQUEST_STATUS_LABELS

    values = dict(params)
    if "recordal" in values:
        values["recordal"] = str(RECORDAL_STATUS_LABELS.get(values["recordal"], values["recordal"]))
    if "status" in values:
        values["status"] = str(REQUEST_STATUS_LABELS.get(values["status"], values["status"]))
    if "mode" in values:
        values["mode"] = str(REQUEST_MODE_LABELS.get(values["mode"], values["mode"]))
    if "legal_status" in values:
        from portal.notices.labels import LEGAL_STATUS_LABELS

        values["legal_status"] = str(LEGAL_STATUS_LABELS.get(values["legal_status"], values["legal_status"]))
    locale = str(get_locale() or "")
    for name in ORGANISATION_PARAMS:
        if isinstance(values.get(name), str):
            org = _organisation(values[name])
            values[name] = org.display_name(locale) if org is not None else values[name]
    listing = _record(Listing, values.get("listing_id"))
    if listing is not None:
        title = (listing.title_en or "").strip() if locale.startswith("en") else ""
        values["item" if "item" in values else "listing"] = title or listing.title
    deal = _record(Deal, values.get("deal_id"))
    if deal is not None:
        values["item"] = f"#{deal.id} {deal.licensee.display_name(locale)}"
    return str(TEXTS[kind]) % values  # lazy: evaluated in the current (or forced) locale


def _organisation(ref: str) -> Organisation | None:
    """An organisation by code or Chinese name, looked up once per request (or command)."""
    cache = g.setdefault("notification_orgs", {})
    if ref not in cache:
        cache[ref] = db.session.scalar(db.select(Organisation).where(Organisation.code == ref)) or \
            db.session.scalar(db.select(Organisation).where(Organisation.name_zh == ref).limit(1))
    return cache[ref]


def _record(model, ident):
    return db.session.get(model, ident) if isinstance(ident, int) else None


def notify(users: list[User], kind: str, params: dict, endpoint: str, **url_values) -> None:
    """Tell ``users``: one in-app notification each and, with SMTP configured, a queued e-mail."""
    if kind not in TEXTS:
        raise KeyError(kind)
    link = _url(endpoint, **url_values)
    smtp = bool(current_app.config.get("SMTP_HOST"))
    for user in {u.id: u for u in users}.values():
        if not user.active:
            continue
        db.session.add(Notification(user_id=user.id, kind=kind, params=params, link=link))
        if smtp:
            with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
                text = render(kind, params)
                subject = gettext("[Medical patent licensing] %(text)s", text=text[:120])
                body = text + "\n\n" + _url(endpoint, _external=True, **url_values)
            queue_mail(user.email, subject, body)


def queue_mail(to_address: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Queue one mail in the caller's transaction, sent after commit. With no SMTP server
    configured (development) it stays queued and the server's log shows it, so a link it carries
    (a registration, a password reset) can still be followed. ``headers``: extra headers among
    ``portal.mail.EXTRA_HEADERS`` (a digest's List-Unsubscribe)."""
    db.session.add(OutgoingMail(to_address=to_address, subject=subject, body=body, headers=headers or None))
    if has_request_context():
        g.mail_queued = True
    if not current_app.config.get("SMTP_HOST"):
        current_app.logger.warning("No SMTP server configured: mail to %s kept in the queue.\nSubject: %s\n\n%s",
                                   to_address, subject, body)


def _url(endpoint: str, **values) -> str:
    """url_for in a request, or against PORTAL_BASE_URL in commands and workers."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, **values)


def unread_count(user: User) -> int:
    return db.session.scalar(db.select(db.func.count(Notification.id))
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def configure(app: Flask) -> None:
    """Queued mail leaves after commit, from a background sender (``portal.mail``)."""
    from portal import mail

    mail.configure(app)
