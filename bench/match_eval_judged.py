# ruff: noqa: E501  (a data table: one need or judgment per line reads best)
"""Judgments of the matching set: which records of ../shared/data/real_patents.csv answer each need
of ``bench/match_eval_needs.py``.

Made after the needs were written and before the matcher was run on them, by reading the corpus
(plain greps over the CSV, then reading the hits), never the engine's answers. Each need's judgment
is a rule that reads like the need — every group of ``all`` must have one of its strings in the
record's title + abstract (lower case) — refined by reading what the rule finds: ``exclude`` lists
records the rule catches that do not answer the need (read and rejected), ``include`` records it
misses that do. A need with no relevant record is kept: a proposal above the threshold for it is a
false alarm, which the notification figures count.
"""

from __future__ import annotations

JUDGED: dict[str, dict] = {
    # N01 blood sugar: the corpus has no record on lowering blood sugar (read: 01329 antibiotic
    # implants, 01737 turmeric liquor mention 糖 only in passing).
    "N01": {"all": [["降血糖", "降糖", "血糖"]], "exclude": ["KPP-01737"]},
    "N02": {"all": [["正极材料", "阴极材料", "阴极活性材料", "正极用"]], "exclude": ["KPP-00320", "KPP-01501", "KPP-03003"]},
    "N03": {"all": [["废水", "污水"]],
            "exclude": ["KPP-00084", "KPP-00210", "KPP-00237", "KPP-00257", "KPP-00297", "KPP-00355", "KPP-00521",
                        "KPP-00534", "KPP-00613", "KPP-00626", "KPP-00634", "KPP-00664", "KPP-00764", "KPP-00896",
                        "KPP-00927", "KPP-00957", "KPP-01268", "KPP-01335", "KPP-01557", "KPP-01613", "KPP-01635",
                        "KPP-01658", "KPP-01723", "KPP-01750", "KPP-01756", "KPP-01785", "KPP-01950", "KPP-02046",
                        "KPP-02234", "KPP-02332", "KPP-02346", "KPP-02363", "KPP-02388", "KPP-02419", "KPP-02807",
                        "KPP-03024", "KPP-03296"]},
    "N04": {"all": [["无人机", "uav"]]},
    "N05": {"all": [["洗衣机", "衣物处理", "洗涤设备"]],
            "any": [["程序", "预约", "远程", "识别", "智能终端", "自动选择", "推荐", "物联网", "服务器", "云"]]},
    "N06": {"all": [["提取", "萃取"]], "any": [["中药", "药材", "黄酮", "皂苷", "多糖", "生物碱", "有效成分", "药渣"]],
            "exclude": ["KPP-00422", "KPP-03114"]},
    "N07": {"all": [["缺陷", "瑕疵", "检查", "检测"]], "any": [["图像", "视觉", "相机", "摄像"]],
            "also": [["电路板", "基板", "pcb", "产品", "表面", "工件", "部件"]],
            "exclude": ["KPP-00160", "KPP-00875", "KPP-01410", "KPP-03272"]},
    "N08": {"all": [["混凝土", "水泥基", "砂浆"]], "any": [["强度", "耐久", "外加剂", "配合比", "减水剂", "抗裂"]],
            "exclude": ["KPP-00038", "KPP-00611", "KPP-00633", "KPP-00688", "KPP-01114", "KPP-02273", "KPP-02553",
                        "KPP-02807", "KPP-02814", "KPP-03023"]},
    "N09": {"all": [["保鲜", "防腐", "冷藏", "贮藏", "储藏"]],
            "any": [["果", "蔬", "生鲜", "食品", "肉"]],
            "exclude": ["KPP-00619", "KPP-00642", "KPP-01161", "KPP-01168", "KPP-03208"]},
    "N10": {"all": [["肿瘤", "癌"]], "any": [["检测", "标志物", "诊断", "试剂盒", "筛查"]],
            "exclude": ["KPP-00916", "KPP-01553"]},
    "N11": {"all": [["语音识别", "语音信息", "语音指令", "语音信号", "声纹", "speech"]],
            "exclude": ["KPP-00283", "KPP-00572", "KPP-01336", "KPP-01738", "KPP-01755", "KPP-02149", "KPP-02306", "KPP-02830"]},
    "N12": {"all": [["充电桩", "充电站", "充电设备", "充电装置", "充电控制"]], "any": [["汽车", "车辆", "电动"]],
            "exclude": ["KPP-00667"]},
    "N13": {"all": [["增材制造", "3d打印", "三维打印", "激光熔化", "激光熔覆", "添加制造", "选区激光", "additive"]],
            "exclude": ["KPP-00004", "KPP-00101", "KPP-00963", "KPP-01000", "KPP-01013", "KPP-01329", "KPP-01372", "KPP-01821", "KPP-02566", "KPP-03339"]},
    "N14": {"all": [["焊接", "焊缝"]], "any": [["机器人", "自动", "路径", "跟踪"]],
            "exclude": ["KPP-01783"]},
    "N15": {"all": [["太阳能电池", "光伏电池", "钙钛矿", "光电转换"]],
            "exclude": ["KPP-00451", "KPP-00557", "KPP-00661", "KPP-00941", "KPP-00955", "KPP-01014", "KPP-01140", "KPP-01356", "KPP-01469", "KPP-01885", "KPP-01922", "KPP-01998", "KPP-02065", "KPP-02240", "KPP-02343", "KPP-02441", "KPP-02765", "KPP-02962", "KPP-03012", "KPP-03024", "KPP-03134"]},
    "N16": {"all": [["灌溉", "浇水", "滴灌", "喷灌"]],
            "exclude": ["KPP-00903", "KPP-01083", "KPP-01394", "KPP-01919", "KPP-02346"]},
    "N17": {"all": [["抗菌", "抑菌", "杀菌", "抗微生物"]],
            "any": [["材料", "涂层", "纤维", "敷料", "面料", "纸", "膜", "织物", "布"]],
            "exclude": ["KPP-00015", "KPP-00060", "KPP-00267", "KPP-00672", "KPP-00771", "KPP-00847", "KPP-01033", "KPP-01108", "KPP-01109", "KPP-01117", "KPP-01192", "KPP-01248", "KPP-01606", "KPP-01670", "KPP-01680", "KPP-01799", "KPP-02061", "KPP-02293", "KPP-02423", "KPP-02708", "KPP-02871", "KPP-02957", "KPP-03114", "KPP-03293", "KPP-03455"]},
    "N18": {"all": [["心电", "心率", "ecg", "心脏"]], "any": [["监测", "检测", "采集", "穿戴", "信号"]]},
    "N19": {"all": [["区块链", "blockchain"]]},
    "N20": {"all": [["视频编码", "编码", "压缩", "码率", "解码"]], "any": [["视频", "图像帧", "帧"]],
            "exclude": ["KPP-01842", "KPP-03108"]},
    "N21": {"all": [["土壤"]], "any": [["重金属", "镉", "铅", "砷", "汞", "修复"]],
            "exclude": ["KPP-00431"]},
    "N22": {"all": [["无线通信", "基站", "终端设备", "用户设备", "波束", "信道", "资源分配", "5g", "nr"]],
            "any": [["资源", "信道", "波束", "配置", "调度", "信令"]],
            "exclude": ["KPP-00441", "KPP-00444", "KPP-00735", "KPP-00925", "KPP-01432", "KPP-01700", "KPP-02382", "KPP-02392", "KPP-02694", "KPP-02922", "KPP-03030", "KPP-03108", "KPP-03198", "KPP-01935", "KPP-01411"]},
    "N23": {"all": [["抗体", "疫苗", "抗原"]],
            "exclude": ["KPP-00850", "KPP-01579", "KPP-02793"]},
    "N24": {"all": [["茶叶", "茶"]], "any": [["杀青", "揉捻", "烘干", "加工", "制茶", "萎凋"]],
            "exclude": ["KPP-01036", "KPP-02841"]},
    "N25": {"all": [["锅炉", "余热", "燃烧", "烟气"]], "any": [["节能", "回收", "效率", "优化", "换热"]],
            "exclude": ["KPP-00020", "KPP-00056", "KPP-01249", "KPP-01268", "KPP-01292", "KPP-01434", "KPP-01879", "KPP-01894", "KPP-01897", "KPP-02055", "KPP-02282", "KPP-03490"]},
    "N26": {"all": [["障碍物", "避障", "激光雷达", "路径规划", "自动驾驶", "无人驾驶", "obstacle"]],
            "exclude": ["KPP-00187", "KPP-00610", "KPP-01322", "KPP-01342", "KPP-02260", "KPP-02635", "KPP-02997", "KPP-03143"]},
    "N27": {"all": [["面料", "织物", "纺织", "布料"]], "any": [["防水", "透气", "抗皱", "免烫", "整理剂", "整理"]],
            "exclude": ["KPP-00025", "KPP-00070", "KPP-00151", "KPP-00301", "KPP-00359", "KPP-00516", "KPP-00672", "KPP-00741", "KPP-00848", "KPP-01158", "KPP-01196", "KPP-01319", "KPP-01445", "KPP-01618", "KPP-01622", "KPP-01736", "KPP-01986", "KPP-02903", "KPP-02923", "KPP-03047", "KPP-03130", "KPP-03293", "KPP-03362", "KPP-03647"]},
    "N28": {"all": [["手术", "腹腔镜", "吻合器", "微创", "内窥镜", "穿刺"]],
            "exclude": ["KPP-00630", "KPP-00979", "KPP-02700", "KPP-02872"]},
    "N29": {"all": [["查询", "索引", "数据库", "缓存"]], "any": [["数据", "查询", "优化", "存储"]],
            "exclude": ["KPP-00115", "KPP-00155", "KPP-00177", "KPP-00370", "KPP-00513", "KPP-00685", "KPP-00849", "KPP-00924", "KPP-01123", "KPP-01198", "KPP-01277", "KPP-01463", "KPP-01558", "KPP-01666", "KPP-01820", "KPP-01848", "KPP-01906", "KPP-01983", "KPP-01989", "KPP-02149", "KPP-02329", "KPP-02385", "KPP-02943", "KPP-03155", "KPP-03222", "KPP-03530"]},
    "N30": {"all": [["降解", "可降解", "生物降解"]], "any": [["塑料", "聚乳酸", "pla", "pbat", "薄膜", "材料", "包装"]],
            "exclude": ["KPP-00362", "KPP-01192", "KPP-03313", "KPP-01215", "KPP-01530", "KPP-01621", "KPP-01973", "KPP-02069", "KPP-02389", "KPP-02501"]},
    "N31": {"all": [["康复", "外骨骼", "步态", "偏瘫", "助行"]]},
    "N32": {"all": [["矿", "井下", "煤"]], "any": [["监测", "预警", "瓦斯", "安全", "顶板", "检测"]],
            "exclude": ["KPP-00269", "KPP-00317", "KPP-00557", "KPP-01135", "KPP-02675", "KPP-03585", "KPP-03101"]},
}
