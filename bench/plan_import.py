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
import statistics
import time
from pathlib import Path

import _plans_setup as setup

from hocvuso.plans.importer import read_plan
from hocvuso.plans.importer.structure import clean_lines, join_lines

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAGE = 2_500  # characters of a page


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
    text = setup.long_plan(args.pages, page=PAGE)
    results = {"pages": args.pages, "characters": len(text)}
    results["txt"] = timed(text.encode(), "plan.txt", args.runs)
    results["docx"] = timed(setup.as_docx(text), "plan.docx", args.runs)
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
