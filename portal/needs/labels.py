"""Labels of the needs area's stored codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

NEED_STATUS_LABELS = {
    "open": lazy_pgettext("need status", "Open"),
    "closed": lazy_pgettext("need status", "Closed"),
    "expired": lazy_pgettext("need status", "Expired"),
}

NEED_VISIBILITY_LABELS = {
    "public": _l("Public: everyone can read it"),
    "centres": _l("Centres only: IP operation centres and organisers"),
}
