"""The application package as a Word document: contents in, bytes out (no request, no clock: the
day it is made is given). Written in Chinese whatever the reader's language — it is the submission,
in the notice's words — with the period of every figure stated.

Figure tables have the figure's name in the first column and its value in the second, so the test
(and a reviewer) can read each one back and compare it with the dashboard.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from portal.metrics.export import CONDITION_ZH, KIND_ZH, TARGET_ZH
from portal.package.contents import PackageContents
from portal.rules.budget import yuan

AWARD_ZH = {"china_patent_award": "中国专利奖", "shanghai_ip_innovation_award": "上海知识产权创新奖",
            "high_value_patent_competition": "上海市高价值专利运营大赛",
            "pilot_demonstration_unit": "知识产权试点示范单位"}
UNDERTAKING = (
    "本单位郑重承诺：",
    "一、本单位对申报材料的真实性、准确性和完整性负责，所提供的数据和证明材料均真实有效；",
    "二、如获立项，本单位将按照项目实施协议约定的工作任务和绩效目标组织实施，按期完成；",
    "三、本单位将按照《服务业发展资金管理办法》（财建〔2019〕50号）等财务制度要求，对项目经费单独核算、"
    "专款专用，按不低于1:1的比例落实自筹配套资金；中央财政资金不用于购置办公设备、人员奖金津贴等工资性支出、"
    "专利申请维持费等国家政策禁止资助的支出；",
    "四、本单位自愿接受市知识产权局组织的绩效考核和资金使用督查。",
)


def money(value) -> str:
    return f"{Decimal(value):,.2f}"


def yes(flag: bool) -> str:
    return "是" if flag else "否"


def _table(doc, headings, rows):
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    return table


def _figures(doc, rows):
    return _table(doc, ("指标", "数值"), rows)


def package_docx(c: PackageContents, made_on: date) -> bytes:
    """The package for ``c``, dated ``made_on``."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    f, e = c.figures, c.figures.eligibility
    doc.add_heading("上海市医疗卫生系统知识产权运营中心项目申报书", level=0)
    doc.add_paragraph("（平台填写部分：叙述性内容、签字和盖章由申报单位补充）")
    doc.add_paragraph(f"申报单位：{c.centre.name_zh}")
    doc.add_paragraph(f"统计期间：绩效指标为{c.year}年（基准年{f.baseline_year}年）；申报条件截至{e.as_of.isoformat()}，"
                      f"近{e.window_years}年指{c.window_from.isoformat()}至{e.as_of.isoformat()}。")
    doc.add_paragraph(f"生成日期：{made_on.isoformat()}（数据来自上海医疗卫生专利许可对接平台）")

    doc.add_heading("一、申报单位基本情况", level=1)
    _figures(doc, [("单位名称", c.centre.name_zh), ("统一社会信用代码", c.centre.credit_code or "（待填写）"),
                   ("平台代码", c.centre.code)])

    doc.add_heading("二、知识产权管理部门和人员", level=1)
    p = c.profile
    _figures(doc, [
        ("设有知识产权管理部门", yes(bool(p and p.has_ip_department))),
        (TARGET_ZH["staff"], f.targets["staff"].actual),
        (TARGET_ZH["certified_staff"], f.targets["certified_staff"].actual),
        ("院领导牵头的知识产权工作领导机构",
         f"{c.leadership.name}（{c.leadership.leader_position}{c.leadership.leader}牵头，"
         f"{c.leadership.established_on.isoformat()}成立）" if c.leadership else "未登记"),
        ("落实的工作经费（元）", money(c.funding_total))])
    if c.leadership and c.leadership.members:
        doc.add_paragraph(f"领导机构成员：{c.leadership.members}")
    for item in c.funding:
        doc.add_paragraph(f"{item.secured_on.isoformat()} {item.title}：{money(item.amount_yuan)}元（{item.source}）",
                          style="List Bullet")

    doc.add_heading("三、知识产权管理和运营制度", level=1)
    if c.rules:
        _table(doc, ("制度名称", "文号", "发布日期"),
               [(r.title, r.reference, r.adopted_on.isoformat()) for r in c.rules])
    else:
        doc.add_paragraph("（未登记）")

    doc.add_heading(f"四、近三年专利许可、转让、作价入股情况（{c.window_from.isoformat()}至{e.as_of.isoformat()}）",
                    level=1)
    rows = []
    for year, yf in c.yearly.items():
        for kind, tally in yf.deals.by_kind.items():
            rows.append((f"{year}年", KIND_ZH[kind], tally.count, money(tally.amount), money(tally.received)))
    _table(doc, ("年度", "类型", "次数", "合同金额（元）", "实际到账（元）"), rows)
    doc.add_paragraph("各年度按交易生效日（转让按登记日）计入；实际到账为各年度交易已收到的金额。")
    _figures(doc, [(f"近{e.window_years}年交易次数", e.deals_window),
                   (f"近{e.window_years}年实际到账金额（元）", money(e.received_window))])

    doc.add_heading(f"五、专利情况（截至{e.as_of.isoformat()}）", level=1)
    _figures(doc, [(CONDITION_ZH["valid_inventions"], e.valid_inventions),
                   (CONDITION_ZH["operable_patents"], e.operable_patents),
                   ("高价值专利", c.high_value)])
    doc.add_paragraph("可投入运营的专利：本单位拥有、有权许可或转让、无共有或质押障碍并经中心标记的有效专利"
                      "（含发明、实用新型、外观设计）。"
                      f"高价值专利：技术、法律、市场、战略、经济五项价值评分均已填写且平均不低于"
                      f"{c.params.high_value_min_average}分的有效专利。")

    doc.add_heading("六、获奖及试点示范情况", level=1)
    if c.awards:
        _table(doc, ("类别", "名称", "年度"), [(AWARD_ZH.get(a.kind, a.kind), a.title, a.year) for a in c.awards])
    else:
        doc.add_paragraph("（未登记）")

    doc.add_heading("七、PCT专利申请", level=1)
    _figures(doc, [(f"{TARGET_ZH['pct']}（{f.baseline_year}年）", f.targets["pct"].baseline),
                   (f"{TARGET_ZH['pct']}（{c.year}年）", f.targets["pct"].actual)])
    if c.pct:
        _table(doc, ("申请号", "国际申请日", "名称"), [(a.number, a.filing_date.isoformat(), a.title) for a in c.pct])

    doc.add_heading("八、专利导航报告", level=1)
    _figures(doc, [(f"{TARGET_ZH['navigation_reports']}（{f.baseline_year + 1}年至{c.year}年）",
                    f.targets["navigation_reports"].actual)])
    if c.reports:
        _table(doc, ("报告名称", "重点学科/技术", "日期"),
               [(r.title, r.discipline, r.report_date.isoformat()) for r in c.reports])

    doc.add_heading("九、宣传培训和专利申请前预审", level=1)
    rows = []
    for year in sorted(c.training):
        t, r = c.training[year], c.reviews[year]
        rows += [(f"培训场次（{year}年）", t.sessions), (f"培训参加人次（{year}年）", t.attendees),
                 (f"收到技术交底书（{year}年）", r.received), (f"完成预审（{year}年）", r.reviewed),
                 (f"建议申请（{year}年）", r.to_file), (f"建议PCT申请（{year}年）", r.pct)]
    _figures(doc, rows)

    doc.add_heading(f"十、绩效目标（{c.year}年对比基准年{f.baseline_year}年）", level=1)
    _table(doc, ("指标", "基准年", "目标值", "实际值", "是否达标"),
           [(TARGET_ZH[name], "" if t.baseline is None else t.baseline, t.required, t.actual, yes(t.met))
            for name, t in f.targets.items()])

    doc.add_heading(f"十一、项目经费（{c.year}年）", level=1)
    grant, matching = c.ledger.grant, c.ledger.matching
    ratio = c.ledger.matching_ratio
    _figures(doc, [("中央财政资金到账（元）", money(yuan(grant.received))),
                   ("中央财政资金支出（元）", money(yuan(grant.spent))),
                   ("中央财政资金结余（元）", money(yuan(grant.balance))),
                   ("自筹配套资金到账（元）", money(yuan(matching.received))),
                   ("自筹配套资金支出（元）", money(yuan(matching.spent))),
                   ("配套比例", "—" if ratio is None else f"{ratio}:1")])

    doc.add_page_break()
    doc.add_heading("项目实施承诺书", level=0)
    for line in UNDERTAKING:
        doc.add_paragraph(line)
    for line in ("单位负责人（签字）：____________________", "项目负责人（签字）：____________________",
                 "申报单位（盖章）：____________________", "日期：________年____月____日"):
        doc.add_paragraph(line)

    doc.add_page_break()
    doc.add_heading("证明材料清单", level=0)
    _table(doc, ("材料", "平台状态"), checklist(c))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def checklist(c: PackageContents) -> list[tuple[str, str]]:
    """Each proof material and whether the portal holds it: attached (the document is on the portal),
    recorded (the facts are, the paper must be added), or missing."""
    def state(attached: bool, recorded: bool) -> str:
        return "已上传" if attached else ("已登记，需另附原件" if recorded else "缺")

    e = c.figures.eligibility
    return [
        ("知识产权管理制度文件", state(False, bool(c.rules))),
        ("知识产权管理部门设立文件及专职人员名单", state(False, bool(c.profile and c.profile.has_ip_department))),
        ("专职人员知识产权职称或证书", state(False, bool(c.profile and c.profile.certified_staff))),
        ("院领导牵头的领导机构成立文件", state(False, bool(c.leadership))),
        ("有效发明专利及可投入运营专利清单", state(True, True) if e.valid_inventions or e.operable_patents else "缺"),
        ("近三年许可、转让、作价入股合同及到账凭证", state(False, bool(e.deals_window))),
        ("专利导航报告", state(bool(c.reports), bool(c.reports))),
        ("PCT申请受理通知书", state(False, bool(c.pct))),
        ("获奖证书及试点示范文件", state(False, bool(c.awards))),
        (f"项目经费支出凭证（{c.expenses_with_voucher}/{c.expenses}笔已上传扫描件）",
         state(c.expenses > 0 and c.expenses_with_voucher == c.expenses, c.expenses > 0)),
    ]
