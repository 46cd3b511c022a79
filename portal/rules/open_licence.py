"""Open licence (专利开放许可) checks, DOMAIN.md §4.

Patent Law (2020) Arts 50-52; Implementing Regulations (2023) Arts 85-88.
The caller gathers the facts about a patent into :class:`PatentStanding`;
these functions only judge them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from .errors import N_, RuleError

# Utility models and designs are granted without substantive examination,
# so their declaration needs a patent evaluation report (专利权评价报告).
_KINDS_NEEDING_EVALUATION = frozenset({"utility_model", "pct_utility_model", "design"})

FEE_METHODS = MappingProxyType(
    {
        "lump_sum": ("一次性支付", "Lump sum"),
        "royalty_sales": ("按销售额提成", "Running royalty on sales"),
        "royalty_profit": ("按利润提成", "Running royalty on profit"),
        "entry_plus_royalty": ("入门费+提成", "Entry fee plus royalty"),
    }
)
"""Fee payment methods an open-licence declaration may announce."""

# Taking an open licence (written notice + payment per the announced terms)
# always yields an ordinary licence, without negotiation (Art 51).
OPEN_LICENCE_TYPE = "ordinary"


class OpenLicenceRefused(RuleError):
    """An open-licence declaration or a licence that the open-licence rules forbid."""


@dataclass(frozen=True)
class PatentStanding:
    """Facts about one patent on the day an open licence is declared."""

    kind: str
    granted: bool
    valid: bool
    evaluation_report_ref: str | None = None
    exclusive_or_sole_licence_in_force: bool = False
    suspended: bool = False  # ownership dispute or court preservation
    annual_fees_unpaid: bool = False
    pledged_without_consent: bool = False
    all_co_owners_consent: bool = True  # for callers that only know yes or no
    co_owners_without_consent: tuple[str, ...] = ()  # the recorded co-owners who have not consented


def open_licence_problems(standing: PatentStanding) -> list[OpenLicenceRefused]:
    """Return every reason the patent may not be declared open (empty list: it may).

    All reasons are returned at once so that a form can show them together.
    """
    problems: list[OpenLicenceRefused] = []

    def refuse(template: str) -> None:
        problems.append(OpenLicenceRefused(template))

    if not (standing.granted and standing.valid):
        refuse(N_("Only a granted patent that is still valid can be declared an open licence."))
    if standing.kind in _KINDS_NEEDING_EVALUATION and not (
        standing.evaluation_report_ref and standing.evaluation_report_ref.strip()
    ):
        refuse(N_("A utility model or design needs a patent evaluation report supporting its "
                  "validity before it can be declared an open licence."))
    if standing.exclusive_or_sole_licence_in_force:
        refuse(N_("An exclusive or sole licence is in force on this patent, so it cannot be "
                  "declared an open licence."))
    if standing.suspended:
        refuse(N_("The patent is suspended (ownership dispute or court preservation), so it "
                  "cannot be declared an open licence."))
    if standing.annual_fees_unpaid:
        refuse(N_("Annual fees for this patent are unpaid, so it cannot be declared an open "
                  "licence."))
    if standing.pledged_without_consent:
        refuse(N_("The patent is pledged and the pledgee has not consented to an open licence."))
    if standing.co_owners_without_consent:
        problems.append(OpenLicenceRefused(
            N_("Every co-owner of the patent must consent to an open licence; no consent is recorded "
               "for %(names)s."), names=", ".join(standing.co_owners_without_consent)))
    elif not standing.all_co_owners_consent:
        refuse(N_("Every co-owner of the patent must consent to an open licence."))
    return problems


def check_open_licence_declaration(standing: PatentStanding) -> None:
    """Raise the first :class:`OpenLicenceRefused` problem, if any."""
    problems = open_licence_problems(standing)
    if problems:
        raise problems[0]


def check_licence_allowed(licence_type: str, open_licence_in_force: bool) -> None:
    """Refuse an exclusive or sole licence while an open licence is in force.

    Negotiated ordinary licences stay allowed (Patent Law Art 51(3)).
    """
    if not open_licence_in_force:
        return
    if licence_type == "exclusive":
        raise OpenLicenceRefused(
            N_("While an open licence is in force on the patent, no exclusive licence may be "
               "granted; only ordinary licences.")
        )
    if licence_type == "sole":
        raise OpenLicenceRefused(
            N_("While an open licence is in force on the patent, no sole licence may be "
               "granted; only ordinary licences.")
        )


# CNIPA guidance reportedly caps fixed fees at RMB 20 million and royalties at 20% of net sales /
# 40% of profit (DOMAIN.md §4, unconfirmed): a warning, never a refusal; callers may pass their own.
DEFAULT_FEE_GUIDANCE = MappingProxyType(
    {"max_fixed_fee_yuan": Decimal("20000000"), "max_royalty_sales_pct": Decimal("20"),
     "max_royalty_profit_pct": Decimal("40")}
)


@dataclass(frozen=True)
class OpenLicenceTerms:
    """The published terms of a declaration: fee method and standard, and licence term."""

    fee_method: str
    fee_amount_yuan: Decimal | None = None  # the lump sum, or the entry fee
    royalty_rate_pct: Decimal | None = None
    term_end: date | None = None


def check_open_licence_terms(terms: OpenLicenceTerms, *, announced_on: date,
                             last_day_of_protection: date,
                             guidance: Mapping[str, Decimal] = DEFAULT_FEE_GUIDANCE) -> list[RuleError]:
    """Refuse incomplete or unlawful terms; return warnings for fees above the guidance caps.

    The declaration must state the fee method and standard and the licence term (Art 50); the
    term may not run past the last day of protection.
    """
    method = terms.fee_method
    if method not in FEE_METHODS:
        raise OpenLicenceRefused(N_("Unknown fee method %(given)s."), given=method)
    fixed = method in ("lump_sum", "entry_plus_royalty")
    royalty = method in ("royalty_sales", "royalty_profit", "entry_plus_royalty")
    if fixed and (terms.fee_amount_yuan is None or terms.fee_amount_yuan <= 0):
        raise OpenLicenceRefused(N_("This fee method needs a fee amount greater than zero."))
    if royalty and (terms.royalty_rate_pct is None or not Decimal(0) < terms.royalty_rate_pct <= 100):
        raise OpenLicenceRefused(N_("This fee method needs a royalty rate above 0%% and at most 100%%."))
    if not royalty and terms.royalty_rate_pct:
        raise OpenLicenceRefused(N_("A lump-sum fee has no royalty rate."))
    if method in ("royalty_sales", "royalty_profit") and terms.fee_amount_yuan:
        raise OpenLicenceRefused(N_("A pure royalty has no fixed fee; choose entry fee plus royalty."))
    if terms.term_end is None:
        raise OpenLicenceRefused(N_("The declaration must state when the licence term ends."))
    if terms.term_end <= announced_on:
        raise OpenLicenceRefused(N_("The licence term must end after the announcement date."))
    if terms.term_end > last_day_of_protection:
        raise OpenLicenceRefused(
            N_("The licence term may not end after the patent's last day of protection (%(last_day)s)."),
            last_day=last_day_of_protection.isoformat())
    warnings: list[RuleError] = []
    if fixed and terms.fee_amount_yuan > guidance["max_fixed_fee_yuan"]:
        warnings.append(RuleError(N_("The fixed fee is above the guidance cap of %(cap)s yuan."),
                                  cap=str(guidance["max_fixed_fee_yuan"])))
    cap_key = {"royalty_sales": "max_royalty_sales_pct", "royalty_profit": "max_royalty_profit_pct",
               "entry_plus_royalty": "max_royalty_sales_pct"}.get(method)
    if cap_key and terms.royalty_rate_pct > guidance[cap_key]:
        warnings.append(RuleError(N_("The royalty rate is above the guidance cap of %(cap)s%%."),
                                  cap=str(guidance[cap_key])))
    return warnings
