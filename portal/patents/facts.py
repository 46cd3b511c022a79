"""Operations on the legal facts of a patent that the open-licence rules read: pledge, annual fees,
disputes, an exclusive or sole licence granted outside the portal, and the co-owners' consents.

Each validates, changes, writes the audit log and flushes; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError
from portal.extensions import db
from portal.indexing.changes import listing_ids_of, note_search_change
from portal.models import Patent, PatentCoOwner, User

PATENT_FACTS = ("evaluation_report", "pledged", "pledgee_consent", "annual_fees_paid", "suspended",
                "exclusive_licence_until")


def update_patent_facts(patent: Patent, facts: dict, actor: User | None) -> None:
    """Record the legal facts the open-licence rules depend on (pledge, fees, disputes, an exclusive
    or sole licence granted outside the portal). Co-owners have their own operation."""
    changed = {k: v for k, v in facts.items() if k in PATENT_FACTS and getattr(patent, k) != v}
    if facts.get("pledgee_consent") and not facts.get("pledged", patent.pledged):
        raise OperationError(_("Pledgee consent only applies to a pledged patent."), field="pledgee_consent")
    for name, value in changed.items():
        setattr(patent, name, value)
    if changed:
        audit.record("patent.facts_changed", f"{patent.application_number}: {', '.join(changed)}",
                     target=patent, actor=actor, data={k: str(v) for k, v in changed.items()})
        note_search_change(listing_ids_of(patent))


@dataclass
class CoOwnerData:
    """One co-owner row of the facts form: ``id`` names a recorded co-owner, None a new one."""

    name: str
    consent: bool = False
    consent_date: date | None = None
    reference: str = ""
    id: int | None = None
    remove: bool = False

    @property
    def blank(self) -> bool:
        return self.id is None and not (self.name.strip() or self.reference.strip() or self.consent
                                         or self.consent_date)


def update_co_owners(patent: Patent, rows: list[CoOwnerData], actor: User | None,
                     today: date | None = None) -> None:
    """Add, change or remove the patent's co-owners and their consents to an open licence.

    Recorded co-owners that ``rows`` does not mention stay as they are; one is removed only when its
    row says so. Nothing changes when any row is wrong.
    """
    today = today or date.today()
    recorded = {c.id: c for c in patent.co_owners}
    rows = [r for r in rows if not r.blank]
    for row in rows:
        if row.id is not None and row.id not in recorded:
            # A guessed id, or a co-owner of another patent: never touch it.
            raise OperationError(_("This co-owner is not recorded on this patent."))
    kept = [r for r in rows if not r.remove]
    for row in kept:
        _check_row(row, today)
    mentioned = {r.id for r in rows}
    names = [r.name.strip() for r in kept] + [c.name for c in patent.co_owners if c.id not in mentioned]
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise OperationError(_("The co-owner %(name)s is listed twice.", name=name))
        seen.add(name.casefold())
    changes: dict[str, list[str]] = {"added": [], "changed": [], "removed": []}
    for row in rows:
        if row.remove:
            co_owner = recorded[row.id]
            patent.co_owners.remove(co_owner)
            changes["removed"].append(co_owner.name)
    if changes["removed"]:
        # Deletes first: a flush inserts before it deletes, so a name removed and added again in one
        # form would otherwise meet itself in the unique constraint.
        db.session.flush()
    renamed = [recorded[r.id] for r in kept if r.id is not None and recorded[r.id].name != r.name.strip()]
    if len(renamed) > 1:
        # Names may be swapped between rows in one form: park them under unique names first, or an
        # update would meet another row's old name in the unique constraint.
        for co_owner in renamed:
            co_owner.name = f"~renaming {co_owner.id}"
        db.session.flush()
    for row in kept:
        values = {"name": row.name.strip(), "consent": row.consent, "reference": row.reference.strip(),
                  "consent_date": row.consent_date}
        co_owner = recorded.get(row.id) if row.id is not None else None
        if co_owner is None:
            patent.co_owners.append(PatentCoOwner(**values))
            changes["added"].append(values["name"])
        elif any(getattr(co_owner, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(co_owner, name, value)
            changes["changed"].append(values["name"])
    changes = {k: v for k, v in changes.items() if v}
    if changes:
        db.session.flush()
        summary = "; ".join(f"{k} {', '.join(v)}" for k, v in changes.items())
        audit.record("patent.co_owners_changed", f"{patent.application_number}: {summary}"[:500],
                     target=patent, actor=actor, data=changes)


def _check_row(row: CoOwnerData, today: date) -> None:
    if not row.name.strip():
        raise OperationError(_("Give the name of each co-owner."))
    if len(row.name.strip()) > 200 or len(row.reference.strip()) > 200:
        raise OperationError(_("A co-owner's name or reference is longer than 200 characters."))
    if row.consent_date is not None and not row.consent:
        raise OperationError(_("%(name)s: a consent date needs the consent ticked.", name=row.name.strip()))
    if row.consent_date is not None and row.consent_date > today:
        raise OperationError(_("%(name)s: the consent date is in the future.", name=row.name.strip()))

