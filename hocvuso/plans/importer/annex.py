"""Task tables: "DANH MỤC NHIỆM VỤ" annexes and tables inside the text.

Columns are found by their headings (STT · nội dung/nhiệm vụ · chủ trì · phối hợp · thời gian
· sản phẩm …), in whatever order and number. A row whose first cell is a roman numeral or a
letter and which has no unit is a group heading; its label prefixes the rows below it. A row
without the number cell continues the numbered row above (its number cell was merged).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from hocvuso.core.tables import fold
from hocvuso.plans.importer import dates
from hocvuso.plans.importer.normalise import TableLine

COLUMNS = {
    "number": ("stt", "tt", "so tt"),
    "text": ("noi dung", "nhiem vu", "ten nhiem vu", "cong viec", "hoat dong", "ten"),
    "lead": (
        "chu tri",
        "co quan chu tri",
        "don vi chu tri",
        "co quan thuc hien",
        "don vi thuc hien",
        "trach nhiem",
    ),
    "partners": ("phoi hop", "co quan phoi hop", "don vi phoi hop"),
    "time": ("thoi gian", "thoi han", "tien do"),
}
ROMAN_OR_LETTER = re.compile(r"^(?:[IVXLC]{1,6}|[A-ZĐ])\.?$")
NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")


def _column(heading: str) -> str | None:
    folded = fold(heading).strip(" .:")
    for key, words in COLUMNS.items():
        if key == "number" and folded in words:
            return key
        if key != "number" and any(folded.startswith(w) or f" {w}" in f" {folded}" for w in words):
            if key == "text" and ("chu tri" in folded or "phoi hop" in folded):
                continue
            return key
    return None


def header_columns(row: list[list[str]]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = _column(" ".join(cell))
        if key and key not in columns:
            columns[key] = index
    if "text" in columns and "lead" in columns:
        return columns
    return None


def tables_tasks(tables: list[TableLine], clean: Callable[[str], str]) -> Iterator[dict[str, Any]]:
    """Tasks of every task table; a table without a heading row goes on from the one before
    (a table cut by a page, or by a row the copy lost)."""
    rows: list[list[list[str]]] = []
    for table in tables:
        if rows and header_columns(table.paragraphs()[0]) is None and header_columns(rows[0]):
            rows += table.paragraphs()
        else:
            if rows:
                yield from _rows_tasks(rows, clean)
            rows = list(table.paragraphs())
    if rows:
        yield from _rows_tasks(rows, clean)


def table_tasks(table: TableLine, clean: Callable[[str], str]) -> list[dict[str, Any]]:
    return list(_rows_tasks(table.paragraphs(), clean))


def _rows_tasks(
    rows: list[list[list[str]]], clean: Callable[[str], str]
) -> Iterator[dict[str, Any]]:
    columns: dict[str, int] | None = None
    width = 0
    group = ""
    last_number = ""
    for row in rows:
        if columns is None:
            columns = header_columns(row)
            width = len(row)
            continue
        cells = [" ".join(c) for c in row]
        first = cells[0].strip() if cells else ""
        if len(cells) <= 2 and ROMAN_OR_LETTER.match(first):
            group = first.rstrip(".")
            last_number = ""
            continue
        if header_columns(row):
            continue  # the heading row repeated on a new page
        offset = 0
        if NUMBER.match(first):
            last_number = first.rstrip(".")
        elif len(row) < width and columns.get("number") == 0:
            offset = -1  # the number cell is merged with the row above
        else:
            continue

        unit = clean(" ".join(_cell(row, columns, "lead", offset)))
        texts = [clean(t) for t in _cell(row, columns, "text", offset) if clean(t)]
        if not unit or not texts:
            continue
        time_text = " ".join(_cell(row, columns, "time", offset))
        deadline = _deadline(time_text)
        label = f"{group}.{last_number}" if group else last_number
        for text in _split_bullets(texts):
            yield {"section": label, "unit": unit, "text": text, "deadline": deadline}


def _cell(row: list[list[str]], columns: dict[str, int], key: str, offset: int) -> list[str]:
    index = columns.get(key)
    if index is None:
        return []
    index += offset
    return row[index] if 0 <= index < len(row) else []


def _split_bullets(texts: list[str]) -> list[str]:
    out = []
    for text in texts:
        out.append(re.sub(r"^[-+•–]\s*", "", text))
    return [t for t in out if t]


def _deadline(text: str) -> str | None:
    if not text.strip():
        return None
    moment = dates.find_deadline_moment(text)
    if moment:
        return moment
    window = dates.parse_window(text)
    if window is None or window.end is None:
        return None
    return window.end.isoformat()
