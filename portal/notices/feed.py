"""The public notices feed, ``/notices/feed.atom`` and ``/notices/feed.rss``: the latest notices,
newest first, each with its window, intended price and patents. Rendered by the same pure
serializer as the listings feeds; the entry's ``updated`` moves with an answer or a cancellation."""

from __future__ import annotations

from flask import Response, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.extensions import db
from portal.feeds import serialize
from portal.feeds.cache import RenderedFeed, feed_response
from portal.models import PublicNotice
from portal.urls import external_url

FEED_SIZE = 50


def _summary(notice: PublicNotice) -> str:
    lines = [_("Notice window: %(start)s to %(end)s", start=notice.starts_on.isoformat(),
               end=notice.ends_on.isoformat()),
             _("Intended price: %(price)s yuan", price=f"{notice.intended_price_yuan:,.2f}")]
    if notice.show_counterparty and notice.counterparty is not None:
        lines.append(_("Counterparty: %(name)s", name=notice.counterparty.name_zh))
    lines += [f"{p.display_number} {p.title}" for p in notice.patents]
    if notice.cancelled_on:
        lines.append(_("Cancelled on %(day)s", day=notice.cancelled_on.isoformat()))
    paragraphs = [Markup("<p>{}</p>").format(escape(serialize.clean(line))) for line in lines]
    if notice.description:
        paragraphs.append(Markup("<p>{}</p>").format(escape(serialize.clean(notice.description))))
    return str(Markup("").join(paragraphs))


def entry(notice: PublicNotice, authority: str) -> serialize.Entry:
    times = [notice.updated_at, notice.created_at, *(o.answered_at for o in notice.objections if o.answered_at)]
    return serialize.Entry(
        id=serialize.tag_uri(authority, f"notice/{notice.id}"),
        title=serialize.clean(notice.title),
        link=external_url("notices.detail", notice_id=notice.id),
        summary_html=_summary(notice),
        author=serialize.clean(notice.centre.name_zh),
        author_uri=external_url("listings.centre", code=notice.centre.code),
        categories=(),
        published=notice.created_at,
        updated=max(t for t in times if t is not None),
    )


def serve(fmt: str) -> Response:
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        authority = current_app.config["FEED_TAG_AUTHORITY"]
        notices = db.session.scalars(db.select(PublicNotice).order_by(PublicNotice.id.desc()).limit(FEED_SIZE))
        entries = [entry(n, authority) for n in notices]
        site_name = _("Shanghai Medical Patent Licensing Portal")
        info = serialize.FeedInfo(
            id=serialize.tag_uri(authority, "feed/notices"),
            title=f"{site_name} · {_('Public notices before signing')}",
            subtitle=_("Transactions priced by agreement, announced before they are signed; objections are "
                       "filed on each notice's page."),
            self_url=external_url("notices.notices_feed", fmt=fmt),
            html_url=external_url("notices.index"),
            author=site_name,
            author_uri=external_url("main.home"),
        )
        body = serialize.render(fmt, info, entries)
        rendered = RenderedFeed.of(body, serialize.CONTENT_TYPES[fmt], serialize.feed_updated(info, entries))
    return feed_response(rendered, current_app.config["FEED_MAX_AGE"])
