"""Pure domain rules of the portal (DOMAIN.md §§2-5): no Flask, no database.

Every rule raises :class:`RuleError` (a ``ValueError``) with an English
message template and parameters, which the web layer translates.
"""

from .credit_code import InvalidCreditCode, credit_code_check_character, validate_credit_code
from .enterprise import (
    INDUSTRIES,
    SIZE_CLASSES,
    SIZE_THRESHOLDS,
    Bounds,
    UnknownIndustry,
    classify_enterprise,
    industry_requires_total_assets,
    is_sme,
)
from .errors import N_, RuleError
from .ipc import MEDICAL_SUBCLASSES, InvalidIPC, ipc_subclass, normalise_ipc, split_ipc_list
from .ipc_titles import IPC_SECTIONS, IPC_SUBCLASS_TITLES, ipc_section_titles, ipc_subclass_titles
from .licensing import (
    DEAL_KINDS,
    DEFAULT_LICENCE_TYPE,
    LICENCE_TYPES,
    MIN_REWARD_SHARE,
    RECORDAL_STATUSES,
    check_reward_share,
    licence_type_or_default,
    net_income,
)
from .open_licence import (
    DEFAULT_FEE_GUIDANCE,
    FEE_METHODS,
    OPEN_LICENCE_TYPE,
    OpenLicenceRefused,
    OpenLicenceTerms,
    PatentStanding,
    check_licence_allowed,
    check_open_licence_declaration,
    check_open_licence_terms,
    open_licence_problems,
)
from .patent_numbers import (
    PATENT_KINDS,
    ApplicationNumber,
    InvalidPatentNumber,
    PublicationNumber,
    application_check_character,
    parse_application_number,
    parse_publication_number,
)
from .pct import InvalidPctNumber, PctNumber, check_pct_filing_date, parse_pct_number
from .term import (
    DESIGN_15_YEAR_TERM_FROM,
    add_months,
    last_day_of_protection,
    patent_expiry,
    recordal_due_date,
    term_years,
)

__all__ = [
    "DEFAULT_FEE_GUIDANCE",
    "OpenLicenceTerms",
    "check_open_licence_terms",
    "DEAL_KINDS",
    "DEFAULT_LICENCE_TYPE",
    "DESIGN_15_YEAR_TERM_FROM",
    "FEE_METHODS",
    "INDUSTRIES",
    "LICENCE_TYPES",
    "MEDICAL_SUBCLASSES",
    "IPC_SECTIONS",
    "IPC_SUBCLASS_TITLES",
    "ipc_section_titles",
    "ipc_subclass_titles",
    "MIN_REWARD_SHARE",
    "N_",
    "OPEN_LICENCE_TYPE",
    "PATENT_KINDS",
    "RECORDAL_STATUSES",
    "SIZE_CLASSES",
    "SIZE_THRESHOLDS",
    "ApplicationNumber",
    "Bounds",
    "InvalidCreditCode",
    "InvalidIPC",
    "InvalidPatentNumber",
    "InvalidPctNumber",
    "OpenLicenceRefused",
    "PatentStanding",
    "PctNumber",
    "PublicationNumber",
    "RuleError",
    "UnknownIndustry",
    "add_months",
    "application_check_character",
    "check_licence_allowed",
    "check_open_licence_declaration",
    "check_pct_filing_date",
    "check_reward_share",
    "classify_enterprise",
    "credit_code_check_character",
    "industry_requires_total_assets",
    "ipc_subclass",
    "is_sme",
    "last_day_of_protection",
    "licence_type_or_default",
    "net_income",
    "normalise_ipc",
    "open_licence_problems",
    "parse_application_number",
    "parse_pct_number",
    "parse_publication_number",
    "patent_expiry",
    "recordal_due_date",
    "split_ipc_list",
    "term_years",
    "validate_credit_code",
]
