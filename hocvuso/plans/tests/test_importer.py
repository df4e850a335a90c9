"""The plan reader on what officials actually send: broken PDF text, Word files, bad files."""

from __future__ import annotations

import datetime
import io
import time
from pathlib import Path

import pytest

from hocvuso.plans.importer import MAX_BYTES, PlanImportError, parse_text, read_plan
from hocvuso.plans.importer.dates import find_deadline, parse_datetime, parse_window
from hocvuso.plans.importer.grammar import read_quota, split_names
from hocvuso.plans.importer.structure import join_lines

SAMPLES = Path(__file__).parent / "samples"
D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Từ ngày 01/10/2025 đến ngày 30/10/2025", D(2025, 10, 1), D(2025, 10, 30)),
        ("Từ ngày 06/10 đến ngày 10/10/2025", D(2025, 10, 6), D(2025, 10, 10)),
        ("Tháng 11 năm 2025", D(2025, 11, 1), D(2025, 11, 30)),
        ("tháng 2/2024", D(2024, 2, 1), D(2024, 2, 29)),
        ("01 buổi trong tuần làm việc thứ 16/2025", D(2025, 4, 14), D(2025, 4, 18)),
        ("Quý III năm 2025", D(2025, 7, 1), D(2025, 9, 30)),
        (
            "Từ ngày 01 tháng 10 năm 2025 đến hết ngày 30 tháng 11 năm 2025",
            D(2025, 10, 1),
            D(2025, 11, 30),
        ),
        ("8 giờ 00, ngày 08 tháng 5 năm 2025", D(2025, 5, 8), D(2025, 5, 8)),
    ],
)
def test_windows_as_officials_write_them(text: str, start: D, end: D) -> None:
    window = parse_window(text)
    assert (window.start, window.end) == (start, end)


def test_a_window_without_dates_is_none() -> None:
    assert parse_window("Theo kế hoạch của Bộ Khoa học và Công nghệ") is None
    assert parse_window("ngày 31/02/2025") is None


def test_moments_and_deadlines() -> None:
    # Local wall-clock time as written; the caller attaches the zone.
    moment = parse_datetime("8 giờ 00, ngày 08 tháng 5 năm 2025")
    assert (moment.date(), moment.time()) == (D(2025, 5, 8), datetime.time(8, 0))
    assert find_deadline("báo cáo UBND tỉnh trước 07 giờ 30 ngày 08/5/2025.") == D(2025, 5, 8)
    assert find_deadline("gửi về Sở trước ngày 05/11/2025 để tổng hợp") == D(2025, 11, 5)
    assert find_deadline("triển khai từ ngày 05/11/2025") is None


def test_lines_cut_by_the_page_are_joined_and_new_items_kept_apart() -> None:
    lines = [
        "- Phát động và lan tỏa mạnh mẽ tinh thần của Phong trào “Bình dân học vụ",
        "số” đến toàn thể cán bộ, đảng viên và các tầng lớp Nhân dân trong tỉnh.",
        "- Khối Đoàn thể: 100 người (Đoàn thanh niên: 50 người; Hội Phụ nữ: 30;",
        "Hội Cựu chiến binh: 20 người).",
        "3. Sở Khoa học và Công nghệ",
        "Chủ trì tổng hợp, báo cáo kết quả về Ủy ban nhân dân tỉnh theo quy định của",
        "Nghị quyết số 57-",
        "NQ/TW.",
    ]
    assert join_lines(lines) == [
        "- Phát động và lan tỏa mạnh mẽ tinh thần của Phong trào “Bình dân học vụ số” đến "
        "toàn thể cán bộ, đảng viên và các tầng lớp Nhân dân trong tỉnh.",
        "- Khối Đoàn thể: 100 người (Đoàn thanh niên: 50 người; Hội Phụ nữ: 30; "
        "Hội Cựu chiến binh: 20 người).",
        "3. Sở Khoa học và Công nghệ",
        "Chủ trì tổng hợp, báo cáo kết quả về Ủy ban nhân dân tỉnh theo quy định của "
        "Nghị quyết số 57-NQ/TW.",
    ]


def test_quota_with_sub_quotas() -> None:
    quota = read_quota("Khối học sinh, sinh viên: 200 người (Sinh viên: 50; THPT: 100; THCS: 50)")
    assert quota == {
        "group": "Khối học sinh, sinh viên",
        "count": 200,
        "sub": [
            {"group": "Sinh viên", "count": 50},
            {"group": "THPT", "count": 100},
            {"group": "THCS", "count": 50},
        ],
    }
    armed = read_quota("Khối lực lượng vũ trang: 50 (Công an tỉnh 30 người, Bộ CHQS tỉnh 20 người)")
    assert [s["count"] for s in armed["sub"]] == [30, 20]


