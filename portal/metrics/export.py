"""Exports for the assessment submission: a centre's figures and the deals behind them, the programme
view; CSV (UTF-8 with a BOM, so Excel shows the Chinese) or XLSX.

Headings and figure names are Chinese whatever the reader's language: the files go to the IP office
as the submission, in the words of the notice (DOMAIN.md §6).
"""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.labels import RECORDAL_STATUS_LABELS, in_chinese
from portal.metrics.figures import CentreFigures, DealFilter, concluded_on, selected_deals
from portal.models import Deal
from portal.rules.targets import SME_CLASSES, money
from portal.spreadsheets import Sheet, workbook_bytes

FIGURES_SHEET, DEALS_SHEET, PROGRAMME_SHEET = "绩效指标", "交易明细", "各中心对比"

TARGET_ZH = {
    "count": "专利许可、转让、作价入股次数",
    "amount": "专利许可、转让、作价入股金额（元）",
    "sme_count": "向中小微企业许可、转让、作价入股次数",
    "sme_amount": "向中小微企业许可、转让、作价入股金额（元）",
    "pct": "PCT专利申请（件）",
    "navigation_reports": "专利导航报告（份）",
    "staff": "知识产权专职工作人员（人）",
    "certified_staff": "具有知识产权职称或证书的人员（人）",
    "rules_documents": "知识产权运营制度文件（份）",
}
KIND_ZH = {"licence": "许可", "assignment": "转让", "equity": "作价入股"}
LICENCE_TYPE_ZH = {"exclusive": "独占", "sole": "排他", "ordinary": "普通"}
SIZE_ZH = {"large": "大型企业", "medium": "中型企业", "small": "小型企业", "micro": "微型企业"}
CONDITION_ZH = {"valid_inventions": "有效发明专利", "operable_patents": "可投入运营的专利",
                "deals_or_received": "三年内交易次数或实际到账金额", "ip_department": "知识产权管理部门及工作人员",
                "management_rules": "知识产权管理规章制度"}

FIGURE_HEADINGS = ("指标", "基准年", "基准年数值", "考核年", "考核年数值", "目标值", "较基准年增长（%）", "是否达标")
DEAL_HEADINGS = ("交易编号", "计入日期", "交易类型", "许可类型", "开放许可", "被许可人/受让人", "统一社会信用代码",
                 "交易时企业规模", "中小微企业", "合同金额（元）", "实际到账金额（元）", "生效日期", "转让登记日期",
                 "备案状态", "备案号", "涉及专利")


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def figure_rows(f: CentreFigures, params) -> list[list]:
    """One row per target (name, baseline year and value, year and value, required, growth, met), then
    the application conditions as of the eligibility date."""
    rows = []
    for name, target in f.targets.items():
        growth = target.growth_pct
        has_base = target.baseline is not None
        rows.append([TARGET_ZH[name], f.baseline_year if has_base else "", target.baseline if has_base else "",
                     f.year, target.actual, target.required, "" if growth is None else growth, _yes(target.met)])
    e = f.eligibility
    window = f"近{e.window_years}年"
    for label, actual, required in (
            ("有效发明专利（件）", e.valid_inventions, params.min_valid_inventions),
            ("可投入运营的专利（件）", e.operable_patents, params.min_operable_patents),
            (f"{window}交易次数", e.deals_window, params.min_deals_window),
            (f"{window}实际到账金额（元）", e.received_window, params.min_received_window_yuan)):
        rows.append([f"{label}（截至 {e.as_of.isoformat()}）", "", "", "", actual, required, "",
                     _yes(actual >= required)])
    rows.append([f"符合申报条件（截至 {e.as_of.isoformat()}）", "", "", "", "", "", "",
                 _yes(e.eligible) + ("" if e.eligible else "：未满足" + "、".join(CONDITION_ZH[c] for c in e.unmet))])
    return rows


def recordal_zh() -> dict[str, str]:
    """Recordal statuses in the words of the Chinese screens (``portal.labels``), e.g. 已提交备案."""
    return in_chinese(RECORDAL_STATUS_LABELS)


def deal_rows(f: DealFilter) -> list[list]:
    """The deals ``f`` selects, one row each, oldest first; patents and licensees loaded in bulk."""
    sub = selected_deals(f)
    query = (db.select(Deal, sub.c.received).join(sub, sub.c.deal_id == Deal.id)
             .options(selectinload(Deal.licensee), selectinload(Deal.patents))
             .order_by(concluded_on(), Deal.id))
    rows = []
    recordal = recordal_zh()
    for deal, received in db.session.execute(query):
        sme = deal.licensee_size_class in SME_CLASSES
        rows.append([
            deal.id, deal.concluded_on, KIND_ZH[deal.kind], LICENCE_TYPE_ZH.get(deal.licence_type or "", ""),
            _yes(deal.open_licence), deal.licensee.name_zh, deal.licensee.credit_code or "",
            SIZE_ZH.get(deal.licensee_size_class or "", "未知"), _yes(sme), deal.contract_amount_yuan,
            money(received), deal.effective_date, deal.registration_date or "",
            recordal.get(deal.recordal_status, deal.recordal_status), deal.recordal_number or "",
            "；".join(p.application_number for p in deal.patents)])
    return rows


PROGRAMME_HEADINGS = ("运营中心", "代码", *(f"{TARGET_ZH[n]}（{w}）" for n in ("count", "amount", "sme_count",
                                                                          "sme_amount", "pct")
                                            for w in ("基准年", "考核年", "是否达标")),
                      "专利导航报告（份）", "专职人员（人）", "持证人员（人）", "符合申报条件", "未满足的条件")


def programme_rows(rows: list[CentreFigures]) -> list[list]:
    result = []
    for f in rows:
        line = [f.centre.name_zh, f.centre.code]
        for name in ("count", "amount", "sme_count", "sme_amount", "pct"):
            t = f.targets[name]
            line += [t.baseline, t.actual, _yes(t.met)]
        line += [f.targets["navigation_reports"].actual, f.targets["staff"].actual,
                 f.targets["certified_staff"].actual, _yes(f.eligibility.eligible),
                 "；".join(CONDITION_ZH[c] for c in f.eligibility.unmet)]
        result.append(line)
    return result


def _sheet(title: str, headings, rows) -> Sheet:
    return Sheet(title, headings, rows, widths={0: 36})


def figures_xlsx(figure_table: list[list], deal_table: list[list]) -> bytes:
    """A centre's figures and the deals behind them, one sheet each."""
    return workbook_bytes([_sheet(FIGURES_SHEET, FIGURE_HEADINGS, figure_table),
                           _sheet(DEALS_SHEET, DEAL_HEADINGS, deal_table)])


def deals_xlsx(deal_table: list[list]) -> bytes:
    return workbook_bytes([_sheet(DEALS_SHEET, DEAL_HEADINGS, deal_table)])


def programme_xlsx(rows: list[CentreFigures]) -> bytes:
    """All centres side by side, one row each."""
    return workbook_bytes([_sheet(PROGRAMME_SHEET, PROGRAMME_HEADINGS, programme_rows(rows))])
