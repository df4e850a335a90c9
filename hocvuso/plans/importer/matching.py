"""Match the unit names a plan uses to the system's units.

"Uỷ ban MTTQ Việt Nam tỉnh", "UB Mặt trận Tổ quốc tỉnh" and "Ủy ban Mặt trận Tổ quốc Việt Nam
tỉnh Ninh Bình" are one unit: names are folded (no diacritics, lower case), common
abbreviations are spelled out, the province's own name and a trailing "tỉnh" dropped.
Collective names ("UBND các xã, phường", "các sở, ban, ngành", a unit group's name) stand for
every unit of that kind or group. A name that matches nothing stays as text, with the closest
units as suggestions.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from hocvuso.core.tables import fold
from hocvuso.orgunits.models import OrgUnit, UnitGroup

ABBREVIATIONS = (
    (r"\bubnd\b", "uy ban nhan dan"),
    (r"\bhdnd\b", "hoi dong nhan dan"),
    (r"\bub\b", "uy ban"),
    (r"\bmttq(?:vn)?\b", "mat tran to quoc"),
    (r"\bubmttq(?:vn)?\b", "uy ban mat tran to quoc"),
    (r"\bkh ?& ?cn\b|\bkhcn\b", "khoa hoc va cong nghe"),
    (r"\bvh ?& ?tt\b|\bvhtt\b", "van hoa va the thao"),
    (r"\bvh ?, ?tt ?& ?dl\b|\bvhttdl\b", "van hoa the thao va du lich"),
    (r"\bgd ?& ?dt\b|\bgddt\b", "giao duc va dao tao"),
    (r"\btt ?& ?tt\b|\btttt\b", "thong tin va truyen thong"),
    (r"\bbchqs\b", "bo chi huy quan su"),
    (r"\bchqs\b", "chi huy quan su"),
    (r"\bpt ?- ?th\b|\bptth\b", "phat thanh truyen hinh"),
    (r"\bvp\b", "van phong"),
    (r"\bdbqh\b", "dai bieu quoc hoi"),
    (r"\bqlkkt\b|\bbql kkt\b", "ban quan ly khu kinh te"),
    (r"\bca\b", "cong an"),
    (r"\bdn\b", "doanh nghiep"),
    (r"\bhtx\b", "hop tac xa"),
    (r"\btw\b", "trung uong"),
)
_PREFIX = re.compile(r"^(?:de nghi|giao|yeu cau)\s+")
_NOISE = re.compile(r"\bviet nam\b|\bcua tinh\b|\btren dia ban(?: tinh)?\b")

# Collective names: (pattern on the folded name, unit kinds it stands for)
COLLECTIVES = (
    (re.compile(r"\bcac (?:xa|phuong)\b|\bxa, phuong\b|\bphuong, xa\b"), (OrgUnit.Kind.COMMUNE,)),
    (re.compile(r"\bcac (?:huyen|quan)\b"), (OrgUnit.Kind.DISTRICT,)),
    (re.compile(r"\bcac (?:thon|ban|to dan pho)\b"), (OrgUnit.Kind.VILLAGE,)),
)
AGENCIES = re.compile(r"^cac so\b|^cac so, ban, nganh\b")


def name_key(name: str, *, locality: str = "") -> str:
    text = fold(name)
    text = _PREFIX.sub("", text)
    for pattern, expansion in ABBREVIATIONS:
        text = re.sub(pattern, expansion, text)
    text = _NOISE.sub(" ", text)
    if locality:
        text = re.sub(rf"\b(?:tinh |thanh pho )?{re.escape(locality)}\b", " ", text)
    text = re.sub(r"[^a-z0-9& ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+tinh$", "", text)
    return text


@dataclass
class Match:
    name: str
    units: list[OrgUnit] = field(default_factory=list)
    collective: bool = False
    suggestions: list[OrgUnit] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return bool(self.units)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "matched": self.matched,
            "collective": self.collective,
            "unit_ids": [u.pk for u in self.units],
            "units": [u.name for u in self.units[:5]],
            "suggestions": [{"id": u.pk, "name": u.name} for u in self.suggestions],
        }


class UnitIndex:
    """Every unit under ``root`` (a province), indexed by folded name keys."""

    def __init__(self, root: OrgUnit):
        self.root = root
        self.locality = name_key(re.sub(r"^(?:Tỉnh|Thành phố)\s+", "", root.name))
        units = list(
            OrgUnit.objects.filter(path__startswith=root.path).only(
                "pk", "name", "short_name", "abbreviation", "kind", "path", "depth"
            )
        )
        self.units = units
        self.by_key: dict[str, list[OrgUnit]] = defaultdict(list)
        for unit in units:
            for label in {unit.name, unit.short_name, unit.abbreviation} - {""}:
                key = name_key(label, locality=self.locality)
                if key and unit not in self.by_key[key]:
                    self.by_key[key].append(unit)
        self.groups = {
            name_key(g.name): g
            for g in UnitGroup.objects.filter(units__path__startswith=root.path).distinct()
        }

    def match(self, name: str) -> Match:
        key = name_key(name, locality=self.locality)
        result = Match(name=name)
        if not key:
            return result
        if key in self.by_key:
            result.units = self.by_key[key][:1]
            return result
        collective = self._collective(key)
        if collective is not None:
            result.units, result.collective = collective, True
            return result
        close = difflib.get_close_matches(key, self.by_key.keys(), n=3, cutoff=0.6)
        result.suggestions = [self.by_key[k][0] for k in close]
        return result

    def _collective(self, key: str) -> list[OrgUnit] | None:
        for pattern, kinds in COLLECTIVES:
            if pattern.search(key):
                return [u for u in self.units if u.kind in kinds]
        bare = re.sub(r"^(?:cac|khoi)\s+", "", key)
        for group_key, group in self.groups.items():
            if bare == group_key or bare.startswith(group_key + " "):
                return list(group.units.filter(path__startswith=self.root.path))
        if AGENCIES.search(key):
            return [u for u in self.units if u.kind == OrgUnit.Kind.AGENCY]
        return None

    def match_all(self, names: Iterable[str]) -> list[Match]:
        return [self.match(n) for n in names]
