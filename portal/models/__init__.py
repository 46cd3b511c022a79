"""All models, imported here so Alembic and the app see every table."""

from portal.models.audit import AuditEntry
from portal.models.budget import FUND_SOURCES, BudgetCategory, BudgetExpense, BudgetReceipt
from portal.models.channels import CHANNELS, ListingViewCount
from portal.models.deals import DEAL_KINDS, LICENCE_TYPES, PRICINGS, RECORDAL_STATUSES, Deal, DealPayment, deal_patents
from portal.models.disclosures import INTENDED_ROUTES, PROTECTIONS, REVIEW_DECISIONS, Disclosure
from portal.models.documents import DOCUMENT_SUBJECTS, DOCUMENT_VISIBILITIES, Document, forward_documents
from portal.models.events import (
    EVENT_KINDS,
    Event,
    EventAttendance,
    EventRegistration,
    event_listings,
    registration_listings,
)
from portal.models.exchange import (
    FORWARD_CLOSED,
    FORWARD_STATUSES,
    FORWARD_TRANSITIONS,
    ExchangeForward,
    ExchangeForwardChange,
    ExchangeToken,
)
from portal.models.imports import IMPORT_JOB_STATUSES, IMPORT_KINDS, HeldUpload, ImportJob
from portal.models.legal_status import ENDED_CODES, STATUS_CODES, AnnualFee, LegalStatusChange
from portal.models.listings import (
    FIELDS,
    LISTING_STATUSES,
    MATURITIES,
    MODES,
    Listing,
    OpenLicenceDeclaration,
    listing_patents,
)
from portal.models.metrics import (
    AWARD_KINDS,
    CentreAward,
    CentreProfile,
    FundingSecured,
    LeadershipBody,
    NavigationReport,
    PctApplication,
    ProgrammeParameters,
    RulesDocument,
    current_parameters,
)
from portal.models.needs import (
    MATCH_SOURCES,
    NEED_STATUSES,
    NEED_VISIBILITIES,
    Need,
    NeedMatch,
    NeedProposal,
)
from portal.models.notices import NoticeObjection, PublicNotice, notice_patents
from portal.models.notifications import Notification, OutgoingMail
from portal.models.orgs import EXCHANGE_BASES, ORG_KINDS, Organisation
from portal.models.patents import LEGAL_STATUSES, VALUE_DIMENSIONS, Patent, PatentCoOwner, PatentIPC
from portal.models.registration import CompanyClaim, PendingRegistration
from portal.models.requests import (
    OPEN_STATUSES,
    REQUEST_MODES,
    REQUEST_STATUSES,
    LicenceRequest,
    OpenLicenceAcceptance,
    RequestMessage,
    RequestStatusChange,
)
from portal.models.rewards import InventorReward, RewardShare
from portal.models.royalties import (
    REMINDER_STAGES,
    ROYALTY_BASES,
    ROYALTY_FREQUENCIES,
    RoyaltyPeriod,
    RoyaltyReminder,
    RoyaltyTerms,
    royalty_period_payments,
)
from portal.models.search import SearchChange, SearchIndexState, SearchLogState
from portal.models.subscriptions import DELIVERIES, SavedSearch, SavedSearchSent
from portal.models.users import ROLE_ORG_KINDS, ROLES, JoinRequest, PasswordReset, User

__all__ = [
    "BudgetCategory", "BudgetExpense", "BudgetReceipt", "FUND_SOURCES",
    "Disclosure", "INTENDED_ROUTES", "PROTECTIONS", "REVIEW_DECISIONS",
    "DEAL_KINDS", "Deal", "DealPayment", "LICENCE_TYPES", "LicenceRequest", "Notification", "OPEN_STATUSES",
    "OpenLicenceAcceptance",
    "OutgoingMail", "RECORDAL_STATUSES", "REQUEST_MODES", "REQUEST_STATUSES", "RequestMessage", "RequestStatusChange",
    "deal_patents",
    "EVENT_KINDS", "Event", "EventAttendance", "event_listings",
    "AuditEntry", "EXCHANGE_BASES", "FIELDS", "LEGAL_STATUSES", "LISTING_STATUSES", "Listing", "MATURITIES", "MODES",
    "ORG_KINDS", "OpenLicenceDeclaration", "Organisation", "Patent", "PatentCoOwner", "PatentIPC", "ROLES",
    "ROLE_ORG_KINDS",
    "CompanyClaim", "JoinRequest", "PasswordReset", "PendingRegistration",
    "SearchChange", "SearchIndexState", "SearchLogState", "User", "VALUE_DIMENSIONS",
    "listing_patents",
    "ExchangeForward", "ExchangeForwardChange", "ExchangeToken", "FORWARD_CLOSED", "FORWARD_STATUSES",
    "FORWARD_TRANSITIONS",
    "AWARD_KINDS", "CentreAward", "CentreProfile", "NavigationReport", "PctApplication", "ProgrammeParameters",
    "RulesDocument", "current_parameters", "FundingSecured", "LeadershipBody",
    "IMPORT_JOB_STATUSES", "IMPORT_KINDS", "HeldUpload", "ImportJob",
    "CHANNELS", "ListingViewCount", "EventRegistration", "registration_listings",
    "DELIVERIES", "SavedSearch", "SavedSearchSent",
    "MATCH_SOURCES", "NEED_STATUSES", "NEED_VISIBILITIES", "Need", "NeedMatch", "NeedProposal",
    "DOCUMENT_SUBJECTS", "DOCUMENT_VISIBILITIES", "Document", "forward_documents",
    "PRICINGS", "NoticeObjection", "PublicNotice", "notice_patents",
    "REMINDER_STAGES", "ROYALTY_BASES", "ROYALTY_FREQUENCIES", "RoyaltyPeriod", "RoyaltyReminder", "RoyaltyTerms",
    "royalty_period_payments", "InventorReward", "RewardShare",
    "ENDED_CODES", "STATUS_CODES", "AnnualFee", "LegalStatusChange",
]
