"""The list marks of an administrative document: roman sections, numbered and lettered items,
bullets. One definition for the normalising stage and the outline."""

from __future__ import annotations

import re

ROMAN = re.compile(r"^(X{0,3}(?:IX|IV|V?I{1,3}|V|X))\s*[.:/\-–]\s+(.*)$")
# "1.", "3.1.", "3.1 " and "2)" — but not "1.500 người" or "10/11/2025".
NUMBERED = re.compile(
    r"^(\d{1,2}(?:\.\d{1,2})+(?=[.)]?\s)|\d{1,2}(?=[.)](?!\d)))[.)]?\s*(?=\S|$)(.*)$"
)
LETTERED = re.compile(r"^([a-zđ])\s*(?:\)\s*|\.\s+)(.*)$")
BULLET = re.compile(r"^([-–—+*•·▪●○◦])\s*(.*)$")


def starts_marker(line: str) -> bool:
    return bool(
        ROMAN.match(line) or NUMBERED.match(line) or LETTERED.match(line) or BULLET.match(line)
    )
