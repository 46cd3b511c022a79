"""iCalendar (RFC 5545) output for events, written by hand: the subset the portal needs is small.

A pure function from plain entries to bytes; the views build the entries (URLs, translated text).
Rules kept here: CRLF line ends (§3.1), lines folded at 75 octets without splitting a UTF-8
character, TEXT values escaped (§3.3.11), times in UTC with a trailing Z (§3.3.5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

CRLF = "\r\n"
MAX_OCTETS = 75
# Control characters other than HTAB are not allowed in TEXT values; newlines are escaped first.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


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


def format_utc(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the calendar")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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


def _uri(value: str) -> str:
    # URIs are not TEXT: no backslash escapes, but they must not break the line.
    return _CONTROL.sub("", value.replace("\r", "").replace("\n", ""))


def _event_lines(entry: CalendarEntry) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(entry.uid)}",
        f"DTSTAMP:{format_utc(entry.stamp)}",
        f"DTSTART:{format_utc(entry.start)}",
        f"DTEND:{format_utc(entry.end)}",
        f"SUMMARY:{escape_text(entry.summary)}",
    ]
    if entry.location:
        lines.append(f"LOCATION:{escape_text(entry.location)}")
    if entry.url:
        lines.append(f"URL:{_uri(entry.url)}")
    if entry.description:
        lines.append(f"DESCRIPTION:{escape_text(entry.description)}")
    if entry.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in entry.categories))
    lines.append(f"SEQUENCE:{entry.sequence}")
    if entry.created is not None:
        lines.append(f"CREATED:{format_utc(entry.created)}")
    lines += [f"LAST-MODIFIED:{format_utc(entry.stamp)}", "STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def serialize_calendar(entries: Iterable[CalendarEntry], *, prodid: str, name: str | None = None,
                       refresh_hours: int | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per entry, as UTF-8 bytes.

    No METHOD property: DTSTAMP then means the event's last revision, so the same events give the
    same bytes (and ETag) on every render. The Asia/Shanghai VTIMEZONE is always present: it tells
    clients the portal's zone, and keeps a calendar without events valid (one component at least).
    """
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{escape_text(prodid)}", "CALSCALE:GREGORIAN"]
    if name:
        lines += [f"NAME:{escape_text(name)}", f"X-WR-CALNAME:{escape_text(name)}"]
    if refresh_hours:
        lines.append(f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_hours}H")
    lines += ["X-WR-TIMEZONE:Asia/Shanghai",
              "BEGIN:VTIMEZONE", "TZID:Asia/Shanghai", "BEGIN:STANDARD", "DTSTART:19700101T000000",
              "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800", "TZNAME:CST", "END:STANDARD", "END:VTIMEZONE"]
    for entry in entries:
        lines += _event_lines(entry)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines).encode("utf-8")
