"""The patent import spreadsheet: its columns and the cells only it has.

Reading the file, matching headings and the common cell parsers are in :mod:`portal.imports`,
shared with the other imports.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.imports.cells import CellError, Column, heading_key, is_blank, text
from portal.models import LEGAL_STATUSES, VALUE_DIMENSIONS
from portal.rules import FEE_METHODS

_VALUE_ZH = {"technical_value": "技术价值", "legal_value": "法律价值", "market_value": "市场价值",
             "strategic_value": "战略价值", "economic_value": "经济价值"}

COLUMNS: tuple[Column, ...] = (
    Column("application_number", "申请号", _l("Application number, e.g. 201811564288.X (CN/ZL prefix and "
                                               "spaces allowed)"), "201811564288.X", True),
    Column("title", "名称", _l("Title of the invention"), "一种可调节角度的腹腔镜手术器械", True),
    Column("filing_date", "申请日", _l("Filing date, YYYY-MM-DD"), "2018-12-29", True),
    Column("legal_status", "法律状态", _l("valid, lapsed or pending (有效 / 失效 / 审中)"), "valid", True),
    Column("abstract", "摘要", _l("Abstract"), "本发明公开了一种可调节角度的腹腔镜手术器械，操作简便。"),
    Column("title_en", "英文名称", _l("English title (optional; used in the English interface and by English search)"),
           "Angle-adjustable laparoscopic surgical instrument"),
    Column("abstract_en", "英文摘要", _l("English abstract (optional)"),
           "An angle-adjustable laparoscopic surgical instrument that is simple to operate."),
    Column("ipc", "分类号", _l("IPC symbols, separated by ; or ,"), "A61B 17/00; A61B 17/34"),
    Column("grant_date", "授权日", _l("Grant date; empty when not granted"), "2021-03-02"),
    Column("inventors", "发明人", _l("Inventors"), "张三; 李四"),
    Column("patentee", "专利权人", _l("Patentee(s)"), "示例医院"),
    Column("pct", "PCT申请", _l("PCT application entering China: yes or no"), "no"),
    Column("evaluation_report", "评价报告编号", _l("Patent evaluation report reference (utility models and "
                                                   "designs need one for an open licence)"), ""),
    Column("pledged", "质押", _l("Pledged: yes or no"), "no"),
    Column("pledgee_consent", "质权人同意", _l("Pledgee consents to an open licence: yes or no"), "no"),
    Column("annual_fees_paid", "年费已缴", _l("Annual fees paid: yes or no (default yes)"), "yes"),
    Column("operable", "可投入运营", _l("Can be put into operation, as the centre designates it (owned with the right "
                                         "to license or assign, no co-ownership or pledge obstacle): yes or no; "
                                         "empty keeps what the patent has"), "yes"),
    Column("extension_days", "补偿天数", _l("Term extension in days (inventions only)"), "0"),
    *(Column(d, _VALUE_ZH[d], _l("Value score from 1 to 5"), "4") for d in VALUE_DIMENSIONS),
    Column("open_fee_method", "开放许可付费方式", _l("Open licence fee method: lump_sum, royalty_sales, "
                                                      "royalty_profit or entry_plus_royalty"), "lump_sum"),
    Column("open_fee_amount", "开放许可费用", _l("Open licence lump sum or entry fee, in yuan"), "200000"),
    Column("open_royalty_rate", "开放许可提成比例", _l("Open licence royalty rate, in %"), ""),
    Column("open_term_end", "开放许可期限届满日", _l("Last day of the open licence term, YYYY-MM-DD"),
           "2030-12-31"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
REQUIRED = tuple(c.key for c in COLUMNS if c.required)


_BY_HEADING = {heading_key(name): c.key for c in COLUMNS for name in (c.key, c.zh)}


def column_for(heading: object) -> str | None:
    """The column key a heading names, or None when it names none."""
    return _BY_HEADING.get(heading_key(heading))


_STATUSES = {s: s for s in LEGAL_STATUSES} | {"有效": "valid", "失效": "lapsed", "审中": "pending",
                                              "在审": "pending"}


def parse_legal_status(value: object) -> str:
    given = text(value).casefold()
    if given in _STATUSES:
        return _STATUSES[given]
    raise CellError(_("%(value)s is not a legal status: write valid, lapsed or pending (有效 / 失效 / 审中).",
                      value=text(value)))


_FEE_METHODS = {key: key for key in FEE_METHODS} | {
    heading_key(label): key for key, labels in FEE_METHODS.items() for label in labels}


def parse_fee_method(value: object) -> str | None:
    """A fee method key, or its Chinese or English name (一次性支付 …); None when blank."""
    if is_blank(value):
        return None
    found = _FEE_METHODS.get(text(value)) or _FEE_METHODS.get(heading_key(text(value)))
    if found is None:
        raise CellError(_("%(value)s is not a fee method: write lump_sum, royalty_sales, royalty_profit or "
                          "entry_plus_royalty.", value=text(value)))
    return found
