"""Text out of an uploaded file: .docx, a PDF with a text layer, or plain text.

Every failure is a `PlanImportError` with a message a commune officer can act on.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import PurePath

from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".docx", ".pdf", ".txt")


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
    elif suffix == ".txt":
        text = _plain_text(data)
    elif suffix == ".doc":
        raise PlanImportError(
            _("Tệp .doc (Word 97–2003) chưa đọc được; hãy lưu lại thành .docx hoặc PDF.")
        )
    else:
        raise PlanImportError(_("Chỉ nhận tệp .docx, .pdf hoặc .txt."))
    if not text.strip():
        raise PlanImportError(_("Tệp không có chữ nào để đọc."))
    # Word and PDF tools may write "ế" as "e" plus combining marks; the grammar reads NFC.
    return unicodedata.normalize("NFC", text)


def _docx_text(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data[:4] == b"\xd0\xcf\x11\xe0":
        # Word saves a password-protected .docx inside an OLE container.
        raise PlanImportError(_("Tệp Word có mật khẩu; hãy gỡ mật khẩu rồi tải lên lại."))
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanImportError(_("Tệp Word bị hỏng hoặc không phải .docx; không đọc được.")) from exc
    lines: list[str] = []
    body = document.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_paragraph_text(block))
        elif tag == "tbl":
            for row in block.iter(block.tag.replace("tbl", "tr")):
                for cell in row.iter(block.tag.replace("tbl", "tc")):
                    for p in cell.iter(block.tag.replace("tbl", "p")):
                        lines.append(_paragraph_text(p))
    return "\n".join(lines)


def _paragraph_text(element) -> str:
    ns = element.tag.rsplit("}", 1)[0] + "}"
    parts = []
    for node in element.iter():
        if node.tag == ns + "t" and node.text:
            parts.append(node.text)
        elif node.tag in (ns + "tab",):
            parts.append(" ")
        elif node.tag in (ns + "br", ns + "cr"):
            parts.append("\n")
    return "".join(parts)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError):
                opened = 0
            if not opened:
                raise PlanImportError(_("Tệp PDF có mật khẩu; hãy gỡ mật khẩu rồi tải lên lại."))
        pages = [page.extract_text() or "" for page in reader.pages]
    except PlanImportError:
        raise
    except FileNotDecryptedError as exc:
        raise PlanImportError(_("Tệp PDF có mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.")) from exc
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise PlanImportError(_("Tệp PDF bị hỏng; không đọc được.")) from exc
    if pages and not any(p.strip() for p in pages):
        raise PlanImportError(
            _(
                "Tệp PDF là bản quét (ảnh), không có lớp chữ. Hãy tải lên bản .docx hoặc "
                "PDF xuất từ Word."
            )
        )
    return "\n".join(pages)


def _plain_text(data: bytes) -> str:
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" not in text:
        return text
    raise PlanImportError(_("Tệp văn bản không ở mã UTF-8; hãy lưu lại với mã UTF-8."))
