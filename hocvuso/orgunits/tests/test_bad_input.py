"""Issue 13, defects 8 and 9 for units: a NUL in the search box and over-long texts get an
answer in Vietnamese, never a server error — on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hocvuso.core.models import AuditLog
from hocvuso.orgunits.importers import ImportRejected
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.services import create_unit, import_units, update_unit
from hocvuso.orgunits.tests.test_import_units import csv_bytes

LONG = "X" * 500


@pytest.mark.parametrize("query", ["\x00", "hoa\x00lu", "\x07\x1b", "Hoa Lư\x00"])
def test_a_control_character_in_the_search_box_is_no_error(client, coordinator, tree, query):
    client.force_login(coordinator)
    response = client.get(reverse("orgunits:search"), {"q": query})
    assert response.status_code == 200
    htmx = client.get(reverse("orgunits:search"), {"q": query}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert client.get("/api/units/", {"q": query}).status_code == 200


def test_a_nul_between_words_still_finds_the_ward(client, coordinator, tree):
    client.force_login(coordinator)
    page = client.get(reverse("orgunits:search"), {"q": "hoa\x00lu"}).text
    assert "Phường Hoa Lư" in page


def test_a_500_character_code_in_the_form_is_a_form_error(client, coordinator, tree):
    client.force_login(coordinator)
    before = AuditLog.objects.count()
    response = client.post(
        reverse("orgunits:add_child", args=[tree.hoalu.pk]),
        {"name": "Thôn Dài", "kind": "village", "code": LONG, "short_name": LONG},
    )
    assert response.status_code == 200
    assert "tối đa 40 kí tự" in response.text
    assert not OrgUnit.objects.filter(name="Thôn Dài").exists()
    assert AuditLog.objects.count() == before


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("code", "Mã đơn vị dài quá 40 ký tự."),
        ("short_name", "Tên ngắn dài quá 120 ký tự."),
        ("abbreviation", "Tên viết tắt dài quá 60 ký tự."),
        ("name", "Tên đơn vị dài quá 255 ký tự."),
    ],
)
def test_the_services_bound_every_text(coordinator, tree, field, message):
    values = {"name": "Thôn Dài", field: LONG}
    with pytest.raises(ValidationError) as exc:
        create_unit(actor=coordinator, parent=tree.hoalu, kind="village", **values)
    assert exc.value.message_dict == {field: [message]}
    with pytest.raises(ValidationError) as exc:
        update_unit(actor=coordinator, unit=tree.hoalu_village, **{field: LONG})
    assert exc.value.message_dict == {field: [message]}
    assert not OrgUnit.objects.filter(name__in=["Thôn Dài", LONG]).exists()


def test_a_500_character_code_in_the_import_is_a_row_error(tree, hoalu_focal_point):
    header = "Mã,Tên đơn vị,Loại,Tên ngắn,Tên viết tắt\n"
    content = csv_bytes(
        f"{LONG},Thôn Dài,thôn,,",
        f"HL-2,Thôn Ngắn,thôn,{LONG},{LONG}",
        header=header,
    )
    with pytest.raises(ImportRejected) as exc:
        import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    text = [str(e) for e in exc.value.errors]
    assert "Dòng 2: Mã đơn vị dài quá 40 ký tự." in text
    assert "Dòng 3: Tên ngắn dài quá 120 ký tự." in text
    assert "Dòng 3: Tên viết tắt dài quá 60 ký tự." in text
    assert not OrgUnit.objects.filter(name__in=["Thôn Dài", "Thôn Ngắn"]).exists()


def test_the_import_page_names_an_over_long_code(client, tree, hoalu_focal_point):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(hoalu_focal_point)
    upload = SimpleUploadedFile("x.csv", csv_bytes(f"{LONG},Thôn Dài,thôn,,,,"))
    response = client.post(reverse("orgunits:import", args=[tree.hoalu.pk]), {"file": upload})
    assert response.status_code == 400
    assert "Dòng 2: Mã đơn vị dài quá 40 ký tự." in response.text
