# ruff: noqa: E501 — plan text is quoted as printed, one line of a document a string
"""The reader's stages one by one: normalise → blocks → read each block → (units matched
elsewhere). Each test feeds a stage the shape of text that broke it on a real plan."""

from __future__ import annotations

import datetime

import pytest

from hocvuso.plans.importer import parse_text
from hocvuso.plans.importer.annex import table_tasks
from hocvuso.plans.importer.dates import find_deadline_moment, parse_window
from hocvuso.plans.importer.grammar import clean, read_citations, subject_unit
from hocvuso.plans.importer.normalise import TableLine, normalise, strip_marks
from hocvuso.plans.importer.structure import split_document

D = datetime.date


# --- normalise -------------------------------------------------------------------------------


def test_markdown_marks_are_layout_not_text() -> None:
    assert strip_marks("**Điều 1.**** **Ban hành") == "Điều 1. Ban hành"
    assert (
        strip_marks("*Căn cứ Luật Dữ liệu số 60/2024/QH15;*")
        == "Căn cứ Luật Dữ liệu số 60/2024/QH15;"
    )
    assert strip_marks("** **") == ""
    assert strip_marks("* Mục một") == "* Mục một"  # a list mark, kept for the outline


def test_a_portal_paragraph_is_its_lines_joined_and_blank_lines_end_it() -> None:
    text = "**I. MỤC\nĐÍCH, YÊU CẦU**\n\n**1. Mục đích**\n\n- Quán triệt, triển khai có\nhiệu quả Nghị quyết số 57-\nNQ/TW.\n"
    lines = normalise(text).lines
    assert lines == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Quán triệt, triển khai có hiệu quả Nghị quyết số 57-NQ/TW.",
    ]


def test_a_bold_heading_cut_into_two_paragraphs_is_one() -> None:
    text = "**3. Đề nghị Ủy ban Mặt trận\nTổ quốc Việt Nam Thành phố, Hội Liên hiệp**\n\n**Phụ nữ Thành phố**\n\n- Tham gia phối hợp.\n"
    assert normalise(text).lines[0] == (
        "3. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố, Hội Liên hiệp Phụ nữ Thành phố"
    )


def test_the_header_table_becomes_lines_joined_by_what_they_are() -> None:
    text = (
        "|\n**ỦY BAN NHÂN\nDÂN **\nTHÀNH PHỐ HỒ CHÍ MINH\n--------\n|\n**CỘNG HÒA XÃ\nHỘI CHỦ NGHĨA VIỆT NAM**\n"
        "Độc lập - Tự do - Hạnh phúc\n---------------\n|\n|\nSố:\n2820/QĐ-UBND\n|\n*Thành phố Hồ\n"
        "Chí Minh, ngày 19 tháng 11 năm 2025*\n|\n\n**KẾ HOẠCH**\n"
    )
    assert normalise(text).lines == [
        "ỦY BAN NHÂN DÂN",
        "THÀNH PHỐ HỒ CHÍ MINH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 2820/QĐ-UBND",
        "Thành phố Hồ Chí Minh, ngày 19 tháng 11 năm 2025",
        "KẾ HOẠCH",
    ]


def test_a_recipient_whose_note_wrapped_is_one_line_and_a_lone_closing_mark_closes_the_span() -> (
    None
):
    text = "|\n*Nơi nhận:*\n- Bộ Giáo dục và Đào tạo;\n(để báo cáo);\n- Lưu: VT.\n|\n**KT. CHỦ TỊCH\n**\nPHÓ CHỦ TỊCH\n**Trần Thị A**\n|\n"
    assert normalise(text).lines == [
        "Nơi nhận:",
        "- Bộ Giáo dục và Đào tạo (để báo cáo);",
        "- Lưu: VT.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Trần Thị A",
    ]


