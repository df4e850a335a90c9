"""Issue 6: a form's figures for many units at once, from its Excel template (or a CSV laid
out the same way) — all rows or none, every bad row named by its line."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocvuso.core.models import AuditLog
from hocvuso.core.tables import LIMITS, ImportRejected
from hocvuso.reports import periods
from hocvuso.reports.models import DataValue, Report, Rollup
from hocvuso.reports.selectors import values_for
from hocvuso.reports.services import import_values, save_values, submit_report

HEADER = "ID;Mã đơn vị;Tên đơn vị;Người được hướng dẫn [t-guided];Người trưởng thành [t-adults];Có kỹ năng [t-skilled];Khó khăn, vướng mắc [t-note]"  # noqa: E501


def csv_bytes(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode()


def run(actor, dataset, unit, period, content: bytes, name: str = "so-lieu.csv"):
    return import_values(
        actor=actor,
        dataset=dataset,
        unit=unit,
        period=period,
        filename=name,
        stream=io.BytesIO(content),
    )


def figures(dataset, unit, period) -> dict[str, Decimal | str]:
    return {
        v.indicator.code: v.text or v.value
        for v in DataValue.objects.filter(unit=unit, period=period.key).select_related("indicator")
    }


def test_a_good_file_saves_every_unit_rolls_up_and_audits(
    dataset, tree, october, coordinator, indicators
) -> None:
    content = csv_bytes(
        f"{tree.hoalu.pk};14329;Phường Hoa Lư;12;1.234;600;Thiếu thiết bị",
        f"{tree.hoalu_village.pk};;Tổ dân phố số 1;3;100;50;",
        ";14359;Phường Nam Hoa Lư;;600;300;",
    )
    result = run(coordinator, dataset, tree.province, october, content)
    assert (result.units, result.changed) == (3, 9)
    assert figures(dataset, tree.hoalu, october) == {
        "t-guided": 12,
        "t-adults": 1234,
        "t-skilled": 600,
        "t-note": "Thiếu thiết bị",
    }
    adults = indicators["adults"]
    total = values_for([adults], [tree.province], [october])
    assert total[(adults.pk, tree.province.pk, "2025-10")] == 1934
    assert Rollup.objects.filter(unit=tree.province, indicator=adults).get().total == 1934
    assert Report.objects.filter(status="draft").count() == 3
    audit = AuditLog.objects.get(object_type="reports.report", unit=tree.hoalu_village)
    assert audit.actor == coordinator
    assert audit.changes == {
        "t-guided": [None, "3.00"],
        "t-adults": [None, "100.00"],
        "t-skilled": [None, "50.00"],
        "file": [None, "so-lieu.csv"],
    }


def test_an_empty_cell_clears_a_value_and_an_unchanged_row_writes_nothing(
    dataset, tree, october, coordinator, indicators
) -> None:
    run(coordinator, dataset, tree.province, october, csv_bytes(f"{tree.hoalu.pk};;;5;100;;"))
    AuditLog.objects.all().delete()
    again = run(
        coordinator,
        dataset,
        tree.province,
        october,
        csv_bytes(f"{tree.hoalu.pk};;;5;;;", f"{tree.namhoalu.pk};;;;;;"),
    )
    assert again.changed == 1
    assert figures(dataset, tree.hoalu, october) == {"t-guided": 5}
    assert AuditLog.objects.get().changes["t-adults"] == ["100.00", None]
    assert not Report.objects.filter(unit=tree.namhoalu).exists()


def test_every_bad_row_is_named_and_nothing_is_saved(
    dataset, tree, october, hoalu_focal_point
) -> None:
    content = csv_bytes(
        f"{tree.hoalu.pk};;Phường Hoa Lư;12;100;50;",  # good
        "999999;;Đơn vị ma;1;1;1;",
        f"{tree.namhoalu.pk};;Phường Nam Hoa Lư;1;1;1;",  # another commune's
        f"{tree.hoalu_village.pk};;Tổ dân phố số 1;mười;-3;2,5;",
        f"{tree.hoalu.pk};;Phường Hoa Lư lần hai;1;1;1;",
        ";KHONG-CO;;1;1;1;",
        ";;Không có mã;1;1;1;",
    )
    with pytest.raises(ImportRejected) as caught:
        run(hoalu_focal_point, dataset, tree.hoalu, october, content)
    messages = [str(e) for e in caught.value.errors]
    assert messages == [
        "Dòng 3: không có đơn vị nào có ID 999999.",
        "Dòng 4: đơn vị “Phường Nam Hoa Lư” nằm ngoài phạm vi được nhập số liệu.",
        "Dòng 5: cột “Người được hướng dẫn”: “mười” không phải là số.",
        "Dòng 5: cột “Người trưởng thành”: Không được là số âm.",
        "Dòng 5: cột “Có kỹ năng”: Phải là số nguyên.",
        "Dòng 6: “Phường Hoa Lư” đã có ở dòng 2.",
        "Dòng 7: không có đơn vị nào có mã “KHONG-CO”.",
        "Dòng 8: thiếu ID hoặc Mã đơn vị.",
    ]
    assert not DataValue.objects.exists()
    assert not Report.objects.exists()
    assert not AuditLog.objects.filter(object_type="reports.report").exists()


def test_a_unit_that_does_not_report_the_form_is_refused(
    dataset, tree, october, coordinator
) -> None:
    content = csv_bytes(f"{tree.agency.pk};NB-SKHCN;Sở Khoa học và Công nghệ;1;1;1;")
    with pytest.raises(ImportRejected, match="Dòng 2: “Sở Khoa học và Công nghệ” không phải"):
        run(coordinator, dataset, tree.province, october, content)


def test_a_submitted_report_is_refused_but_its_unchanged_row_is_not(
    dataset, tree, october, coordinator
) -> None:
    ids = {m.indicator.code: m.indicator_id for m in dataset.members.select_related("indicator")}
    save_values(
        actor=None,
        dataset=dataset,
        unit=tree.hoalu_village,
        period=october,
        values={ids["t-adults"]: "100"},
    )
    submit_report(actor=None, report=Report.objects.get())
    village = tree.hoalu_village.pk
    changed = csv_bytes(f"{village};;;;200;;", f"{tree.hoalu.pk};;;1;1;1;")
    with pytest.raises(ImportRejected) as caught:
        run(coordinator, dataset, tree.province, october, changed)
    assert [str(e) for e in caught.value.errors] == [
        "Dòng 2: báo cáo của “Tổ dân phố số 1” đã gửi hoặc đã duyệt: không sửa được số liệu."
    ]
    assert not DataValue.objects.filter(unit=tree.hoalu).exists()
    unchanged = csv_bytes(f"{village};;;;100;;", f"{tree.hoalu.pk};;;1;1;1;")
    assert run(coordinator, dataset, tree.province, october, unchanged).changed == 3
    assert figures(dataset, tree.hoalu_village, october) == {"t-adults": 100}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("trong.csv", b"", "Tệp rỗng"),
        ("so-lieu.xlsx", b"PK\x03\x04 not really a workbook", "không phải tệp Excel hợp lệ"),
        # Bytes no encoding the import reads (UTF-8, UTF-16, Windows-1258) can decode.
        ("so-lieu.csv", b"ID;T\x81n \x8dn v\x90\n1;Ho\x9d", "UTF-8"),
        ("so-lieu.pdf", b"%PDF-1.4", "Chỉ nhận tệp Excel"),
        ("so-lieu.csv", b"Ten;So\nA;1", "Không thấy dòng tiêu đề"),
        ("so-lieu.csv", csv_bytes(";;;;;;"), "chỉ có dòng tiêu đề"),
        (
            "so-lieu.csv",
            "ID;Người được hướng dẫn [t-guided];Số lớp học;Tỷ lệ người trưởng thành có kỹ năng "
            "số [t-share]\n1;1;1;1".encode(),
            "cột “Số lớp học” không thuộc biểu mẫu",
        ),
    ],
)
def test_a_file_that_cannot_be_read_says_why(
    dataset, tree, october, coordinator, name, content, message
) -> None:
    with pytest.raises(ImportRejected, match=message):
        run(coordinator, dataset, tree.province, october, content, name)


def test_wrong_columns_are_all_named(dataset, tree, october, coordinator) -> None:
    content = (
        "ID;Người được hướng dẫn [t-guided];Số lớp học;Tỷ lệ người trưởng thành có kỹ năng "
        "số [t-share];Người được hướng dẫn\n1;1;1;1;1"
    ).encode()
    with pytest.raises(ImportRejected) as caught:
        run(coordinator, dataset, tree.province, october, content)
    assert [str(e) for e in caught.value.errors] == [
        "Dòng 1: cột “Số lớp học” không thuộc biểu mẫu “Báo cáo tháng”.",
        "Dòng 1: cột “Tỷ lệ người trưởng thành có kỹ năng số [t-share]” là chỉ tiêu tính tự "
        "động, không nhập được.",
        "Dòng 1: cột “Người được hướng dẫn” bị lặp.",
        "Dòng 1: thiếu cột “Người trưởng thành [t-adults]”.",
        "Dòng 1: thiếu cột “Có kỹ năng [t-skilled]”.",
        "Dòng 1: thiếu cột “Khó khăn, vướng mắc [t-note]”.",
    ]


def test_a_file_too_large_is_refused_unread(
    dataset, tree, october, coordinator, monkeypatch
) -> None:
    monkeypatch.setitem(LIMITS, "values", replace(LIMITS["values"], max_bytes=100))
    content = csv_bytes(*[f"{tree.hoalu.pk};;;1;1;1;"] * 20)
    with pytest.raises(ImportRejected, match="Tệp lớn quá"):
        run(coordinator, dataset, tree.province, october, content)


def test_a_number_cell_is_read_as_a_number_not_as_vietnamese_text(
    dataset, tree, october, coordinator
) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(";"))
    # 1.234 typed in a number cell is one point two three four: not a head count.
    workbook.active.append([tree.hoalu.pk, "", "", 1.234, 1234, 12.0, 7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportRejected) as caught:
        run(coordinator, dataset, tree.province, october, buffer.getvalue(), "so-lieu.xlsx")
    assert [str(e) for e in caught.value.errors] == [
        "Dòng 2: cột “Người được hướng dẫn”: Phải là số nguyên."
    ]


def template_for(client, dataset, unit, period) -> openpyxl.Workbook:
    url = reverse("reports:values_template", args=[dataset.pk])
    response = client.get(url, {"unit": unit.pk, "period": period.key})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_template_round_trips(client, dataset, tree, october, hoalu_focal_point) -> None:
    ids = {m.indicator.code: m.indicator_id for m in dataset.members.select_related("indicator")}
    save_values(
        actor=None,
        dataset=dataset,
        unit=tree.hoalu,
        period=october,
        values={ids["t-adults"]: "1.500", ids["t-note"]: "Ổn"},
    )
    client.force_login(hoalu_focal_point)
    workbook = template_for(client, dataset, tree.hoalu, october)
    sheet = workbook.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(n for n, row in enumerate(rows) if row[0] == "ID")
    assert rows[header] == [
        "ID",
        "Mã đơn vị",
        "Tên đơn vị",
        "Tình trạng",
        "Người được hướng dẫn [t-guided]",
        "Người trưởng thành [t-adults]",
        "Có kỹ năng [t-skilled]",
        "Khó khăn, vướng mắc [t-note]",
    ]
    assert "mã kỳ: 2025-10" in rows[1][0]
    body = rows[header + 1 :]
    assert [r[:3] for r in body] == [
        [tree.hoalu.pk, "14329", "Phường Hoa Lư"],
        [tree.hoalu_village.pk, None, "Tổ dân phố số 1"],
    ]
    assert body[0][4:] == [None, 1500, None, "Ổn"]
    first = header + 2  # openpyxl rows count from 1
    sheet.cell(row=first, column=5, value=40)
    sheet.cell(row=first, column=7, value=900)
    sheet.cell(row=first + 1, column=6, value=300)
    sheet.cell(row=first + 1, column=7, value="120")
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = reverse("reports:values_import", args=[dataset.pk])
    query = f"?unit={tree.hoalu.pk}&period={october.key}"
    upload = SimpleUploadedFile("so-lieu.xlsx", buffer.getvalue())
    response = client.post(url + query, {"file": upload})
    assert response.status_code == 302
    assert response.url == reverse("reports:dataset", args=[dataset.pk]) + query
    assert figures(dataset, tree.hoalu, october) == {
        "t-guided": 40,
        "t-adults": 1500,
        "t-skilled": 900,
        "t-note": "Ổn",
    }
    assert figures(dataset, tree.hoalu_village, october) == {"t-adults": 300, "t-skilled": 120}
    page = client.get(response.url).text
    assert "Đã nhập số liệu của 2 đơn vị: 4 ô thay đổi." in page


def test_a_bad_upload_shows_every_error_and_saves_nothing(
    client, dataset, tree, october, hoalu_focal_point
) -> None:
    client.force_login(hoalu_focal_point)
    url = reverse("reports:values_import", args=[dataset.pk])
    query = f"?unit={tree.hoalu.pk}&period={october.key}"
    assert client.get(url + query).status_code == 200
    content = csv_bytes(f"{tree.hoalu.pk};;;mười;1;1;", f"{tree.namhoalu.pk};;;1;1;1;")
    response = client.post(url + query, {"file": SimpleUploadedFile("a.csv", content)})
    assert response.status_code == 400
    assert "Dòng 2: cột “Người được hướng dẫn”: “mười” không phải là số." in response.text
    assert "Dòng 3: đơn vị “" in response.text
    assert not DataValue.objects.exists()


def test_a_template_of_another_period_is_refused(
    client, dataset, tree, october, coordinator
) -> None:
    client.force_login(coordinator)
    workbook = template_for(client, dataset, tree.hoalu, october)
    buffer = io.BytesIO()
    workbook.save(buffer)
    november = periods.month(2025, 11)
    with pytest.raises(ImportRejected, match="kỳ “2025-10”, không phải kỳ “2025-11”"):
        run(coordinator, dataset, tree.hoalu, november, buffer.getvalue(), "so-lieu.xlsx")


def test_a_focal_point_cannot_import_into_another_commune(
    client, dataset, tree, october, hoalu_focal_point, viewer
) -> None:
    query = {"unit": tree.namhoalu.pk, "period": october.key}
    client.force_login(hoalu_focal_point)
    for name in ("reports:values_template", "reports:values_import"):
        assert client.get(reverse(name, args=[dataset.pk]), query).status_code == 404
    upload = SimpleUploadedFile("a.csv", csv_bytes(f"{tree.namhoalu.pk};;;1;1;1;"))
    url = reverse("reports:values_import", args=[dataset.pk])
    assert (
        client.post(f"{url}?unit={tree.namhoalu.pk}&period=2025-10", {"file": upload}).status_code
        == 404
    )
    client.force_login(viewer)
    assert client.get(url, query).status_code == 403
    assert not DataValue.objects.exists()


def test_an_import_costs_as_many_queries_for_four_units_as_for_one(
    dataset, tree, coordinator
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(period, *units) -> int:
        content = csv_bytes(*[f"{u.pk};;;2;3;1;Ổn" for u in units])
        with CaptureQueriesContext(connection) as queries:
            run(coordinator, dataset, tree.province, period, content)
        return len(queries.captured_queries)

    count(periods.month(2025, 9), tree.hoalu)  # the user's units, read once per request
    one = count(periods.month(2025, 10), tree.hoalu_village)
    four = count(
        periods.month(2025, 11),
        tree.hoalu,
        tree.hoalu_village,
        tree.namhoalu,
        tree.namhoalu_village,
    )
    assert four == one


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{pk};;;²;1;1;", "Dòng 2: cột “Người được hướng dẫn”: “²” không phải là số."),
        ("1" * 23 + ";;;1;1;1;", "Dòng 2: ID “" + "1" * 23 + "” không phải là số."),
        ("²;;;1;1;1;", "Dòng 2: ID “²” không phải là số."),
    ],
)
def test_a_superscript_or_a_23_digit_number_is_a_row_error(
    dataset, tree, october, coordinator, line, message
) -> None:
    with pytest.raises(ImportRejected) as caught:
        run(coordinator, dataset, tree.province, october, csv_bytes(line.format(pk=tree.hoalu.pk)))
    assert message in [str(e) for e in caught.value.errors]
    assert not DataValue.objects.exists()
