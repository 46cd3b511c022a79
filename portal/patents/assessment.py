"""A patent's operation flag (可投入运营) and its five value scores, set by the centre by hand or in bulk.

The import sets the same columns through the patent writer (``portal.patents.operations``); these
operations serve the patent page and the list's bulk action. Each change is audited with every old
and new value, which is the history the patent page shows.
"""

from __future__ import annotations

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError
from portal.extensions import db
from portal.indexing.changes import listing_ids_of, note_search_change
from portal.models import VALUE_DIMENSIONS, Organisation, Patent, User

MAX_BULK = 500  # patents changed by one bulk action (a page shows 50)


def update_assessment(patent: Patent, *, operable: bool, values: dict[str, int | None],
                      actor: User | None) -> dict[str, list]:
    """Set the operation flag and the value scores (1–5, or none); returns the changes made."""
    for name in VALUE_DIMENSIONS:
        value = values.get(name)
        if value is not None and not 1 <= value <= 5:
            raise OperationError(_("A value score is a whole number from 1 to 5."), field=name)
    changes: dict[str, list] = {}
    for name, new in (("operable", bool(operable)), *((d, values.get(d)) for d in VALUE_DIMENSIONS)):
        old = getattr(patent, name)
        if old != new:
            changes[name] = [old, new]
            setattr(patent, name, new)
    if not changes:
        return changes
    db.session.flush()
    audit.record("patent.assessment", f"{patent.application_number} {patent.title[:80]}", target=patent,
                 actor=actor, data={"changes": changes})
    if any(d in changes for d in VALUE_DIMENSIONS):  # the listings' documents say whether it is high-value
        note_search_change(listing_ids_of(patent))
    return changes


def set_operable(centre: Organisation, patent_ids: list[int], operable: bool, actor: User | None) -> int:
    """Mark the chosen patents of the centre as operable or not; returns how many changed. Ids of
    other centres' patents are refused as a whole (nothing changes)."""
    ids = list(dict.fromkeys(patent_ids))
    if not ids:
        raise OperationError(_("Choose at least one patent."))
    if len(ids) > MAX_BULK:
        raise OperationError(_("Choose at most %(max)s patents at once.", max=MAX_BULK))
    patents = db.session.scalars(db.select(Patent).where(Patent.id.in_(ids), Patent.centre_id == centre.id)).all()
    if len(patents) != len(ids):
        raise OperationError(_("Some of the chosen patents are not your centre's."))
    changed = [p for p in patents if p.operable != operable]
    for patent in changed:
        patent.operable = operable
    if changed:
        db.session.flush()
        audit.record("patent.operable_bulk", f"{centre.code}: {len(changed)} patents operable={operable}",
                     target=centre, actor=actor,
                     data={"operable": operable, "count": len(changed),
                           "patents": [p.application_number for p in changed][:100]})
    return len(changed)
