"""The metrics area's one blueprint: every page of the figures, the centre's facts and the programme
parameters (its JSON API is :mod:`portal.metrics.api`).

| URL | module |
|---|---|
| ``/metrics/``, ``/metrics/centre``, ``/metrics/centres/<code>[/deals, exports]``, ``/metrics/programme`` | ``views`` |
| ``/metrics/centre/facts/…``, ``/metrics/reports/<id>/document`` | ``facts`` |
| ``/admin/programme`` | ``admin`` |
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("metrics", __name__)
