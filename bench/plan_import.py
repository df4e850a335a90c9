"""How long the plan reader takes on a long plan, from text, from .docx and from PDF.

    .venv/bin/python bench/plan_import.py --pages 30 --runs 20

Builds a plan of about N pages (2,500 characters a page) from seed 003's content section,
writes it as .txt, .docx and PDF, and times `read_plan` on each. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HOCVUSO_DEV", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocvuso.settings")

import django  # noqa: E402

django.setup()

from hocvuso.plans.importer import read_plan  # noqa: E402
from hocvuso.plans.importer.structure import clean_lines, join_lines  # noqa: E402

SEED = ROOT / "hocvuso/plans/tests/samples/003_ninh_binh_dx_day.txt"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def long_plan(pages: int) -> str:
    text = SEED.read_text(encoding="utf-8")
    head, _, tail = text.partition("V. TỔ CHỨC THỰC HIỆN")
    body = head.split("III. NỘI DUNG VÀ HÌNH THỨC TỔ CHỨC")[1]
    copies = max(1, (pages * 2500 - len(text)) // len(body) + 1)
    return head + body * copies + "V. TỔ CHỨC THỰC HIỆN" + tail


def as_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in join_lines(clean_lines(text)):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def as_pdf(text: str) -> bytes:
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    for paragraph in join_lines(clean_lines(text)):
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def timed(data: bytes, name: str, runs: int) -> dict[str, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        read_plan(data, name)
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    text = long_plan(args.pages)
    results = {"pages": args.pages, "characters": len(text)}
    results["txt"] = timed(text.encode(), "plan.txt", args.runs)
    results["docx"] = timed(as_docx(text), "plan.docx", args.runs)
    if Path(FONT).exists():
        pdf = as_pdf(text)
        from pypdf import PdfReader

        results["pdf_pages"] = len(PdfReader(io.BytesIO(pdf)).pages)
        results["pdf"] = timed(pdf, "plan.pdf", max(1, args.runs // 4))
    for kind in ("txt", "docx", "pdf"):
        if kind in results:
            figures = results[kind]
            print(f"{kind:5} median {figures['median_ms']} ms, max {figures['max_ms']} ms")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
