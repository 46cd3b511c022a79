"""Translatable labels of forward statuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FORWARD_STATUS_LABELS = {
    "forwarded": _l("Forwarded, awaiting receipt"),
    "received": _l("Received by the exchange"),
    "listed": _l("Publicly listed"),
    "announced": _l("Publicly announced"),
    "concluded": _l("Concluded on the exchange"),
    "returned": _l("Returned to the centre"),
}
