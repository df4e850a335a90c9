"""Score drafts against hand-written gold files: precision, recall and F1 per field.

Each draft and gold file becomes a multiset of facts (see docs/plan-import.md, "The score").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Old-style tone placement (hoà, uỷ) and new style (hòa, ủy) are the same word.
_TONE_PLACEMENT = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")

# (field, key of each item or None for scalars and lists of strings, sub-fields)
LIST_FIELDS: dict[str, tuple[Callable[[dict[str, Any]], Any], tuple[str, ...]]] = {
    "legal_bases": (lambda i: i.get("number"), ("kind", "date", "issuer")),
    "activities": (
        lambda i: i.get("number"),
        ("text", "window_text", "starts_on", "ends_on", "lead", "partners"),
    ),
    "tasks": (lambda i: (i.get("unit"), i.get("text")), ("deadline",)),
    "event.bridge_points": (lambda i: i.get("name"), ("attendees",)),
    "event.quotas": (lambda i: i.get("group"), ("count", "sub")),
    "event.program": (lambda i: i.get("title"), ("cap_minutes",)),
    "event.side_activities": (lambda i: i.get("title"), ()),
}
SCALARS = (
    "kind", "issuer", "number", "place", "issued_on", "doc_type", "title", "budget_source",
    "signer_title", "signer_name", "period.text", "period.start", "period.end",
    "event.starts_at", "event.venue", "event.mode", "event.quota_total",
    "event.program_start", "event.program_end",
)  # fmt: skip
STRING_LISTS = ("addressees", "purposes", "requirements", "recipients", "event.invitees")


def canon(value: Any) -> Any:
    """The form two values are compared in: case, white space and tone placement folded."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).casefold()
        for old, new in _TONE_PLACEMENT.items():
            text = text.replace(old, new)
        text = re.sub(r"\s+", " ", text).strip().rstrip(" ;:,.")
        return text
    if isinstance(value, tuple):
        return tuple(canon(v) for v in value)
    if isinstance(value, list):
        return tuple(sorted((canon(v) for v in value), key=repr))
    if isinstance(value, dict):
        return tuple(sorted((k, canon(v)) for k, v in value.items()))
    return value


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def facts(data: dict[str, Any]) -> dict[str, Counter]:
    """Field name → multiset of facts."""
    out: dict[str, Counter] = {}
    for path in SCALARS:
        value = _get(data, path)
        out[path] = Counter() if _empty(value) else Counter([canon(value)])
    for path in STRING_LISTS:
        out[path] = Counter(canon(v) for v in (_get(data, path) or []) if not _empty(v))
    for path, (key_of, subfields) in LIST_FIELDS.items():
        out[path] = Counter()
        for sub in subfields:
            out[f"{path}.{sub}"] = Counter()
        for item in _get(data, path) or []:
            key = canon(key_of(item))
            out[path][key] += 1
            for sub in subfields:
                value = item.get(sub)
                if not _empty(value):
                    out[f"{path}.{sub}"][(key, canon(value))] += 1
    return out


@dataclass
class Score:
    shared: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.shared / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.shared / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: Counter, gold: Counter) -> None:
        self.shared += sum((predicted & gold).values())
        self.predicted += sum(predicted.values())
        self.gold += sum(gold.values())


@dataclass
class Report:
    documents: list[str] = field(default_factory=list)
    fields: dict[str, Score] = field(default_factory=dict)
    per_document: dict[str, Score] = field(default_factory=dict)
    misses: list[tuple[str, str, str, Any]] = field(default_factory=list)

    @property
    def overall(self) -> Score:
        total = Score()
        for score in self.fields.values():
            total.shared += score.shared
            total.predicted += score.predicted
            total.gold += score.gold
        return total

    def lines(self) -> Iterable[str]:
        yield f"{'field':32} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}"
        for name, score in self.fields.items():
            if score.gold or score.predicted:
                yield (
                    f"{name:32} {score.precision:6.2f} {score.recall:6.2f} "
                    f"{score.f1:6.2f} {score.gold:5d}"
                )
        for name, score in self.per_document.items():
            yield f"document {name}: F1 {score.f1:.2f}"
        yield f"overall F1 {self.overall.f1:.2f}"


def gold_pairs(directory: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for gold in sorted(directory.glob("*.gold.json")):
        stem = gold.name.removesuffix(".gold.json")
        for suffix in SUFFIXES:
            document = gold.with_name(stem + suffix)
            if document.exists():
                pairs.append((document, gold))
                break
    return pairs


def evaluate(
    directory: Path,
    read: Callable[[Path], dict[str, Any]],
    *,
    only: Callable[[Path], bool] | None = None,
) -> Report:
    """``only``: score just the documents it accepts (the seeds, the corpus)."""
    report = Report()
    for document, gold_path in gold_pairs(directory):
        if only is not None and not only(document):
            continue
        gold = facts(json.loads(gold_path.read_text(encoding="utf-8")))
        predicted = facts(read(document))
        report.documents.append(document.name)
        doc_score = Score()
        for name in gold:
            report.fields.setdefault(name, Score()).add(predicted[name], gold[name])
            doc_score.add(predicted[name], gold[name])
            for fact in (gold[name] - predicted[name]).elements():
                report.misses.append((document.name, name, "missing", fact))
            for fact in (predicted[name] - gold[name]).elements():
                report.misses.append((document.name, name, "extra", fact))
        report.per_document[document.name] = doc_score
    return report
