"""Uploaded files: one piece for every app (STYLE rule 23).

A file a person uploads is

1. **checked by its content**, not its name: the size first (before anything is read), then
   magic bytes, and for Office documents the zip structure (the package's parts present, its
   members' declared sizes, count and compression ratio bounded, the main part readable), so
   random bytes or a program renamed ``.pdf`` are refused and a zip bomb is refused in
   milliseconds. The extension must agree with the content.
2. **stored under a random name** in its kind's folder (``evidence/2026/12/<random>.pdf``),
   never under the name it came with; the original name, cleaned, is kept in a model field.
3. **served only through a view** that first finds the object through the app's scoped
   selectors (404 outside the user's units) and then calls :func:`serve_upload`: always an
   attachment with the original name (RFC 5987 for Vietnamese, done by Django's
   ``FileResponse``), ``nosniff``, never cached by a shared proxy. Nothing serves
   ``MEDIA_ROOT`` directly, in development or in production.

    checked = check_upload(upload, EVIDENCE)      # raises UploadRefused (a ValidationError)
    evidence.file.save(checked.storage_name, checked.file, save=False)
    ...
    return serve_upload(request, evidence.file, evidence.original_name)

Tables (CSV, Excel imports) are read by ``core.tables``; this module stores and serves files.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.core.files import File
    from django.db import models
    from django.db.models.fields.files import FieldFile
    from django.http import HttpRequest

    from hocvuso.orgunits.models import OrgUnit

MB = 1024 * 1024


class UploadRefused(ValidationError):
    """The file is not accepted; the message says why, in the user's language."""


# --- What a file's content must look like -------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on an Office document's zip, read from its central directory before any member
    is inflated. A real .docx/.xlsx of 20 MB has a few hundred members, unpacks to a few times
    its size, and its XML compresses 5 to 30 times; a bomb is thousands of times."""

    max_members: int = 2000
    max_unpacked: int = 200 * MB
    max_ratio: int = 200
    # Small members (a few KB of repeated styles) may compress far better; they cannot blow up.
    ratio_from: int = 1 * MB
    # The main part (word/document.xml …) is read through once, bounded, to prove it inflates.
    max_main: int = 50 * MB


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extensions: tuple[str, ...]  # the first one is the stored name's
    content_type: str
    check: Callable[[IO[bytes], FileType, ZipLimits], None]
    main_part: str = ""  # for zip packages: the part the format cannot do without
    mimetype: str = ""  # for OpenDocument: the ``mimetype`` member's content


def _head(fh: IO[bytes], n: int) -> bytes:
    fh.seek(0)
    head = fh.read(n)
    fh.seek(0)
    return head


def _not_this_type(label: str) -> UploadRefused:
    return UploadRefused(
        _("Nội dung tệp không phải %(type)s như đuôi tệp cho biết; hãy chọn đúng tệp.")
        % {"type": label}
    )


def _magic(*signatures: tuple[int, bytes]) -> Callable[[IO[bytes], FileType, ZipLimits], None]:
    def check(fh: IO[bytes], file_type: FileType, limits: ZipLimits) -> None:
        head = _head(fh, 16)
        if not any(head[at : at + len(sig)] == sig for at, sig in signatures):
            raise _not_this_type(file_type.label)

    return check


def _pdf(fh: IO[bytes], file_type: FileType, limits: ZipLimits) -> None:
    # The PDF standard lets a header start within the first 1,024 bytes.
    if b"%PDF-" not in _head(fh, 1024):
        raise _not_this_type(file_type.label)


def _webp(fh: IO[bytes], file_type: FileType, limits: ZipLimits) -> None:
    head = _head(fh, 12)
    if not (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        raise _not_this_type(file_type.label)


def _text(fh: IO[bytes], file_type: FileType, limits: ZipLimits) -> None:
    fh.seek(0)
    data = fh.read()
    fh.seek(0)
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise UploadRefused(
            _("Tệp không phải văn bản thuần mã UTF-8 (có ký tự lạ); hãy lưu lại với mã UTF-8.")
        )


def _html(fh: IO[bytes], file_type: FileType, limits: ZipLimits) -> None:
    fh.seek(0)
    text = decode_html(fh.read())
    fh.seek(0)
    if text is None:
        raise UploadRefused(
            _("Tệp HTML không đọc được mã chữ (không phải UTF-8); hãy lưu lại với mã UTF-8.")
        )
    if not _HTML_TAG.search(text[:65536]):
        raise _not_this_type(file_type.label)


_HTML_TAG = re.compile(r"<(?:!doctype|html|head|body|p|div|table|h[1-6]|br|span)\b", re.I)
_CHARSET = re.compile(rb"""<meta[^>]{0,500}?charset\s*=\s*["']?([A-Za-z0-9_-]{1,40})""", re.I)