@pytest.mark.parametrize(
    "table",
    [
        "|\nSTT\n|\nNội dung\n|\nCơ quan chủ trì\n|\nThời gian\n|\n|\n1\n|\nRà soát văn\nbản\n|\nSở Tư pháp\n|\nQuý IV/2025\n|\n",
        "| STT | Nội dung | Cơ quan chủ trì | Thời gian |\n|---|---|---|---|\n| 1 | Rà soát văn bản | Sở Tư pháp | Quý IV/2025 |\n",
        "STT\tNội dung\tCơ quan chủ trì\tThời gian\n1\tRà soát văn bản\tSở Tư pháp\tQuý IV/2025\n",
    ],
    ids=["lone pipes", "pipe rows", "tabs"],
)
def test_a_task_table_reads_the_same_in_every_form(table: str) -> None:
    found = [
        line for line in normalise(table + "\n" + "x\n" * 0).lines if isinstance(line, TableLine)
    ]
    assert len(found) == 1
    assert table_tasks(found[0], clean) == [
        {"section": "1", "unit": "Sở Tư pháp", "text": "Rà soát văn bản", "deadline": "2025-12-31"}
    ]


def test_an_annex_table_with_groups_and_a_merged_number_cell() -> None:
    rows = [
        [["TT"], ["Nhiệm vụ"], ["Chủ trì"], ["Phối hợp"], ["Thời gian hoàn thành"], ["Sản phẩm"]],
        [["I"], ["Hạ tầng"]],
        [
            ["1"],
            ["Xây dựng hạ tầng"],
            ["Trung tâm Chuyển đổi số"],
            ["Các sở"],
            ["2025 - 2026"],
            ["Hệ thống"],
        ],
        [["Xây dựng hạ tầng dự phòng"], ["Công an tỉnh"], ["Các sở"], ["Năm 2026"], ["Hệ thống"]],
        [["2"], ["Tập huấn"], ["Sở Nội vụ"], [], ["Thường xuyên"], []],
    ]
    tasks = table_tasks(TableLine(rows), clean)
    assert [(t["section"], t["unit"], t["deadline"]) for t in tasks] == [
        ("I.1", "Trung tâm Chuyển đổi số", "2026-12-31"),
        ("I.1", "Công an tỉnh", "2026-12-31"),
        ("I.2", "Sở Nội vụ", None),
    ]


# --- blocks ----------------------------------------------------------------------------------


DECISION = """ỦY BAN NHÂN DÂN
TỈNH A
Số: 12/QĐ-UBND
A, ngày 21 tháng 11 năm 2025
QUYẾT ĐỊNH
VỀ VIỆC BAN HÀNH KẾ HOẠCH KIỂM KÊ TÀI SẢN
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH A
Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch kiểm kê tài sản.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn B
KẾ HOẠCH
TRIỂN KHAI KIỂM KÊ TÀI SẢN CÔNG
(Kèm theo Quyết định số 12/QĐ-UBND ngày 21/11/2025)
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Nắm chắc tài sản công.
II. TỔ CHỨC THỰC HIỆN
1. Sở Tài chính
- Hướng dẫn kiểm kê; thời hạn hoàn thành trước ngày 15/12/2025.
ỦY BAN NHÂN DÂN TỈNH A
"""


def test_a_decision_that_issues_a_plan_gives_its_header_and_the_plan_its_content() -> None:
    document = split_document(DECISION, paragraphs_known=True)
    assert document.plan_title == ["TRIỂN KHAI KIỂM KÊ TÀI SẢN CÔNG"]
    assert document.tail[0] == "Nơi nhận:"
    assert [c.text for c in document.body.children] == ["MỤC ĐÍCH, YÊU CẦU", "TỔ CHỨC THỰC HIỆN"]
    draft = parse_text(DECISION, paragraphs_known=True)
    assert (draft["doc_type"], draft["number"], draft["issued_on"]) == (
        "QUYẾT ĐỊNH",
        "12/QĐ-UBND",
        "2025-11-21",
    )
    assert draft["title"] == "TRIỂN KHAI KIỂM KÊ TÀI SẢN CÔNG"
    assert draft["signer_name"] == "Nguyễn Văn B"
    assert draft["legal_bases"][0]["kind"] == "Luật"
    assert draft["tasks"] == [
        {
            "section": "1",
            "unit": "Sở Tài chính",
            "text": "Hướng dẫn kiểm kê; thời hạn hoàn thành trước ngày 15/12/2025",
            "deadline": "2025-12-15",
        }
    ]


