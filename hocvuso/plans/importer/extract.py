"""Text out of an uploaded file: .docx, a PDF with a text layer, plain text, markdown or HTML.

Every failure is a `PlanImportError` with a message a commune officer can act on.

Tables, from .docx and HTML, come out in the one line format the corpus's markdown uses
(``tests/samples/*.md``), so the reader parses one format whatever the file: a line ``|``
before every cell, the cell's paragraphs one a line, and a ``|`` line closing each row (two
``|`` lines between rows)::

    |
    STT
    |
    Nội dung
    |
    |
    1
    |
    Rà soát …
    |

A cell with no text holds ``EMPTY_CELL`` (so ``|`` ``|`` always means a new row), and a
blank line ends the table (Word and HTML put a table's next paragraph on the next line).
"""

from __future__ import annotations

import contextlib
import io
import re
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePath

from django.utils.translation import gettext as _

from hocvuso.core import uploads
from hocvuso.plans.importer.normalise import EMPTY_CELL

MAX_BYTES = uploads.PLAN_SOURCE.max_bytes
SUFFIXES = (".docx", ".pdf", ".txt", ".md", ".html", ".htm")
# The reader's text limit: about 160 pages of a plan (2,500 characters a page); the grammar
# reads that in a few seconds. A longer text is no plan, or many documents in one.
MAX_TEXT_CHARS = 400_000
MAX_PDF_PAGES = 200
# pypdf reads a page's drawing instructions at 70–160 KB a second: a 5 KB PDF whose one page
# inflates to 2 MB of them took 30 s. A page of a plan holds 5–60 KB; checked, from the
# inflated streams (pypdf bounds each at 75 MB), before any text is read.
MAX_PDF_PAGE_CONTENT = 256 * 1024
MAX_PDF_CONTENT = 8 * 1024 * 1024
# A PDF whose pages take longer than this to read is refused rather than holding a worker.
PDF_SECONDS = 15.0


