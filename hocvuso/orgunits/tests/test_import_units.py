"""Importing villages and other units from CSV and Excel: all rows or none, every bad row named."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from hocvuso.core.models import AuditLog
from hocvuso.core.tables import ImportRejected
from hocvuso.orgunits.models import OrgUnit, UnitGroup, UnitPopulation
from hocvuso.orgunits.services import import_units

HEADER = "Mã,Tên đơn vị,Loại,Mã đơn vị cấp trên,Năm,Số người trưởng thành,Số hộ\n"


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def messages(exc: pytest.ExceptionInfo[ImportRejected]) -> list[str]:
    return [str(e) for e in exc.value.errors]


def test_csv_creates_villages_with_population_and_audit(tree, hoalu_focal_point):
    content = csv_bytes(
        "HL-01,Tổ dân phố số 2,Tổ dân phố,,2026,700,260",
        ",Thôn Bắc,thôn,,2026,520,190",
    )
    result = import_units(
        actor=hoalu_focal_point, under=tree.hoalu, filename="thon.csv", content=content
    )
    assert result == {"created": 2, "updated": 0, "rows": 2}
    names = sorted(c.name for c in OrgUnit.objects.get_children(tree.hoalu))
    assert names == ["Thôn Bắc", "Tổ dân phố số 1", "Tổ dân phố số 2"]
    village = OrgUnit.objects.get(code="HL-01")
    assert village.kind == "village"
    assert UnitPopulation.objects.get(unit=village, year=2026).households == 260
    assert AuditLog.objects.filter(object_id=str(village.pk), action="create").exists()
    tree.hoalu.refresh_from_db()
    assert tree.hoalu.numchild == 3


def test_reimporting_the_same_file_changes_nothing(tree, hoalu_focal_point):
    content = csv_bytes("HL-01,Tổ dân phố số 2,Tổ dân phố,,2026,700,260", ",Thôn Bắc,thôn,,,,")
    import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="a.csv", content=content)
    again = import_units(
        actor=hoalu_focal_point, under=tree.hoalu, filename="a.csv", content=content
    )
    assert again == {"created": 0, "updated": 0, "rows": 2}
    assert OrgUnit.objects.filter(name="Thôn Bắc").count() == 1


def test_excel_file_with_parents_inside_the_file(tree, coordinator):
    content = xlsx_bytes(
        [
            ["Mã", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên"],
            ["H-CU", "Huyện Cũ", "Huyện", None],
            ["X-A", "Xã A", "Xã", "H-CU"],
            [None, "Thôn 1", "Thôn", "X-A"],
            [None, None, None, None],
            [None, "Thôn 2", "Thôn", "X-A"],
        ]
    )
    result = import_units(
        actor=coordinator, under=tree.province, filename="cay.xlsx", content=content
    )
    assert result["created"] == 4
    commune = OrgUnit.objects.get(code="X-A")
    assert sorted(c.name for c in OrgUnit.objects.get_children(commune)) == ["Thôn 1", "Thôn 2"]
    assert commune.depth == 3


def test_every_bad_row_is_named_and_nothing_is_saved(tree, hoalu_focal_point):
    before = OrgUnit.objects.count()
    content = csv_bytes(
        "HL-01,Tổ dân phố số 2,Tổ dân phố,,2026,700,260",  # fine
        "HL-02,,thôn,,,,",  # line 3: no name
        "HL-03,Thôn X,làng xã,,,,",  # line 4: unknown kind
        "HL-01,Thôn Y,thôn,,,,",  # line 5: duplicate code
        "HL-05,Thôn Z,thôn,KHONG-CO,,,",  # line 6: unknown parent
        "HL-06,Thôn W,thôn,,2026,nhiều,",  # line 7: not a number
    )
    with pytest.raises(ImportRejected) as exc:
        import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    lines = [e.line for e in exc.value.errors]
    assert lines == [3, 4, 5, 6, 7]
    text = "\n".join(messages(exc))
    assert "Dòng 3: thiếu tên đơn vị." in text
    assert "Dòng 4: loại đơn vị “làng xã” không hợp lệ." in text
    assert "Dòng 5: mã “HL-01” trùng với dòng 2." in text
    assert "Dòng 6: không tìm thấy đơn vị cấp trên mã “KHONG-CO”" in text
    assert "Dòng 7: số người trưởng thành “nhiều” phải là số nguyên không âm." in text
    assert OrgUnit.objects.count() == before


def test_code_already_used_in_database_is_a_duplicate(tree, hoalu_focal_point):
    content = csv_bytes("14359,Thôn Trộm Mã,thôn,,,,")  # Nam Hoa Lư's code, outside scope
    with pytest.raises(ImportRejected) as exc:
        import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    assert messages(exc) == ["Dòng 2: mã “14359” đã được dùng cho một đơn vị khác."]


def test_parent_outside_the_importers_units_is_unknown(tree, hoalu_focal_point):
    content = csv_bytes("HL-9,Thôn Lạ,thôn,14359,,,")
    with pytest.raises(ImportRejected) as exc:
        import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    assert "không tìm thấy đơn vị cấp trên mã “14359”" in messages(exc)[0]
    assert not OrgUnit.objects.filter(code="HL-9").exists()


def test_wrong_columns_are_reported_on_the_header_line(tree, hoalu_focal_point):
    content = csv_bytes("1,Thôn A,2", header="STT,Tên thôn,Dân số\n")
    with pytest.raises(ImportRejected) as exc:
        import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    assert messages(exc) == [
        "Dòng 1: cột “STT” không thuộc mẫu nhập.",
        "Dòng 1: cột “Tên thôn” không thuộc mẫu nhập.",
        "Dòng 1: cột “Dân số” không thuộc mẫu nhập.",
        "Dòng 1: thiếu cột “Tên đơn vị”.",
        "Dòng 1: thiếu cột “Loại”.",
    ]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("empty.csv", b"", "Tệp rỗng"),
        ("empty.xlsx", b"   ", "Tệp rỗng"),
        ("header-only.csv", HEADER.encode(), "chỉ có dòng tiêu đề"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "không phải tệp Excel"),
        ("binary.csv", b"PK\x03\x04\x00\x00garbage", "không phải tệp CSV"),
        ("plan.docx", b"PK\x03\x04 a word file", "Chỉ nhận tệp Excel"),
        # Bytes no encoding the import reads (UTF-8, UTF-16, Windows-1258) can decode.
        ("unknown-encoding.csv", b"Ten,Loai\nTh\x81n \x8dp,th\x90n\n", "UTF-8"),
    ],
)
def test_files_that_are_not_unit_lists_are_refused(tree, coordinator, filename, content, message):
    before = OrgUnit.objects.count()
    with pytest.raises(ImportRejected) as exc:
        import_units(actor=coordinator, under=tree.hoalu, filename=filename, content=content)
    assert message in " ".join(messages(exc))
    assert OrgUnit.objects.count() == before


def test_oversized_file_is_refused_before_parsing(tree, coordinator, settings):
    settings.UNIT_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportRejected, match="lớn quá"):
        import_units(actor=coordinator, under=tree.hoalu, filename="big.csv", content=b"x" * 101)


def test_territory_cannot_sit_under_a_village(tree, coordinator):
    content = csv_bytes(",Xã Lạ,xã,,,,")
    with pytest.raises(ImportRejected) as exc:
        import_units(actor=coordinator, under=tree.hoalu_village, filename="x.csv", content=content)
    assert "không thể trực thuộc" in messages(exc)[0]


def test_groups_must_exist_and_are_set(tree, coordinator):
    UnitGroup.objects.create(name="Doanh nghiệp viễn thông", slug="dn-vt")
    header = "Mã,Tên đơn vị,Loại,Nhóm\n"
    bad = csv_bytes("VT-1,Viettel Ninh Bình,doanh nghiệp,Nhóm không có", header=header)
    with pytest.raises(ImportRejected, match="không có nhóm đơn vị"):
        import_units(actor=coordinator, under=tree.province, filename="x.csv", content=bad)
    good = csv_bytes("VT-1,Viettel Ninh Bình,doanh nghiệp,doanh nghiep vien thong", header=header)
    import_units(actor=coordinator, under=tree.province, filename="x.csv", content=good)
    unit = OrgUnit.objects.get(code="VT-1")
    assert [g.slug for g in unit.groups.all()] == ["dn-vt"]


def test_semicolon_csv_from_vietnamese_excel_is_read(tree, hoalu_focal_point):
    content = "Tên đơn vị;Loại;Số hộ;Năm\nThôn Nam;thôn;1.250;2026\n".encode()
    import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    village = OrgUnit.objects.get(name="Thôn Nam")
    assert village.populations.get().households == 1250


def test_import_page_lists_errors_in_vietnamese(client, tree, hoalu_focal_point):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(hoalu_focal_point)
    upload = SimpleUploadedFile("x.csv", csv_bytes(",,thôn,,,,"))
    response = client.post(f"/units/{tree.hoalu.pk}/import/", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không dòng nào được lưu" in page
    assert "Dòng 2: thiếu tên đơn vị." in page


def test_import_page_success_redirects_with_counts(client, tree, hoalu_focal_point):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(hoalu_focal_point)
    upload = SimpleUploadedFile("x.csv", csv_bytes(",Thôn Mới,thôn,,,,"))
    response = client.post(f"/units/{tree.hoalu.pk}/import/", {"file": upload}, follow=True)
    assert "thêm mới 1" in response.content.decode()


def test_template_download_round_trips(client, tree, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    content = client.get("/units/import-template.xlsx").content
    result = import_units(
        actor=hoalu_focal_point, under=tree.hoalu, filename="mau.xlsx", content=content
    )
    # The template's second example has the same name as the tree's village: it updates it.
    assert result == {"created": 1, "updated": 0, "rows": 2}


def test_command_line_import_reports_every_bad_line(tree, tmp_path):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "thon.csv"
    bad.write_bytes(csv_bytes(",,thôn,,,,", ",Thôn A,làng,,,,"))
    with pytest.raises(CommandError) as exc:
        call_command("import_units", str(bad), under="14329")
    assert str(exc.value) == ("Dòng 2: thiếu tên đơn vị.\nDòng 3: loại đơn vị “làng” không hợp lệ.")
    good = tmp_path / "ok.csv"
    good.write_bytes(csv_bytes(",Thôn A,thôn,,,,"))
    call_command("import_units", str(good), under="14329")
    assert OrgUnit.objects.get_children(tree.hoalu).filter(name="Thôn A").exists()


def test_reimporting_a_nested_file_creates_no_duplicates(tree, coordinator):
    content = xlsx_bytes(
        [
            ["Mã", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên"],
            ["X-A", "Xã A", "Xã", None],
            [None, "Thôn 1", "Thôn", "X-A"],
        ]
    )
    import_units(actor=coordinator, under=tree.province, filename="a.xlsx", content=content)
    again = import_units(actor=coordinator, under=tree.province, filename="a.xlsx", content=content)
    assert again == {"created": 0, "updated": 0, "rows": 2}
    assert OrgUnit.objects.filter(name="Thôn 1").count() == 1


# --- Issue 13: bad cells and bad files answer with a message, never a server error


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("²", "Dòng 2: số người trưởng thành “²” phải là số nguyên không âm."),
        ("1²", "Dòng 2: số người trưởng thành “1²” phải là số nguyên không âm."),
        ("12,5", "Dòng 2: số người trưởng thành “12,5” phải là số nguyên không âm."),
        ("-4", "Dòng 2: số người trưởng thành “-4” phải là số nguyên không âm."),
        (
            "12345678901234567890123",
            "Dòng 2: số người trưởng thành “12345678901234567890123” quá lớn.",
        ),
    ],
)
def test_a_count_that_is_no_count_is_named_and_nothing_is_saved(
    client, tree, hoalu_focal_point, cell, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before, audits = OrgUnit.objects.count(), AuditLog.objects.count()
    client.force_login(hoalu_focal_point)
    upload = SimpleUploadedFile("x.csv", csv_bytes(f',Thôn Mới,thôn,,2026,"{cell}",'))
    response = client.post(f"/units/{tree.hoalu.pk}/import/", {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert OrgUnit.objects.count() == before
    assert AuditLog.objects.count() == audits


def test_thousands_are_read_whichever_separator_was_typed(tree, hoalu_focal_point):
    content = csv_bytes(",Thôn A,thôn,,2026,9.740,1 250", ",Thôn B,thôn,,2026,9,740,")
    content = content.replace(b"9,740,", b'"9,740",')
    import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    populations = UnitPopulation.objects.filter(unit__name__in=["Thôn A", "Thôn B"])
    assert sorted(p.adults for p in populations) == [9740, 9740]


def test_a_code_longer_than_the_column_is_a_row_error(tree, hoalu_focal_point):
    content = csv_bytes(f"{'X' * 500},Thôn Mới,thôn,,,,")
    with pytest.raises(ImportRejected) as exc:
        import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    assert messages(exc) == ["Dòng 2: Mã đơn vị dài quá 40 ký tự."]
    assert not OrgUnit.objects.filter(name="Thôn Mới").exists()


def test_control_characters_in_a_name_are_dropped(tree, hoalu_focal_point):
    content = csv_bytes(",Thôn\x07 Mới\x00,thôn,,,,")
    import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    assert OrgUnit.objects.filter(name="Thôn Mới").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "cp1258"])
def test_a_csv_saved_by_excel_in_utf16_or_windows_1258_is_read(tree, hoalu_focal_point, encoding):
    from hocvuso.core.tests.test_tables import windows_1258

    text = "Tên đơn vị,Loại\nTổ dân phố Đồng Hướng,tổ dân phố\n"
    content = text.encode("utf-16") if encoding == "utf-16" else windows_1258(text)
    import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    assert OrgUnit.objects.filter(name="Tổ dân phố Đồng Hướng", kind="village").exists()


def test_a_spreadsheet_bomb_is_refused_in_under_two_seconds(client, tree, hoalu_focal_point):
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile

    from hocvuso.core.tests.test_tables import BOMB

    client.force_login(hoalu_focal_point)
    started = time.perf_counter()
    response = client.post(
        f"/units/{tree.hoalu.pk}/import/", {"file": SimpleUploadedFile("bom.xlsx", BOMB)}
    )
    assert time.perf_counter() - started < 2
    assert response.status_code == 400
    assert "Bảng tính lớn quá" in response.content.decode()
