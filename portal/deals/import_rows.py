"""The historical deals spreadsheet: its columns, and each row read into a :class:`DealRow`.

Only what a row says on its own is checked here (cells, and checks across the row's columns);
the database (patents, counterparties, exchanges) and the deal rules are the importer's.
Reading the file, headings and the common cell parsers are the import kernel, :mod:`portal.imports`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.deals.operations import DEAL_MODES
from portal.errors import rule_message
from portal.imports import cells as s
from portal.imports.cells import Column
from portal.imports.rows import PreparedFile, RowReader, prepare_rows
from portal.models import PRICINGS, Deal, Organisation, Patent
from portal.rules import (
    DEAL_KINDS,
    INDUSTRIES,
    LICENCE_TYPES,
    RECORDAL_STATUSES,
    SIZE_THRESHOLDS,
    RuleError,
    classify_enterprise,
    parse_application_number,
    validate_credit_code,
)

LICENCE_MODES = ("exclusive", "sole", "ordinary", "open")

COLUMNS: tuple[Column, ...] = (
    Column("effective_date", "生效日", _l("Date the contract took effect, YYYY-MM-DD"), "2023-06-01", True),
    Column("kind", "交易类型", _l("exclusive, sole, ordinary, open, assignment or equity (独占许可 / 排他许可 / "
                                  "普通许可 / 开放许可 / 转让 / 作价入股)"), "ordinary", True),
    Column("application_numbers", "申请号", _l("Application numbers of the patents, separated by ; — each already on "
                                             "the portal and held by your centre"), "201811564288.X", True),
    Column("counterparty", "交易对方", _l("Licensee, assignee or (equity) the company, by its registered name"),
           "上海示例医疗器械有限公司", True),
    Column("counterparty_credit_code", "统一社会信用代码",
           _l("The counterparty's unified social credit code: an enterprise on the portal is matched by it, "
              "otherwise it is created"), "91310115MA1K000016", True),
    Column("counterparty_industry", "所属行业", _l("Industry for the SME test: a key such as industry, software_it "
                                               "or other, or its Chinese name (工业 …)"), "industry", True),
    Column("counterparty_employees", "从业人员", _l("Employees at the time of the deal"), "120"),
    Column("counterparty_revenue_wan", "营业收入（万元）", _l("Operating revenue at the time of the deal, in 万元"),
           "3500"),
    Column("counterparty_assets_wan", "资产总额（万元）", _l("Total assets at the time of the deal, in 万元 (needed "
                                                      "for construction, real estate, leasing and business "
                                                      "services)"), ""),
    Column("contract_amount", "合同金额（元）", _l("Contract amount, in yuan"), "300000", True),
    Column("term_end", "许可期限届满日", _l("Last day of the licence term: required for a licence, no later than "
                                     "the last day of protection of each patent"), "2027-12-31"),
    Column("received_amount", "实际到账金额（元）", _l("Amount actually received, in yuan; empty when nothing "
                                                 "was received"), "100000"),
    Column("received_date", "到账日期", _l("Date the amount was received"), "2023-07-15"),
    Column("registration_date", "转让登记日", _l("Assignments: date of registration with CNIPA (the assignment "
                                            "counts from it)"), ""),
    Column("recordal_status", "备案状态", _l(
        "CNIPA recordal: not_filed, filed, recorded or refused (未备案 / 已提交备案 / 已备案 / 不予备案); empty "
        "means not filed"), "recorded"),
    Column("recordal_number", "备案号", _l("Recordal number, with recorded"), "2023310000123"),
    Column("recordal_date", "备案日", _l("Recordal date, with recorded"), "2023-08-01"),
    Column("recordal_refusal_reason", "不予备案理由", _l("Why the recordal was refused, with refused"), ""),
    Column("pricing", "定价方式", _l("How the price was set: agreement, exchange, auction or listing (协议定价 / "
                                  "进场交易 / 拍卖 / 挂牌); a deal priced by agreement needs an ended public notice "
                                  "on the portal or a reason below; empty when not stated"), ""),
    Column("notice_override_reason", "未公示理由", _l("Why a deal priced by agreement was signed without a completed "
                                               "public notice on the portal (recorded and audited)"), ""),
    Column("exchange", "交易机构", _l("Exchange base the deal was traded on: sipe or stex, or its name; empty when "
                                  "none"), "stex"),
)

# Longest text each column's database field holds.
_MAX_LENGTH = {"counterparty": 200, "recordal_number": 60, "recordal_refusal_reason": 500,
               "notice_override_reason": 500}
_PRICINGS = s.choice_lookup([
    *((key, key) for key in PRICINGS), ("协议定价", "agreement"), ("协议", "agreement"), ("进场交易", "exchange"),
    ("交易所", "exchange"), ("拍卖", "auction"), ("挂牌", "listing"), ("挂牌交易", "listing"),
])

_MODES = s.choice_lookup([
    *((key, key) for key in DEAL_MODES),
    *((zh, key) for key, (zh, _en) in LICENCE_TYPES.items()),  # 独占 / 排他 / 普通
    *((f"{zh}许可", key) for key, (zh, _en) in LICENCE_TYPES.items()),
    *((f"{en} licence", key) for key, (_zh, en) in LICENCE_TYPES.items()),
    *((f"{en} license", key) for key, (_zh, en) in LICENCE_TYPES.items()),
    ("开放许可", "open"), ("开放", "open"), ("open licence", "open"), ("open license", "open"),
    *((zh, key) for key, (zh, en) in DEAL_KINDS.items() if key != "licence"),  # 转让 / 作价入股
    *((en, key) for key, (zh, en) in DEAL_KINDS.items() if key != "licence"),
    ("专利转让", "assignment"), ("专利权转让", "assignment"), ("作价投资", "equity"),
])
_RECORDAL = s.choice_lookup([
    *((key, key) for key in RECORDAL_STATUSES),
    *((label, key) for key, labels in RECORDAL_STATUSES.items() for label in labels),
    ("未提交", "not_filed"), ("已提交", "filed"), ("备案中", "filed"), ("已受理", "filed"),
])
_INDUSTRIES = s.choice_lookup([
    *((key, key) for key in INDUSTRIES),
    *((label, key) for key, labels in INDUSTRIES.items() for label in labels),
    ("制造业", "industry"), ("科学研究和技术服务业", "other"),
])
_NUMBER_SEPARATORS = re.compile(r"[;；,，、\n]+")


@dataclass
class DealRow:
    number: int  # as in the spreadsheet: the heading is row 1
    names: dict[str, str]  # column key -> heading as the file spells it
    typed: str = ""  # the application numbers as typed
    mode: str | None = None
    effective_date: date | None = None
    numbers: list[str] = field(default_factory=list)  # canonical application numbers
    counterparty: str | None = None
    credit_code: str | None = None
    industry: str | None = None
    employees: int | None = None
    revenue_wan: Decimal | None = None
    assets_wan: Decimal | None = None
    size_class: str | None = None  # from the row's figures: the class at the time of the deal
    contract_amount: Decimal | None = None
    term_end: date | None = None
    received_amount: Decimal | None = None
    received_date: date | None = None
    registration_date: date | None = None
    recordal_status: str = "not_filed"
    recordal_number: str | None = None
    recordal_date: date | None = None
    refusal_reason: str | None = None
    exchange_text: str = ""
    pricing: str | None = None
    notice_override_reason: str | None = None
    errors: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # the columns with a problem
    warnings: list[str] = field(default_factory=list)
    # Filled by the importer:
    patents: list[Patent] = field(default_factory=list)
    licensee: Organisation | None = None
    exchange: Organisation | None = None
    deal: Deal | None = None
    updated: bool = False  # the deal was already on the portal

    @property
    def ident(self) -> str:
        """What the report shows to identify the row: its first patent."""
        return self.numbers[0] if self.numbers else self.typed

    @property
    def is_licence(self) -> bool:
        return self.mode in LICENCE_MODES

    @property
    def payment(self) -> tuple[date, Decimal] | None:
        if self.received_amount and self.received_date:
            return self.received_date, self.received_amount
        return None

    def problem(self, key: str, message: object) -> None:
        self.failed.add(key)
        self.errors.append(_("%(column)s: %(problem)s", column=self.names.get(key, key), problem=str(message)))


def prepare(table: list[list[object]], max_error_rows: int | None = None) -> PreparedFile[DealRow]:
    """Match the heading row to the columns and read every data row (blank rows are skipped)."""

    def make_row(number: int, values: dict[str, object], names: dict[str, str], errors: list[str]) -> DealRow:
        row = DealRow(number=number, names=names, errors=errors)
        _parse(row, values)
        return row

    return prepare_rows(table, COLUMNS, make_row, _("The file has headings but no deal rows."), max_error_rows)


def parse_kind(value: object) -> str | None:
    return s.parse_choice(value, _MODES, _("%(value)s is not a deal kind: write exclusive, sole, ordinary, open, "
                                           "assignment or equity (独占许可 / 排他许可 / 普通许可 / 开放许可 / 转让 / "
                                           "作价入股)."))


def parse_pricing(value: object) -> str | None:
    return s.parse_choice(value, _PRICINGS, _("%(value)s is not a pricing method: write agreement, exchange, auction "
                                              "or listing (协议定价 / 进场交易 / 拍卖 / 挂牌)."))


def parse_recordal_status(value: object) -> str:
    return s.parse_choice(value, _RECORDAL, _("%(value)s is not a recordal status: write not_filed, filed, recorded "
                                              "or refused (未备案 / 已提交备案 / 已备案 / 不予备案).")) or "not_filed"


def parse_industry(value: object) -> str | None:
    return s.parse_choice(value, _INDUSTRIES, _("%(value)s is not an industry of the SME standard: write a key such "
                                                "as industry, software_it or other, or its Chinese name."))


def parse_numbers(value: object) -> list[str]:
    """Canonical application numbers, in the order given, each once."""
    numbers = [parse_application_number(part).canonical
               for part in _NUMBER_SEPARATORS.split(s.text(value)) if part.strip()]
    if not numbers:
        raise s.CellError(_("A value is required."))
    return list(dict.fromkeys(numbers))


def _parse(row: DealRow, values: dict[str, object]) -> None:
    reader = RowReader(values, row.names, row.errors, _MAX_LENGTH, row.failed)
    cell = reader.cell
    row.typed = s.text(values.get("application_numbers"))
    row.effective_date = cell("effective_date", s.parse_date, required=True)
    row.mode = cell("kind", parse_kind, required=True)
    row.numbers = cell("application_numbers", parse_numbers, required=True) or []
    row.counterparty = cell("counterparty", s.text, required=True)
    row.credit_code = cell("counterparty_credit_code", lambda v: validate_credit_code(s.text(v)), required=True)
    row.industry = cell("counterparty_industry", parse_industry, required=True)
    row.employees = cell("counterparty_employees", s.parse_whole, 0)
    row.revenue_wan = cell("counterparty_revenue_wan", s.parse_number)
    row.assets_wan = cell("counterparty_assets_wan", s.parse_number)
    row.contract_amount = cell("contract_amount", s.parse_number, required=True)
    row.term_end = cell("term_end", s.parse_date)
    row.received_amount = cell("received_amount", s.parse_number)
    row.received_date = cell("received_date", s.parse_date)
    row.registration_date = cell("registration_date", s.parse_date)
    row.recordal_status = cell("recordal_status", parse_recordal_status) or "not_filed"
    row.recordal_number = cell("recordal_number", s.text) or None
    row.recordal_date = cell("recordal_date", s.parse_date)
    row.refusal_reason = cell("recordal_refusal_reason", s.text) or None
    row.exchange_text = cell("exchange", s.text) or ""
    row.pricing = cell("pricing", parse_pricing)
    row.notice_override_reason = cell("notice_override_reason", s.text) or None
    if row.counterparty is not None and len(row.counterparty) < 2:
        row.problem("counterparty", _("The name must be 2–200 characters long."))
    _classify(row)
    _check_across(row)


def _classify(row: DealRow) -> None:
    """The counterparty's size class from the row's own figures (those at the time of the deal)."""
    if row.industry is None or row.failed & {"counterparty_employees", "counterparty_revenue_wan",
                                             "counterparty_assets_wan"}:
        return
    try:
        row.size_class = classify_enterprise(row.industry, row.employees, row.revenue_wan, row.assets_wan)
    except RuleError as exc:
        # Name the figure the industry needs and the row lacks.
        used = SIZE_THRESHOLDS[row.industry]["small"]
        missing = [key for key, bound, value in (
            ("counterparty_employees", used.employees, row.employees),
            ("counterparty_revenue_wan", used.revenue_wan, row.revenue_wan),
            ("counterparty_assets_wan", used.total_assets_wan, row.assets_wan)) if bound is not None and value is None]
        row.problem(missing[0] if missing else "counterparty_industry", rule_message(exc))


def _check_across(row: DealRow) -> None:
    """Checks across the row's columns, each naming the column to correct."""
    if row.mode is None or row.effective_date is None:
        return
    if row.is_licence and row.term_end is None and "term_end" not in row.failed:
        row.problem("term_end", _("A licence needs the end of its term."))
    if not row.is_licence and row.term_end is not None:
        row.problem("term_end", _("Only a licence has a term end; leave it empty for an assignment or an equity "
                                  "contribution."))
    if row.registration_date is not None:
        if row.mode != "assignment":
            row.problem("registration_date", _("Only an assignment has a registration date."))
        elif row.registration_date < row.effective_date:
            row.problem("registration_date", _("The registration date is before the effective date."))
    if row.received_amount and row.received_date is None:
        row.problem("received_date", _("A payment needs a date and an amount above zero."))
    if row.received_date is not None and not row.received_amount:
        row.problem("received_amount", _("A payment needs a date and an amount above zero."))
    status = row.recordal_status
    if status == "recorded" and not (row.recordal_number and row.recordal_date):
        row.problem("recordal_number" if not row.recordal_number else "recordal_date",
                    _("A completed recordal needs its number and date."))
    if status != "recorded" and (row.recordal_number or row.recordal_date):
        row.problem("recordal_status", _("A recordal number and date go with the status recorded (已备案)."))
    if status == "refused" and not row.refusal_reason:
        row.problem("recordal_refusal_reason", _("Give the reason the recordal was refused."))
    if status != "refused" and row.refusal_reason:
        row.problem("recordal_status", _("A refusal reason goes with the status refused (不予备案)."))

