"""core.uploads: what an uploaded file must be, where it goes, and how it is handed back."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory

from hocvuso.core import uploads
from hocvuso.core.uploads import UploadRefused, check_upload, clean_filename


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("Báo cáo tháng 12.pdf", "Báo cáo tháng 12.pdf"),
        ("C:\\Users\\An\\Desktop\\ảnh.png", "ảnh.png"),
        ("../../etc/passwd", "passwd"),
        ('a"b<c>|d?.pdf', "a b c d.pdf"),
        ("tab\there\x00\x1b.docx", "tab here.docx"),
        ("", "tep"),
        ("...", "tep"),
        ("Ke\u0302\u0301 hoa\u0323ch.docx", "Kế hoạch.docx"),  # decomposed accents, as macOS sends
    ],
)
def test_a_name_is_cleaned_to_show_and_offer_back(name: str, cleaned: str) -> None:
    assert clean_filename(name) == cleaned


def test_a_long_name_is_cut_keeping_its_extension() -> None:
    cleaned = clean_filename("Kế hoạch " * 100 + ".docx")
    assert len(cleaned) <= uploads.MAX_NAME
    assert cleaned.endswith(".docx")


def test_stored_names_are_random_in_the_kinds_folder() -> None:
    path = uploads.UploadPath("evidence")
    first, second = path(None, "upload.pdf"), path(None, "upload.pdf")
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", first)
    assert first != second
    odd = uploads.UploadPath("plan_source")(None, "x.p/hp")
    assert re.fullmatch(r"plans/source/[0-9a-f]{32}", odd)


def test_every_kind_has_a_cap_and_types_it_knows() -> None:
    for kind in uploads.LIMITS.values():
        assert kind.max_bytes > 0
        assert set(kind.types) <= set(uploads.FILE_TYPES)


def test_the_size_is_checked_before_the_content_is_read() -> None:
    class Huge(SimpleUploadedFile):
        def read(self, *args: object) -> bytes:
            raise AssertionError("read a file over the cap")

    upload = Huge("bao-cao.pdf", b"%PDF-")
    upload.size = uploads.EVIDENCE.max_bytes + 1
    with pytest.raises(UploadRefused, match="lớn quá 10 MB"):
        check_upload(upload, uploads.EVIDENCE)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.pdf", b"%PDF-1.7\n%..."),
        ("a.jpeg", b"\xff\xd8\xff\xdb" + b"\x00" * 10),
        ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 "),
        ("a.mp4", b"\x00\x00\x00\x18ftypmp42"),
        ("a.docx", _zip(DOCX_PARTS)),
        ("a.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})),
    ],
)
def test_content_that_matches_its_extension_is_accepted(name: str, data: bytes) -> None:
    checked = check_upload(SimpleUploadedFile(name, data), uploads.EVIDENCE)
    assert checked.storage_name.endswith(name.rsplit(".", 1)[1].replace("jpeg", "jpg"))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.pdf", b"MZ\x90\x00" + b"\x00" * 60, "không phải PDF"),
        ("a.docx", b"%PDF-1.7", "không phải Word"),
        ("a.xlsx", _zip(DOCX_PARTS), "không phải Excel"),
        ("a.docx", _zip({"word/document.xml": b"<w:document/>"}), "không phải Word"),
        ("a.mp4", b"\x00" * 64, "không phải MP4"),
        ("a.svg", b"<svg onload=alert(1)>", "không được nhận"),
        ("a.pdf.exe", b"MZ", "không được nhận"),
        ("a", b"%PDF-1.7", "không được nhận"),
        ("a.xls", b"\xd0\xcf\x11\xe0", "97–2003"),
    ],
)
def test_content_that_does_not_match_is_refused_naming_the_file(
    name: str, data: bytes, message: str
) -> None:
    with pytest.raises(UploadRefused, match=message) as refused:
        check_upload(SimpleUploadedFile(name, data), uploads.EVIDENCE)
    assert name in refused.value.messages[0]


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(size // (1024 * 1024)):
                part.write(b" " * 1024 * 1024)
    return buffer.getvalue()


def test_a_member_inflating_far_past_its_size_is_refused_from_the_directory() -> None:
    data = _bomb(30 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(UploadRefused, match="giải nén"):
        check_upload(SimpleUploadedFile("a.docx", data), uploads.EVIDENCE)
    assert time.perf_counter() - started < 0.5


def test_too_many_members_are_refused() -> None:
    members = {**DOCX_PARTS, **{f"word/media/{i}.png": b"" for i in range(2001)}}
    with pytest.raises(UploadRefused, match="quá nhiều phần"):
        check_upload(SimpleUploadedFile("a.docx", _zip(members)), uploads.EVIDENCE)


def test_a_main_part_over_its_bound_is_refused_while_inflating(monkeypatch) -> None:
    # Stored, not compressed: the ratio check lets it through, the bounded read does not.
    data = _zip({**DOCX_PARTS, "word/document.xml": b"x" * (2 * 1024 * 1024)}, zipfile.ZIP_STORED)
    kind = uploads.UploadKind(
        key="t",
        folder="t",
        max_bytes=10 * 1024 * 1024,
        types=("docx",),
        accepted="Word",
        zip_limits=uploads.ZipLimits(max_main=1024 * 1024),
    )
    with pytest.raises(UploadRefused, match="quá lớn khi giải nén"):
        check_upload(SimpleUploadedFile("a.docx", data), kind)


def test_a_corrupt_main_part_is_refused_with_a_message() -> None:
    data = bytearray(
        _zip({**DOCX_PARTS, "word/document.xml": "<w:p>Kế hoạch</w:p>".encode() * 500})
    )
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package:
        info = package.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode())
    for at in range(start + 5, start + info.compress_size - 5):
        data[at] ^= 0xFF
    with pytest.raises(UploadRefused, match="hỏng"):
        check_upload(SimpleUploadedFile("a.docx", bytes(data)), uploads.EVIDENCE)


def test_a_text_file_must_be_text() -> None:
    assert check_upload(SimpleUploadedFile("a.txt", "Kế hoạch".encode()), "plan_source")
    with pytest.raises(UploadRefused, match="UTF-8"):
        check_upload(SimpleUploadedFile("a.txt", b"abc\x00def"), "plan_source")


def _stored(name: str, data: bytes):
    from django.core.files.storage import default_storage
    from django.db import models
    from django.db.models.fields.files import FieldFile

    return FieldFile(None, models.FileField(), default_storage.save(name, ContentFile(data)))


def _request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def test_a_download_is_an_attachment_nobody_sniffs_or_caches(db: None) -> None:
    stored = _stored("evidence/2026/12/abc.pdf", b"%PDF-1.7")
    response = uploads.serve_upload(_request(), stored, "Báo cáo “cuối năm”.pdf")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''B%C3%A1o%20c%C3%A1o%20%E2%80%9Ccu%E1%BB%91i%20n%C4%83m"
        "%E2%80%9D.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7"
    response.close()


def test_a_file_of_unknown_type_is_served_as_bytes(db: None) -> None:
    stored = _stored("legacy/page.html", b"<script>alert(1)</script>")
    response = uploads.serve_upload(_request(), stored, "")
    assert response["Content-Type"] == "application/octet-stream"
    assert 'filename="page.html"' in response["Content-Disposition"]
    response.close()


def test_a_missing_file_is_not_found() -> None:
    from django.db import models
    from django.db.models.fields.files import FieldFile

    with pytest.raises(Http404):
        uploads.serve_upload(_request(), FieldFile(None, models.FileField(), "gone.pdf"), "a.pdf")
    with pytest.raises(Http404):
        uploads.serve_upload(_request(), FieldFile(None, models.FileField(), ""), "a.pdf")
