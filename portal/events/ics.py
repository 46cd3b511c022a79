"""iCalendar (RFC 5545) output for events, built with the ``icalendar`` package.

A pure function from plain entries to bytes; the views build the entries (URLs, translated text).
``icalendar`` builds the components and content lines (property names, parameters, date-times,
durations, offsets, lists). Rules kept here: times in UTC with a trailing Z (§3.3.5), TEXT values
escaped (§3.3.11), CRLF line ends (§3.1) and lines folded at 75 octets without splitting a UTF-8
character. TEXT escaping stays ours because icalendar's turns a literal ``\\N`` in the text into a
line break (a path such as ``D:\\New`` would lose its backslash) and keeps control characters;
folding stays ours so that a calendar's bytes, and so its ETag, do not depend on the library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, Timezone, TimezoneStandard
from icalendar.prop import vCategory, vText, vUri

CRLF = "\r\n"
MAX_OCTETS = 75
# Control characters other than HTAB are not allowed in TEXT values; newlines are escaped first.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
SHANGHAI_OFFSET = timedelta(hours=8)  # no daylight saving since 1991


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    stamp: datetime  # DTSTAMP: the last revision (the calendar carries no METHOD)
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    url: str = ""
    description: str = ""
    categories: tuple[str, ...] = ()
    sequence: int = 0
    created: datetime | None = None


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, any newline as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    return _CONTROL.sub("", value)


class _Text(vText):
    """icalendar's TEXT value with :func:`escape_text` as its escaping."""

    __slots__ = ()

    def to_ical(self) -> bytes:
        return escape_text(self).encode("utf-8")


class _Categories(vCategory):
    """icalendar's CATEGORIES value, each category escaped with :func:`escape_text`."""

    def to_ical(self) -> bytes:
        return ",".join(escape_text(c) for c in self.cats).encode("utf-8")


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the calendar")
    return value.astimezone(UTC)


def format_utc(value: datetime) -> str:
    return _utc(value).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets; each continuation starts with a
    space, which counts towards its 75. Characters are never cut in the middle."""
    parts: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def _uri(value: str) -> vUri:
    # URIs are not TEXT: no backslash escapes, but they must not break the line.
    return vUri(_CONTROL.sub("", value.replace("\r", "").replace("\n", "")))


def _event(entry: CalendarEntry) -> Event:
    event = Event()
    event.add("uid", _Text(entry.uid))
    event.add("dtstamp", _utc(entry.stamp))
    event.add("dtstart", _utc(entry.start))
    event.add("dtend", _utc(entry.end))
    event.add("summary", _Text(entry.summary))
    if entry.location:
        event.add("location", _Text(entry.location))
    if entry.url:
        event.add("url", _uri(entry.url))
    if entry.description:
        event.add("description", _Text(entry.description))
    if entry.categories:
        event.add("categories", _Categories(list(entry.categories)))
    event.add("sequence", entry.sequence)
    if entry.created is not None:
        event.add("created", _utc(entry.created))
    event.add("last-modified", _utc(entry.stamp))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _shanghai() -> Timezone:
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))  # naive: a VTIMEZONE's DTSTART is local time
    standard.add("tzoffsetfrom", SHANGHAI_OFFSET)
    standard.add("tzoffsetto", SHANGHAI_OFFSET)
    standard.add("tzname", "CST")
    zone = Timezone()
    zone.add("tzid", "Asia/Shanghai")
    zone.add_component(standard)
    return zone


def serialize_calendar(entries: Iterable[CalendarEntry], *, prodid: str, name: str | None = None,
                       refresh_hours: int | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per entry, as UTF-8 bytes.

    No METHOD property: DTSTAMP then means the event's last revision, so the same events give the
    same bytes (and ETag) on every render. The Asia/Shanghai VTIMEZONE is always present: it tells
    clients the portal's zone, and keeps a calendar without events valid (one component at least).
    """
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", _Text(prodid))
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("name", _Text(name))
        calendar.add("x-wr-calname", _Text(name))
    if refresh_hours:
        calendar.add("refresh-interval", timedelta(hours=refresh_hours), parameters={"VALUE": "DURATION"})
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    calendar.add_component(_shanghai())
    for entry in entries:
        calendar.add_component(_event(entry))
    # Properties in the order added (sorted=False); every content line folded by ``fold``.
    lines = calendar.content_lines(sorted=False)
    return "".join(fold(line) + CRLF for line in lines if line).encode("utf-8")
