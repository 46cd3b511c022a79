"""Where an event's parameters come from: the entry's ``data``, its target, or — for entries written
before a parameter was stored — its English summary, which code wrote in a fixed shape.

A source is ``(entry, lookups) -> value | None``; None means "not known", and a sentence needing it
is not used. Codes are turned into labels here and organisations into their name in the reader's
language, so no code reaches a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import get_locale

from portal.extensions import db
from portal.labels import reason_text
from portal.models import AuditEntry, Deal, ExchangeToken, Organisation, User


class Lookups:
    """What rendering a page of entries reads from the database, each record once."""

    def __init__(self) -> None:
        self.locale = str(get_locale() or "")
        self._orgs: dict[str, Organisation | None] = {}

    def get(self, model, ident) -> Any:
        return db.session.get(model, ident) if isinstance(ident, int) else None

    def org(self, ref) -> Organisation | None:
        """An organisation by code (or, in older entries, by its Chinese name)."""
        if not isinstance(ref, str) or not ref:
            return None
        if ref not in self._orgs:
            self._orgs[ref] = db.session.scalar(db.select(Organisation).where(Organisation.code == ref)) or \
                db.session.scalar(db.select(Organisation).where(Organisation.name_zh == ref).limit(1))
        return self._orgs[ref]

    def org_name(self, ref) -> str | None:
        org = ref if isinstance(ref, Organisation) else self.org(ref)
        return org.display_name(self.locale) if org is not None else ref


Source = Callable[[AuditEntry, Lookups], Any]


def data(key: str) -> Source:
    return lambda e, c: e.data.get(key) if isinstance(e.data, dict) else None


def said(pattern: str, group: int = 1) -> Source:
    """A parameter read from the stored English summary (for entries that did not store it)."""
    rx = re.compile(pattern)

    def get(e: AuditEntry, c: Lookups):
        match = rx.search(e.summary or "")
        return match.group(group) if match else None
    return get


def first(*sources: Source) -> Source:
    """The first of ``sources`` that knows the value."""
    def get(e, c):
        for source in sources:
            value = source(e, c)
            if value not in (None, ""):
                return value
        return None
    return get


def label(source: Source, mapping: dict) -> Source:
    """A code shown by its label; an unknown code gives nothing (never the code itself)."""
    return lambda e, c: mapping.get(v) if isinstance(v := source(e, c), str) else None


def org(source: Source) -> Source:
    """The organisation ``source`` names (by code, or by an older entry's Chinese name), by its name in
    the reader's language."""
    return lambda e, c: c.org_name(source(e, c))


def money(source: Source) -> Source:
    """An amount in yuan as people read it: 1,200,000.00."""
    def get(e, c):
        try:
            return f"{Decimal(str(source(e, c))):,.2f}"
        except (InvalidOperation, ValueError):
            return None
    return get


def when(source: Source, key: str, value: str) -> Source:
    """``source``, only when the entry's ``data[key]`` is ``value``."""
    return lambda e, c: source(e, c) if data(key)(e, c) == value else None


def joined(*keys: str) -> Source:
    """The names listed under ``keys`` in ``data``, as one list."""
    def get(e, c):
        stored = e.data if isinstance(e.data, dict) else {}
        lists = [stored.get(k) for k in keys]
        return "、".join(str(x) for values in lists if isinstance(values, list) for x in values) or None
    return get


def target(table: str, read: Callable[[Any, Lookups], Any], model) -> Source:
    """``read(record)`` of the entry's target, when it is a row of ``table``."""
    def get(e, c):
        if e.target_type != table:
            return None
        found = c.get(model, e.target_id)
        return read(found, c) if found is not None else None
    return get


EMAIL = target("users", lambda u, c: u.email, User)
TARGET_ORG = target("organisations", lambda o, c: c.org_name(o), Organisation)


def licensee_of(source: Source) -> Source:
    """The licensee of the deal whose id ``source`` gives, by its name in the reader's language."""
    return lambda e, c: c.org_name(deal.licensee) if (deal := c.get(Deal, source(e, c))) is not None else None


LICENSEE = first(org(data("licensee")),
                 licensee_of(lambda e, c: e.target_id if e.target_type == "deals" else None))
TOKEN_EXCHANGE = target("exchange_tokens", lambda t, c: c.org_name(t.exchange), ExchangeToken)
EXCHANGE = org(data("exchange"))
REASON = lambda e, c: reason_text(data("reason")(e, c))  # noqa: E731 - a source like the others
TRAIL = {"method": said(r"(?:failed: |on )(\S+) "), "path": said(r"(?:failed: |on )\S+ (.+)$")}
CENTRE = {"centre": org(said(r"^(\S+): "))}
TITLE = {"title": said(r"“(.*)”")}
