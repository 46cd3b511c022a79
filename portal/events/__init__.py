"""Matchmaking events (对接活动): record them, list them, publish them as iCalendar."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENT_KIND_LABELS = {
    "matchmaking": _l("Matchmaking fair"),
    "roadshow": _l("Roadshow"),
    "training": _l("Training or publicity"),
}
