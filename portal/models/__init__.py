"""All models, imported here so Alembic and the app see every table."""

from portal.models.audit import AuditEntry
from portal.models.orgs import EXCHANGE_BASES, ORG_KINDS, Organisation
from portal.models.users import ROLE_ORG_KINDS, ROLES, User

__all__ = ["AuditEntry", "EXCHANGE_BASES", "ORG_KINDS", "Organisation", "ROLES", "ROLE_ORG_KINDS", "User"]
