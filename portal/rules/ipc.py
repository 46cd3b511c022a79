"""International Patent Classification symbols (DOMAIN.md §2 "IPC symbols").

Canonical form: ``A61B`` for a subclass, ``A61B 17/00`` for a group — one
space between subclass and group, no leading zeros in the group, no version.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from ._text import compact
from .errors import N_, RuleError


class InvalidIPC(RuleError):
    """Text that is not an IPC symbol."""


MEDICAL_SUBCLASSES = MappingProxyType(
    {
        "A61B": ("诊断；外科", "Diagnosis; surgery"),
        "A61C": ("牙科", "Dentistry"),
        "A61F": ("假体、支架、敷料", "Prostheses, stents, dressings"),
        "A61G": ("病人运送、护理设施", "Patient transport and care facilities"),
        "A61H": ("理疗装置", "Physiotherapy apparatus"),
        "A61J": ("医用容器、给药器具", "Medical containers, administration devices"),
        "A61K": ("医用配制品", "Medical preparations"),
        "A61L": ("消毒灭菌、医用材料", "Sterilisation, medical materials"),
        "A61M": ("导管、注射器、输液", "Catheters, syringes, infusion"),
        "A61N": ("电疗、放射治疗", "Electrotherapy, radiation therapy"),
        "A61P": ("药物治疗活性", "Therapeutic activity"),
        "C07K": ("肽、抗体", "Peptides, antibodies"),
        "C12N": ("微生物、酶、基因工程", "Micro-organisms, enzymes, genetic engineering"),
        "C12Q": ("酶或核酸的测定", "Assays with enzymes or nucleic acids"),
        "G01N": ("生物材料分析", "Analysing biological material"),
        "G16H": ("医疗信息学", "Healthcare informatics"),
    }
)
"""Medical IPC subclass -> (zh label, en label), in facet order."""

# Chinese data appends the IPC version, e.g. "A61B17/00(2006.01)".
_VERSION = re.compile(r"\(\d{4}\.\d{2}\)$")
_SYMBOL = re.compile(r"([A-Z])(\d{2})([A-Z])(?:(\d+)(?:/(\d+))?)?")
_SEPARATORS = re.compile(r"[;,]")


def normalise_ipc(text: str) -> str:
    """Return the canonical form of one IPC symbol, or raise :class:`InvalidIPC`.

    ``A61B17/00(2006.01)`` -> ``A61B 17/00``; ``a61b 17/00`` -> ``A61B 17/00``;
    ``A61B`` -> ``A61B``.  A main group written without its subgroup
    (``A61B 17``) means the main group and becomes ``A61B 17/00``.
    Full-width characters and any spacing are accepted.
    """
    given = compact(text)
    if not given:
        raise InvalidIPC(N_("Enter an IPC symbol."))
    symbol = _VERSION.sub("", given)
    match = _SYMBOL.fullmatch(symbol)
    if match is None:
        raise InvalidIPC(_shape_problem(symbol), given=given)
    section, class_, subclass, group, subgroup = match.groups()
    if section > "H":
        raise InvalidIPC(
            N_("The IPC section is a letter from A to H, not %(given)s."), given=section
        )
    head = f"{section}{class_}{subclass}"
    if group is None:
        return head
    if not 1 <= len(group) <= 4 or int(group) == 0:
        raise InvalidIPC(
            N_("The IPC group number has 1 to 4 digits and is not zero: %(given)s is not valid."),
            given=group,
        )
    if subgroup is None:
        subgroup = "00"
    elif not 2 <= len(subgroup) <= 6:
        raise InvalidIPC(
            N_("The IPC subgroup after the slash has 2 to 6 digits, not %(given)s."),
            given=subgroup,
        )
    return f"{head} {int(group)}/{subgroup}"


def _shape_problem(symbol: str) -> str:
    """Pick the message that names what is wrong with an unparseable symbol."""
    if not re.match(r"[A-Z]", symbol):
        return N_("An IPC symbol begins with a section letter A to H: %(given)s does not.")
    if not re.match(r"[A-Z]\d{2}", symbol):
        return N_("In %(given)s the section letter must be followed by a two-digit class.")
    if not re.match(r"[A-Z]\d{2}[A-Z]", symbol):
        return N_("In %(given)s the class must be followed by a subclass letter, as in A61B.")
    return N_("%(given)s is not an IPC symbol: expected a form like A61B or A61B 17/00.")


def ipc_subclass(text: str) -> str:
    """Return the subclass (first four characters, e.g. ``A61B``) of an IPC symbol."""
    return normalise_ipc(text)[:4]


def split_ipc_list(text: str) -> list[str]:
    """Split a list of IPC symbols on ``;`` ``,`` ``；`` ``，`` and normalise each.

    Empty items are skipped and duplicates dropped, keeping the first
    occurrence's position.  Raises :class:`InvalidIPC` for any bad item.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    seen: dict[str, None] = {}
    # Full-width "；" and "，" become ";" and "," inside compact().
    for item in _SEPARATORS.split(compact(text)):
        if item:
            seen.setdefault(normalise_ipc(item))
    return list(seen)
