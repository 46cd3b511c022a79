"""The feed of public open needs, ``/feeds/needs.atom`` and ``/feeds/needs.rss``: needs as entries
(a pure function of the rows, like ``portal.feeds.serialize``), rendered by the same ``render``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Response, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from portal import labels
from portal.extensions import db
from portal.feeds import serialize
from portal.models import Need
from portal.needs.labels import NEED_STATUS_LABELS
from portal.urls import external_url

FEED_SIZE = 50


def budget_text(need: Need) -> str:
    low, high = need.budget_min_yuan, need.budget_max_yuan
    if low is None and high is None:
        return _("Budget: negotiable")
    if low is not None and high is not None:
        return _("Budget: %(low)s to %(high)s yuan", low=f"{low:,.0f}", high=f"{high:,.0f}")
    if low is not None:
        return _("Budget: from %(low)s yuan", low=f"{low:,.0f}")
    return _("Budget: up to %(high)s yuan", high=f"{high:,.0f}")


def need_entry(need: Need, authority: str, url: Callable[[int], str]) -> serialize.Entry:
    """A need as a feed entry; its id is the need's id."""
    modes = "、".join(str(labels.MODE_LABELS[m]) for m in need.modes)
    summary = "".join(f"<p>{escape(part)}</p>" for part in (
        need.description[:1000],
        f"{_('Technical field')}: {labels.FIELD_LABELS[need.field]}" + (f" · IPC {need.ipc}" if need.ipc else ""),
        f"{_('Modes wanted')}: {modes}",
        budget_text(need),
        f"{_('Answers wanted by')}: {need.deadline.isoformat()}",
    ))
    return serialize.Entry(
        id=serialize.tag_uri(authority, f"need/{need.id}"), title=serialize.clean(need.title), link=url(need.id),
        summary_html=serialize.clean(summary), author=serialize.clean(need.enterprise.display_name("zh_CN")),
        author_uri=None,
        categories=(serialize.Category(need.field, str(labels.FIELD_LABELS[need.field]),
                                       "https://example.invalid/fields"),),
        published=need.created_at, updated=need.updated_at)


def serialize_needs(fmt: str, info: serialize.FeedInfo, needs: Iterable[Need], authority: str,
                    url: Callable[[int], str]) -> bytes:
    """Needs → feed bytes."""
    return serialize.render(fmt, info, [need_entry(n, authority, url) for n in needs])


def serve(fmt: str, today) -> Response:
    """Public needs still open, newest first, in the site's language."""
    needs = db.session.scalars(db.select(Need).where(Need.visibility == "public", Need.status == "open",
                                                     Need.deadline >= today)
                               .order_by(Need.created_at.desc(), Need.id.desc()).limit(FEED_SIZE)).all()
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        authority = current_app.config["FEED_TAG_AUTHORITY"]
        site_name = _("Shanghai Medical Patent Licensing Portal")
        info = serialize.FeedInfo(
            id=serialize.tag_uri(authority, "feed/needs"),
            title=f"{site_name} · {_('Technology needs')}",
            subtitle=_("Open technology needs posted by enterprises, newest first (%(status)s).",
                       status=NEED_STATUS_LABELS["open"]),
            self_url=external_url("needs.feed", fmt=fmt), html_url=external_url("needs.index"),
            author=site_name, author_uri=external_url("main.home"))
        body = serialize_needs(fmt, info, needs, authority, lambda i: external_url("needs.detail", need_id=i))
    response = Response(body, content_type=serialize.CONTENT_TYPES[fmt])
    response.add_etag()
    return response.make_conditional(request)
