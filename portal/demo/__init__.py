"""Demo data (``flask demo``): fictional hospitals and companies marked 示例, one account per role,
listings and open licences, deals with recordals and forwards, matchmaking events. Idempotent:
what exists is left alone, and passwords are printed only when created.

* ``accounts`` — organisations and accounts; ``listings`` — patents, listings, open licences;
  ``deals`` — deals, recordals, payments, forwards; ``events`` — matchmaking events.
"""

from __future__ import annotations

from collections.abc import Callable

from portal.demo import after_deal, deals, documents, events, listings
from portal.demo.accounts import ACCOUNTS, CENTRES, ENTERPRISES, RENAMED, demo_credit_code, load_accounts

__all__ = ["ACCOUNTS", "CENTRES", "ENTERPRISES", "RENAMED", "demo_credit_code", "load_demo"]


def load_demo(*, if_empty: bool = False, echo: Callable[[str], None] = print) -> None:
    """Load every area's demo records (``if_empty``: only into a database without accounts)."""
    if not load_accounts(if_empty=if_empty, echo=echo):
        return
    listings.load(echo)
    deals.load(echo)
    documents.load(echo)
    after_deal.load(echo)
    events.load(echo)
    echo("demo data ready (organisations marked 示例 are fictional)")
