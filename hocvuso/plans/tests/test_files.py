"""Uploaded files of plans: a duty's evidence and a plan's source document.

Stored under random names, checked by content, downloaded only through a scoped view
(issue 13, defect 12), and the plan reader bounded against bombs and broken files (defects
5 and 9).
"""

from __future__ import annotations

import datetime
import io
import re
import time
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import make_person
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from hocvuso.plans.models import Evidence, Plan, Task, TaskUpdate
from hocvuso.plans.services import add_task, create_plan, publish_plan, report_task_progress

SAMPLES = Path(__file__).parent / "samples"
EVIDENCE_NAME = "Báo cáo tháng 12 — Hoa Lư.pdf"
PLAN_NAME = "Kế hoạch số 12-KH.docx"


def pdf_bytes(pages: int = 1, text: str = "Bao cao") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        pdf.cell(0, 10, text)
    return bytes(pdf.output())


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plan_docx() -> bytes:
    return docx_bytes((SAMPLES / "003_ninh_binh_dx_day.txt").read_text(encoding="utf-8"))


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The .docx ``data`` with some members' contents replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, replace.get(item.filename, src.read(item.filename)))
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A ~300 KB .docx whose document.xml inflates to 300 MB of text (defect 5)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with package.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                b'2006/main"><w:body><w:p><w:r><w:t>'
            )
            chunk = b"a" * (1024 * 1024)
            for _ in range(300):
                part.write(chunk)
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    data = path.read_bytes()
    assert len(data) < 400 * 1024
    return data


@pytest.fixture
def published(tree, coordinator):
    plan = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Kế hoạch A"
    )
    for unit in (tree.hoalu, tree.namhoalu):
        add_task(
            actor=coordinator,
            plan=plan,
            unit=unit,
            text=f"Việc của {unit.name}",
            deadline=datetime.date(2026, 12, 30),
        )
    return publish_plan(plan=plan, actor=coordinator)


@pytest.fixture
def own_task(published, tree) -> Task:
    return published.tasks.get(unit=tree.hoalu)


@pytest.fixture
def evidence(own_task, hoalu_focal_point) -> Evidence:
    update = report_task_progress(
        actor=hoalu_focal_point,
        task=own_task,
        note="Đã tập huấn 120 hộ.",
        status=Task.Status.IN_PROGRESS,
        files=[SimpleUploadedFile(EVIDENCE_NAME, pdf_bytes(), content_type="text/html")],
    )
    return update.evidence.get()


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Stored under random names -----------------------------------------------------------


def test_evidence_is_stored_under_a_random_name_and_keeps_its_own(evidence, settings) -> None:
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", evidence.file.name)
    assert "Hoa" not in evidence.file.name
    assert evidence.original_name == EVIDENCE_NAME
    # The type is what the content is, not what the browser claimed.
    assert evidence.content_type == "application/pdf"
    assert (Path(settings.MEDIA_ROOT) / evidence.file.name).read_bytes()[:5] == b"%PDF-"


def test_a_path_or_control_characters_in_a_name_are_cleaned(own_task, hoalu_focal_point) -> None:
    update = report_task_progress(
        actor=hoalu_focal_point,
        task=own_task,
        note="x",
        status=Task.Status.IN_PROGRESS,
        files=[SimpleUploadedFile("..\\..\\etc/ảnh\x00\x07 số 1.png", PNG)],
    )
    evidence = update.evidence.get()
    assert evidence.original_name == "ảnh số 1.png"
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.png", evidence.file.name)


# --- Served only through the scoped view -------------------------------------------------


def _read(response) -> bytes:
    return b"".join(response.streaming_content)


def _assert_download(response, data: bytes, filename: str) -> None:
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(filename)}" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    # Reading it to the end closes the file (the test client wires close() to the end).
    assert b"".join(response.streaming_content) == data


def test_the_uploader_the_units_people_and_coordinators_download_evidence(
    client, tree, evidence, hoalu_focal_point, coordinator
) -> None:
    with evidence.file.open("rb") as stored:
        data = stored.read()
    colleague = make_person("hoaluviewer", Role.VIEWER, tree.hoalu)
    url = reverse("plans:evidence", args=[evidence.pk])
    for person in (hoalu_focal_point, colleague, coordinator):
        client.force_login(person)
        response = client.get(url)
        _assert_download(response, data, EVIDENCE_NAME)
        assert response["Content-Type"] == "application/pdf"


