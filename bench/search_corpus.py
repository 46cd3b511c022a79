"""Synthetic but realistic listings of Shanghai hospital patents, for the search benchmark.

``documents(n, seed)`` assembles titles and abstracts of Chinese medical patents from word lists
(devices, drugs, imaging methods, traditional Chinese medicine, rehabilitation, digital health),
with Latin terms mixed in as people write them (CT, PD-1, mRNA, AI), application numbers,
IPC symbols, centres, kinds, modes, fields, open-licence flags, publication and expiry dates.
Deterministic for a given seed. ``queries(n, seed)`` draws what users type against it.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search import Document  # noqa: E402

CENTRES = [
    ("ruijin-ip", "上海交通大学医学院附属瑞金医院"), ("renji-ip", "上海交通大学医学院附属仁济医院"),
    ("zhongshan-ip", "复旦大学附属中山医院"), ("huashan-ip", "复旦大学附属华山医院"),
    ("shch-ip", "上海市第六人民医院"), ("xinhua-ip", "上海交通大学医学院附属新华医院"),
    ("changhai-ip", "海军军医大学第一附属医院"), ("fuke-ip", "复旦大学附属妇产科医院"),
    ("zhongliu-ip", "复旦大学附属肿瘤医院"), ("longhua-ip", "上海中医药大学附属龙华医院"),
    ("shuguang-ip", "上海中医药大学附属曙光医院"), ("ertong-ip", "上海市儿童医院"),
    ("kouqiang-ip", "上海交通大学医学院附属第九人民医院"), ("jingshen-ip", "上海市精神卫生中心"),
]
FIELDS = ["medical_devices", "ivd", "drugs", "biologics", "tcm", "imaging", "digital_health",
          "rehabilitation", "surgery", "other"]
MODES = ["exclusive", "sole", "ordinary", "assignment", "equity"]

ORGANS = ["冠状动脉", "颈动脉", "主动脉", "肺", "肝脏", "肾脏", "胰腺", "胃", "结直肠", "食管", "膝关节", "髋关节",
          "脊柱", "腰椎", "颈椎", "视网膜", "角膜", "甲状腺", "乳腺", "前列腺", "膀胱", "子宫", "卵巢", "皮肤",
          "牙齿", "颅内", "心脏瓣膜", "左心耳", "胆道", "气道", "鼻腔", "耳蜗", "下肢静脉", "骨髓", "淋巴结"]
DISEASES = ["冠心病", "心肌梗死", "心力衰竭", "房颤", "高血压", "糖尿病", "糖尿病足", "肺癌", "肝癌", "胃癌", "结直肠癌",
            "乳腺癌", "宫颈癌", "前列腺癌", "胰腺癌", "白血病", "淋巴瘤", "阿尔茨海默病", "帕金森病", "脑卒中", "癫痫",
            "抑郁症", "骨质疏松", "骨关节炎", "类风湿关节炎", "脊柱侧弯", "慢性阻塞性肺疾病", "哮喘", "新冠肺炎",
            "脓毒症", "慢性肾病", "青光眼", "白内障", "黄斑变性", "银屑病", "特应性皮炎", "牙周炎", "早产", "新生儿黄疸",
            "乙型肝炎", "幽门螺杆菌感染", "多发性硬化", "系统性红斑狼疮", "肥胖症", "痛风"]
DEVICES = ["药物洗脱支架", "可降解支架", "球囊导管", "微导管", "中心静脉导管", "导丝", "超声探头", "血管内超声导管",
           "电子内窥镜", "胶囊内窥镜", "腹腔镜手术器械", "手术机器人", "穿刺活检针", "吻合器", "止血夹", "缝合装置",
           "人工膝关节假体", "椎间融合器", "骨科内固定钢板", "髓内钉", "牙科种植体", "正畸矫治器", "人工晶状体",
           "心脏起搏器", "除颤器", "左心耳封堵器", "人工心脏瓣膜", "透析器", "呼吸机", "雾化面罩", "输液泵",
           "胰岛素泵", "血糖仪", "可穿戴心电监测设备", "康复外骨骼", "康复训练机器人", "助行器", "医用敷料",
           "负压引流装置", "冷冻消融导管", "射频消融电极", "放疗定位装置", "新生儿保温箱", "无菌隔离罩"]
DRUGS = ["单克隆抗体", "双特异性抗体", "抗体偶联药物", "PD-1抑制剂", "PD-L1抗体", "EGFR抑制剂", "CAR-T细胞",
         "mRNA疫苗", "重组蛋白", "小分子抑制剂", "多肽药物", "siRNA", "基因治疗载体", "干细胞制剂", "外泌体",
         "纳米载药颗粒", "脂质体", "缓释微球", "水凝胶敷料", "益生菌制剂", "噬菌体"]
TCM = ["黄芪", "丹参", "当归", "川芎", "人参", "三七", "茯苓", "白术", "甘草", "柴胡", "黄连", "金银花", "板蓝根",
       "冬虫夏草", "灵芝", "枸杞", "葛根", "红花", "五味子", "半夏"]
TCM_FORMS = ["复方颗粒", "提取物", "配方", "膏方", "注射液", "胶囊", "贴剂"]
IMAGING = ["CT图像", "MRI图像", "超声图像", "X线片", "PET-CT图像", "病理切片", "眼底照片", "内镜图像", "心电信号",
           "脑电信号", "皮肤镜图像", "DR图像"]
TASKS = ["分割", "配准", "重建", "分类", "检测", "三维重建", "降噪", "定量分析", "自动标注", "风险预测"]
TECHS = ["深度学习", "卷积神经网络", "Transformer模型", "机器学习", "AI", "知识图谱", "联邦学习", "5G远程", "物联网",
         "区块链", "增强现实", "3D打印", "数字孪生", "自然语言处理"]
MATERIALS = ["镍钛合金", "钴铬合金", "聚乳酸", "聚己内酯", "钛合金", "羟基磷灰石", "医用硅胶", "聚醚醚酮", "可降解镁合金",
             "壳聚糖", "胶原蛋白", "石墨烯", "碳纤维"]
PARTS = ["主体", "连接组件", "控制单元", "驱动机构", "传感器", "锁定件", "弹性件", "导向管", "支撑架", "密封圈", "显示模块",
         "通信模块", "电源模块", "手柄", "球囊", "药物涂层", "定位标记", "调节旋钮", "固定夹", "回收腔"]
EFFECTS = ["缩短手术时间", "降低并发症发生率", "提高诊断准确率", "减少辐射剂量", "减轻患者痛苦", "提高药物生物利用度",
           "降低再狭窄率", "延长使用寿命", "减少医护人员工作量", "实现早期筛查", "改善预后", "降低医疗费用",
           "提高康复效率", "避免交叉感染", "提高靶向性", "降低毒副作用"]
METHODS = ["细胞实验", "动物实验", "临床试验", "回顾性研究", "体外实验", "多中心研究"]
ASSAYS = ["PCR", "ELISA", "流式细胞术", "Western blot", "qPCR", "NGS测序", "质谱分析", "免疫组化"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文晨宇浩然欣怡子涵思远嘉懿俊杰雨桐"
IPC_BY_FIELD = {
    "medical_devices": ["A61F 2/82", "A61M 25/09", "A61B 17/3421", "A61F 2/24", "A61M 1/16", "A61N 1/362"],
    "ivd": ["G01N 33/53", "C12Q 1/6886", "G01N 33/574", "C12Q 1/68"],
    "drugs": ["A61K 31/4439", "A61P 35/00", "A61K 9/127", "A61K 9/16", "A61P 9/10"],
    "biologics": ["C07K 16/28", "A61K 39/395", "C12N 5/0783", "A61K 39/12", "C12N 15/113"],
    "tcm": ["A61K 36/481", "A61K 36/258", "A61P 1/16", "A61K 36/8945"],
    "imaging": ["G06T 7/11", "A61B 6/03", "A61B 8/08", "G06T 7/0012", "A61B 5/055"],
    "digital_health": ["G16H 50/20", "G16H 40/67", "G06N 3/08", "A61B 5/0205"],
    "rehabilitation": ["A61H 1/02", "A61H 3/00", "B25J 9/00", "A61B 5/11"],
    "surgery": ["A61B 34/30", "A61B 17/115", "A61B 18/14", "A61B 1/04"],
    "other": ["A61G 11/00", "A61L 2/07", "A61J 1/05", "A41D 13/12"],
}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def check_character(body: str) -> str:
    """The CNIPA check character of a 12-digit application number body."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    value = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    return "X" if value == 10 else str(value)