def test_agency_lists_split_at_agencies_not_inside_group_names() -> None:
    assert split_names(
        "Văn phòng UBND tỉnh; Sở Văn hóa và Thể thao; Báo và phát thanh, truyền hình tỉnh; "
        "các sở, ban, ngành, UBND các xã, phường"
    ) == [
        "Văn phòng UBND tỉnh",
        "Sở Văn hóa và Thể thao",
        "Báo và phát thanh, truyền hình tỉnh",
        "các sở, ban, ngành",
        "UBND các xã, phường",
    ]


def _plan_text(body: str) -> str:
    return (
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nSố: 12/KH-UBND\nQuảng Trị, ngày 03 tháng 4 năm 2025\n"
        "KẾ HOẠCH\nTriển khai phong trào “Bình dân học vụ số”\n"
        "Căn cứ Kế hoạch số 01-KH/BCĐTW ngày 21/3/2025 của Ban Chỉ đạo Trung ương;\n"
        f"{body}\n"
        "Nơi nhận:\n- Các sở, ban, ngành;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n"
        "Nguyễn Văn A\n"
    )


def test_an_unseen_plan_reads_with_the_same_grammar() -> None:
    draft = parse_text(
        _plan_text(
            "I. MỤC ĐÍCH\n- Phổ cập kỹ năng số cho người dân.\n"
            "II. NHIỆM VỤ\n1. Tập huấn kỹ năng số cho Tổ công nghệ số cộng đồng\n"
            "- Thời gian thực hiện: Quý III năm 2025.\n"
            "- Cơ quan chủ trì: Sở Khoa học và Công nghệ.\n"
            "- Cơ quan phối hợp: Sở Nội vụ, UBND các xã, phường.\n"
            "III. TỔ CHỨC THỰC HIỆN\n1. Đề nghị Tỉnh đoàn\n"
            "- Huy động đoàn viên tham gia; báo cáo kết quả trước ngày 30/9/2025.\n"
            "2. Sở Tài chính: Bố trí kinh phí theo quy định.\n"
        )
    )
    assert draft["number"] == "12/KH-UBND"
    assert (draft["place"], draft["issued_on"]) == ("Quảng Trị", "2025-04-03")
    assert draft["issuer"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ"
    assert draft["legal_bases"][0]["number"] == "01-KH/BCĐTW"
    assert draft["purposes"] == ["Phổ cập kỹ năng số cho người dân"]
    (activity,) = draft["activities"]
    assert (activity["starts_on"], activity["ends_on"]) == ("2025-07-01", "2025-09-30")
    assert activity["lead"] == ["Sở Khoa học và Công nghệ"]
    assert activity["partners"] == ["Sở Nội vụ", "UBND các xã, phường"]
    assert [(t["unit"], t["deadline"]) for t in draft["tasks"]] == [
        ("Tỉnh đoàn", "2025-09-30"),
        ("Sở Tài chính", None),
    ]
    assert draft["signer_title"] == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    assert draft["signer_name"] == "Nguyễn Văn A"


def test_a_word_file_reads_like_its_text() -> None:
    import docx

    text = (SAMPLES / "003_ninh_binh_dx_day.txt").read_text(encoding="utf-8")
    document = docx.Document()
    for paragraph in parse_lines(text):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    from_word = read_plan(buffer.getvalue(), "ke-hoach.docx")
    from_text = parse_text(text)
    for key in ("title", "number", "legal_bases", "purposes", "activities", "tasks"):
        assert from_word[key] == from_text[key], key


def parse_lines(text: str) -> list[str]:
    from hocvuso.plans.importer.structure import clean_lines

    return join_lines(clean_lines(text))


def _pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@pytest.mark.skipif(
    not Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists(),
    reason="needs Debian's DejaVu font to write a Vietnamese PDF",
)
def test_a_pdf_with_a_text_layer_reads_like_its_text() -> None:
    text = (SAMPLES / "000_ninh_binh_launch.txt").read_text(encoding="utf-8")
    draft = read_plan(_pdf(parse_lines(text)), "ke-hoach.pdf")
    assert draft["title"] == parse_text(text)["title"]
    assert len(draft["tasks"]) == len(parse_text(text)["tasks"])
    assert draft["event"]["quota_total"] == 500


def test_a_scanned_pdf_is_refused_with_a_reason() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 100)
    with pytest.raises(PlanImportError, match="bản quét"):
        read_plan(bytes(pdf.output()), "scan.pdf")


