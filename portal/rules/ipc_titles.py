"""Short titles of IPC sections and of the subclasses medical patents are commonly classified in.

Titles are shortened from the IPC's own (WIPO; the Chinese edition published by CNIPA). A subclass
outside the table is described by its section, which every valid symbol has.
"""

from __future__ import annotations

from types import MappingProxyType

from .ipc import MEDICAL_SUBCLASSES

IPC_SECTIONS = MappingProxyType(
    {
        "A": ("人类生活必需", "Human necessities"),
        "B": ("作业；运输", "Performing operations; transporting"),
        "C": ("化学；冶金", "Chemistry; metallurgy"),
        "D": ("纺织；造纸", "Textiles; paper"),
        "E": ("固定建筑物", "Fixed constructions"),
        "F": ("机械工程；照明；加热；武器；爆破", "Mechanical engineering; lighting; heating; weapons; blasting"),
        "G": ("物理", "Physics"),
        "H": ("电学", "Electricity"),
    }
)
"""IPC section letter -> (zh title, en title)."""

IPC_SUBCLASS_TITLES = MappingProxyType(
    {
        # The medical facet's labels come first and win (DOMAIN.md §2).
        **MEDICAL_SUBCLASSES,
        "A01N": ("杀生剂、驱虫剂、植物生长调节剂", "Biocides, pest repellents, plant growth regulators"),
        "A23L": ("食品、食料或非酒精饮料", "Foods, foodstuffs or non-alcoholic beverages"),
        "A41D": ("外衣；防护服", "Outerwear; protective garments"),
        "A47C": ("椅子；沙发；床", "Chairs; sofas; beds"),
        "A61D": ("兽医用器械或方法", "Veterinary instruments or methods"),
        "A61Q": ("化妆品或类似梳妆用配制品的特定用途", "Specific use of cosmetics or similar toiletry preparations"),
        "A62B": ("救生装置、器械或方法", "Life-saving devices, apparatus or methods"),
        "B01D": ("分离", "Separation"),
        "B01J": ("化学或物理方法；催化；胶体化学", "Chemical or physical processes; catalysis; colloid chemistry"),
        "B01L": ("通用化学或物理实验室设备", "General chemical or physical laboratory apparatus"),
        "B25J": ("机械手", "Manipulators"),
        "B29C": ("塑料的成型或连接", "Shaping or joining of plastics"),
        "B33Y": ("增材制造（3D 打印）", "Additive manufacturing (3D printing)"),
        "B65D": ("物件或物料贮存或运输用的容器", "Containers for storage or transport of articles or materials"),
        "B82Y": ("纳米结构的特定用途或应用", "Specific uses or applications of nanostructures"),
        "C07B": ("有机化学的一般方法", "General methods of organic chemistry"),
        "C07C": ("无环或碳环化合物", "Acyclic or carbocyclic compounds"),
        "C07D": ("杂环化合物", "Heterocyclic compounds"),
        "C07F": ("含其他元素的无环、碳环或杂环化合物",
                 "Compounds containing elements other than C, H, halogen, O, N, S, Se or Te"),
        "C07H": ("糖类；核苷；核苷酸；核酸", "Sugars; nucleosides; nucleotides; nucleic acids"),
        "C07J": ("甾族化合物", "Steroids"),
        "C08B": ("多糖类及其衍生物", "Polysaccharides and their derivatives"),
        "C08G": ("高分子化合物（非碳-碳不饱和键反应所得）", "Macromolecular compounds not obtained by carbon-carbon "
                                                               "unsaturated bond reactions"),
        "C08J": ("加工；配料的一般工艺过程", "Working-up; general processes of compounding"),
        "C08K": ("使用无机物或非高分子有机物作为配料", "Use of inorganic or non-macromolecular organic substances "
                                                         "as compounding ingredients"),
        "C08L": ("高分子化合物的组合物", "Compositions of macromolecular compounds"),
        "C09K": ("不包含在其他类目中的各种应用材料", "Materials for miscellaneous applications"),
        "C12M": ("酶学或微生物学装置", "Apparatus for enzymology or microbiology"),
        "C12P": ("发酵或使用酶的合成方法", "Fermentation or enzyme-using synthesis processes"),
        "C12R": ("与微生物有关的引得表", "Indexing scheme relating to micro-organisms"),
        "C40B": ("组合化学；化合物库", "Combinatorial chemistry; libraries"),
        "G01B": ("长度、厚度或角度等的计量", "Measuring length, thickness, angles and the like"),
        "G01J": ("红外、可见光、紫外光的强度、颜色等的测量", "Measurement of the intensity, colour, etc. of infrared, "
                                                               "visible or ultraviolet light"),
        "G01K": ("温度测量", "Measuring temperature"),
        "G01L": ("力、应力、压力等的测量", "Measuring force, stress, pressure and the like"),
        "G01R": ("电变量或磁变量的测量", "Measuring electric or magnetic variables"),
        "G01S": ("无线电定向；无线电导航；雷达", "Radio direction-finding; radio navigation; radar"),
        "G01T": ("核辐射或 X 射线辐射的测量", "Measurement of nuclear or X-radiation"),
        "G02B": ("光学元件、系统或仪器", "Optical elements, systems or apparatus"),
        "G05B": ("一般的控制或调节系统", "Control or regulating systems in general"),
        "G06F": ("电数字数据处理", "Electric digital data processing"),
        "G06K": ("图形数据读取；数据表示；记录载体", "Graphical data reading; presentation of data; record carriers"),
        "G06N": ("基于特定计算模型的计算机系统", "Computing arrangements based on specific computational models"),
        "G06Q": ("管理、商业或金融用数据处理", "Data processing for administrative, commercial or financial purposes"),
        "G06T": ("图像数据处理或产生", "Image data processing or generation"),
        "G06V": ("图像或视频识别或理解", "Image or video recognition or understanding"),
        "G08B": ("信号装置；报警装置", "Signalling or calling systems; alarm systems"),
        "G09B": ("教育或演示用具", "Educational or demonstration appliances"),
        "G16B": ("生物信息学", "Bioinformatics"),
        "G16C": ("计算化学；化学信息学", "Computational chemistry; chemoinformatics"),
        "G21K": ("粒子或电离辐射的处理技术；照射装置", "Techniques for handling particles or ionising radiation; "
                                                         "irradiation devices"),
        "H01L": ("半导体器件", "Semiconductor devices"),
        "H01M": ("化学能直接转变为电能的方法或装置（如电池组）",
                 "Direct conversion of chemical into electrical energy, e.g. batteries"),
        "H04L": ("数字信息的传输", "Transmission of digital information"),
        "H04N": ("图像通信", "Pictorial communication"),
        "H04W": ("无线通信网络", "Wireless communication networks"),
        "H05B": ("电热；其他类目不包含的电光源", "Electric heating; electric light sources not otherwise provided for"),
        "H05G": ("X 射线技术", "X-ray technique"),
        "H05K": ("印刷电路；电设备的外壳", "Printed circuits; casings of electric apparatus"),
    }
)
"""IPC subclass -> (zh title, en title): the medical facet's subclasses and other common ones."""


def ipc_subclass_titles(subclass: str) -> tuple[str, str] | None:
    """The (zh, en) short title of an IPC subclass such as ``A61B``, or None when the table has none
    (see :func:`ipc_section_titles` for the fallback)."""
    return IPC_SUBCLASS_TITLES.get((subclass or "").strip().upper()[:4])


def ipc_section_titles(symbol: str) -> tuple[str, str] | None:
    """The (zh, en) title of the section (A-H) an IPC symbol or subclass belongs to, or None."""
    return IPC_SECTIONS.get((symbol or "").strip().upper()[:1])