def application_number(serial: int, rng: random.Random) -> tuple[str, str]:
    """A valid new-style application number (``201911234567.8``) and its kind."""
    year = rng.randint(2012, 2023)
    kind_digit, kind = rng.choice((("1", "invention"), ("1", "invention"), ("2", "utility_model"), ("3", "design")))
    body = f"{year}{kind_digit}{serial % 10_000_000:07d}"
    return f"{body}.{check_character(body)}", kind


def _device_listing(rng: random.Random) -> tuple[str, str, str]:
    device, organ, disease = rng.choice(DEVICES), rng.choice(ORGANS), rng.choice(DISEASES)
    material = rng.choice(MATERIALS)
    title = rng.choice([f"一种{device}", f"一种用于{organ}的{device}", f"一种可调节的{device}及其使用方法",
                        f"一种{material}{device}及其制备方法", f"用于{disease}治疗的{device}"])
    p1, p2, p3 = rng.sample(PARTS, 3)
    e1, e2 = rng.sample(EFFECTS, 2)
    body = (f"本发明公开了{title}，包括{p1}、{p2}和{p3}，所述{p2}设置于{p1}的远端，{p3}与{p1}可拆卸连接。"
            f"所述{device}采用{material}制成，通过{p2}实现对{organ}病变部位的精确定位。"
            f"本发明结构简单、操作方便，能够{e1}并{e2}，适用于{disease}患者的介入治疗和术后康复。")
    field = rng.choice(["medical_devices", "medical_devices", "surgery", "rehabilitation"])
    return title, body, field


