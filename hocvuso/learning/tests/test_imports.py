"""Files coming into the learning app: a class's sign-in sheet, meeting reports, the national
platform's completions and VNeID counts — all or nothing, every bad row named by line."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse

from hocvuso.core.models import AuditLog
from hocvuso.core.tables import ImportRejected
from hocvuso.learning import importers
from hocvuso.learning.models import (
    Enrolment,
    Learner,
    PlatformCompletion,
    PlatformImport,
    VneidCount,
)
from hocvuso.learning.selectors.duplicates import likely_duplicates
from hocvuso.learning.services import Mark, record_attendance
from hocvuso.learning.tests.conftest import person
from tests import badinput

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def csv_of(rows: list[list[object]], *, encoding: str = "utf-8") -> bytes:
    return "\n".join(";".join(str(c) for c in row) for row in rows).encode(encoding)


def messages(exc: pytest.ExceptionInfo) -> str:
    return " | ".join(str(e) for e in exc.value.errors)


SHEET_HEADER = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn/Tổ", "Số điện thoại", "Ký tên"]


def sheet(*rows: list[object]) -> bytes:
    return csv_of([["DANH SÁCH KÝ TÊN"], SHEET_HEADER, *rows])


def enrol(tree, session, *names: tuple[str, int]) -> None:
    marks = [
        Mark(id=importers.uuid.uuid4(), status="registered", person=person(tree, name, year))
        for name, year in names
    ]
    record_attendance(actor=None, session=session, marks=marks, via="hand")


# --- The sign-in sheet


def test_the_sample_sheet_marks_everyone_present_below_its_title_lines(tree, session):
    roll = importers.import_sheet(
        actor=None, session=session, filename="ky-ten.csv", content=sample("sign_in_sheet.csv")
    )
    assert roll.written == 4
    assert Enrolment.objects.filter(session=session, status="present", via="sheet").count() == 4
    hoa = Learner.objects.get(name="Nguyễn Thị Hoa")
    assert (hoa.birth_year, hoa.sex, hoa.village, hoa.phone) == (
        1968,
        "female",
        tree.hoalu_village,
        "0912345678",
    )
    # The same sheet again: the same people, nobody twice.
    importers.import_sheet(
        actor=None, session=session, filename="ky-ten.csv", content=sample("sign_in_sheet.csv")
    )
    assert Enrolment.objects.filter(session=session).count() == 4


def test_headers_without_diacritics_and_an_excel_sheet_are_read(tree, session):
    content = badinput.xlsx_bytes(
        [
            ["Lop ky nang so"],
            ["Ho va ten", "Nam sinh", "Thon/To"],
            ["Đặng Thị Nga", 1972, "Tổ dân phố số 1"],
        ]
    )
    preview = importers.read_sheet(session, "ds.xlsx", content)
    assert not preview.errors
    assert [(r.name, r.birth_year) for r in preview.rows] == [("Đặng Thị Nga", 1972)]


def test_a_windows_1258_sheet_is_read(tree, session):
    content = badinput.cp1258("Họ và tên;Năm sinh\nPhạm Thị Hường;1980\n")
    preview = importers.read_sheet(session, "ds.csv", content)
    assert [r.name for r in preview.rows] == ["Phạm Thị Hường"]


def test_a_sheet_with_bad_rows_saves_nothing_and_names_each_line(tree, session):
    content = sheet(
        [1, "Nguyễn Văn Tốt", 1970, "Nam", "", "", ""],
        [2, "Nguyễn 012345678901", 1970, "", "", "", ""],
        [3, "Cụ Già", 1850, "", "", "", ""],
        [4, "X" * 500, 1970, "", "", "", ""],
        [5, '=HYPERLINK("http://x","y")', 1970, "", "", "", ""],
        [6, "Lê Thị Lạ", 1980, "", "Thôn Không Có", "", ""],
        [7, "Nguyễn Văn Tốt", 1970, "", "", "", ""],
        [8, "Vũ\x00 Văn Nul", "một chín", "", "", "", ""],
    )
    with pytest.raises(ImportRejected) as exc:
        importers.import_sheet(actor=None, session=session, filename="ds.csv", content=content)
    text = messages(exc)
    for line in (4, 5, 6, 7, 8, 9, 10):
        assert f"Dòng {line}:" in text
    assert "Dòng 3:" not in text
    assert "CCCD" in text
    assert "1900" in text
    assert "100 ký tự" in text
    assert "trùng với dòng 3" in text
    assert not Enrolment.objects.exists()
    assert not Learner.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        badinput.random_bytes(),
        badinput.xlsx_inflation_bomb([["Họ và tên", "Năm sinh"]]),
        badinput.xlsx_dimension_bomb([["Họ và tên", "Năm sinh"]]),
        "Tên lớp\nkhông có tiêu đề\n".encode(),
    ],
    ids=["empty", "random", "inflation-bomb", "dimension-bomb", "no-header"],
)
def test_ugly_sheets_are_refused_with_a_reason(tree, session, content):
    name = "ds.xlsx" if content.startswith(b"PK") else "ds.csv"
    with pytest.raises(ImportRejected) as exc:
        importers.import_sheet(actor=None, session=session, filename=name, content=content)
    assert messages(exc)
    assert not Enrolment.objects.exists()


# --- Meeting reports


@pytest.mark.parametrize(
    "filename", ["zoom_participants.csv", "meet_attendance.csv", "teams_attendance.csv"]
)
def test_each_platforms_report_is_matched_to_the_roll(tree, session, filename):
    enrol(
        tree,
        session,
        ("Nguyễn Thị Hoa", 1968),
        ("Trần Văn Minh", 1975),
        ("Hoàng Thị Mai", 1980),
        ("Phạm Văn Đức", 1990),
    )
    preview, roll = importers.import_meeting_report(
        actor=None, session=session, filename=filename, content=sample(filename)
    )
    matched = {m.name: (m.minutes, m.status) for m in preview.matched}
    # Mai joined twice: her minutes are summed (class of 120 minutes: present from 60).
    assert matched["Hoàng Thị Mai"][0] >= 95
    assert matched["Hoàng Thị Mai"][1] == "present"
    assert matched["Trần Văn Minh"][1] == "present"  # "Tran Van Minh" without diacritics
    assert matched["Phạm Văn Đức"] == (30, "absent")
    assert [u[0] for u in preview.unmatched] == ["Đỗ Văn Hùng"]
    assert preview.present == 3
    assert not Learner.objects.filter(name="Đỗ Văn Hùng").exists()
    mai = Enrolment.objects.get(session=session, learner__name="Hoàng Thị Mai")
    assert (mai.status, mai.via) == ("present", "online")
    assert mai.minutes_online >= 95
    assert roll.written == 4


def test_the_host_is_ignored(tree, session):
    preview = importers.read_meeting_report(session, "zoom.csv", sample("zoom_participants.csv"))
    assert preview.hosts
    assert all("Văn hóa" not in name for name, _m, _w in preview.unmatched)


def test_a_name_two_learners_share_without_diacritics_is_not_guessed(tree, session):
    enrol(tree, session, ("Nguyễn Văn Ân", 1970), ("Nguyễn Văn An", 1980))
    content = "Name (Original Name),User Email,Duration (Minutes),Join Time\nNguyen Van An,,90,x\n"
    preview = importers.read_meeting_report(session, "z.csv", content.encode())
    assert not preview.matched
    assert preview.unmatched[0][0] == "Nguyen Van An"


def test_a_file_that_is_no_meeting_report_is_refused(tree, session):
    with pytest.raises(ImportRejected, match="Zoom"):
        importers.read_meeting_report(session, "x.csv", sample("vneid_counts.csv"))


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("45", 45), ("1 hr 5 min", 65), ("1h 5m 30s", 65.5), ("01:05:30", 65.5), ("30m", 30)],
)
def test_durations_as_each_platform_writes_them(text, minutes):
    assert importers.parse_minutes(text) == pytest.approx(minutes)


# --- The national platform's completions


def completions(tree, content: bytes, name: str = "hoanthanh.csv", **kw):
    return importers.import_completions(
        actor=None, unit=tree.province, filename=name, stream=io.BytesIO(content), **kw
    )


def test_the_sample_completions_are_imported_and_matched(tree):
    existing = Learner.objects.create(
        name="Nguyễn Thị Hoa",
        name_key="nguyễn thị hoa",
        birth_year=1968,
        commune=tree.hoalu,
    )
    result = completions(tree, sample("platform_completions.csv"))
    assert result.rows == 5
    assert result.learners_added == 4
    assert PlatformCompletion.objects.filter(learner__isnull=True).count() == 0
    hoa = PlatformCompletion.objects.get(name="Nguyễn Thị Hoa")
    assert hoa.learner == existing
    assert (hoa.birth_year, hoa.village, hoa.completed_on) == (
        1968,
        tree.hoalu_village,
        datetime.date(2025, 10, 5),
    )
    existing.refresh_from_db()
    assert existing.first_trained_on == datetime.date(2025, 10, 5)
    tung = PlatformCompletion.objects.get(name="Lê Văn Tùng")
    assert (tung.birth_year, tung.group, tung.completed_on) == (
        2008,
        "pupils",
        datetime.date(2025, 10, 6),
    )
    assert PlatformCompletion.objects.get(name="Phạm Thị Thu").commune == tree.hoalu  # by code
    assert PlatformCompletion.objects.get(name="Phạm Thị Thu").group == "staff"
    assert not PlatformCompletion.objects.filter(name__contains="@").exists()
    assert AuditLog.objects.filter(action="import").exists()


def test_the_same_completions_file_twice_is_refused_naming_the_first(tree, coordinator):
    completions(tree, sample("platform_completions.csv"))
    PlatformImport.objects.update(imported_by=coordinator)
    with pytest.raises(ImportRejected, match="đã được nhập ngày"):
        completions(tree, sample("platform_completions.csv"), name="lan-hai.csv")
    assert PlatformCompletion.objects.count() == 5


def test_unmatched_completions_can_stay_unmatched(tree):
    result = completions(tree, sample("platform_completions.csv"), create_learners=False)
    assert result.learners_added == 0
    assert PlatformCompletion.objects.filter(learner__isnull=True).count() == 5
    assert not Learner.objects.exists()


def test_completions_with_bad_rows_import_nothing(tree):
    header = ["Họ và tên", "Năm sinh", "Xã/Phường", "Khóa học", "Ngày hoàn thành"]
    content = csv_of(
        [
            header,
            ["Nguyễn Văn Tốt", 1970, "Phường Hoa Lư", "Kỹ năng số", "05/10/2025"],
            ["Cụ Già", 1850, "Phường Hoa Lư", "Kỹ năng số", "05/10/2025"],
            ["Trần 079123456789", 1970, "Phường Hoa Lư", "Kỹ năng số", "05/10/2025"],
            ["Lê Văn Xa", 1970, "Xã Không Có", "Kỹ năng số", "05/10/2025"],
            ["Lê Văn Ngày", 1970, "Phường Hoa Lư", "Kỹ năng số", "32/13/2025"],
            ["Lê Văn Công", 1970, "Phường Hoa Lư", "=1+1", "05/10/2025"],
        ]
    )
    with pytest.raises(ImportRejected) as exc:
        completions(tree, content)
    text = messages(exc)
    for line in (3, 4, 5, 6, 7):
        assert f"Dòng {line}:" in text
    assert "Dòng 2:" not in text
    assert not PlatformCompletion.objects.exists()
    assert not PlatformImport.objects.exists()


def test_a_bad_cell_repeated_is_named_on_every_line_it_is_on(tree):
    # Each cell's verdict is remembered by its text: the second bad line must still be named,
    # and a good person between them written with the right place and year.
    header = ["Họ và tên", "Năm sinh", "Xã/Phường", "Thôn/Tổ", "Khóa học", "Ngày hoàn thành"]
    good = ["Nguyễn Văn Tốt", 1970, "Phường Hoa Lư", "", "Kỹ năng số", "05/10/2025"]
    bad_place = ["Lê Văn Xa", 1970, "Xã Không Có", "", "Kỹ năng số", "05/10/2025"]
    bad_village = [
        "Lê Văn Thôn",
        1971,
        "Phường Hoa Lư",
        "Thôn Không Có",
        "Kỹ năng số",
        "05/10/2025",
    ]
    content = csv_of([header, bad_place, good, bad_village, bad_place, good, bad_village])
    with pytest.raises(ImportRejected) as exc:
        completions(tree, content)
    text = messages(exc)
    for line in (2, 4, 5, 7):
        assert f"Dòng {line}:" in text
    assert "Dòng 3:" not in text
    assert "Dòng 6:" not in text
    assert text.count("Thôn Không Có") == 2
    assert not PlatformCompletion.objects.exists()

    result = completions(tree, csv_of([header, good, good, ["  ", " ", "", "", "", ""], good]))
    assert (result.rows, result.learners_added) == (3, 1)  # the blank line is skipped
    learner = Learner.objects.get()
    assert (learner.commune, learner.village, learner.birth_year) == (tree.hoalu, None, 1970)
    assert PlatformCompletion.objects.filter(learner=learner).count() == 3


def test_a_commune_outside_the_importing_unit_is_refused(tree):
    content = sample("platform_completions.csv")
    with pytest.raises(ImportRejected, match="Dòng 6:"):
        importers.import_completions(
            actor=None, unit=tree.hoalu, filename="x.csv", stream=io.BytesIO(content)
        )


def test_the_mapping_is_guessed_and_can_be_changed(tree):
    preview = importers.completion_mapping("x.csv", io.BytesIO(sample("platform_completions.csv")))
    assert preview.header_line == 1
    assert set(preview.mapping.values()) == set(importers.COMPLETION_FIELDS)
    assert len(preview.sample) == 5
    # Columns named oddly: the person says which is which.
    content = csv_of(
        [
            ["Học viên", "Cột A", "Cột B", "Cột C", "Cột D"],
            ["Ngô Thị Yến", "1990", "Hoa Lư", "Kỹ năng số", "2025-10-05"],
        ]
    )
    guessed = importers.completion_mapping("x.csv", io.BytesIO(content))
    assert guessed.errors
    mapping = {0: "name", 1: "birth", 2: "commune", 3: "course", 4: "completed_on"}
    assert completions(tree, content, mapping=mapping).rows == 1


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("05/10/2025", datetime.date(2025, 10, 5)),
        ("5-10-2025", datetime.date(2025, 10, 5)),
        ("2025-10-05", datetime.date(2025, 10, 5)),
        ("2025-10-05 08:30:00", datetime.date(2025, 10, 5)),
        ("45935", datetime.date(2025, 10, 5)),
        ("31/02/2025", None),
        ("hôm qua", None),
    ],
)
def test_dates_in_the_forms_files_carry(text, day):
    assert importers.parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "year"), [("1968", 1968), ("1968.0", 1968), ("12/03/1968", 1968), ("24909", 1968)]
)
def test_a_year_or_a_date_of_birth_gives_the_year_only(text, year):
    assert importers.parse_birth_year(text) == year


# --- VNeID counts


def vneid(tree, content: bytes):
    return importers.import_vneid(actor=None, unit=tree.province, filename="v.csv", content=content)


def test_vneid_counts_are_stored_per_commune_and_month_end(tree):
    source, _preview = vneid(tree, sample("vneid_counts.csv"))
    assert source.rows == 3
    count = VneidCount.objects.get(unit=tree.hoalu, as_of=datetime.date(2025, 10, 31))
    assert count.confirmed == 1512
    with pytest.raises(ImportRejected, match="đã được nhập"):
        vneid(tree, sample("vneid_counts.csv"))


def test_a_conflicting_vneid_count_is_refused_and_a_new_date_allowed(tree):
    vneid(tree, sample("vneid_counts.csv"))
    content = csv_of(
        [
            ["Xã/Phường", "Ngày", "Số lượng"],
            ["Phường Hoa Lư", "30/11/2025", "1600"],
            ["Phường Hoa Lư", "10/2025", "1500"],
        ]
    )
    with pytest.raises(ImportRejected, match="Dòng 3: đã có số 1512"):
        vneid(tree, content)
    assert VneidCount.objects.count() == 3
    vneid(tree, content.replace(b"1500", b"1512"))
    assert VneidCount.objects.count() == 4


# --- Likely duplicates


def test_likely_duplicates_are_listed_and_merged_only_on_request(
    client, tree, session, hoalu_focal_point
):
    enrol(
        tree,
        session,
        ("Nguyễn Văn Ân", 1970),
        ("Nguyễn Văn An", 1970),
        ("Trần Thị Bích", 1965),
        ("Trần Thị Bích", 1966),
        ("Lê Văn Khác", 1990),
    )
    pairs = likely_duplicates(hoalu_focal_point)
    names = sorted(tuple(sorted((a.name, b.name))) for a, b in pairs)
    assert names == [("Nguyễn Văn An", "Nguyễn Văn Ân"), ("Trần Thị Bích", "Trần Thị Bích")]
    assert Learner.objects.filter(merged_into__isnull=False).count() == 0
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("learning:duplicates"))
    assert page.status_code == 200
    assert "Gộp" in page.content.decode()
    keep, drop = pairs[0]
    asked = client.post(reverse("learning:duplicates_merge"), {"keep": keep.pk, "drop": drop.pk})
    assert "Xác nhận gộp" in asked.content.decode()
    drop.refresh_from_db()
    assert drop.merged_into_id is None
    data = {"keep": keep.pk, "drop": drop.pk, "confirm": "on"}
    response = client.post(reverse("learning:duplicates_merge"), data)
    assert response.status_code == 302
    drop.refresh_from_db()
    assert drop.merged_into_id == keep.pk
    assert len(likely_duplicates(hoalu_focal_point)) == 1


def test_merging_moves_the_platform_completions_to_the_record_kept(tree):
    completions(tree, sample("platform_completions.csv"))
    drop = Learner.objects.get(name="Trần Văn Minh")
    keep = Learner.objects.create(
        name="Trần Văn Mình",
        name_key="trần văn mình",
        birth_year=1975,
        commune=tree.hoalu,
    )
    from hocvuso.learning.services import merge_learners

    merge_learners(actor=None, keep=keep, drop=drop)
    assert PlatformCompletion.objects.get(name="Trần Văn Minh").learner == keep
    keep.refresh_from_db()
    assert keep.first_trained_on == datetime.date(2025, 10, 6)


# --- The pages: upload, preview, confirm


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_trainer_previews_the_sheet_then_confirms_it(client, tree, session, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    url = reverse("learning:class_sheet", args=[session.pk])
    assert client.get(url).status_code == 200
    page = client.post(url, {"file": upload("ds.csv", sample("sign_in_sheet.csv"))})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Thị Hoa" in text
    assert "Xác nhận" in text
    assert not Enrolment.objects.exists()  # a preview writes nothing
    token = page.context["token"]
    done = client.post(url, {"token": token})
    assert done.status_code == 302
    assert Enrolment.objects.filter(session=session, via="sheet").count() == 4
    again = client.post(url, {"token": token})  # the staged file is gone once used
    assert again.status_code == 400
    assert "tải lại tệp" in again.content.decode()


def test_a_sheet_with_errors_shows_every_line_and_offers_no_confirm(
    client, tree, session, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    content = sheet([1, "Cụ Già", 1850, "", "", "", ""], [2, "Trần 012345678901", 1970])
    page = client.post(
        reverse("learning:class_sheet", args=[session.pk]), {"file": upload("ds.csv", content)}
    )
    text = page.content.decode()
    assert page.status_code == 400
    assert "Dòng 3:" in text
    assert "Dòng 4:" in text
    assert 'name="token"' not in text


def test_a_team_member_cannot_import_a_sheet(client, tree, session, team_member):
    client.force_login(team_member)
    response = client.post(
        reverse("learning:class_sheet", args=[session.pk]),
        {"file": upload("ds.csv", sample("sign_in_sheet.csv"))},
    )
    assert response.status_code in (403, 404)
    assert not Enrolment.objects.exists()


def test_the_online_report_page_lists_the_unmatched(client, tree, session, hoalu_focal_point):
    enrol(tree, session, ("Nguyễn Thị Hoa", 1968))
    client.force_login(hoalu_focal_point)
    url = reverse("learning:class_online_report", args=[session.pk])
    page = client.post(url, {"file": upload("teams.csv", sample("teams_attendance.csv"))})
    text = page.content.decode()
    assert "Microsoft Teams" in text
    assert "Đỗ Văn Hùng" in text
    assert "hungdv@gmail.com" not in text
    assert client.post(url, {"token": page.context["token"]}).status_code == 302
    assert Enrolment.objects.get(learner__name="Nguyễn Thị Hoa").minutes_online == 120


def test_completions_are_mapped_on_the_page_then_imported(client, tree, coordinator):
    client.force_login(coordinator)
    url = reverse("learning:platform_completions") + f"?unit={tree.province.pk}"
    page = client.post(url, {"file": upload("hv.csv", sample("platform_completions.csv"))})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Ngày hoàn thành" in text
    assert "Nguyễn Thị Hoa" in text
    assert page.context["rows"] == 5
    form = page.context["mapping_form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data["token"] = page.context["token"]
    done = client.post(url, data)
    assert done.status_code == 302
    assert PlatformCompletion.objects.count() == 5
    history = client.get(reverse("learning:platform_imports"))
    assert (
        "platform_completions.csv" in history.content.decode()
        or "hv.csv" in history.content.decode()
    )
    twice = client.post(url, {"file": upload("hv.csv", sample("platform_completions.csv"))})
    assert "đã được nhập ngày" in twice.content.decode()


def test_a_focal_point_cannot_import_for_the_province(client, tree, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    url = reverse("learning:platform_completions") + f"?unit={tree.province.pk}"
    assert client.get(url).status_code in (403, 404)


def test_the_sign_in_sheet_template_reads_back(client, tree, session, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    response = client.get(reverse("learning:sheet_template"))
    assert response.status_code == 200
    preview = importers.read_sheet(session, "mau.xlsx", response.content)
    assert preview.header[:3] == ["STT", "Họ và tên", "Năm sinh"]
    assert preview.errors  # the blank template has no one on it


def test_the_completions_preview_names_bad_rows_before_anything_is_written(
    client, tree, coordinator
):
    client.force_login(coordinator)
    content = csv_of(
        [
            ["Họ và tên", "Năm sinh", "Xã/Phường", "Khóa học", "Ngày hoàn thành"],
            ["Cụ Già", 1850, "Phường Hoa Lư", "Kỹ năng số", "05/10/2025"],
        ]
    )
    url = reverse("learning:platform_completions") + f"?unit={tree.province.pk}"
    page = client.post(url, {"file": upload("hv.csv", content)})
    assert page.status_code == 400
    assert "Dòng 2:" in page.content.decode()
    assert not PlatformImport.objects.exists()


def test_an_imported_platform_file_shows_at_once_in_who_has_been_trained(tree):
    from hocvuso.learning.selectors import coverage as cov

    before = cov.coverage(
        tree.province, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )
    result = completions(tree, sample("platform_completions.csv"))
    after = cov.coverage(
        tree.province, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )
    people = {(c.commune_id, c.name_key, c.birth_year) for c in result.source.completions.all()}
    assert after.total.trained_total - before.total.trained_total == len(people)
    assert after.total.completions - before.total.completions == result.rows


def test_the_history_shows_a_file_the_system_imported_and_a_viewer_gets_no_import_links(
    client, tree, viewer
):
    completions(tree, sample("platform_completions.csv"), name="he-thong.csv")
    client.force_login(viewer)
    page = client.get(reverse("learning:platform_imports"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "he-thong.csv" in text
    assert reverse("learning:platform_completions") not in text
