"""Search at scale: rebuild, index size, query latency, API throughput, freshness, memory.

    .venv/bin/python bench/search.py [--n 100000] [--processes 2] [--queries 200] [--duration 10]
                                     [--connections 8] [--publishes 40] [--workdir DIR] [--reuse]
                                     [--skip rebuild,doc-rebuild,query,api,publish]
    .venv/bin/python bench/search.py --pages [--n 100000 --workdir DIR --reuse] [--rounds 5]
                                     [--requests 200] [--profile search|list|listing|home|hello]
    .venv/bin/python bench/search.py --compare tantivy --workdir DIR [--n 100000] [--passes 5]
                                     [--tantivy-dir /tmp/tv-index]

Generates ``--n`` realistic listings of Shanghai hospital patents (Chinese medical titles and
abstracts assembled from the word lists below, Latin terms mixed in, valid application numbers,
IPC symbols, centres, kinds, modes, fields, open licences, dates) and prints one JSON object:

* ``rebuild_documents_s``: ``SearchIndex.rebuild`` of the listings as ``search.Document``\\ s
  (``--processes`` worker processes); ``rebuild_portal_s``: ``flask search rebuild``'s path, the
  same listings read from a SQLite database (written here with bulk inserts) — the index the
  rest of the bench uses; with the CPU seconds of each (all processes), and the index size;
* ``query_ms``: p50 / p95 / p99 of 200 queries (plain words, word pairs, Latin mixes,
  traditional characters, typos, application numbers, IPC symbols; a third with a facet filter),
  each with facet counts and highlighted snippets, in a fresh process whose peak RSS is reported:
  ``ms`` / ``cold_cpu_ms`` are its first pass (postings read from disk), ``warm_ms`` /
  ``warm_cpu_ms`` the two passes after it, wall-clock and CPU;
* ``api``: requests/s of ``GET /api/v1/listings?q=…`` (the same queries, rotating) under gunicorn
  with 2 sync workers, beside a hello-world view served by the same workers (it exists only in
  ``bench_app()`` below), measured with wrk (or a thread pool of keep-alive connections) on
  127.0.0.1, interleaved; also the workers' CPU ms per request, which is what to trust when
  other processes share the machine, and the workers' peak RSS. The rounds measure long-lived
  workers: they run after two passes over the queries (``search_first_two_passes``, reported
  apart), in which each worker still reads postings from disk and loads listings it has not served;
* ``publish_to_searchable_ms``: p50 / p95 from the commit that publishes a listing (through the
  listing operations, as the UI does) to the moment the search API returns it, with
  ``flask search apply --follow`` running beside gunicorn (``PORTAL_SEARCH_APPLY_INLINE=0``).

``--pages`` measures instead the CPU per request of the HTML search page, the list of listings, a
listing's page and the home page beside a hello-world view, in this process (``bench/pages.py``).

``--compare tantivy`` runs the same queries, on the same analysed terms, in tantivy-py beside the
portal's engine (an earlier run's ``--workdir``, read only), reporting CPU per query and the ratio
with count and facets and for a top-10 page (``bench/tantivy_compare.py``; ``make bench-deps``).

``--workdir`` keeps the database and index for a later ``--reuse`` run (skips generation,
database and rebuilds). Targets (issue 4, at 100,000 listings on 2 cores): query p50 ≤ 30 ms and
p95 ≤ 100 ms; API ≥ 100 requests/s; publish-to-searchable p95 ≤ 500 ms; full rebuild ≤ 150 s;
a searching worker ≤ 350 MB resident.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on sys.path, and its name would hide the
# search package: put the repository root there instead (worker processes inherit the path).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from search import Document, SearchIndex, SearchQuery  # noqa: E402

TARGETS = {"query_p50_ms": 30, "query_p95_ms": 100, "api_rps": 100, "publish_p95_ms": 500, "rebuild_s": 150,
           "worker_rss_mb": 350}

# ---------------------------------------------------------------- the listings

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
DISEASES = ["冠心病", "心肌梗死", "心力衰竭", "房颤", "高血压", "糖尿病", "糖尿病足", "肺癌", "肝癌", "胃癌",
            "结直肠癌", "乳腺癌", "宫颈癌", "前列腺癌", "胰腺癌", "白血病", "淋巴瘤", "阿尔茨海默病", "帕金森病",
            "脑卒中", "癫痫", "抑郁症", "骨质疏松", "骨关节炎", "类风湿关节炎", "脊柱侧弯", "慢性阻塞性肺疾病", "哮喘",
            "新冠肺炎", "脓毒症", "慢性肾病", "青光眼", "白内障", "黄斑变性", "银屑病", "特应性皮炎", "牙周炎", "早产",
            "新生儿黄疸", "乙型肝炎", "幽门螺杆菌感染", "多发性硬化", "系统性红斑狼疮", "肥胖症", "痛风"]
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
MATERIALS = ["镍钛合金", "钴铬合金", "聚乳酸", "聚己内酯", "钛合金", "羟基磷灰石", "医用硅胶", "聚醚醚酮",
             "可降解镁合金", "壳聚糖", "胶原蛋白", "石墨烯", "碳纤维"]
PARTS = ["主体", "连接组件", "控制单元", "驱动机构", "传感器", "锁定件", "弹性件", "导向管", "支撑架", "密封圈",
         "显示模块", "通信模块", "电源模块", "手柄", "球囊", "药物涂层", "定位标记", "调节旋钮", "固定夹", "回收腔"]
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
    title = rng.choice([f"{drug}及其在{disease}治疗中的应用", f"一种靶向{organ}的{drug}",
                        f"治疗{disease}的{drug}及其制备方法", f"一种{drug}的制备方法和用途"])
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
    """One synthetic listing of one patent: what the database rows and the search document hold."""

    id: int
    title: str
    abstract: str
    field: str
    centre: str
    hospital: str
    number: str
    kind: str
    filing: date
    inventors: str
    scenarios: str
    advantages: str
    modes: list[str]
    ipc: list[str]
    open_licence: bool
    published: datetime

    @property
    def document(self) -> Document:
        years = {"invention": 20, "utility_model": 10, "design": 15}[self.kind]
        body = "\n".join([self.abstract, self.scenarios, self.advantages, self.inventors, self.hospital])
        return Document(doc_id=str(self.id), version="v1", title=self.title, body=body, app_numbers=[self.number],
                        ipc=self.ipc, centre=self.centre, kind=[self.kind], mode=self.modes,
                        open_licence=self.open_licence, field=self.field, published=self.published,
                        expiry=self.filing.replace(year=self.filing.year + years))


def listings(n: int, seed: int = 4) -> list[Listing]:
    """``n`` synthetic listings with ids 1..n (deterministic for a seed)."""
    rng = random.Random(seed)
    out = []
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for i in range(1, n + 1):
        title, abstract, field = rng.choice(KINDS_OF_LISTING)(rng)
        code, hospital = rng.choice(CENTRES)
        number, kind = application_number(i, rng)
        out.append(Listing(
            id=i, title=title, abstract=abstract, field=field, centre=code, hospital=hospital, number=number,
            kind=kind, filing=date(int(number[:4]), rng.randint(1, 12), rng.randint(1, 28)),
            inventors="；".join(_name(rng) for _ in range(rng.randint(2, 5))),
            scenarios=f"适用于{rng.choice(ORGANS)}相关科室，可用于{rng.choice(DISEASES)}的诊疗。",
            advantages=f"与现有技术相比，{rng.choice(EFFECTS)}。",
            modes=sorted(rng.sample(MODES, rng.choice((1, 1, 2, 3))), key=MODES.index),
            ipc=rng.sample(IPC_BY_FIELD[field], rng.choice((1, 1, 2))), open_licence=rng.random() < 0.15,
            published=start + timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))))
    return out


TRADITIONAL = ["冠狀動脈支架", "心臟起搏器", "骨質疏鬆", "單克隆抗體", "圖像分割", "康復外骨骼", "阿爾茨海默病",
               "胰島素泵", "腦卒中", "中藥組合物", "內窺鏡", "肺癌診斷"]
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
        lambda: rng.choice(TRADITIONAL),
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


# ---------------------------------------------------------------- measuring

def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1], 1), "n": len(ordered)}


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (rebuild workers)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def directory_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def environment(workdir: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PORTAL_INSTANCE_DIR": str(workdir),
            "PORTAL_DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}", "PORTAL_INDEX_DIR": str(workdir / "index"),
            "PORTAL_SEARCH_APPLY_INLINE": "0", "PORTAL_SECRET_KEY": "bench-search-secret"}


def portal_app(workdir: Path):
    os.environ.update(environment(workdir))
    from portal import create_app
    from portal.config import Config

    return create_app(Config(workdir))


# ---------------------------------------------------------------- the database

def fill_database(workdir: Path, items: list[Listing]) -> float:
    """Write centres, patents, IPC symbols, declarations and published listings with bulk inserts."""
    from portal.admin.operations import ensure_reference_data
    from portal.extensions import db
    from portal.models import Listing as ListingRow
    from portal.models import OpenLicenceDeclaration, Organisation, Patent, PatentIPC, listing_patents

    started = time.perf_counter()
    app = portal_app(workdir)
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        now = datetime.now(UTC)
        centre_ids = {}
        for code, name in CENTRES:
            org = Organisation(kind="centre", code=code, name_zh=name)
            db.session.add(org)
            db.session.flush()
            centre_ids[code] = org.id
        db.session.commit()
        for start in range(0, len(items), 5000):
            chunk = items[start:start + 5000]
            db.session.execute(db.insert(Patent), [
                {"id": x.id, "application_number": x.number, "kind": x.kind, "centre_id": centre_ids[x.centre],
                 "title": x.title, "abstract": x.abstract, "filing_date": x.filing,
                 "grant_date": x.filing + timedelta(days=700) if x.kind != "invention" or x.id % 3 else None,
                 "legal_status": "valid", "inventors": x.inventors, "patentee": x.hospital,
                 "created_at": now, "updated_at": now} for x in chunk])
            db.session.execute(db.insert(PatentIPC), [
                {"patent_id": x.id, "position": i, "symbol": symbol, "subclass": symbol[:4]}
                for x in chunk for i, symbol in enumerate(x.ipc)])
            db.session.execute(db.insert(OpenLicenceDeclaration), [
                {"patent_id": x.id, "fee_method": "lump_sum", "fee_amount_yuan": 50000,
                 "term_end": date(2030, 12, 31), "announced_on": date(2024, 1, 1), "created_at": now}
                for x in chunk if x.open_licence])
            db.session.execute(db.insert(ListingRow), [
                {"id": x.id, "centre_id": centre_ids[x.centre], "title": x.title, "status": "published",
                 "field": x.field, "scenarios": x.scenarios, "advantages": x.advantages,
                 **{f"offers_{m}": m in x.modes for m in MODES},
                 "created_at": now, "updated_at": now, "published_at": x.published} for x in chunk])
            db.session.execute(listing_patents.insert(), [{"listing_id": x.id, "patent_id": x.id} for x in chunk])
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return round(time.perf_counter() - started, 1)


def portal_rebuild(workdir: Path, processes: int) -> dict:
    from portal import indexing
    from portal.extensions import db

    app = portal_app(workdir)
    with app.app_context():
        cpu, started = cpu_seconds(), time.perf_counter()
        count = indexing.rebuild(processes=processes)
        elapsed = time.perf_counter() - started
        report = indexing.verify()
        db.session.remove()
        db.engine.dispose()
    return {"listings": count, "s": round(elapsed, 1), "cpu_s": round(cpu_seconds() - cpu, 1),
            "verify_ok": report.ok, "index_mb": directory_mb(workdir / "index")}


def document_rebuild(items: list[Listing], processes: int) -> dict:
    docs = [x.document for x in items]
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "ix")
        cpu, started = cpu_seconds(), time.perf_counter()
        count = index.rebuild(docs, last_id=0, processes=processes)
        elapsed = time.perf_counter() - started
        return {"documents": count, "s": round(elapsed, 1), "cpu_s": round(cpu_seconds() - cpu, 1),
                "docs_per_s": round(count / elapsed), "index_mb": directory_mb(Path(tmp) / "ix")}


# ---------------------------------------------------------------- queries, in a fresh process

def query_worker(index_dir: str, queries_file: str, passes: int = 3) -> None:
    """Run the queries against the index ``passes`` times; print latencies and peak RSS.

    The first pass is *cold* (postings read from disk, caches empty: what a fresh worker's first
    queries cost); the later passes are *warm*. Wall-clock and CPU milliseconds per query are both
    reported: on a shared machine the CPU figures are the ones to compare."""
    from search.segments import auto_postings_cache_mb, postings_cache_stats, set_postings_cache_mb

    pairs = json.loads(Path(queries_file).read_text(encoding="utf-8"))
    from search.storage import generation_bytes

    # Sized as the portal's workers size it: the setting, or else from the index's size.
    set_postings_cache_mb(int(os.environ.get("PORTAL_SEARCH_POSTINGS_CACHE_MB") or 0)
                          or auto_postings_cache_mb(generation_bytes(index_dir)))
    index = SearchIndex(index_dir)
    started = time.perf_counter()
    index.search(SearchQuery("支架"))  # opens the searcher and reads the facet values once
    first = (time.perf_counter() - started) * 1000
    runs: list[tuple[list[float], list[float]]] = []
    empty = 0
    for number in range(passes):
        wall, cpu = [], []
        for text, filters in pairs:
            begin, begin_cpu = time.perf_counter(), time.process_time()
            result = index.search(SearchQuery(text, filters=filters, per_page=10))
            cpu.append((time.process_time() - begin_cpu) * 1000)
            wall.append((time.perf_counter() - begin) * 1000)
            if number == 0:
                empty += not result.ids
                assert result.facets and (not result.ids or result.highlights or not text.strip())
        runs.append((wall, cpu))
    warm_wall = [x for wall, _ in runs[1:] for x in wall] or runs[0][0]
    warm_cpu = [x for _, cpu in runs[1:] for x in cpu] or runs[0][1]
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork and exec, so a child of this
    # bench (which holds N generated listings) would report the bench's own size.
    peak = peak_rss_mb(os.getpid())
    print(json.dumps({"first_ms": round(first, 1), "ms": percentiles(runs[0][0]), "no_hits": empty,
                      "cold_cpu_ms": percentiles(runs[0][1]), "warm_ms": percentiles(warm_wall),
                      "warm_cpu_ms": percentiles(warm_cpu), "passes": passes, "postings_cache": postings_cache_stats(),
                      "peak_rss_mb": round(peak, 1)}))


def run_queries(index_dir: Path, pairs: list[tuple[str, dict]], workdir: Path) -> dict:
    queries_file = workdir / "queries.json"
    queries_file.write_text(json.dumps(pairs, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, __file__, "--query-worker", str(index_dir), str(queries_file)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the API under gunicorn

def bench_app():
    """The portal as configured by the environment, plus a hello-world view that exists only here."""
    from portal import create_app

    app = create_app()

    @app.get("/_bench/hello")
    def hello():
        return "hello"

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_gunicorn(workdir: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--chdir", str(ROOT), "--log-level", "warning", "--timeout", "120", "bench.search:bench_app()"],
        env=environment(workdir))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/_bench/hello")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def workers_of(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_of(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def load(port: int, paths: list[str], seconds: int, connections: int) -> tuple[float, int, int]:
    """(requests/s, requests, failures) for ``paths`` in rotation: wrk if installed, else threads."""
    if shutil.which("wrk"):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            listed = ", ".join(json.dumps(p) for p in paths)
            script.write(f"local paths = {{{listed}}}\nlocal i = 0\n"
                         "request = function()\n  i = i + 1\n"
                         "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n")
        try:
            out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script.name,
                                  f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
        finally:
            os.unlink(script.name)
        failures = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        bad = (int(failures.group(1)) if failures else 0) + (sum(map(int, errors.groups())) if errors else 0)
        return (float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                int(re.search(r"(\d+) requests in", out).group(1)), bad)
    counts, bad = [0] * connections, [0] * connections
    deadline = time.monotonic() + seconds

    def run(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = slot
        while time.monotonic() < deadline:
            i += connections
            try:
                conn.request("GET", paths[i % len(paths)])
                response = conn.getresponse()
                response.read()
                counts[slot] += 1
                bad[slot] += response.status != 200
            except (OSError, http.client.HTTPException):
                bad[slot] += 1
                conn.close()
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started), sum(counts), sum(bad)


def each_once(port: int, paths: list[str], connections: int) -> int:
    """Request every path once, over ``connections`` keep-alive connections; the count served."""
    queue = list(reversed(paths))
    lock, served = threading.Lock(), [0]

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                path = queue.pop()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            with lock:
                served[0] += response.status == 200
        conn.close()

    threads = [threading.Thread(target=run) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return served[0]


def api_paths(pairs: list[tuple[str, dict]]) -> list[str]:
    return ["/api/v1/listings?" + urllib.parse.urlencode(
        {"q": text, **{("open" if k == "open_licence" else k): ("1" if v is True else v) for k, v in f.items()}})
        for text, f in pairs]


def api_bench(workdir: Path, pairs: list[tuple[str, dict]], seconds: int, connections: int, rounds: int = 2) -> dict:
    search_paths = api_paths(pairs)
    process, port = start_gunicorn(workdir, 2)
    try:
        workers = workers_of(process.pid)
        for path in search_paths[:20]:  # every worker opens its searcher before measuring
            assert get(port, path)[0] == 200, path
        # The first pass over the queries: every worker still reads each term's postings from
        # disk and loads each listing it has not served. Reported apart; the rounds measure the
        # steady state of long-lived workers, once each has seen the queries (two passes).
        cpu, started = cpu_of(workers), time.monotonic()
        warm = 0
        for _ in range(2):
            warm += each_once(port, search_paths, connections)
        first_pass = {"requests": warm, "rps": round(warm / (time.monotonic() - started), 1),
                      "worker_cpu_ms_per_request": round((cpu_of(workers) - cpu) / max(warm, 1) * 1000, 2)}
        results: dict[str, list[tuple[float, float]]] = {"search": [], "hello": []}
        failures = 0
        for _ in range(rounds):
            for name, paths in (("hello", ["/_bench/hello"]), ("search", search_paths)):
                cpu = cpu_of(workers)
                rps, count, bad = load(port, paths, seconds, connections)
                failures += bad
                results[name].append((rps, (cpu_of(workers) - cpu) / max(count, 1) * 1000))
        out = {name: {"rps": round(statistics.median(r for r, _ in rows), 1),
                      "worker_cpu_ms_per_request": round(statistics.median(c for _, c in rows), 2)}
               for name, rows in results.items()}
        out["search"]["rps_if_2_idle_cores"] = round(2000 / out["search"]["worker_cpu_ms_per_request"], 1)
        out["search_first_two_passes"] = first_pass
        out["failures"] = failures
        out["worker_peak_rss_mb"] = [peak_rss_mb(pid) for pid in workers]
        client = "wrk -t1" if shutil.which("wrk") else "python threads"
        out["load"] = f"{client}, {connections} connections, {seconds} s x {rounds} rounds"
        return out
    finally:
        stop(process)


# ---------------------------------------------------------------- the HTML pages, in this process

def pages_bench(workdir: Path, pairs: list[tuple[str, dict]], n: int, rounds: int, requests: int,
                profile: str | None) -> dict:
    from bench.pages import measure

    os.environ.update(environment(workdir))
    return measure(bench_app(), pairs, n, rounds=rounds, requests=requests, profile=profile)


# ---------------------------------------------------------------- publish → searchable

def publish_bench(workdir: Path, publishes: int, pairs: list[tuple[str, dict]]) -> dict:
    """Publish listings one by one through the listing operations while two gunicorn workers serve
    the bench's search queries without pause (one connection), with ``search apply --follow``
    applying the changes: how soon each is searchable, and the workers' peak resident memory
    while the index changes under them (each commit gives them a new searcher to open)."""
    from portal.extensions import db
    from portal.indexing.cli import QUIET_SECONDS
    from portal.listings.operations import ListingData, create_listing, publish_listing
    from portal.models import Organisation, SearchChange
    from portal.patents.operations import PatentData, upsert_patent

    process, port = start_gunicorn(workdir, 2)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "search", "apply", "--follow"],
                              env=environment(workdir), cwd=ROOT, stdout=subprocess.DEVNULL)
    samples, lost = [], 0
    searching = threading.Event()
    searched = [0]

    def search_meanwhile() -> None:
        paths = api_paths(pairs)
        while not searching.is_set():
            get(port, paths[searched[0] % len(paths)])
            searched[0] += 1

    background = threading.Thread(target=search_meanwhile, daemon=True)
    try:
        app = portal_app(workdir)
        with app.app_context():
            centre = db.session.scalar(db.select(Organisation).where(Organisation.code == CENTRES[0][0]))
            rng = random.Random(11)
            for _ in range(20):  # both gunicorn workers have opened the index
                get(port, "/api/v1/listings?q=" + urllib.parse.quote("支架"))
            background.start()
            for i in range(publishes):
                number, _ = application_number(9_000_000 + i, rng)
                title, abstract, field = _device_listing(rng)
                patent, _ = upsert_patent(centre, PatentData(
                    application_number=number, title=title, abstract=abstract, filing_date=date(int(number[:4]), 5, 6),
                    legal_status="valid", grant_date=date(int(number[:4]) + 1, 1, 4), ipc=["A61F 2/82"]), actor=None)
                listing = create_listing(centre, [patent], ListingData(title=title, modes=["ordinary"], field=field),
                                         actor=None)
                publish_listing(listing, actor=None)
                db.session.commit()
                committed, wanted = time.perf_counter(), listing.id
                path = "/api/v1/listings?" + urllib.parse.urlencode({"q": number})
                while True:
                    status, body = get(port, path)
                    if status == 200 and any(item["id"] == wanted for item in json.loads(body)["items"]):
                        samples.append((time.perf_counter() - committed) * 1000)
                        break
                    if time.perf_counter() - committed > 10:
                        lost += 1
                        break
                    time.sleep(0.005)
                time.sleep(rng.uniform(0.05, 0.3))  # publishes arrive at random moments
            changes = db.session.scalar(db.select(db.func.count(SearchChange.id)))
            db.session.remove()
            # Leave the index as a running writer would: merged once the publishes are quiet.
            time.sleep(QUIET_SECONDS + 1.5)
            db.engine.dispose()
        searching.set()
        background.join()
        return {"ms": percentiles(samples), "not_searchable_within_10s": lost, "change_log_rows": changes,
                "searches_meanwhile": searched[0],
                "worker_peak_rss_mb": [round(peak_rss_mb(pid), 1) for pid in workers_of(process.pid)],
                "writer": "flask search apply --follow (polls every 0.05 s)"}
    finally:
        searching.set()
        stop(worker)
        stop(process)


# ---------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=None, help="rebuild worker processes (default: CPUs)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10, help="seconds per load measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--publishes", type=int, default=40)
    parser.add_argument("--workdir", type=Path, help="keep the database and index here")
    parser.add_argument("--reuse", action="store_true", help="reuse --workdir's database and index")
    parser.add_argument("--skip", default="",
                        help="comma-separated: rebuild (fill the database only), doc-rebuild, query, api, publish")
    parser.add_argument("--pages", action="store_true",
                        help="measure the HTML pages' CPU per request instead (bench/pages.py)")
    parser.add_argument("--rounds", type=int, default=5, help="--pages: interleaved rounds")
    parser.add_argument("--requests", type=int, default=200, help="--pages: requests per page and round")
    parser.add_argument("--profile", choices=("hello", "home", "search", "list", "listing"),
                        help="--pages: print a cProfile of one more round of this page")
    parser.add_argument("--compare", choices=("tantivy",),
                        help="run the queries in tantivy beside the portal's engine (bench/tantivy_compare.py)")
    parser.add_argument("--passes", type=int, default=5, help="--compare: measured passes over the queries")
    parser.add_argument("--tantivy-dir", type=Path, default=Path(tempfile.gettempdir()) / "tv-index",
                        help="--compare: where the tantivy index is built (once) and kept")
    parser.add_argument("--query-worker", nargs=2, metavar=("INDEX", "QUERIES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.query_worker:
        query_worker(*args.query_worker)
        return
    if args.compare:
        from bench.tantivy_compare import run as compare

        if not args.workdir:
            raise SystemExit("--compare needs --workdir: the directory of an earlier run (read only)")
        print(json.dumps(compare(args.workdir, args.n, args.queries, args.passes, args.tantivy_dir, rebuild=False,
                                 profile=False), ensure_ascii=False, indent=1))
        return
    from search.bulk import default_processes

    processes = args.processes or default_processes()
    skip = set(filter(None, args.skip.split(",")))
    if args.pages:
        skip |= {"doc-rebuild", "query", "api", "publish"}
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    out: dict = {"n": args.n, "cpus": os.cpu_count(), "rebuild_processes": processes,
                 "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    try:
        started = time.perf_counter()
        items = listings(args.n)
        out["generate_s"] = round(time.perf_counter() - started, 1)
        if not args.reuse:
            shutil.rmtree(workdir / "index", ignore_errors=True)
            (workdir / "bench.sqlite3").unlink(missing_ok=True)
            out["database_fill_s"] = fill_database(workdir, items)
            print(json.dumps({"database_fill_s": out["database_fill_s"]}), file=sys.stderr, flush=True)
            if "rebuild" in skip:  # the database only: the index is built (and timed) separately
                skip |= {"doc-rebuild", "query", "api", "publish"}
            else:
                out["rebuild_portal"] = portal_rebuild(workdir, processes)
                print(json.dumps(out["rebuild_portal"]), file=sys.stderr, flush=True)
        if "doc-rebuild" not in skip and not args.reuse:
            out["rebuild_documents"] = document_rebuild(items, processes)
            print(json.dumps(out["rebuild_documents"]), file=sys.stderr, flush=True)
        pairs = queries(args.queries, items)
        del items
        if args.pages:
            out["pages"] = pages_bench(workdir, pairs, args.n, args.rounds, args.requests, args.profile)
        if "query" not in skip:
            out["query"] = run_queries(workdir / "index", pairs, workdir)
            print(json.dumps(out["query"]), file=sys.stderr, flush=True)
        if "api" not in skip:
            out["api"] = api_bench(workdir, pairs, args.duration, args.connections)
            print(json.dumps(out["api"]), file=sys.stderr, flush=True)
        if "publish" not in skip:
            out["publish_to_searchable"] = publish_bench(workdir, args.publishes, pairs)
        out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        out["targets"] = TARGETS
        print(json.dumps(out, ensure_ascii=False, indent=1))
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