def _drug_listing(rng: random.Random) -> tuple[str, str, str]:
    drug, disease, organ = rng.choice(DRUGS), rng.choice(DISEASES), rng.choice(ORGANS)
    assay, method = rng.choice(ASSAYS), rng.choice(METHODS)
    title = rng.choice([f"{drug}及其在{disease}治疗中的应用", f"一种靶向{organ}的{drug}", f"治疗{disease}的{drug}及其制备方法",
                        f"一种{drug}的制备方法和用途"])
    e1, e2 = rng.sample(EFFECTS, 2)
    body = (f"本发明涉及生物医药技术领域，具体涉及{title}。所述{drug}能够特异性结合{organ}肿瘤细胞表面抗原，"
            f"经{assay}检测，结合活性显著高于对照组。{method}结果表明，本发明{e1}，{e2}，"
            f"可单独或与化疗药物联合用于{disease}的治疗，具有良好的临床转化前景。")
    return title, body, rng.choice(["drugs", "biologics", "biologics", "ivd"])


def _imaging_listing(rng: random.Random) -> tuple[str, str, str]:
    image, task, tech, organ = rng.choice(IMAGING), rng.choice(TASKS), rng.choice(TECHS), rng.choice(ORGANS)
    disease = rng.choice(DISEASES)
    title = rng.choice([f"基于{tech}的{organ}{image}{task}方法", f"一种{image}{task}方法、装置及存储介质",
                        f"基于{tech}的{disease}辅助诊断系统", f"一种{organ}{image}的{task}系统"])
    e1 = rng.choice(EFFECTS)
    body = (f"本发明公开了{title}，包括：获取患者的{image}；对{image}进行预处理；将预处理后的图像输入训练好的"
            f"{tech}模型，得到{organ}区域的{task}结果；根据{task}结果生成{disease}的风险评分并输出报告。"
            f"本发明能够{e1}，处理单幅图像耗时小于1秒，可部署于医院PACS系统和云端平台。")
    return title, body, rng.choice(["imaging", "imaging", "digital_health"])


def _tcm_listing(rng: random.Random) -> tuple[str, str, str]:
    herbs = rng.sample(TCM, 4)
    form, disease = rng.choice(TCM_FORMS), rng.choice(DISEASES)
    title = rng.choice([f"一种治疗{disease}的中药{form}", f"{herbs[0]}{herbs[1]}{form}及其制备方法",
                        f"一种含{herbs[0]}的中药组合物及其在{disease}中的应用"])
    body = (f"本发明公开了{title}，由以下重量份的原料制成：{herbs[0]}10-30份、{herbs[1]}5-15份、{herbs[2]}5-20份、"
            f"{herbs[3]}3-9份。制备方法包括水提、醇沉、浓缩和干燥步骤。{rng.choice(METHODS)}表明，本发明"
            f"{rng.choice(EFFECTS)}，对{disease}具有显著疗效，且原料易得、成本低廉、无明显毒副作用。")
    return title, body, "tcm"


def _digital_listing(rng: random.Random) -> tuple[str, str, str]:
    tech, disease = rng.choice(TECHS), rng.choice(DISEASES)
    device = rng.choice(["可穿戴心电监测设备", "血糖仪", "智能手环", "家用呼吸机", "智能药盒", "康复训练机器人"])
    title = rng.choice([f"一种基于{tech}的{disease}随访管理系统", f"一种{device}的数据处理方法",
                        f"基于{tech}的{disease}风险预测方法及系统"])
    body = (f"本发明公开了{title}，包括数据采集模块、{tech}分析模块和预警模块。所述数据采集模块通过{device}"
            f"采集患者的生理参数并上传至云端服务器，所述分析模块根据历史数据预测{disease}发作风险，"
            f"当风险超过阈值时向医生和患者推送预警信息。本发明{rng.choice(EFFECTS)}，适用于社区和居家场景。")
    return title, body, "digital_health"


