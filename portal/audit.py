"""The one function that writes the audit log.

Every entry is a structured event: a ``kind`` and its parameters (``data``, the target, the actor),
rendered at display time in the reader's language by ``portal.history`` (a kind new here needs its
sentence there: tests/test_chinese_throughout.py checks every kind recorded in the code has one).
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from portal.extensions import db
from portal.models import AuditEntry, User

_NO_ACTOR = object()


def record(kind: str, summary: str, *, target: Any = None, data: dict | None = None,
           actor: User | None | object = _NO_ACTOR) -> AuditEntry:
    """Append an audit entry to the current transaction (the caller's commit makes it land).

    ``kind`` names the event (a key of ``EVENTS``) and ``data`` holds its parameters: codes and ids,
    never display text, so the entry reads in any language. ``summary`` is a plain English line for
    people reading the table directly. ``actor`` defaults to the logged-in user; pass ``None`` for
    system actions (CLI, workers). ``target`` is any model instance with an ``id``; it is flushed
    first so the id is known.
    """
    if actor is _NO_ACTOR:
        actor = current_user if has_request_context() and current_user.is_authenticated else None
    # current_user is a proxy; the log needs the real object's class and id.
    target = getattr(target, "_get_current_object", lambda: target)()
    target_type = target_id = None
    if target is not None:
        if target.id is None:
            db.session.flush()
        target_type, target_id = type(target).__tablename__, target.id
    entry = AuditEntry(
        kind=kind,
        summary=summary[:500],
        actor_id=actor.id if actor is not None else None,
        target_type=target_type,
        target_id=target_id,
        data=data or {},
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
