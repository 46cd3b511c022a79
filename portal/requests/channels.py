"""Where a licence request came from: the ``via`` of the link that led to it.

Links name their channel in the query string and the listing page passes it on to the request
form: the search results link listings with ``?via=search``, digests ``?via=digest``, a need's
proposal ``?via=need&need=<id>``, recommendations ``?via=recommendation``, an event's follow-up
``?via=event&event=<id>``. A missing or unknown value is "direct" (a link from elsewhere, a
bookmark, a typed address). The channel is attribution, not authority: nothing is allowed or
refused because of it, so a hand-edited ``via`` can only mislabel its own request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_pgettext

from portal.models.channels import CHANNELS

DIRECT = "direct"
MAX_ID = 2**31 - 1  # an id beyond a database integer is no id


def _id(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID else None


@dataclass(frozen=True)
class Via:
    """The channel a visitor came through, and the event or need it names (if any)."""

    channel: str = DIRECT
    event_id: int | None = None
    need_id: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Via:
        """Read ``via``, ``event`` and ``need`` from a query string; anything unknown is direct."""
        channel = (args.get("via") or "").strip().lower()
        if channel not in CHANNELS:
            return cls()
        return cls(channel, _id(args.get("event")) if channel == "event" else None,
                   _id(args.get("need")) if channel == "need" else None)

    def link_args(self) -> dict[str, object]:
        """The query parameters that carry this channel on to the next page (none when direct)."""
        if self.channel == DIRECT:
            return {}
        args: dict[str, object] = {"via": self.channel}
        if self.event_id is not None:
            args["event"] = self.event_id
        if self.need_id is not None:
            args["need"] = self.need_id
        return args


def request_channel(via: Via, event_id: int | None) -> str:
    """The channel recorded on a request: the link's, except that a request naming an event it
    came from, reached without a channel, counts as the event's."""
    if via.channel == DIRECT and event_id is not None:
        return "event"
    return via.channel


CHANNEL_LABELS = {
    "search": lazy_pgettext("request channel", "Search"),
    "digest": lazy_pgettext("request channel", "Digest e-mail"),
    "need": lazy_pgettext("request channel", "Technology need"),
    "event": lazy_pgettext("request channel", "Matchmaking event"),
    "recommendation": lazy_pgettext("request channel", "Recommendation"),
    "direct": lazy_pgettext("request channel", "Direct"),
}