def test_another_communes_focal_point_gets_not_found(
    client, evidence, other_commune_focal_point
) -> None:
    client.force_login(other_commune_focal_point)
    assert client.get(reverse("plans:evidence", args=[evidence.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client, evidence) -> None:
    response = client.get(reverse("plans:evidence", args=[evidence.pk]))
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_the_duty_page_links_to_the_download_view_not_to_media(
    client, own_task, evidence, hoalu_focal_point
) -> None:
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("plans:task", args=[own_task.pk])).content.decode()
    assert reverse("plans:evidence", args=[evidence.pk]) in page
    assert "/media/" not in page
    assert evidence.file.name not in page


def test_media_root_is_served_by_nothing(client, evidence, coordinator) -> None:
    from django.urls import get_resolver
    from django.views.static import serve

    client.force_login(coordinator)
    assert client.get(f"/media/{evidence.file.name}").status_code == 404

    def callbacks(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from callbacks(pattern.url_patterns)
            else:
                yield pattern.callback

    assert serve not in set(callbacks(get_resolver().url_patterns))


def test_a_download_from_outside_the_unit_is_audited(
    client, evidence, hoalu_focal_point, coordinator, tree
) -> None:
    url = reverse("plans:evidence", args=[evidence.pk])
    client.force_login(hoalu_focal_point)
    _read(client.get(url))
    assert not AuditLog.objects.filter(action=AuditLog.Action.FILE_DOWNLOADED).exists()
    client.force_login(coordinator)
    _read(client.get(url))
    row = AuditLog.objects.get(action="file_downloaded")
    assert row.actor == coordinator
    assert row.unit_id == tree.hoalu.pk
    assert row.object_type == "plans.evidence"
    assert row.changes == {"file": EVIDENCE_NAME}


def test_a_file_missing_from_disk_is_not_found(client, evidence, coordinator) -> None:
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(coordinator)
    assert client.get(reverse("plans:evidence", args=[evidence.pk])).status_code == 404


def test_evidence_uploaded_before_random_names_still_downloads(
    client, evidence, coordinator, settings
) -> None:
    old = "evidence/2025/10/anh.png"
    (Path(settings.MEDIA_ROOT) / old).parent.mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / old).write_bytes(PNG)
    Evidence.objects.filter(pk=evidence.pk).update(file=old, original_name="ảnh.png")
    client.force_login(coordinator)
    response = client.get(reverse("plans:evidence", args=[evidence.pk]))
    _assert_download(response, PNG, "ảnh.png")
    assert response["Content-Type"] == "image/png"


# --- Type checked by content -------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bao-cao.pdf", bytes(range(256)) * 8, "không phải PDF"),
        ("bao-cao.docx", bytes(range(256)) * 8, "không phải Word"),
        ("chuong-trinh.pdf", b"MZ\x90\x00\x03" + b"\x00" * 500 + b"This program", "không phải PDF"),
        ("anh.png", b"GIF89a" + b"\x00" * 100, "không phải PNG"),
        ("bang.xlsx", b"PK\x03\x04" + b"\x00" * 100, "hỏng"),
        ("trang.html", b"<script>alert(1)</script>", "không được nhận"),
        ("virus.exe", b"MZ\x90\x00", "không được nhận"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_saved(
    client, own_task, hoalu_focal_point, settings, name, data, message
) -> None:
    client.force_login(hoalu_focal_point)
    response = client.post(
        reverse("plans:task", args=[own_task.pk]),
        {"status": "done", "note": "Xong", "files": [SimpleUploadedFile(name, data)]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    if data:  # an empty file is refused by the form itself, without its name
        assert name in page
    assert not TaskUpdate.objects.exists()
    assert not Evidence.objects.exists()
    assert _media_files(settings) == []
    own_task.refresh_from_db()
    assert own_task.status == Task.Status.NOT_STARTED


def test_a_zip_renamed_docx_without_a_document_is_refused(own_task, hoalu_focal_point) -> None:
    from django.core.exceptions import ValidationError

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "not a document")
    with pytest.raises(ValidationError, match="không phải Word"):
        report_task_progress(
            actor=hoalu_focal_point,
            task=own_task,
            note="x",
            status=Task.Status.DONE,
            files=[SimpleUploadedFile("bao-cao.docx", buffer.getvalue())],
        )
    assert not TaskUpdate.objects.exists()


def test_one_bad_file_among_good_ones_saves_none(
    client, own_task, hoalu_focal_point, settings
) -> None:
    client.force_login(hoalu_focal_point)
    files = [
        SimpleUploadedFile("a.pdf", pdf_bytes()),
        SimpleUploadedFile("b.docx", docx_bytes("Báo cáo")),
        SimpleUploadedFile("c.pdf", b"not a pdf at all"),
    ]
    response = client.post(
        reverse("plans:task", args=[own_task.pk]), {"status": "done", "note": "x", "files": files}
    )
    assert response.status_code == 200
    assert "c.pdf" in response.content.decode()
    assert not Evidence.objects.exists()
    assert _media_files(settings) == []


def test_real_office_files_and_pictures_are_accepted(own_task, hoalu_focal_point) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Số hộ"
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    files = [
        SimpleUploadedFile("bao-cao.docx", docx_bytes("Báo cáo")),
        SimpleUploadedFile("so-lieu.xlsx", xlsx.getvalue()),
        SimpleUploadedFile("anh.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 100),
        SimpleUploadedFile("anh.png", PNG),
    ]
    update = report_task_progress(
        actor=hoalu_focal_point, task=own_task, note="x", status=Task.Status.DONE, files=files
    )
    assert sorted(e.file.name.rsplit(".", 1)[1] for e in update.evidence.all()) == [
        "docx",
        "jpg",
        "png",
        "xlsx",
    ]


def test_an_evidence_zip_bomb_is_refused(own_task, hoalu_focal_point, docx_bomb) -> None:
    from django.core.exceptions import ValidationError

    started = time.perf_counter()
    with pytest.raises(ValidationError, match="giải nén"):
        report_task_progress(
            actor=hoalu_focal_point,
            task=own_task,
            note="x",
            status=Task.Status.DONE,
            files=[SimpleUploadedFile("bao-cao.docx", docx_bomb)],
        )
    assert time.perf_counter() - started < 2


# --- A plan's source document ------------------------------------------------------------


def _import(client, tree, name: str, data: bytes):
    return client.post(
        reverse("plans:import"),
        {"file": SimpleUploadedFile(name, data), "issuing_unit": tree.province.pk},
    )


def test_a_plans_source_is_stored_randomly_and_downloads_under_its_name(
    client, tree, coordinator, other_commune_focal_point
) -> None:
    data = plan_docx()
    client.force_login(coordinator)
    response = _import(client, tree, PLAN_NAME, data)
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert re.fullmatch(r"plans/source/[0-9a-f]{32}\.docx", plan.source_file.name)
    assert plan.source_name == PLAN_NAME
    review = client.get(reverse("plans:review", args=[plan.pk])).content.decode()
    url = reverse("plans:source_file", args=[plan.pk])
    assert url in review
    assert "/media/" not in review
    _assert_download(client.get(url), data, PLAN_NAME)
    # A draft is the issuer's: another commune does not even learn it exists.
    client.force_login(other_commune_focal_point)
    assert client.get(url).status_code == 404


def test_a_plan_without_a_source_file_has_nothing_to_download(
    client, published, coordinator
) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("plans:source_file", args=[published.pk])).status_code == 404
    page = client.get(reverse("plans:detail", args=[published.pk])).content.decode()
    assert reverse("plans:source_file", args=[published.pk]) not in page


def _assert_refused(response, message: str) -> None:
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.exists()
    assert not AuditLog.objects.filter(object_type="plans.plan").exists()


def test_a_docx_bomb_is_refused_in_under_two_seconds(
    client, tree, coordinator, docx_bomb, settings
) -> None:
    client.force_login(coordinator)
    started = time.perf_counter()
    response = _import(client, tree, "ke-hoach.docx", docx_bomb)
    assert time.perf_counter() - started < 2
    _assert_refused(response, "giải nén")
    assert _media_files(settings) == []


def test_the_plan_reader_refuses_a_bomb_whoever_calls_it(docx_bomb) -> None:
    from hocvuso.plans.importer import PlanImportError, read_plan

    started = time.perf_counter()
    with pytest.raises(PlanImportError, match="giải nén"):
        read_plan(docx_bomb, "ke-hoach.docx")
    assert time.perf_counter() - started < 2


def test_the_import_command_refuses_a_bomb(tree, tmp_path, docx_bomb) -> None:
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(docx_bomb)
    started = time.perf_counter()
    with pytest.raises(CommandError, match="giải nén"):
        call_command("import_plan", str(path), "--unit", "37")
    assert time.perf_counter() - started < 2
    assert not Plan.objects.exists()


def test_the_import_command_refuses_random_bytes_named_docx(tree, tmp_path) -> None:
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(CommandError, match="không phải Word"):
        call_command("import_plan", str(path), "--unit", "37")
    assert not Plan.objects.exists()


def test_a_truncated_document_xml_gets_a_message(client, tree, coordinator) -> None:
    data = plan_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml")
    client.force_login(coordinator)
    response = _import(
        client, tree, "ke-hoach.docx", rezip(data, {"word/document.xml": xml[: len(xml) // 2]})
    )
    _assert_refused(response, "hỏng")


def test_a_docx_cut_short_in_transfer_gets_a_message(client, tree, coordinator) -> None:
    data = plan_docx()
    client.force_login(coordinator)
    _assert_refused(_import(client, tree, "ke-hoach.docx", data[: len(data) * 2 // 3]), "hỏng")


def test_a_corrupt_document_part_gets_a_message(client, tree, coordinator) -> None:
    """The zip's directory is whole, but document.xml's compressed bytes are damaged."""
    data = bytearray(plan_docx())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package:
        info = package.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start + 20, start + min(info.compress_size, 400)):
        data[at] ^= 0x5A
    client.force_login(coordinator)
    _assert_refused(_import(client, tree, "ke-hoach.docx", bytes(data)), "hỏng")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("ke-hoach.pdf", bytes(range(256)) * 8, "không phải PDF"),
        ("ke-hoach.pdf", b"MZ\x90\x00" + b"\x00" * 300, "không phải PDF"),
        ("ke-hoach.docx", bytes(range(256)) * 8, "không phải Word"),
        ("ke-hoach.txt", "Kế hoạch\x00số 12\n".encode() * 50, "UTF-8"),
        ("ke-hoach.txt", b"\xff\xfe\x00\xd8" * 4, "UTF-8"),
        ("ke-hoach.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "UTF-8"),
        ("ke-hoach.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "97–2003"),
    ],
)
def test_anything_else_the_plan_reader_takes_answers_a_message(
    client, tree, coordinator, name, data, message
) -> None:
    client.force_login(coordinator)
    _assert_refused(_import(client, tree, name, data), message)


def test_a_text_past_the_readers_limit_is_refused(client, tree, coordinator) -> None:
    from hocvuso.plans.importer.extract import MAX_TEXT_CHARS

    client.force_login(coordinator)
    started = time.perf_counter()
    response = _import(client, tree, "dai.txt", ("Kế hoạch " * (MAX_TEXT_CHARS // 9 + 10)).encode())
    assert time.perf_counter() - started < 2
    _assert_refused(response, "quá dài")


def test_a_pdf_past_the_page_limit_is_refused(client, tree, coordinator, monkeypatch) -> None:
    monkeypatch.setattr("hocvuso.plans.importer.extract.MAX_PDF_PAGES", 3)
    client.force_login(coordinator)
    _assert_refused(_import(client, tree, "ke-hoach.pdf", pdf_bytes(pages=4)), "quá 3 trang")


def test_control_characters_in_a_text_are_cleaned_before_saving(client, tree, coordinator) -> None:
    text = (SAMPLES / "003_ninh_binh_dx_day.txt").read_text(encoding="utf-8")
    dirty = text.replace("\n", "\x0b\n", 5).replace("KẾ HOẠCH", "KẾ\x07 HOẠCH", 1)
    client.force_login(coordinator)
    assert _import(client, tree, "ke-hoach.txt", dirty.encode()).status_code == 302
    plan = Plan.objects.get()
    assert "\x0b" not in plan.source_text
    assert "\x07" not in plan.source_text


def test_the_admin_links_a_source_file_through_the_download_view(
    client, tree, coordinator, admin_user
) -> None:
    client.force_login(coordinator)
    _import(client, tree, PLAN_NAME, plan_docx())
    plan = Plan.objects.get()
    client.force_login(admin_user)
    page = client.get(reverse("admin:plans_plan_change", args=[plan.pk])).content.decode()
    assert reverse("plans:source_file", args=[plan.pk]) in page
    assert "/media/" not in page


def _pdf_drawing(content: bytes) -> bytes:
    """A one-page PDF whose page draws ``content`` (compressed): a few KB on disk."""
    import zlib

    stream = zlib.compress(content, 9)
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d/Filter/FlateDecode>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


@pytest.mark.parametrize("megabytes", [2, 70])
def test_a_pdf_whose_page_inflates_to_megabytes_of_drawing_is_refused_quickly(
    client, tree, coordinator, megabytes
) -> None:
    """Before: a 5 KB PDF drawing 2 MB of text took pypdf 30 s to read."""
    content = b"BT /F1 12 Tf 10 700 Td " + b"(Ke hoach) Tj " * (megabytes * 75_000) + b"ET"
    data = _pdf_drawing(content)
    assert len(data) < 200_000
    client.force_login(coordinator)
    started = time.perf_counter()
    response = _import(client, tree, "ke-hoach.pdf", data)
    assert time.perf_counter() - started < 2
    _assert_refused(response, "quá nhiều nội dung vẽ")