def test_a_password_protected_pdf_is_refused_with_a_reason() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(0, 10, "Ke hoach")
    pdf.set_encryption(owner_password="x", user_password="secret")
    with pytest.raises(PlanImportError, match="mật khẩu"):
        read_plan(bytes(pdf.output()), "locked.pdf")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.docx", "rỗng"),
        (b"PK\x03\x04 not really a zip", "broken.docx", "hỏng"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "locked.docx", "mật khẩu"),
        (b"%PDF-1.4 garbage", "broken.pdf", "hỏng"),
        (b"\xff\xfe\x00\xd8" * 4, "weird.txt", "UTF-8"),
        (b"Xin chao", "photo.jpg", ".docx, .pdf"),
        ("Danh sách lớp học\nNguyễn Văn A\nTrần Thị B\n".encode(), "list.txt", "không giống"),
    ],
)
def test_bad_files_get_a_clear_message(data: bytes, name: str, message: str) -> None:
    with pytest.raises(PlanImportError, match=message):
        read_plan(data, name)


def test_files_over_20_mb_are_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object) -> None:
        raise AssertionError("parsed a file that was too large")

    monkeypatch.setattr("hocvuso.plans.importer.extract._plain_text", never)
    with pytest.raises(PlanImportError, match="20 MB"):
        read_plan(b"x" * (MAX_BYTES + 1), "big.txt")


def test_a_thirty_page_plan_parses_in_under_a_second() -> None:
    text = (SAMPLES / "003_ninh_binh_dx_day.txt").read_text(encoding="utf-8")
    head, _, tail = text.partition("V. TỔ CHỨC THỰC HIỆN")
    # Seed 003 is about 4 pages; repeating its content section makes about 30.
    body = head.split("III. NỘI DUNG VÀ HÌNH THỨC TỔ CHỨC")[1]
    big = head + body * 16 + "V. TỔ CHỨC THỰC HIỆN" + tail
    assert len(big) > 30 * 2500
    started = time.perf_counter()
    draft = parse_text(big)
    assert time.perf_counter() - started < 1.0
    assert len(draft["activities"]) >= 6


def test_decomposed_accents_read_like_composed_ones() -> None:
    import unicodedata

    text = (SAMPLES / "000_ninh_binh_launch.txt").read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", text).encode()
    assert read_plan(decomposed, "nfd.txt")["tasks"] == parse_text(text)["tasks"]


def test_other_numbering_habits_and_an_interleaved_header() -> None:
    draft = parse_text(
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "XÃ TÂN LẬP Độc lập - Tự do - Hạnh phúc\n"
        "Số: 45/KH-UBND Tân Lập, ngày 15 tháng 3 năm 2025\n"
        "KẾ HOẠCH\nTổ chức Lễ phát động phong trào “Bình dân học vụ số” trên địa bàn xã\n"
        "Căn cứ Kế hoạch số 12/KH-UBND ngày 01/3/2025 của UBND tỉnh;\n"
        "I- MỤC ĐÍCH, YÊU CẦU\n1.1 Mục đích\n+ Mọi người dân biết dùng dịch vụ công trực tuyến.\n"
        "II- NỘI DUNG\n1. Thời gian: 14 giờ 00 ngày 20/3/2025.\n"
        "2. Địa điểm: Hội trường UBND xã.\n"
        "3. Thành phần\na. Tại điểm cầu UBND xã: Thường trực Đảng ủy, HĐND, UBND xã.\n"
        "b. Tại điểm cầu các thôn: Trưởng thôn và Tổ công nghệ số cộng đồng.\n"
        "III- TỔ CHỨC THỰC HIỆN\n1. Công chức Văn hóa - Xã hội: Chuẩn bị hội trường.\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nCHỦ TỊCH\nTrần Văn B\n"
    )
    assert draft["issuer"] == "ỦY BAN NHÂN DÂN XÃ TÂN LẬP"
    assert (draft["number"], draft["place"], draft["issued_on"]) == (
        "45/KH-UBND",
        "Tân Lập",
        "2025-03-15",
    )
    assert draft["purposes"] == ["Mọi người dân biết dùng dịch vụ công trực tuyến"]
    assert draft["event"]["starts_at"] == "2025-03-20T14:00"
    assert [p["name"] for p in draft["event"]["bridge_points"]] == [
        "điểm cầu UBND xã",
        "điểm cầu các thôn",
    ]
    assert draft["tasks"][0]["text"] == "Chuẩn bị hội trường"
