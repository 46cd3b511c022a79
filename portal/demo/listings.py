"""Demo patents and listings for the fictional centres. Titles and abstracts are written for the
demo; application numbers are generated with valid check characters and do not denote real patents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.listings import operations as ops
from portal.models import Organisation, Patent
from portal.patents.open_licence import declare_open_licence
from portal.patents.operations import PatentData, upsert_patent
from portal.rules import OpenLicenceTerms, application_check_character

# centre, type digit, filing date, title, abstract, IPC, field, modes, open-licence terms or None
PATENTS = [
    ("demo-ruihe-ip", "1", date(2019, 4, 12), "一种可降解镁合金冠状动脉药物洗脱支架",
     "本发明公开了一种可降解镁合金冠状动脉支架，支架表面涂覆雷帕霉素缓释涂层，植入后十二个月内逐步降解，"
     "降低晚期血栓和再狭窄风险。", ["A61F 2/82", "A61L 31/02"], "medical_devices", ("ordinary", "assignment"), None),
    ("demo-ruihe-ip", "1", date(2020, 8, 3), "基于深度学习的肺部CT图像结节分割方法",
     "本发明提供一种基于深度学习的肺部CT图像分割方法，采用三维卷积神经网络对肺结节进行自动检测与分割，"
     "提高早期肺癌筛查效率。", ["G06T 7/11", "A61B 6/03", "G16H 30/40"], "imaging", ("exclusive", "ordinary"),
     None),
    ("demo-ruihe-ip", "2", date(2021, 2, 20), "一种防脱落静脉留置针固定装置",
     "本实用新型涉及一种静脉留置针固定装置，包括弹性固定带和透气敷贴，可防止留置针意外脱落并减少静脉炎。",
     ["A61M 25/02"], "medical_devices", ("ordinary",), ("lump_sum", Decimal("30000"), None, date(2030, 12, 31))),
    ("demo-ruihe-ip", "1", date(2018, 11, 5), "抗PD-1单克隆抗体及其在肿瘤免疫治疗中的应用",
     "本发明提供一种抗PD-1人源化单克隆抗体，具有高亲和力，可阻断PD-1与PD-L1结合，用于黑色素瘤和非小细胞肺癌的"
     "免疫治疗。", ["C07K 16/28", "A61K 39/395", "A61P 35/00"], "biologics", ("exclusive", "equity"), None),
    ("demo-dongfang-ip", "1", date(2020, 5, 18), "一种用于脓毒症早期诊断的血清标志物检测试剂盒",
     "本发明公开了一种检测血清降钙素原和白介素-6的试剂盒，可在发病早期辅助诊断脓毒症。",
     ["G01N 33/68", "C12Q 1/6883"], "ivd", ("ordinary",),
     ("royalty_sales", None, Decimal("3"), date(2035, 12, 31))),
    ("demo-dongfang-ip", "1", date(2019, 9, 9), "一种经导管主动脉瓣膜输送系统",
     "本发明涉及一种经导管主动脉瓣置换术用输送系统，导管头端可调弯，释放过程可回收，提高瓣膜定位精度。",
     ["A61F 2/24", "A61M 25/01"], "surgery", ("exclusive", "sole", "assignment"), None),
    ("demo-dongfang-ip", "2", date(2022, 3, 1), "一种康复训练用上肢助力外骨骼",
     "本实用新型提供一种上肢康复外骨骼，电机驱动肘关节屈伸，适用于脑卒中患者的居家康复训练。",
     ["A61H 1/02"], "rehabilitation", ("ordinary", "assignment"),
     ("entry_plus_royalty", Decimal("20000"), Decimal("2.5"), date(2031, 2, 28))),
    ("demo-huaxin-ip", "1", date(2021, 7, 22), "一种治疗慢性阻塞性肺疾病的中药组合物",
     "本发明公开了一种由黄芪、麦冬、五味子等组成的中药组合物，可改善慢性阻塞性肺疾病患者的肺功能。",
     ["A61K 36/481", "A61P 11/00"], "tcm", ("ordinary", "assignment"), None),
    ("demo-huaxin-ip", "1", date(2020, 10, 30), "基于可穿戴设备的心律失常远程监测系统",
     "本发明提供一种可穿戴心电监测系统，通过单导联心电贴采集数据，云端算法实时识别房颤等心律失常并推送预警。",
     ["A61B 5/349", "G16H 40/67"], "digital_health", ("ordinary", "sole"), None),
    ("demo-shenkang-ip", "1", date(2019, 12, 16), "一种儿童用雾化吸入面罩",
     "本发明涉及一种儿童雾化吸入面罩，面罩轮廓按儿童面部设计，带有单向阀，减少药物浪费并提高依从性。",
     ["A61M 11/00", "A61M 16/06"], "medical_devices", ("ordinary",),
     ("lump_sum", Decimal("15000"), None, date(2032, 6, 30))),
    ("demo-shenkang-ip", "1", date(2021, 1, 8), "一种新生儿黄疸经皮检测装置及方法",
     "本发明提供一种无创经皮胆红素检测装置，利用多波长光谱测量新生儿皮肤胆红素浓度。",
     ["A61B 5/1455", "G01N 21/31"], "ivd", ("exclusive", "ordinary"), None),
]

# English text of some demo patents and their listings (title, patent abstract, listing summary), as a
# centre would give it for the English interface and English search; written for the demo.
ENGLISH = {
    "一种可降解镁合金冠状动脉药物洗脱支架": (
        "Biodegradable magnesium alloy drug-eluting coronary stent",
        "A biodegradable magnesium alloy coronary stent whose surface carries a sustained-release sirolimus "
        "coating. The stent degrades gradually within twelve months of implantation, lowering the risk of "
        "late thrombosis and restenosis.",
        "A bioresorbable coronary stent for interventional cardiology: the scaffold dissolves after the artery "
        "has healed, leaving no permanent metal implant. Offered for an ordinary licence or assignment."),
    "基于深度学习的肺部CT图像结节分割方法": (
        "Deep-learning method for segmenting pulmonary nodules in lung CT images",
        "A method that detects and segments pulmonary nodules in chest CT scans automatically with a "
        "three-dimensional convolutional neural network, making early lung cancer screening more efficient.",
        "Software for radiology: automatic detection and segmentation of lung nodules in CT scans, for "
        "screening programmes and imaging-workstation vendors."),
    "一种用于脓毒症早期诊断的血清标志物检测试剂盒": (
        "Serum biomarker test kit for the early diagnosis of sepsis",
        "A kit that measures serum procalcitonin and interleukin-6, helping clinicians diagnose sepsis at an "
        "early stage of the disease.",
        "An in-vitro diagnostic kit for emergency departments and intensive care units, available under an "
        "open licence with a royalty on sales."),
    "一种康复训练用上肢助力外骨骼": (
        "Powered upper-limb exoskeleton for rehabilitation training",
        "An upper-limb rehabilitation exoskeleton whose motor drives flexion and extension of the elbow joint, "
        "suited to home rehabilitation training of stroke patients.",
        "A wearable rehabilitation robot for stroke survivors training at home, available under an open "
        "licence with an entry fee and a royalty."),
}


def load(echo) -> None:
    """Add the demo patents and listings once (skipped when the first one exists)."""
    if db.session.scalar(db.select(Patent.id).limit(1)) is not None:
        return
    centres = {o.code: o for o in db.session.scalars(db.select(Organisation).where(Organisation.kind == "centre"))}
    for n, (code, digit, filed, title, abstract, ipc, field, modes, terms) in enumerate(PATENTS, start=1):
        body = f"{filed.year}{digit}{n + 1000000:07d}"
        number = f"{body}.{application_check_character(body)}"
        title_en, abstract_en, summary_en = ENGLISH.get(title, ("", "", ""))
        data = PatentData(
            application_number=number, title=title, abstract=abstract, title_en=title_en, abstract_en=abstract_en,
            filing_date=filed, grant_date=date(filed.year + 2, filed.month, 1), legal_status="valid", ipc=ipc,
            inventors="张明；李华", patentee=centres[code].name_zh.replace("知识产权运营中心", ""),
            evaluation_report=f"PJ-DEMO-{n:03d}" if digit != "1" else None, operable=True,
            values={"technical_value": 4, "legal_value": 4, "market_value": 3 + n % 3, "strategic_value": 3,
                    "economic_value": 3})
        patent, _ = upsert_patent(centres[code], data, actor=None)
        if terms:
            method, amount, rate, end = terms
            declare_open_licence(patent, OpenLicenceTerms(method, amount, rate, end),
                                     announced_on=date(2025, 3, 1), cnipa_reference=None, actor=None)
        listing = ops.create_listing(centres[code], [patent], ops.ListingData(
            title=title, title_en=title_en, abstract_en=summary_en, modes=list(modes), field=field,
            maturity="prototype", scenarios="可在相关科室和企业产品线中应用。", contact_name="技术转移办公室"),
            actor=None)
        ops.publish_listing(listing, actor=None)
    db.session.commit()
    echo(f"{len(PATENTS)} demo patents and listings published")