# NUL, and half of a UTF-16 pair (utf-7 and the escape codecs give one): no database stores it.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def decode_html(data: bytes) -> str | None:
    """An HTML page's text: UTF-16 by its BOM, UTF-8, or else the charset its ``<meta>``
    declares in the first 4 KB (Word saves web pages in windows-1258); None if none fits or
    the text holds NUL or a lone surrogate."""
    encodings = ["utf-16"] if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ["utf-8-sig"]
    declared = _CHARSET.search(data[:4096])
    if declared and encodings == ["utf-8-sig"]:
        encodings.append(declared[1].decode("ascii"))
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        # UnicodeError, not only UnicodeDecodeError: the codec "undefined" refuses everything.
        except (UnicodeError, LookupError):
            continue
        return None if _UNSTORABLE.search(text) else text
    return None


def _zip_package(fh: IO[bytes], file_type: FileType, limits: ZipLimits) -> None:
    if _head(fh, 4) != b"PK\x03\x04":
        raise _not_this_type(file_type.label)
    check_zip(fh, main_part=file_type.main_part, limits=limits, label=file_type.label)
    if file_type.mimetype:
        with zipfile.ZipFile(fh) as package:
            if read_member(package, "mimetype", limit=200).strip() != file_type.mimetype.encode():
                raise _not_this_type(file_type.label)
    fh.seek(0)


