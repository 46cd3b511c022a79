"""Open licence (专利开放许可) checks, DOMAIN.md §4.

Patent Law (2020) Arts 50-52; Implementing Regulations (2023) Arts 85-88.
The caller gathers the facts about a patent into :class:`PatentStanding`;
these functions only judge them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from .errors import N_, RuleError

# Utility models and designs are granted without substantive examination,
# so their declaration needs a patent evaluation report (专利权评价报告).
_KINDS_NEEDING_EVALUATION = frozenset({"utility_model", "pct_utility_model", "design"})

FEE_METHODS = MappingProxyType(
    {
        "lump_sum": ("一次性", "Lump sum"),
        "royalty": ("提成", "Running royalty"),
        "entry_fee_plus_royalty": ("入门费+提成", "Entry fee plus royalty"),
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
    all_co_owners_consent: bool = True


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
    if not standing.all_co_owners_consent:
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
