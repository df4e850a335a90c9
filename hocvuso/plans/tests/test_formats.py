"""The formats a plan comes in (issue 14): .md and .html beside .docx, PDF and .txt, tables in
the one ``|`` line format whatever the file, and text pasted on the import page."""

from __future__ import annotations

import io
import time
from html import escape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocvuso.plans.importer import PlanImportError, read_plan
from hocvuso.plans.importer.extract import MAX_TEXT_CHARS, extract_text
from hocvuso.plans.importer.normalise import EMPTY_CELL, TableLine, normalise
from hocvuso.plans.importer.structure import clean_lines, join_lines
from hocvuso.plans.models import Plan

SAMPLES = Path(__file__).parent / "samples"
CORPUS = SAMPLES  # the corpus plans sit with the seeds
SEED = SAMPLES / "003_ninh_binh_dx_day.txt"


# --- HTML --------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Trang cổng</title>
<style>p { color: red }</style>
<script>document.write("<p>chèn vào</p>"); alert(1)</script></head>
<body onload="alert(2)">
<h1>KẾ HOẠCH</h1>
<p>Tổ chức Ngày Chuyển đổi số
   tỉnh &amp; các xã &ndash; năm&nbsp;2025 &#272;&#7891;ng &lt;b&gt;</p>
<div>Dòng một<br>Dòng hai<br/>Dòng ba</div>
<ul><li>Sở Y tế;</li><li><p>Công an tỉnh.</ul>
<table>
  <tr><th>STT</th><th>Nội dung</th><th>Chủ trì</th></tr>
  <tr><td>1<td><p>Rà soát dữ liệu.</p><p>Báo cáo kết quả.</p><script>x()</script>
      <td>Sở Tài chính
  <tr><td>2</td><td><table><tr><td>Bảng con</td></tr></table></td><td></td></tr>