def test_pdf_header_lines_a_narrow_column_cut_are_put_back() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\nCỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số:\n308/KH-UBND\nHà Nội, ngày 17\ntháng 11 năm 2025\nKẾ HOẠCH\nThúc đẩy dữ liệu\n"
        "Thực hiện Nghị quyết số 214/NQ-CP ngày 23/7/2025 của Chính phủ;\nI. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Khoa học và Công nghệ: chủ trì theo dõi.\n"
    )
    draft = parse_text(text)
    assert draft["issuer"] == "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    assert (draft["number"], draft["place"], draft["issued_on"]) == (
        "308/KH-UBND",
        "Hà Nội",
        "2025-11-17",
    )


# --- read each block -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "unit", "rest"),
    [
        ("Sở Y tế có trách nhiệm hướng dẫn các xã.", "Sở Y tế", "có trách nhiệm hướng dẫn các xã"),
        ("Giao Công an tỉnh chủ trì bảo đảm an ninh.", "Công an tỉnh", "chủ trì bảo đảm an ninh"),
        (
            "Trên cơ sở nội dung Kế hoạch, các sở, ban, ngành tỉnh, Ủy ban nhân dân các phường, xã, đặc khu căn cứ nội dung Kế hoạch để thực hiện.",
            "các sở, ban, ngành tỉnh, Ủy ban nhân dân các phường, xã, đặc khu",
            "căn cứ nội dung Kế hoạch để thực hiện",
        ),
        (
            "Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với Sở Nội vụ tổ chức tập huấn.",
            "Sở Văn hóa, Thể thao và Du lịch",
            "chủ trì, phối hợp với Sở Nội vụ tổ chức tập huấn",
        ),
        (
            "Các cơ quan được phân công chủ trì thực hiện nhiệm vụ theo Kế hoạch này có trách nhiệm lập dự toán.",
            "Các cơ quan được phân công chủ trì thực hiện nhiệm vụ theo Kế hoạch này",
            "có trách nhiệm lập dự toán",
        ),
        (
            "Các sở, ngành, các đơn vị có liên quan xây dựng kế hoạch cụ thể.",
            "Các sở, ngành, các đơn vị có liên quan",
            "xây dựng kế hoạch cụ thể",
        ),
    ],
)
def test_the_unit_that_is_a_sentences_subject(sentence: str, unit: str, rest: str) -> None:
    assert subject_unit(sentence) == (unit, rest)


@pytest.mark.parametrize(
    "sentence",
    [
        "Phòng ngừa, ứng phó với bạo lực trên cơ sở giới là nhiệm vụ chung.",
        "Việc triển khai Kế hoạch này phải được thực hiện bằng nhiều hình thức.",
        "Các hoạt động chính gồm tuyên truyền và tập huấn.",
    ],
)
def test_a_sentence_without_a_unit_for_subject_gives_none(sentence: str) -> None:
    assert subject_unit(sentence) is None


