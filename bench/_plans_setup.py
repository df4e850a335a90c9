"""What the plan reader's benchmarks share: Django set up for the reader alone (development
settings; no database, no server), and a long plan made of seed 003, as text or as .docx.

Import this module before anything from Django: it sets the environment, then sets Django up.
"""

from __future__ import annotations

import io
import os
import sys

import _common  # bench/ is the script's folder, on sys.path

ROOT = _common.ROOT
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HOCVUSO_DEV", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocvuso.settings")

import django  # noqa: E402

django.setup()

from hocvuso.plans.importer.structure import clean_lines, join_lines  # noqa: E402

SEED = ROOT / "hocvuso/plans/tests/samples/003_ninh_binh_dx_day.txt"


def long_plan(pages: int, *, page: int) -> str:
    """Seed 003 with its content section repeated until the plan has ``pages`` pages of
    ``page`` characters."""
    text = SEED.read_text(encoding="utf-8")
    head, _, tail = text.partition("V. TỔ CHỨC THỰC HIỆN")
    body = head.split("III. NỘI DUNG VÀ HÌNH THỨC TỔ CHỨC")[1]
    copies = max(1, (pages * page - len(text)) // len(body) + 1)
    return head + body * copies + "V. TỔ CHỨC THỰC HIỆN" + tail


def as_docx(text: str) -> bytes:
    """``text`` as a .docx of one Word paragraph per paragraph."""
    import docx

    document = docx.Document()
    for paragraph in join_lines(clean_lines(text)):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