</table>
<!-- <p>chú thích</p> -->
<p>Nơi nhận:</p>
</body></html>
"""


def test_an_html_page_gives_a_line_per_block_and_its_table_in_the_pipe_format() -> None:
    assert extract_text(PAGE.encode(), "ke-hoach.html").splitlines() == [
        "KẾ HOẠCH",
        "Tổ chức Ngày Chuyển đổi số tỉnh & các xã – năm 2025 Đồng <b>",
        "Dòng một",
        "Dòng hai",
        "Dòng ba",
        "- Sở Y tế;",
        "- Công an tỉnh.",
        "|",
        "STT",
        "|",
        "Nội dung",
        "|",
        "Chủ trì",
        "|",
        "|",
        "1",
        "|",
        "Rà soát dữ liệu.",
        "Báo cáo kết quả.",
        "|",
        "Sở Tài chính",
        "|",
        "|",
        "2",
        "|",
        "Bảng con",
        "|",
        EMPTY_CELL,  # so that "|" "|" is always a new row
        "|",
        "",  # the table ends
        "Nơi nhận:",
    ]
    tables = [
        line
        for line in normalise(extract_text(PAGE.encode(), "a.html"), paragraphs_known=True).lines
        if isinstance(line, TableLine)
    ]
    assert [table.rows for table in tables] == [
        [
            [["STT"], ["Nội dung"], ["Chủ trì"]],
            [["1"], ["Rà soát dữ liệu.", "Báo cáo kết quả."], ["Sở Tài chính"]],
            [["2"], ["Bảng con"], []],
        ]
    ]


def test_an_html_page_in_the_charset_its_meta_declares_is_decoded() -> None:
    # Windows-1258 writes tones as combining marks: "Sở Y tế" is S, ơ, hook, " Y t", ê, acute.
    page = b'<html><head><meta charset="windows-1258"></head><body><p>S\xf5\xd2 Y t\xea\xec</p>'
    assert extract_text(page, "a.htm") == "Sở Y tế"


@pytest.mark.parametrize(
    ("charset", "body"),
    [
        ("undefined", b"S\xf5\xd2"),  # a codec that refuses every byte
        ("raw_unicode_escape", b"S\xf5\xd2 \\ud800"),  # half of a UTF-16 pair
        ("unicode_escape", b"S\xf5\xd2 \\x00"),  # a NUL, written as an escape
    ],
)
def test_a_charset_declared_for_no_text_a_page_could_hold_gets_a_message(charset, body) -> None:
    page = f'<html><head><meta charset="{charset}"></head><body><p>'.encode() + body
    with pytest.raises(PlanImportError, match="không đọc được mã chữ"):
        extract_text(page, "a.html")


def test_a_deeply_nested_html_page_is_refused_quickly() -> None:
    page = ("<div>" * 1_500_000).encode()
    started = time.perf_counter()
    with pytest.raises(PlanImportError, match="HTML quá phức tạp"):
        extract_text(page, "a.html")
    # The bad-input bound (tests/test_bad_inputs.py); about 1.5 s on a busy 2-core machine.
    assert time.perf_counter() - started < 5


def test_an_html_tag_that_never_ends_is_refused_without_rescanning_it() -> None:
    page = ("<p>Kế hoạch</p><a " + 'b="c" ' * 1_000_000).encode()
    started = time.perf_counter()
    with pytest.raises(PlanImportError, match="HTML quá phức tạp"):
        extract_text(page, "a.html")
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("opening", ["<!-", "<?x"])
def test_an_html_page_of_constructs_that_never_end_is_refused_within_the_time_bound(
    opening, monkeypatch
) -> None:
    from hocvuso.plans.importer import markup

    # The bound lowered, so that a reader that checks it only between chunks shows: this
    # page's last chunk alone took minutes (html.parser's close() looks for each one's end).
    monkeypatch.setattr(markup, "SECONDS", 0.3)
    page = ("<p>Kế hoạch</p>" + opening * 2_000_000).encode()
    started = time.perf_counter()
    with pytest.raises(PlanImportError, match="HTML quá phức tạp"):
        extract_text(page, "a.html")
    assert time.perf_counter() - started < 3


def test_an_html_page_with_a_marked_section_the_parser_cannot_name_gets_a_message() -> None:
    page = "<html><body><p>Kế hoạch</p><![ ]><p>Sở Y tế</p></body></html>".encode()
    with pytest.raises(PlanImportError, match="HTML có đoạn mã hỏng"):
        extract_text(page, "a.html")


def test_an_html_page_with_more_text_than_the_limit_is_refused() -> None:
    page = ("<p>" + "chữ " * 2000 + "</p>") * (MAX_TEXT_CHARS // 8000 + 2)
    with pytest.raises(PlanImportError, match="quá dài"):
        extract_text(page.encode(), "a.html")


# --- .docx tables ------------------------------------------------------------------------


def test_a_docx_table_comes_out_in_the_pipe_format_in_document_order() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Trước bảng")
    table = document.add_table(rows=3, cols=3)
    for row, values in enumerate(
        (("STT", "Nội dung", "Thời gian"), ("1", "Rà soát", "Quý IV/2025"), ("2", "Báo cáo", ""))
    ):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    table.cell(1, 1).add_paragraph("Đoạn thứ hai")
    # "Quý IV/2025" covers both rows: read once.
    table.cell(1, 2).merge(table.cell(2, 2))
    document.add_paragraph("Sau bảng")
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract_text(buffer.getvalue(), "a.docx").splitlines() == [
        "Trước bảng",
        "|",
        "STT",
        "|",
        "Nội dung",
        "|",
        "Thời gian",
        "|",
        "|",
        "1",
        "|",
        "Rà soát",
        "Đoạn thứ hai",
        "|",
        "Quý IV/2025",
        "|",
        "|",
        "2",
        "|",
        "Báo cáo",
        "|",
        "",
        "Sau bảng",
    ]


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_is_read_as_written_marks_and_pipes_included() -> None:
    data = (CORPUS / "8e9a425dd83e56b3.md").read_bytes()
    text = extract_text(data, "ke-hoach.md")
    assert text == data.decode("utf-8")
    assert "**I. MỤC ĐÍCH,\nYÊU CẦU**" in text
    assert text.startswith("|\n**ỦY BAN NHÂN DÂN**")


# --- Through the import page -------------------------------------------------------------


def _post(client, tree, **data):
    return client.post(reverse("plans:import"), {"issuing_unit": tree.province.pk, **data})


def test_a_coordinator_imports_a_markdown_plan_and_an_html_one(client, tree, coordinator) -> None:
    client.force_login(coordinator)
    md = SimpleUploadedFile("ke-hoach.md", (CORPUS / "8e9a425dd83e56b3.md").read_bytes())
    assert _post(client, tree, file=md).status_code == 302
    # The seed's paragraphs, one <p> each, as Word saves a web page.
    lines = join_lines(clean_lines(SEED.read_text(encoding="utf-8")))
    paragraphs = "".join(f"<p>{escape(line)}</p>\n" for line in lines)
    page = SimpleUploadedFile("ke-hoach.html", f"<html><body>{paragraphs}</body></html>".encode())
    assert _post(client, tree, file=page).status_code == 302
    assert sorted(Plan.objects.values_list("source_name", flat=True)) == [
        "ke-hoach.html",
        "ke-hoach.md",
    ]
    html_plan = Plan.objects.get(source_name="ke-hoach.html")
    assert html_plan.title == read_plan(SEED.read_bytes(), "seed.txt")["title"]


def test_text_that_is_no_web_page_is_refused_as_html(client, tree, coordinator) -> None:
    client.force_login(coordinator)
    upload = SimpleUploadedFile("ke-hoach.html", "Chỉ là chữ, không có thẻ nào.".encode())
    response = _post(client, tree, file=upload)
    assert response.status_code == 200
    assert "không phải trang HTML" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_coordinator_pastes_a_plans_text_and_gets_a_draft(client, tree, coordinator) -> None:
    client.force_login(coordinator)
    text = SEED.read_text(encoding="utf-8")
    # Pasted from Word: Windows line ends, a manual line break, a stray bell.
    pasted = text.replace("\n", "\r\n").replace("KẾ HOẠCH", "KẾ\x07 HOẠCH", 1)
    response = _post(client, tree, text=pasted)
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.source_name == "Văn bản dán"
    assert not plan.source_file
    assert plan.title == read_plan(SEED.read_bytes(), "seed.txt")["title"]
    assert plan.tasks.exists()
    assert "\x07" not in plan.source_text
    assert "\r" not in plan.source_text
    review = client.get(response["Location"]).content.decode()
    assert "Văn bản dán" in review


def test_neither_a_file_nor_text_is_asked_for_again(client, tree, coordinator) -> None:
    client.force_login(coordinator)
    response = _post(client, tree, text="   ")
    assert response.status_code == 200
    assert "Hãy chọn tệp kế hoạch hoặc dán nội dung văn bản." in response.content.decode()
    assert not Plan.objects.exists()


def test_pasted_text_longer_than_the_readers_limit_is_refused(client, tree, coordinator) -> None:
    client.force_login(coordinator)
    response = _post(client, tree, text="Kế hoạch " * (MAX_TEXT_CHARS // 9 + 1))
    assert response.status_code == 200
    assert "Văn bản dán quá dài" in response.content.decode()
    assert not Plan.objects.exists()


def test_pasted_text_that_is_no_plan_is_told_so(client, tree, coordinator) -> None:
    client.force_login(coordinator)
    response = _post(client, tree, text="Xin chào, đây là một lời nhắn.")
    assert response.status_code == 200
    assert "không giống một kế hoạch" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_docx_main_part_is_inflated_once_before_python_docx_reads_it(monkeypatch) -> None:
    import docx

    from hocvuso.core import uploads

    inflated = []
    read_member = uploads.read_member

    def counted(package, name, **kwargs):
        inflated.append(name)
        return read_member(package, name, **kwargs)

    monkeypatch.setattr(uploads, "read_member", counted)
    document = docx.Document()
    document.add_paragraph("Kế hoạch")
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract_text(buffer.getvalue(), "a.docx") == "Kế hoạch"
    # Up to 20 MB of XML: checked and counted from one inflate.
    assert inflated == ["word/document.xml"]


def test_a_docx_past_the_text_limit_is_refused_from_its_runs_before_parsing() -> None:
    import docx

    from hocvuso.plans.importer.extract import _docx_text_size

    assert (
        _docx_text_size(b'<w:p><w:t>a&amp;b</w:t><w:t xml:space="preserve">\xe1\xba\xbf </w:t>')
        == 5
    )
    document = docx.Document()
    paragraph = document.add_paragraph()
    sentence = "Sở Y tế phối hợp với các đơn vị liên quan thực hiện việc số {} trong năm. "
    for number in range(MAX_TEXT_CHARS // 5000 + 10):
        run = paragraph.add_run("".join(sentence.format(number * 100 + i) for i in range(70)))
        run.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(PlanImportError, match="quá dài"):
        extract_text(buffer.getvalue(), "a.docx")


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (SAMPLES.parent / "formats").iterdir() if p.suffix != ".json")
)
def test_each_rendered_corpus_file_reads_back_every_word_of_its_markdown_in_order(name) -> None:
    from hocvuso.plans.tests import render_corpus

    path = SAMPLES.parent / "formats" / name
    blocks = render_corpus.read_blocks((CORPUS / path.with_suffix(".md").name).read_text())
    assert render_corpus.check(path, blocks) == ""
