"""Claiming a company whose credit code others registered.

The claimant has confirmed an address through a registration link and uploads evidence (the
business licence, or a letter authorising them, as a PDF or a picture). A site administrator
reads it and decides. Approving makes the claimant a member; with *transfer*, the company becomes
theirs: its other members are deactivated (their sessions end, they are told why), the claimant's
figures replace the self-declared ones, and the company is marked verified.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import PurePath

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import gettext as _

from portal import audit
from portal.auth.operations import _email_free, check_company, set_company_figures
from portal.errors import OperationError
from portal.extensions import db
from portal.models import CompanyClaim, Organisation, PendingRegistration, User
from portal.notify import notify, queue_mail
from portal.urls import external_url

# What evidence may be uploaded as, what its bytes must begin with, and the type it is served as.
EVIDENCE_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024


def check_evidence(filename: str, content: bytes) -> tuple[str, str]:
    """The file's safe name and its content type; refused unless it is the PDF or picture its name says."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()[-200:] or "evidence"
    suffix = name.rsplit(".", 1)[-1].casefold() if "." in name else ""
    if suffix not in EVIDENCE_TYPES:
        raise OperationError(_("Upload the evidence as a PDF, PNG or JPEG file."), field="evidence")
    if not content:
        raise OperationError(_("The file is empty."), field="evidence")
    if len(content) > MAX_EVIDENCE_BYTES:
        raise OperationError(_("The file is larger than %(mb)s MB.", mb=MAX_EVIDENCE_BYTES // (1024 * 1024)),
                             field="evidence")
    content_type, signatures = EVIDENCE_TYPES[suffix]
    if not content.startswith(signatures):
        raise OperationError(_("The file is not the PDF or picture its name says it is."), field="evidence")
    return name, content_type


def file_claim(org: Organisation, registration: PendingRegistration, statement: str, filename: str,
               content: bytes) -> CompanyClaim:
    statement = (statement or "").strip()
    if len(statement) < 10:
        raise OperationError(_("Say in a few sentences why the company is yours and who registered it."),
                             field="statement")
    name, content_type = check_evidence(filename, content)
    claim = CompanyClaim(organisation_id=org.id, email=registration.email, password_hash=registration.password_hash,
                         company=registration.company, statement=statement[:4000], evidence_filename=name,
                         evidence_type=content_type, evidence_size=len(content), evidence=content)
    db.session.add(claim)
    db.session.flush()
    audit.record("company.claimed", f"{registration.email} claims {org.code}", target=claim, actor=None,
                 data={"org": org.code, "evidence": name, "size": len(content)})
    admins = list(db.session.scalars(db.select(User).where(User.role == "site_admin", User.active.is_(True))))
    notify(admins, "company.claimed", {"email": registration.email, "company": org.name_zh}, "admin.claims_page")
    return claim


def pending_claims() -> list[CompanyClaim]:
    return list(db.session.scalars(db.select(CompanyClaim).where(CompanyClaim.decided_at.is_(None))
                                   .order_by(CompanyClaim.id)))


def decide(claim: CompanyClaim, *, approve: bool, transfer: bool, note: str, actor: User) -> User | None:
    """Approve (the claimant becomes a member; with ``transfer`` the company is theirs alone) or decline."""
    if claim.decided_at is not None:
        raise OperationError(_("This claim has already been decided."))
    note = (note or "").strip()[:2000]
    if not approve and not note:
        raise OperationError(_("Say why the claim is declined: the claimant is told."), field="note")
    org = claim.organisation
    claim.decided_at, claim.approved, claim.decided_by_id = datetime.now(UTC), approve, actor.id
    claim.transferred, claim.decision_note = approve and transfer, note or None
    user = None
    if approve:
        _email_free(claim.email)
        user = User(email=claim.email, role="sme_member", organisation_id=org.id, password_hash=claim.password_hash)
        db.session.add(user)
        if transfer:
            _transfer(org, claim, actor)
        db.session.flush()
    _tell_claimant(claim, approve, note)
    audit.record("company.claim_approved" if approve else "company.claim_declined",
                 f"claim of {claim.email} on {org.code}: {'approved' if approve else 'declined'}"
                 f"{' with transfer' if approve and transfer else ''}", target=user or claim, actor=actor,
                 data={"claim": claim.id, "transfer": bool(approve and transfer)})
    return user


def _tell_claimant(claim: CompanyClaim, approve: bool, note: str) -> None:
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        company = claim.organisation.name_zh
        if approve:
            body = gettext("Your claim on %(company)s was approved: log in with the address and password you "
                           "registered with.\n\n%(login)s", company=company, login=external_url("auth.login"))
        else:
            body = gettext("Your claim on %(company)s was declined: %(note)s", company=company, note=note)
        queue_mail(claim.email, gettext("[Medical patent licensing] Your claim on %(company)s", company=company),
                   body + ("\n\n" + note if approve and note else ""))


def _transfer(org: Organisation, claim: CompanyClaim, actor: User) -> None:
    members = list(db.session.scalars(db.select(User).where(User.organisation_id == org.id,
                                                             User.active.is_(True), User.email != claim.email)))
    notify(members, "company.transferred", {"company": org.name_zh}, "main.home")
    for member in members:
        member.active = False
        member.end_sessions()
        audit.record("account.deactivated", f"{member.email} deactivated: {org.code} transferred to its claimant",
                     target=member, actor=actor)
    set_company_figures(org, check_company(claim.company))
    org.verified = True