class PlanImportError(Exception):
    """The file cannot be read as a plan; the message says why, in the user's language."""


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise PlanImportError(
            _("Tệp lớn hơn %(mb)d MB; hãy tải lên bản nhỏ hơn (chỉ cần phần văn bản).")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if size == 0:
        raise PlanImportError(_("Tệp rỗng: không có nội dung nào để đọc."))


def extract_text(data: bytes, filename: str) -> str:
    """The document's text, lines in reading order. Size is checked before anything else."""
    check_size(len(data))
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".docx":
        text = _docx_text(data)
    elif suffix == ".pdf":
        text = _pdf_text(data)
    elif suffix in (".txt", ".md"):
        # Markdown is kept as written: its marks (``**``, ``|`` lines) are layout the reader's
        # normaliser knows, as in the corpus.
        text = _plain_text(data)
    elif suffix in (".html", ".htm"):
        text = html_text(data)
    elif suffix == ".doc":
        raise PlanImportError(
            _("Tệp .doc (Word 97–2003) chưa đọc được; hãy lưu lại thành .docx hoặc PDF.")
        )
    else:
        raise PlanImportError(_("Chỉ nhận tệp .docx, .pdf, .txt, .md hoặc .html."))
    if len(text) > MAX_TEXT_CHARS:
        raise _too_long()
    text = clean_text(text)
    if not text.strip():
        raise PlanImportError(_("Tệp không có chữ nào để đọc."))
    # Word and PDF tools may write "ế" as "e" plus combining marks; the grammar reads NFC.
    return unicodedata.normalize("NFC", text)


def _too_long() -> PlanImportError:
    return PlanImportError(
        _(
            "Văn bản quá dài để đọc thành một kế hoạch (quá %(n)s ký tự); hãy tải lên riêng "
            "văn bản kế hoạch."
        )
        % {"n": f"{MAX_TEXT_CHARS:,}".replace(",", ".")}
    )


# Control characters other than tab and newline: Word's manual line break (\x0b) and page
# break (\x0c) become newlines; the rest (NUL from a PDF's text layer …) are dropped, since
# PostgreSQL refuses NUL and Word/Excel exports refuse the others.
_BREAKS = re.compile(r"[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` with line-like control characters as newlines and the others removed."""
    return _CONTROLS.sub("", _BREAKS.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n")))


def _docx_text(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    if data[:4] == b"\xd0\xcf\x11\xe0":
        # Word saves a password-protected .docx inside an OLE container.
        raise PlanImportError(_("Tệp Word có mật khẩu; hãy gỡ mật khẩu rồi tải lên lại."))
    if data[:4] != b"PK\x03\x04":
        raise PlanImportError(_("Tệp Word bị hỏng hoặc không phải .docx; không đọc được."))
    # Before python-docx inflates and parses anything: the zip's declared sizes, count and
    # ratio, and one bounded pass over word/document.xml (a bomb is refused in milliseconds,
    # a truncated part with a message). python-docx parses that part whole: it is refused
    # past PLAN_SOURCE.zip_limits.max_main (markup is most of it: 20 MB holds far more than
    # the text limit).
    try:
        xml = uploads.check_zip(
            io.BytesIO(data),
            main_part="word/document.xml",
            limits=uploads.PLAN_SOURCE.zip_limits,
            label="Word (.docx)",
        )
    except uploads.UploadRefused as exc:
        raise PlanImportError(exc.messages[0]) from exc
    # Its text counted before python-docx parses it: a part of 20 MB of markup (one run a
    # word, each with its fonts) holding more than the limit took 2 s to parse and walk.
    if _docx_text_size(xml) > MAX_TEXT_CHARS:
        raise _too_long()
    del xml
    try:
        document = docx.Document(io.BytesIO(data))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        zlib.error,
        etree.XMLSyntaxError,
        KeyError,
        ValueError,
        EOFError,
        OSError,
        AttributeError,
        TypeError,
    ) as exc:
        raise PlanImportError(_("Tệp Word bị hỏng hoặc không phải .docx; không đọc được.")) from exc
    body = getattr(document.element, "body", None)
    if body is None:
        raise PlanImportError(_("Tệp Word bị hỏng hoặc không phải .docx; không đọc được."))
    lines: list[str] = []
    size = 0
    for line in _docx_lines(body):
        lines.append(line)
        size += len(line) + 1
        if size > MAX_TEXT_CHARS:
            raise _too_long()
    return "\n".join(lines)


def _docx_lines(body) -> Iterator[str]:
    """The body's paragraphs and tables in document order; each table in the ``|`` line
    format (the module's docstring). Content controls (``w:sdt``) are read through."""
    ns = body.tag.rsplit("}", 1)[0] + "}"
    for block in body.iterchildren():
        if block.tag == ns + "p":
            yield _paragraph_text(block)
        elif block.tag == ns + "tbl":
            yield from _table_lines(block, ns)
        elif block.tag == ns + "sdt":
            content = block.find(ns + "sdtContent")
            if content is not None:
                yield from _docx_lines(content)


def _table_lines(table, ns: str) -> Iterator[str]:
    for row in _children(table, ns, "tr"):
        cells = 0
        for cell in _children(row, ns, "tc"):
            # A cell merged with the one above (w:vMerge without "restart") holds nothing
            # of its own: the text is read once, in the first row of the merge.
            merge = cell.find(f"{ns}tcPr/{ns}vMerge")
            if merge is not None and merge.get(ns + "val", "continue") != "restart":
                continue
            cells += 1
            yield "|"
            # A table inside a cell is read as the cell's paragraphs, in order.
            texts = [t for p in cell.iter(ns + "p") if (t := _paragraph_text(p)).strip()]
            yield from texts or [EMPTY_CELL]
        if cells:
            yield "|"
    yield ""


def _children(element, ns: str, name: str) -> Iterator[object]:
    """``element``'s ``w:<name>`` children, also those wrapped in content controls or
    custom XML (which Word writes around rows and cells)."""
    for child in element.iterchildren():
        if child.tag == ns + name:
            yield child
        elif child.tag in (ns + "sdt", ns + "customXml"):
            inner = child.find(ns + "sdtContent") if child.tag == ns + "sdt" else child
            if inner is not None:
                yield from _children(inner, ns, name)


# The text of Word's runs, as Word writes it (prefix "w"): what python-docx would read, at C
# speed. Another prefix finds nothing here and is bounded while reading, as before.
_DOCX_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")


def _docx_text_size(xml: bytes) -> int:
    """How many characters the runs of ``xml`` hold (character references counted as one)."""
    size = 0
    for match in _DOCX_TEXT.finditer(xml):
        text = match[1]
        size += len(text.decode("utf-8", "replace"))
        if b"&" in text:
            size -= sum(len(ref) - 1 for ref in re.findall(rb"&#?\w+;", text))
        if size > MAX_TEXT_CHARS:
            break
    return size


def _paragraph_text(element) -> str:
    ns = element.tag.rsplit("}", 1)[0] + "}"
    text, tab = ns + "t", ns + "tab"
    parts = []
    # Only the elements that hold text (lxml skips the rest, run properties and all, in C).
    for node in element.iter(text, tab, ns + "br", ns + "cr"):
        if node.tag == text:
            if node.text:
                parts.append(node.text)
        elif node.tag == tab:
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _pdf_limits() -> contextlib.AbstractContextManager[object]:
    """pypdf's own bounds on inflating a stream, lowered to what a page of text could need
    (pypdf 7's Configuration; older versions keep their 75 MB)."""
    import pypdf

    apply = getattr(pypdf, "apply_configuration", None)
    if apply is None:
        return contextlib.nullcontext()
    # Fonts' streams are read too while extracting: bound by the whole document's allowance.
    bound = MAX_PDF_CONTENT
    return apply(
        zlib_maximum_output_length=bound,
        lzw_maximum_output_length=bound,
        run_length_maximum_output_length=bound,
        array_based_stream_maximum_output_length=bound,
    )


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PyPdfError

    try:
        with _pdf_limits():
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except (DependencyError, NotImplementedError):
                    opened = 0
                if not opened:
                    raise PlanImportError(
                        _("Tệp PDF có mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.")
                    )
            pages = _pdf_pages(reader)
    except PlanImportError:
        raise
    except FileNotDecryptedError as exc:
        raise PlanImportError(_("Tệp PDF có mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.")) from exc
    except LimitReachedError as exc:  # a stream inflating past the bound
        raise _too_much_drawing() from exc
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        zlib.error,
    ) as exc:
        raise PlanImportError(_("Tệp PDF bị hỏng; không đọc được.")) from exc
    if pages and not any(p.strip() for p in pages):
        raise PlanImportError(
            _(
                "Tệp PDF là bản quét (ảnh), không có lớp chữ. Hãy tải lên bản .docx hoặc "
                "PDF xuất từ Word."
            )
        )
    return "\n".join(pages)


def _pdf_pages(reader: object) -> list[str]:
    """Each page's text, refused past MAX_PDF_PAGES pages, MAX_TEXT_CHARS characters or
    PDF_SECONDS of reading."""
    count = len(reader.pages)
    if count > MAX_PDF_PAGES:
        raise PlanImportError(
            _("Tệp PDF có %(n)d trang, quá %(max)d trang; hãy tải lên riêng văn bản kế hoạch.")
            % {"n": count, "max": MAX_PDF_PAGES}
        )
    _check_pdf_content(reader.pages)
    started = time.monotonic()
    pages: list[str] = []
    size = 0
    for page in reader.pages:
        pages.append(page.extract_text() or "")
        size += len(pages[-1])
        if size > MAX_TEXT_CHARS:
            raise _too_long()
        if time.monotonic() - started > PDF_SECONDS:
            raise PlanImportError(
                _("Tệp PDF quá phức tạp, đọc quá lâu; hãy xuất lại PDF từ Word hoặc tải .docx.")
            )
    return pages


def _check_pdf_content(pages: object) -> None:
    """Refuse pages whose drawing instructions (their content and the forms they draw) would
    take pypdf too long to read."""
    total = 0
    for page in pages:
        size = _stream_size(page.get_contents())
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        for ref in (xobjects.get_object() if xobjects else {}).values():
            form = ref.get_object()
            if form.get("/Subtype") == "/Form":
                size += _stream_size(form)
        total += size
        if size > MAX_PDF_PAGE_CONTENT or total > MAX_PDF_CONTENT:
            raise _too_much_drawing()


def _too_much_drawing() -> PlanImportError:
    return PlanImportError(
        _(
            "Tệp PDF có trang chứa quá nhiều nội dung vẽ (bất thường với một văn bản); "
            "hãy xuất lại PDF từ Word hoặc tải lên bản .docx."
        )
    )


def _stream_size(stream: object) -> int:
    return len(stream.get_data()) if stream is not None else 0


def _plain_text(data: bytes) -> str:
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" not in text:
        return text
    raise PlanImportError(_("Tệp văn bản không ở mã UTF-8; hãy lưu lại với mã UTF-8."))


def html_text(data: bytes) -> str:
    """An HTML page's text (``markup.html_lines``), decoded from UTF-8, a UTF-16 BOM or the
    charset its ``<meta>`` declares (Word's "web page" may be windows-1258)."""
    from hocvuso.plans.importer import markup

    text = uploads.decode_html(data)
    if text is None:
        raise PlanImportError(_("Tệp HTML không đọc được mã chữ; hãy lưu lại với mã UTF-8."))
    try:
        return "\n".join(markup.html_lines(text, max_chars=MAX_TEXT_CHARS))
    except markup.TooLong as exc:
        raise _too_long() from exc
    except markup.Broken as exc:
        raise PlanImportError(
            _(
                "Tệp HTML có đoạn mã hỏng, không đọc được; hãy lưu văn bản thành .docx hoặc "
                "PDF rồi tải lên."
            )
        ) from exc
    except markup.TooComplex as exc:
        raise PlanImportError(
            _(
                "Tệp HTML quá phức tạp (quá nhiều thẻ, hoặc đọc quá lâu) để là một văn bản; "
                "hãy lưu văn bản thành .docx hoặc PDF rồi tải lên."
            )
        ) from exc


def pasted_text(text: str) -> str:
    """Text pasted on the import page, as a file's text would be: bounded by the reader's
    limit, control characters dropped, NFC."""
    if len(text) > MAX_TEXT_CHARS:
        raise _too_long()
    text = unicodedata.normalize("NFC", clean_text(text))
    if not text.strip():
        raise PlanImportError(_("Chưa có nội dung: hãy chọn tệp hoặc dán văn bản kế hoạch."))
    return text