def check_zip(fh: IO[bytes], *, main_part: str, limits: ZipLimits, label: str) -> bytes:
    """Refuse a zip that is not a whole ``label`` package or would inflate out of bounds;
    return its main part, inflated (a reader of the package need not inflate it again).

    Reads the central directory (declared sizes: ``zipfile`` never inflates a member past what
    it declares, so they bound memory), then inflates the main part once through a bounded
    stream, which also proves it is not truncated (zlib error, CRC mismatch). Office packages
    (.docx, .xlsx, .pptx) must have ``[Content_Types].xml``; OpenDocument ones a ``mimetype``.
    """
    broken = UploadRefused(
        _("Tệp %(type)s bị hỏng hoặc không đầy đủ; hãy mở và lưu lại rồi tải lên.")
        % {"type": label}
    )
    try:
        package = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise broken from exc
    with package:
        members = package.infolist()
        if len(members) > limits.max_members:
            raise UploadRefused(
                _("Tệp %(type)s có quá nhiều phần bên trong (%(n)d); không nhận.")
                % {"type": label, "n": len(members)}
            )
        unpacked = sum(member.file_size for member in members)
        if unpacked > limits.max_unpacked or any(
            member.file_size > limits.ratio_from
            and member.file_size > limits.max_ratio * max(member.compress_size, 1)
            for member in members
        ):
            raise UploadRefused(
                _(
                    "Tệp %(type)s khi giải nén lớn bất thường (quá %(mb)d MB hoặc nén quá "
                    "mức); không nhận. Hãy lưu lại tệp bằng Word/Excel rồi tải lên."
                )
                % {"type": label, "mb": limits.max_unpacked // MB}
            )
        names = {member.filename for member in members}
        if main_part not in names or (
            "mimetype" not in names and "[Content_Types].xml" not in names
        ):
            raise _not_this_type(label)
        main = read_member(package, main_part, limit=limits.max_main, label=label)
    fh.seek(0)
    return main


def read_member(package: zipfile.ZipFile, name: str, *, limit: int, label: str = "zip") -> bytes:
    """A member's bytes, inflated in chunks and refused as soon as they pass ``limit``;
    a truncated or corrupt member is refused with a message, not an exception."""
    chunks: list[bytes] = []
    total = 0
    try:
        with package.open(name) as stream:
            while chunk := stream.read(MB):
                total += len(chunk)
                if total > limit:
                    raise UploadRefused(
                        _(
                            "Phần nội dung của tệp %(type)s quá lớn khi giải nén (quá %(mb)d "
                            "MB); không nhận."
                        )
                        % {"type": label, "mb": max(limit // MB, 1)}
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, ValueError) as exc:
        raise UploadRefused(
            _("Tệp %(type)s bị hỏng hoặc không đầy đủ; hãy mở và lưu lại rồi tải lên.")
            % {"type": label}
        ) from exc
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise UploadRefused(
            _("Tệp %(type)s được nén theo cách không đọc được; hãy lưu lại rồi tải lên.")
            % {"type": label}
        ) from exc
    return b"".join(chunks)


_OOXML = "[Content_Types].xml"
FILE_TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("pdf", "PDF", (".pdf",), "application/pdf", _pdf),
        FileType("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg", _magic((0, b"\xff\xd8\xff"))),
        FileType("png", "PNG", (".png",), "image/png", _magic((0, b"\x89PNG\r\n\x1a\n"))),
        FileType("webp", "WebP", (".webp",), "image/webp", _webp),
        FileType("mp4", "MP4", (".mp4",), "video/mp4", _magic((4, b"ftyp"))),
        FileType(
            "docx",
            "Word (.docx)",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _zip_package,
            main_part="word/document.xml",
        ),
        FileType(
            "xlsx",
            "Excel (.xlsx)",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _zip_package,
            main_part="xl/workbook.xml",
        ),
        FileType(
            "pptx",
            "PowerPoint (.pptx)",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            _zip_package,
            main_part="ppt/presentation.xml",
        ),
        FileType(
            "odt",
            "OpenDocument (.odt)",
            (".odt",),
            "application/vnd.oasis.opendocument.text",
            _zip_package,
            main_part="content.xml",
            mimetype="application/vnd.oasis.opendocument.text",
        ),
        FileType(
            "txt", gettext_lazy("văn bản (.txt)"), (".txt",), "text/plain; charset=utf-8", _text
        ),
        FileType(
            "md",
            gettext_lazy("văn bản Markdown (.md)"),
            (".md",),
            "text/markdown; charset=utf-8",
            _text,
        ),
        # A page someone uploaded is downloaded as bytes, never served as a page of this site.
        FileType(
            "html",
            gettext_lazy("trang HTML (.html)"),
            (".html", ".htm"),
            "application/octet-stream",
            _html,
        ),
    )
}
_BY_EXTENSION = {ext: t for t in FILE_TYPES.values() for ext in t.extensions}
# Office's binary formats before 2007: named, so the person is told how to save them.
_LEGACY = {
    ".doc": ("docx", "Word 97–2003 (.doc)"),
    ".xls": ("xlsx", "Excel 97–2003 (.xls)"),
    ".ppt": ("pptx", "PowerPoint 97–2003 (.ppt)"),
}


# --- What each kind of upload accepts, and where it is stored -----------------------------


@dataclass(frozen=True)
class UploadKind:
    """One kind of uploaded file: its size cap (checked before reading), the types it takes,
    its folder under MEDIA_ROOT (``strftime`` codes allowed) and what the user is told."""

    key: str
    folder: str
    max_bytes: int
    types: tuple[str, ...]
    accepted: str  # the types, as the user is told
    zip_limits: ZipLimits = ZipLimits()

    def file_type_for(self, extension: str) -> FileType | None:
        file_type = _BY_EXTENSION.get(extension.lower())
        return file_type if file_type is not None and file_type.key in self.types else None


EVIDENCE = UploadKind(
    key="evidence",
    folder="evidence/%Y/%m",
    max_bytes=10 * MB,
    types=("pdf", "jpeg", "png", "webp", "docx", "xlsx", "mp4"),
    accepted=gettext_lazy("PDF, ảnh (JPEG, PNG, WebP), Word (.docx), Excel (.xlsx), MP4"),
)
PLAN_SOURCE = UploadKind(
    key="plan_source",
    folder="plans/source",
    max_bytes=20 * MB,
    types=("docx", "pdf", "txt", "md", "html"),
    accepted=gettext_lazy("Word (.docx), PDF, văn bản (.txt, .md), trang HTML (.html)"),
    # The plan reader parses word/document.xml whole: see plans.importer.extract.
    zip_limits=ZipLimits(max_unpacked=100 * MB, max_main=20 * MB),
)
# A banner's or an LED screen's photo, a post's screenshot: taken on a phone, shown in a
# gallery. Phones save 3–6 MB photos; 8 MB leaves room and refuses a video sent by mistake.
PHOTO = UploadKind(
    key="photo",
    folder="photos/%Y/%m",
    max_bytes=8 * MB,
    types=("jpeg", "png", "webp"),
    accepted=gettext_lazy("ảnh JPEG, PNG hoặc WebP"),
)
LIMITS: dict[str, UploadKind] = {kind.key: kind for kind in (EVIDENCE, PLAN_SOURCE, PHOTO)}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload whose content was checked against its kind: safe to store."""

    file: File
    original_name: str
    size: int
    file_type: FileType
    kind: UploadKind

    @property
    def content_type(self) -> str:
        return self.file_type.content_type

    @property
    def storage_name(self) -> str:
        """What to pass to ``FieldFile.save``: the type's extension only (the field's
        :class:`UploadPath` makes the random name)."""
        return "upload" + self.file_type.extensions[0]


def check_upload(upload: File, kind: UploadKind | str, *, name: str | None = None) -> CheckedUpload:
    """Check ``upload`` against ``kind`` (size, type by content, extension agreeing) or raise
    :class:`UploadRefused` naming the file. Reads at most the zip's central directory and one
    bounded pass over its main part; the file is left at position 0."""
    kind = LIMITS[kind] if isinstance(kind, str) else kind
    original = clean_filename(name if name is not None else (upload.name or ""))
    size = upload.size or 0
    if size > kind.max_bytes:
        raise UploadRefused(
            _("Tệp “%(name)s” lớn quá %(mb)d MB.") % {"name": original, "mb": kind.max_bytes // MB}
        )
    if size == 0:
        raise UploadRefused(_("Tệp “%(name)s” rỗng.") % {"name": original})
    extension = PurePath(original).suffix.lower()
    file_type = kind.file_type_for(extension)
    if file_type is None and extension in _LEGACY and _LEGACY[extension][0] in kind.types:
        raise UploadRefused(
            _("Tệp “%(name)s” là %(old)s, chưa đọc được; hãy lưu lại thành %(new)s rồi tải lên.")
            % {"name": original, "old": _LEGACY[extension][1], "new": "." + _LEGACY[extension][0]}
        )
    if file_type is None:
        raise UploadRefused(
            _("Tệp “%(name)s” không được nhận: chỉ nhận %(types)s.")
            % {"name": original, "types": kind.accepted}
        )
    try:
        file_type.check(upload, file_type, kind.zip_limits)
    except UploadRefused as exc:
        raise UploadRefused(
            _("Tệp “%(name)s”: %(reason)s") % {"name": original, "reason": exc.messages[0]}
        ) from exc
    finally:
        upload.seek(0)
    return CheckedUpload(
        file=upload, original_name=original, size=size, file_type=file_type, kind=kind
    )


_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|]+')
MAX_NAME = 200


def clean_filename(name: str, *, limit: int = MAX_NAME) -> str:
    """The name a person gave a file, fit to show and to offer back on download: its last
    path step, NFC, no control or reserved characters, at most ``limit`` characters with the
    extension kept."""
    name = re.split(r"[\\/]", name)[-1]
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE.sub(" ", name)
    name = " ".join(name.split()).strip(" .") or "tep"
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        stem, extension = name, ""
    extension = f".{extension}" if extension else ""
    return stem[: max(limit - len(extension), 1)].rstrip() + extension


@deconstructible
class UploadPath:
    """A FileField's ``upload_to``: ``<folder>/<32 random hex digits><extension>``, where the
    folder is the kind's (with today's ``%Y/%m``) and the extension the checked type's."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, instance: models.Model, filename: str) -> str:
        folder = timezone.localdate().strftime(LIMITS[self.kind].folder)
        extension = PurePath(filename).suffix.lower()
        if not re.fullmatch(r"\.[a-z0-9]{1,8}", extension):
            extension = ""
        return f"{folder}/{secrets.token_hex(16)}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadPath) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)


# --- Serving ---------------------------------------------------------------------------------


def serve_upload(
    request: HttpRequest,
    field_file: FieldFile,
    original_name: str,
    *,
    audit_obj: models.Model | None = None,
    audit_unit: OrgUnit | None = None,
) -> FileResponse:
    """The stored file as a download named ``original_name``.

    The caller has already found the object through its app's scoped selector (so a file
    outside the user's units is a 404 before this is reached). With ``audit_obj``, the
    download is written to the audit trail as ``file_downloaded`` against ``audit_unit``:
    callers pass it when the person is outside the file's unit (a province coordinator opening
    a commune's evidence). A file missing from disk is a 404, not a server error.
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise Http404 from exc
    if audit_obj is not None:
        from hocvuso.core.models import AuditLog
        from hocvuso.core.services import record_audit

        record_audit(
            actor=request.user if request.user.is_authenticated else None,
            action=AuditLog.Action.FILE_DOWNLOADED,
            obj=audit_obj,
            unit=audit_unit,
            changes={"file": original_name},
        )
    file_type = _BY_EXTENSION.get(PurePath(field_file.name).suffix.lower())
    name = clean_filename(original_name or PurePath(field_file.name).name)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Belt and braces should a browser ever render it: no script, no subresource.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response
