"""What waits for each role, as the sections of the work page (``portal.main.work``).

Each section is one count and at most ``LIMIT`` rows (the list query runs only when the count is
not zero), scoped to the user's own organisation: a centre sees its listings' requests, deals and
forwards; an enterprise its own requests and notices; an organiser its own events; an exchange
operator the forwards to its exchange. A site administrator's work is the whole site's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from portal.exchange.operations import subject_label
from portal.extensions import db
from portal.labels import (
    AMOUNT_TARGETS,
    DEAL_MODE_LABELS,
    FORWARD_STATUS_LABELS,
    RECORDAL_STATUS_LABELS,
    REQUEST_MODE_LABELS,
    REQUEST_STATUS_LABELS,
    SIZE_CLASS_LABELS,
    TARGET_LABELS,
)
from portal.listings.queries import with_details
from portal.main.template_helpers import localised
from portal.metrics import figures
from portal.metrics.access import programme_parameters
from portal.models import (
    FORWARD_CLOSED,
    Deal,
    Event,
    EventAttendance,
    ExchangeForward,
    JoinRequest,
    LicenceRequest,
    Listing,
    OpenLicenceAcceptance,
    Organisation,
)
from portal.timefmt import local_time

LIMIT = 10
WAITING = ("submitted", "under_review")  # "waiting for an answer", as the requests inbox counts them
RECORDAL_WITHIN_DAYS = 30  # as the recordal watchlist (portal.deals.operations.recordal_watchlist)
PENDING_RECORDAL = ("not_filed", "refused")
STATUS_TONES = {"agreed": "success", "declined": "danger", "withdrawn": "secondary"}


@dataclass
class Action:
    """A button on a row that posts (with the CSRF token) to where the decision is made."""

    url: str
    label: str
    style: str = "btn btn-sm btn-outline-primary"
    confirm: str | None = None


@dataclass
class Row:
    label: str
    url: str
    detail: str = ""
    badge: str = ""
    tone: str = "secondary"  # Bootstrap colour of the badge
    actions: list[Action] = field(default_factory=list)


@dataclass
class Progress:
    """One target: the actual value against the required one."""

    label: str
    actual: str
    required: str
    percent: int
    met: bool


@dataclass
class Section:
    key: str  # the section's id on the page
    title: str
    count: int
    rows: list[Row] = field(default_factory=list)
    link: str | None = None  # the page where all of it is, and the work is done
    link_label: str = ""
    note: str = ""
    progress: list[Progress] = field(default_factory=list)
    empty: str = ""  # what an empty section says (default: nothing waiting)

    @property
    def more(self) -> int:
        """How many are not listed here (a list's; targets are all shown)."""
        return 0 if self.progress else max(0, self.count - len(self.rows))


@dataclass
class Tally(Section):
    """A section whose count adds up its rows' own counts (listings per saved search): no "… and more"."""

    @property
    def more(self) -> int:
        return 0


def _take(query, *options) -> tuple[int, list]:
    """The number of rows ``query`` selects, and its first ``LIMIT`` rows."""
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if not count:
        return 0, []
    return count, list(db.session.scalars(query.options(*options).limit(LIMIT)))


def _locale() -> str:
    return str(get_locale() or "")


def _name(org: Organisation) -> str:
    return org.display_name(_locale())


def _day(moment: datetime | date) -> str:
    return local_time(moment, "yyyy-MM-dd") if isinstance(moment, datetime) else moment.isoformat()


def _waiting(moment: datetime, now: datetime) -> str:
    """How long something has waited, in whole days."""
    days = (now - moment).days
    if days < 1:
        return _("new today")
    return ngettext("waiting %(num)d day", "waiting %(num)d days", days)


# ---------------------------------------------------------------- centre

def centre_sections(org: Organisation, now: datetime) -> list[Section]:
    return [waiting_requests(org.id, now), recordals(org.id, date.today()),
            centre_forwards(org.id, now), drafts(org.id), targets(org)]


def waiting_requests(centre_id: int, now: datetime) -> Section:
    query = (select(LicenceRequest).join(Listing, Listing.id == LicenceRequest.listing_id)
             .where(Listing.centre_id == centre_id, LicenceRequest.status.in_(WAITING))
             .order_by(LicenceRequest.created_at, LicenceRequest.id))
    count, items = _take(query, selectinload(LicenceRequest.listing), selectinload(LicenceRequest.enterprise))
    rows = [Row(f"#{r.id} {localised(r.listing, 'title')}", url_for("requests.detail", request_id=r.id),
                " · ".join((_name(r.enterprise), str(REQUEST_MODE_LABELS[r.mode]),
                            _("filed %(date)s", date=_day(r.created_at)))),
                badge=_waiting(r.created_at, now), tone="warning") for r in items]
    return Section("requests", _("Requests waiting for an answer"), count, rows,
                   url_for("requests.index", status="open"), _("Open the requests inbox"),
                   note=_("Oldest first."))


def recordals(centre_id: int, today: date) -> Section:
    """Licences not recorded yet (not filed, or refused) whose recordal is overdue or due within 30 days."""
    query = (select(Deal).where(Deal.licensor_id == centre_id, Deal.recordal_status.in_(PENDING_RECORDAL),
                                Deal.recordal_due.isnot(None),
                                Deal.recordal_due <= today + timedelta(days=RECORDAL_WITHIN_DAYS))
             .order_by(Deal.recordal_due, Deal.id))
    count, items = _take(query, selectinload(Deal.licensee))
    overdue = db.session.scalar(select(func.count()).select_from(query.where(Deal.recordal_due < today)
                                                                 .order_by(None).subquery())) if count else 0
    rows = []
    for d in items:
        late = d.recordal_due < today
        rows.append(Row(f"#{d.id} {_name(d.licensee)}", url_for("deals.detail", deal_id=d.id),
                        " · ".join((str(DEAL_MODE_LABELS[d.mode]), str(RECORDAL_STATUS_LABELS[d.recordal_status]))),
                        badge=(_("overdue since %(date)s", date=d.recordal_due.isoformat()) if late
                               else _("due %(date)s", date=d.recordal_due.isoformat())),
                        tone="danger" if late else "warning"))
    note = _("%(num)d of them overdue.", num=overdue) if overdue else ""
    return Section("recordals", _("CNIPA recordals overdue or due within 30 days"), count, rows,
                   url_for("deals.recordal"), _("Open the recordal list"), note=note)


def centre_forwards(centre_id: int, now: datetime) -> Section:
    """The centre's deals and listings handed to an exchange and not yet concluded or returned."""
    query = (select(ExchangeForward).where(ExchangeForward.centre_id == centre_id,
                                           ExchangeForward.status.not_in(FORWARD_CLOSED))
             .order_by(ExchangeForward.updated_at, ExchangeForward.id))
    count, items = _take(query, selectinload(ExchangeForward.exchange),
                         selectinload(ExchangeForward.deal).selectinload(Deal.licensee),
                         selectinload(ExchangeForward.listing))
    rows = [Row(subject_label(f), url_for("deals.detail", deal_id=f.deal_id) if f.deal_id is not None
                else url_for("listings.detail", listing_id=f.listing_id),
                " · ".join((_name(f.exchange), _("last step %(date)s", date=_day(f.updated_at)))),
                badge=str(FORWARD_STATUS_LABELS[f.status]), tone="info") for f in items]
    return Section("forwards", _("Forwards awaiting an exchange"), count, rows,
                   note=_("Longest waiting first; each one's steps are on its deal or listing page."))


def drafts(centre_id: int) -> Section:
    query = (select(Listing).where(Listing.centre_id == centre_id, Listing.status == "draft")
             .order_by(Listing.updated_at.desc(), Listing.id.desc()))
    count, items = _take(query)
    rows = [Row(localised(x, "title"), url_for("manage.edit_listing", listing_id=x.id),
                _("last changed %(date)s", date=_day(x.updated_at))) for x in items]
    return Section("drafts", _("Draft listings"), count, rows,
                   url_for("manage.dashboard") + "#listings-draft", _("Open my centre’s listings"))


def _figure(key: str, value) -> str:
    return f"{value:,.2f}" if key in AMOUNT_TARGETS else str(value)


def targets(centre: Organisation) -> Section:
    """The programme's targets for the year assessed, computed as the performance page computes them."""
    params = programme_parameters()
    year = params.assessment_year
    result = figures.centre_figures(params, centre, year, figures.default_as_of(year))
    progress = [Progress(str(label), _figure(key, t.actual), _figure(key, t.required), t.progress, t.met)
                for key, label in TARGET_LABELS.items() for t in (result.targets[key],)]
    missing = sum(1 for p in progress if not p.met)
    return Section("targets", _("Targets for %(year)d", year=year), missing, link=url_for("metrics.own_centre"),
                   link_label=_("Open the performance figures"), progress=progress,
                   note=ngettext("%(num)d target not met yet.", "%(num)d targets not met yet.", missing)
                   if missing else _("Every target is met."))


# ---------------------------------------------------------------- enterprise

def enterprise_sections(org: Organisation, since: datetime, user=None, now: datetime | None = None) -> list[Section]:
    """The enterprise's own sections; portal.main.work adds those built on other areas (work_enterprise)."""
    return [own_requests(org.id), acceptances(org.id), new_listings(since), *saved_search_sections(org, user, now),
            join_requests(org.id)]


def own_requests(enterprise_id: int) -> Section:
    query = (select(LicenceRequest).where(LicenceRequest.enterprise_id == enterprise_id)
             .order_by(LicenceRequest.status_changed_at.desc(), LicenceRequest.id.desc()))
    count, items = _take(query, selectinload(LicenceRequest.listing))
    rows = [Row(f"#{r.id} {localised(r.listing, 'title')}", url_for("requests.detail", request_id=r.id),
                " · ".join((str(REQUEST_MODE_LABELS[r.mode]),
                            _("last change %(date)s", date=_day(r.status_changed_at)))),
                badge=str(REQUEST_STATUS_LABELS[r.status]), tone=STATUS_TONES.get(r.status, "warning"))
            for r in items]
    return Section("requests", _("My requests"), count, rows, url_for("requests.index"), _("All my requests"),
                   note=_("Latest change first."), empty=_("No requests yet: ask for a licence on a listing."))


def acceptances(enterprise_id: int) -> Section:
    query = (select(OpenLicenceAcceptance).where(OpenLicenceAcceptance.enterprise_id == enterprise_id)
             .order_by(OpenLicenceAcceptance.created_at.desc(), OpenLicenceAcceptance.id.desc()))
    count, items = _take(query, selectinload(OpenLicenceAcceptance.patent))
    rows = [Row(f"{a.notice_number} · {a.patent.display_number}", url_for("requests.notice", acceptance_id=a.id),
                _("licence from %(start)s to %(end)s", start=a.effective_date.isoformat(), end=a.term_end.isoformat()))
            for a in items]
    return Section("notices", _("Open licences taken and their notices"), count, rows,
                   empty=_("No open licence taken yet."))


def new_listings(since: datetime) -> Section:
    query = (select(Listing).where(Listing.status == "published", Listing.published_at > since)
             .order_by(Listing.published_at.desc(), Listing.id.desc()))
    count, items = _take(with_details(query))
    rows = [Row(localised(x, "title"), url_for("listings.detail", listing_id=x.id),
                " · ".join((_name(x.centre), _day(x.published_at))),
                badge=_("Open licence") if x.is_open_licence else "", tone="success") for x in items]
    return Section("new-listings", _("New listings since your last visit"), count, rows,
                   url_for("listings.index"), _("All listings"), note=_("Since %(date)s.", date=_day(since)),
                   empty=_("No new listings since your last visit."))


def saved_search_sections(org: Organisation, user=None, now: datetime | None = None) -> list[Section]:
    """New listings matching the user's saved searches (and, once they exist, the enterprise's stated
    needs), each a section bounded like the others."""
    return [saved_searches(user.id, now)] if user is not None and now is not None else []


def saved_searches(user_id: int, now: datetime) -> Section:
    """Per saved search, the listings new since its last digest: the count links to them, newest first."""
    from portal.subscriptions.describe import search_args
    from portal.subscriptions.matching import pending

    total, counts = pending(user_id, now)
    rows = [Row(s.name, url_for("search.search_page", **search_args(s, sort="newest")),
                badge=_("%(num)d new", num=n), tone="success") for s, n in counts if n]
    count = sum(n for _s, n in counts)
    note = _("New since each search's last digest.")
    if total > len(counts):
        note += " " + _("The first %(num)d saved searches by name.", num=len(counts))
    return Tally("saved-searches", _("New listings for your saved searches"), count, rows if count else [],
                   url_for("subscriptions.index"), _("My saved searches"), note=note,
                   empty=_("Nothing new for your saved searches.") if total else
                   _("No saved searches yet: save one from the search page to be told of new listings."))


def join_requests(org_id: int | None) -> Section:
    """People asking to join a company: one company's (its members decide), or every company's
    (a site administrator decides). Decided on the spot; the answer lands on the account page."""
    query = select(JoinRequest).where(JoinRequest.decided_at.is_(None)).order_by(JoinRequest.created_at,
                                                                                   JoinRequest.id)
    if org_id is not None:
        query = query.where(JoinRequest.organisation_id == org_id)
    count, items = _take(query, selectinload(JoinRequest.organisation))
    question = _("Decline this request to join the company? The person is told and would have to ask again.")
    rows = [Row(j.email, url_for("auth.account") + "#join-requests" if org_id is not None else url_for("admin.orgs"),
                " · ".join((_name(j.organisation), _("asked %(date)s", date=_day(j.created_at)))),
                actions=[Action(url_for("auth.decide_join", join_id=j.id, decision="approve"), _("Approve"),
                                "btn btn-sm btn-primary"),
                         Action(url_for("auth.decide_join", join_id=j.id, decision="decline"), _("Decline"),
                                "btn btn-sm btn-outline-danger", question)]) for j in items]
    return Section("joins", _("Requests to join a company") if org_id is None else _("Requests to join your company"),
                   count, rows)


# ---------------------------------------------------------------- organiser

def organiser_sections(org: Organisation, now: datetime) -> list[Section]:
    return [upcoming_events(org.id, now), events_without_outcomes(org.id, now)]


def upcoming_events(organiser_id: int, now: datetime) -> Section:
    query = (select(Event).where(Event.organiser_id == organiser_id, Event.ends_at >= now)
             .order_by(Event.starts_at, Event.id))
    count, items = _take(query)
    rows = [Row(e.title, url_for("events.detail", event_id=e.id),
                " · ".join((local_time(e.starts_at), e.place or _("Online")))) for e in items]
    return Section("upcoming", _("Upcoming events"), count, rows, url_for("events.index") + "#upcoming",
                   _("All upcoming events"), empty=_("No upcoming events."))


def events_without_outcomes(organiser_id: int, now: datetime) -> Section:
    """Past events with nothing recorded of what came of them: no attendance, and no licence
    request or deal naming them."""
    nothing = (~exists().where(EventAttendance.event_id == Event.id)
               & ~exists().where(LicenceRequest.event_id == Event.id) & ~exists().where(Deal.event_id == Event.id))
    query = (select(Event).where(Event.organiser_id == organiser_id, Event.ends_at < now, nothing)
             .order_by(Event.starts_at.desc(), Event.id.desc()))
    count, items = _take(query)
    rows = [Row(e.title, url_for("events.edit", event_id=e.id), local_time(e.starts_at),
                badge=_("no outcome recorded"), tone="warning") for e in items]
    return Section("no-outcomes", _("Past events without recorded outcomes"), count, rows,
                   url_for("events.index") + "#past", _("All past events"),
                   note=_("Record who attended; requests and deals that name the event count as its outcomes."))


# ---------------------------------------------------------------- exchange operator

def exchange_sections(org: Organisation, now: datetime) -> list[Section]:
    query = (select(ExchangeForward).where(ExchangeForward.exchange_id == org.id,
                                           ExchangeForward.status == "forwarded")
             .order_by(ExchangeForward.created_at, ExchangeForward.id))
    count, items = _take(query, selectinload(ExchangeForward.centre),
                         selectinload(ExchangeForward.deal).selectinload(Deal.licensee),
                         selectinload(ExchangeForward.listing))
    rows = [Row(subject_label(f), url_for("exchange.detail", forward_id=f.id),
                " · ".join((_name(f.centre), _("forwarded %(date)s", date=_day(f.created_at)))),
                badge=_waiting(f.created_at, now), tone="warning") for f in items]
    return [Section("forwards", _("New forwards to your exchange"), count, rows,
                    url_for("exchange.index", status="forwarded"), _("All new forwards"),
                    note=_("Oldest first: confirm receipt, or return with a reason."))]


# ---------------------------------------------------------------- site administrator

def admin_sections() -> list[Section]:
    from portal.auth.claims import pending_claims

    claims = pending_claims()
    claim_rows = [Row(c.email, url_for("admin.claims_page"),
                      " · ".join((_name(c.organisation), _("claimed %(date)s", date=_day(c.created_at)))))
                  for c in claims[:LIMIT]]
    query = (select(Organisation).where(Organisation.kind == "enterprise", Organisation.verified.is_(False))
             .order_by(Organisation.created_at, Organisation.id))
    count, items = _take(query)
    unverified = [Row(_name(o), url_for("admin.orgs"),
                      " · ".join(x for x in (o.credit_code or "", str(SIZE_CLASS_LABELS.get(o.size_class, "")),
                                             _("registered %(date)s", date=_day(o.created_at))) if x))
                  for o in items]
    return [join_requests(None),
            Section("claims", _("Claims on companies"), len(claims), claim_rows, url_for("admin.claims_page"),
                    _("Decide the claims")),
            Section("unverified", _("Enterprises not verified yet"), count, unverified, url_for("admin.orgs"),
                    _("Open the organisations"),
                    note=_("Check the credit code and size figures against the registration, then verify."))]
