"""Reporting periods as pure date arithmetic: no Flask, no database."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

MONTHS = {"quarterly": 3, "half_yearly": 6, "yearly": 12}
MAX_PERIODS = 200  # fifty years of quarters


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_bounds(starts_on: date, frequency: str, until: date) -> list[tuple[date, date]]:
    """Consecutive periods from ``starts_on`` (each ``frequency`` long, counted from the start, not the
    calendar quarter), the last one cut at ``until``."""
    step = MONTHS[frequency]
    bounds = []
    n = 0
    while len(bounds) < MAX_PERIODS:
        start = add_months(starts_on, step * n)
        if start > until:
            break
        end = min(add_months(starts_on, step * (n + 1)) - timedelta(days=1), until)
        bounds.append((start, end))
        n += 1
    return bounds


def royalty(base: Decimal, rate_pct: Decimal) -> Decimal:
    """The royalty on ``base`` at ``rate_pct`` percent, to the fen, halves rounded up."""
    return (base * rate_pct / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