def test_duties_written_as_sentences_and_as_unit_then_bullets() -> None:
    text = """KẾ HOẠCH
Tuyên truyền
Thực hiện Kế hoạch số 01-KH/BCĐTW ngày 21/3/2025 của Ban Chỉ đạo Trung ương;
I. MỤC ĐÍCH
1. Nâng cao nhận thức.
II. TỔ CHỨC THỰC HIỆN
1. Sở Y tế có trách nhiệm hướng dẫn các trạm y tế xã; hoàn thành trước ngày 15 tháng 12 năm 2025.
2. Công an tỉnh chủ trì, phối hợp với Sở Tư pháp thực hiện các nội dung sau:
- Rà soát thủ tục; trước 07 giờ 30 ngày 08/5/2025 báo cáo UBND tỉnh.
- Tuyên truyền trên các nền tảng số.
3. Thời gian hoàn thành: thường xuyên.
"""
    draft = parse_text(text, paragraphs_known=True)
    assert [(t["unit"], t["text"], t["deadline"]) for t in draft["tasks"]] == [
        (
            "Sở Y tế",
            "có trách nhiệm hướng dẫn các trạm y tế xã; hoàn thành trước ngày 15 tháng 12 năm 2025",
            "2025-12-15",
        ),
        (
            "Công an tỉnh",
            "Rà soát thủ tục; trước 07 giờ 30 ngày 08/5/2025 báo cáo UBND tỉnh",
            "2025-05-08T07:30",
        ),
        ("Công an tỉnh", "Tuyên truyền trên các nền tảng số", None),
    ]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("năm 2026 và những năm tiếp theo", D(2026, 1, 1), None),
        ("giai đoạn 2026 - 2028", D(2026, 1, 1), D(2028, 12, 31)),
        ("từ tháng 9 năm 2025 đến hết tháng 6 năm 2026", D(2025, 9, 1), D(2026, 6, 30)),
        ("Quý IV/2025", D(2025, 10, 1), D(2025, 12, 31)),
        ("Tháng 11 - 12/2025", D(2025, 11, 1), D(2025, 12, 31)),
        ("Thời hạn hoàn thành: trước ngày 15 tháng 12 năm 2025", D(2025, 12, 15), D(2025, 12, 15)),
        ("Từ tháng 11/2025 đến khi kết thúc", D(2025, 11, 1), None),
    ],
)
def test_more_windows_as_officials_write_them(text: str, start: D, end: D | None) -> None:
    window = parse_window(text)
    assert (window.start, window.end) == (start, end)


@pytest.mark.parametrize(
    "text", ["thường xuyên", "hằng năm, trước ngày 30 tháng 11", "Theo lộ trình của Bộ"]
)
def test_a_recurring_or_open_time_is_no_window_and_no_deadline(text: str) -> None:
    assert parse_window(text) is None
    assert find_deadline_moment(text) is None


def test_citations_as_preambles_write_them() -> None:
    found = read_citations(
        "Căn cứ Luật Dữ liệu số 60/2024/QH15 ngày 30 tháng 11 năm 2024; Quyết định 1229/QĐ-UBND "
        "ngày 28/02/2025 của UBND Thành phố về việc phê duyệt; Nghị quyết số 57/NQ -TW ngày "
        "22/12/2024 của Bộ Chính trị; Các Công điện: số 007/CĐ-UBND ngày 17/11/2025, số "
        "008/CĐ-UBND ngày 19/11/2025 của UBND tỉnh; Thông tư số 75/2024/TT-BTC của Bộ trưởng "
        "Bộ Tài chính sửa đổi, bổ sung một số điều"
    )
    assert [(c["kind"], c["number"], c["date"], c["issuer"]) for c in found] == [
        ("Luật", "60/2024/QH15", "2024-11-30", ""),
        ("Quyết định", "1229/QĐ-UBND", "2025-02-28", "UBND Thành phố"),
        ("Nghị quyết", "57/NQ-TW", "2024-12-22", "Bộ Chính trị"),
        ("Công điện", "007/CĐ-UBND", "2025-11-17", ""),
        ("Công điện", "008/CĐ-UBND", "2025-11-19", "UBND tỉnh"),
        ("Thông tư", "75/2024/TT-BTC", None, "Bộ trưởng Bộ Tài chính"),
    ]