KINDS_OF_LISTING = [_device_listing, _device_listing, _device_listing, _drug_listing, _drug_listing,
                    _imaging_listing, _imaging_listing, _tcm_listing, _digital_listing]


@dataclass
class Listing:
    """What the benchmark needs of a listing: the search document and the patent row it rests on."""

    document: Document
    number: str
    kind: str
    centre: str
    patentee: str
    inventors: str
    abstract: str
    title: str


def listings(n: int, seed: int = 4) -> list[Listing]:
    """``n`` synthetic listings with ids 1..n."""
    rng = random.Random(seed)
    out = []
    start = datetime(2020, 1, 1)
    for i in range(1, n + 1):
        title, abstract, field = rng.choice(KINDS_OF_LISTING)(rng)
        code, hospital = rng.choice(CENTRES)
        number, kind = application_number(i, rng)
        inventors = "；".join(_name(rng) for _ in range(rng.randint(2, 5)))
        scenarios = f"适用于{rng.choice(ORGANS)}相关科室，可用于{rng.choice(DISEASES)}的诊疗。"
        advantages = f"与现有技术相比，{rng.choice(EFFECTS)}。"
        body = "\n".join([abstract, scenarios, advantages, inventors, hospital])
        filing = date(int(number[:4]), rng.randint(1, 12), rng.randint(1, 28))
        years = 20 if kind == "invention" else (10 if kind == "utility_model" else 15)
        modes = sorted(rng.sample(MODES, rng.choice((1, 1, 2, 3))), key=MODES.index)
        doc = Document(
            doc_id=str(i), version="v1", title=title, body=body, app_numbers=[number],
            ipc=rng.sample(IPC_BY_FIELD[field], rng.choice((1, 1, 2))), centre=code,
            kind=[kind] + (["pct"] if rng.random() < 0.05 else []), mode=modes,
            open_licence=rng.random() < 0.15, field=field,
            published=start + timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60)),
            expiry=filing.replace(year=filing.year + years),
        )
        out.append(Listing(doc, number, kind, code, hospital, inventors, abstract, title))
    return out


def documents(n: int, seed: int = 4) -> list[Document]:
    return [listing.document for listing in listings(n, seed)]


TRADITIONAL = {"冠状动脉支架": "冠狀動脈支架", "肺癌": "肺癌", "心脏起搏器": "心臟起搏器", "糖尿病": "糖尿病",
               "骨质疏松": "骨質疏鬆", "单克隆抗体": "單克隆抗體", "图像分割": "圖像分割", "康复外骨骼": "康復外骨骼",
               "阿尔茨海默病": "阿爾茨海默病", "胰岛素泵": "胰島素泵", "脑卒中": "腦卒中", "中药组合物": "中藥組合物"}
TYPOS = ["冠状动脉之架", "胰岛素邦", "内窥竟", "深度学系", "ultrasond", "transfromer", "exoskeletn"]


def queries(n: int, docs: list[Listing], seed: int = 7) -> list[tuple[str, dict]]:
    """``n`` (query text, filters) pairs of the kinds users type, some with a facet filter."""
    rng = random.Random(seed)
    makers = [
        lambda: rng.choice(DEVICES),
        lambda: rng.choice(DISEASES),
        lambda: f"{rng.choice(ORGANS)} {rng.choice(DEVICES)}",
        lambda: f"{rng.choice(DISEASES)}{rng.choice(['治疗', '诊断', '早期筛查'])}",
        lambda: rng.choice(DRUGS),
        lambda: f"{rng.choice(IMAGING)}{rng.choice(TASKS)}",
        lambda: f"{rng.choice(TECHS)} {rng.choice(DISEASES)}",
        lambda: rng.choice(["CT 图像分割", "PD-1 抗体", "mRNA 疫苗", "AI 辅助诊断", "MRI", "3D打印 钛合金"]),
        lambda: rng.choice(list(TRADITIONAL.values())),
        lambda: rng.choice(TYPOS),
        lambda: rng.choice(docs).number,
        lambda: "ZL" + rng.choice(docs).number.replace(".", ""),
        lambda: rng.choice(["A61B", "A61F 2/82", "G06T 7"]),
        lambda: f"{rng.choice(TCM)} {rng.choice(TCM_FORMS)}",
        lambda: rng.choice(MATERIALS) + rng.choice(DEVICES),
    ]
    out = []
    for _ in range(n):
        text = rng.choice(makers)()
        filters: dict = {}
        roll = rng.random()
        if roll < 0.15:
            filters = {"centre": rng.choice(CENTRES)[0]}
        elif roll < 0.25:
            filters = {"field": rng.choice(FIELDS)}
        elif roll < 0.3:
            filters = {"open_licence": True}
        out.append((text, filters))
    return out
