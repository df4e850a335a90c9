"""The plan reader's speed targets (issue 14, deliver 7), end to end through ``read_plan``.

    .venv/bin/python bench/plan_reader.py --runs 3

(a) A 30-page plan — seed 003's content section repeated to about 67,500 characters (2,250 a
    page) — as .txt and as .docx (one Word paragraph per paragraph, as ``bench/plan_import.py``
    writes it): ``read_plan`` timed ``--runs`` times each, median and max. Target: under 1 s.
    The rendered corpus files (``hocvuso/plans/tests/formats``: real layout, annex tables) are
    timed the same way, for reference.
(b) A ~300 KB .docx whose word/document.xml inflates past the reader's text limit (words
    drawn from the seed's vocabulary, so it compresses as text does, 3 to 4 times: no zip bomb
    by ratio), and the 300 MB zip bomb of the test suite: each checked as the import page
    does (``core.uploads.check_upload``) then read; timed until refused. Target: refused in
    under 2 s, with the reader's Vietnamese message.

No database, no server: the reader alone. Prints a table, then one JSON line last; exits
non-zero if a target is missed.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import time
import zipfile

import _plans_setup as setup
from django.core.files.uploadedfile import SimpleUploadedFile

from hocvuso.core import uploads
from hocvuso.plans.importer import PlanImportError, read_plan
from hocvuso.plans.importer.extract import MAX_TEXT_CHARS

SEED = setup.SEED
FORMATS = setup.ROOT / "hocvuso/plans/tests/formats"
PAGE = 2_250  # characters of a page of a plan (A4, 14 pt)
READ_TARGET_MS = 1000
REFUSE_TARGET_MS = 2000
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _package(document_xml: bytes | None, *, stream_mib: int = 0) -> bytes:
    """Word's own package (python-docx's blank document) with word/document.xml replaced by
    ``document_xml``, or by ``stream_mib`` MiB of one letter in one paragraph (the test
    suite's bomb)."""
    import docx

    blank = io.BytesIO()
    docx.Document().save(blank)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(blank) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for item in source.infolist():
            if item.filename != "word/document.xml":
                package.writestr(item.filename, source.read(item.filename))
        if document_xml is not None:
            package.writestr("word/document.xml", document_xml)
        else:
            with package.open("word/document.xml", "w", force_zip64=True) as part:
                part.write(f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode())
                chunk = b"a" * (1024 * 1024)
                for _ in range(stream_mib):
                    part.write(chunk)
                part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buffer.getvalue()


def past_the_limit(target_kib: int = 300) -> bytes:
    """About ``target_kib`` KiB of .docx whose paragraphs hold far more than MAX_TEXT_CHARS:
    pseudo-random sentences of the seed's words, compressing like real text (3 to 4 times,
    with the blank package's 30 KiB of styles)."""
    words = sorted(set(SEED.read_text(encoding="utf-8").split()))
    rng = random.Random(14)  # noqa: S311 — filler text, not a secret
    paragraphs = []
    size = 0
    while size < (target_kib - 30) * 1024 * 3.2:
        sentence = " ".join(rng.choice(words) for _ in range(40))
        paragraphs.append(f"<w:p><w:r><w:t>{sentence}</w:t></w:r></w:p>")
        size += len(paragraphs[-1].encode())
    xml = f'<w:document xmlns:w="{W}"><w:body>{"".join(paragraphs)}</w:body></w:document>'
    return _package(xml.encode())


_RUN = (
    '<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" '
    'w:cs="Times New Roman"/><w:color w:val="000000"/><w:sz w:val="28"/><w:szCs w:val="28"/>'
    '<w:lang w:val="vi-VN"/></w:rPr><w:t xml:space="preserve">{} </w:t></w:r>'
)


def markup_heavy(xml_mib: int = 19) -> bytes:
    """A .docx as Word writes one run per word with its fonts and sizes: ``xml_mib`` MiB of
    document.xml (under the zip checks' 20 MiB for it, compressing about 65 times, under
    their 200) and still about 300 KiB of file, holding twice the text limit. python-docx
    parses it whole: the slowest file the zip checks let through to the reader."""
    words = sorted(set(SEED.read_text(encoding="utf-8").split()))[:100]
    rng = random.Random(14)  # noqa: S311 — filler text, not a secret
    paragraphs = []
    size = 0
    while size < xml_mib * 2**20:
        runs = "".join(_RUN.format(rng.choice(words)) for _ in range(10))
        paragraphs.append(f'<w:p><w:pPr><w:jc w:val="both"/></w:pPr>{runs}</w:p>')
        size += len(paragraphs[-1].encode())
    xml = f'<w:document xmlns:w="{W}"><w:body>{"".join(paragraphs)}</w:body></w:document>'
    return _package(xml.encode())


def timed_read(data: bytes, name: str, runs: int) -> dict[str, float]:
    read_plan(data, name)  # warm: imports, the grammar's compiled patterns
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        read_plan(data, name)
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def timed_refusal(data: bytes, name: str, runs: int) -> dict[str, object]:
    """As the import page: the upload checked, then read; the time until it is refused."""
    times = []
    message = ""
    for _ in range(runs):
        started = time.perf_counter()
        try:
            upload = SimpleUploadedFile(name, data)
            checked = uploads.check_upload(upload, uploads.PLAN_SOURCE)
            read_plan(upload.read(), checked.original_name)
        except uploads.UploadRefused as exc:
            message = exc.messages[0]
        except PlanImportError as exc:
            message = str(exc)
        else:
            message = ""
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "refused": bool(message),
        "message": message,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text = setup.long_plan(args.pages, page=PAGE)
    docx_data = setup.as_docx(text)
    results: dict[str, object] = {
        "pages": args.pages,
        "characters": len(text),
        "docx_kib": round(len(docx_data) / 1024, 1),
        "runs": args.runs,
    }
    reads = {
        "txt": timed_read(text.encode(), "plan.txt", args.runs),
        "docx": timed_read(docx_data, "plan.docx", args.runs),
    }
    for path in sorted(FORMATS.glob("*.docx")) + sorted(FORMATS.glob("*.pdf")):
        reads[path.name] = timed_read(path.read_bytes(), path.name, args.runs)
    results["read"] = reads
    past = past_the_limit()
    with zipfile.ZipFile(io.BytesIO(past)) as package:
        inflated = package.getinfo("word/document.xml").file_size
    heavy = markup_heavy()
    bomb = _package(None, stream_mib=300)
    results["refuse"] = {
        "markup_heavy": {
            "kib": round(len(heavy) / 1024, 1),
            "document_xml_mib": 19,
            **timed_refusal(heavy, "plan.docx", args.runs),
        },
        "past_text_limit": {
            "kib": round(len(past) / 1024, 1),
            "document_xml_mib": round(inflated / 2**20, 1),
            **timed_refusal(past, "plan.docx", args.runs),
        },
        "bomb_300MiB": {
            "kib": round(len(bomb) / 1024, 1),
            "document_xml_mib": 300,
            **timed_refusal(bomb, "plan.docx", args.runs),
        },
    }
    missed = []
    print(f"(a) a {args.pages}-page plan, {len(text):,} characters; read_plan, {args.runs} runs")
    for name, figures in reads.items():
        mark = ""
        if name in ("txt", "docx") and figures["median_ms"] >= READ_TARGET_MS:
            missed.append(f"read {name}")
            mark = "  MISSED (target < 1 s)"
        median, most = figures["median_ms"], figures["max_ms"]
        print(f"    {name:28} median {median:8.1f} ms  max {most:8.1f}{mark}")
    print(f"(b) refused, checked then read (text limit {MAX_TEXT_CHARS:,} characters)")
    for name, figures in results["refuse"].items():
        mark = ""
        if not figures["refused"] or figures["max_ms"] >= REFUSE_TARGET_MS:
            missed.append(f"refuse {name}")
            mark = "  MISSED (target: refused < 2 s)"
        print(
            f"    {name:16} {figures['kib']:7.1f} KiB → {figures['document_xml_mib']:6.1f} MiB"
            f"  median {figures['median_ms']:7.1f} ms  max {figures['max_ms']:7.1f}{mark}"
        )
        print(f"        “{figures['message']}”")
    results["missed"] = missed
    print(json.dumps(results, ensure_ascii=False))
    raise SystemExit(1 if missed else 0)


if __name__ == "__main__":
    main()
