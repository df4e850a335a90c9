"""Issue 13, defect 1: a unit's kind and groups are set by coordinators and administrators
only, and only to a kind that fits under the parent — one rule for the forms, the import and
the services. A focal point still adds the villages and residential groups of their ward."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from hocvuso.core.models import AuditLog
from hocvuso.orgunits.importers import ImportRejected
from hocvuso.orgunits.models import OrgUnit, UnitGroup, kind_fits_under
from hocvuso.orgunits.services import create_unit, import_units, update_unit
from hocvuso.orgunits.tests.test_import_units import csv_bytes


@pytest.fixture
def groups(db):
    return [
        UnitGroup.objects.create(name="Sở, ban, ngành", slug="so-ban-nganh"),
        UnitGroup.objects.create(name="Lực lượng vũ trang", slug="llvt"),
    ]


def add(client, parent, **data):
    return client.post(reverse("orgunits:add_child", args=[parent.pk]), data)


def edit(client, unit, **data):
    values = {"name": unit.name, "kind": unit.kind, "code": unit.code or "", **data}
    return client.post(reverse("orgunits:edit", args=[unit.pk]), values)


def audit_rows() -> int:
    return AuditLog.objects.filter(object_type="orgunits.orgunit").count()


def test_a_focal_point_cannot_add_a_province_under_his_ward(client, hoalu_focal_point, tree):
    client.force_login(hoalu_focal_point)
    before = audit_rows()
    response = add(client, tree.hoalu, name="Tỉnh Giả", kind="province", code="99")
    assert response.status_code == 200
    assert "Tỉnh Giả" not in OrgUnit.objects.values_list("name", flat=True)
    assert audit_rows() == before
    cache.clear()
    assert "Tỉnh Giả" not in client.get("/statistics/").text


@pytest.mark.parametrize("kind", ["province", "district", "commune", "agency", "school"])
def test_a_focal_point_adds_only_villages_and_residential_groups(
    client, hoalu_focal_point, tree, kind
):
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("orgunits:add_child", args=[tree.hoalu.pk])).text
    assert f'value="{kind}"' not in page  # not even offered
    assert 'name="groups"' not in page
    assert add(client, tree.hoalu, name="Đơn vị lạ", kind=kind).status_code == 200
    assert not OrgUnit.objects.filter(name="Đơn vị lạ").exists()


def test_a_focal_point_cannot_put_a_new_village_in_groups(client, hoalu_focal_point, tree, groups):
    client.force_login(hoalu_focal_point)
    add(client, tree.hoalu, name="Thôn Mới", kind="village", groups=[g.pk for g in groups])
    assert list(OrgUnit.objects.get(name="Thôn Mới").groups.all()) == []


def test_nothing_a_focal_point_may_add_fits_under_a_village(client, hoalu_focal_point, tree):
    client.force_login(hoalu_focal_point)
    assert "Thêm đơn vị trực thuộc" not in client.get(tree.hoalu_village.get_absolute_url()).text
    assert add(client, tree.hoalu_village, name="X", kind="village").status_code == 403


def test_a_focal_point_cannot_turn_his_ward_into_a_province_or_regroup_it(
    client, hoalu_focal_point, tree, groups
):
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("orgunits:edit", args=[tree.hoalu.pk])).text
    assert 'value="province"' not in page
    assert 'name="groups"' not in page
    attack = {"name": "Phường Hoa Lư mới", "kind": "province", "groups": [g.pk for g in groups]}
    response = edit(client, tree.hoalu, **attack)
    assert response.status_code == 302  # the name is his to change …
    unit = OrgUnit.objects.get(pk=tree.hoalu.pk)
    assert unit.name == "Phường Hoa Lư mới"
    assert unit.kind == "commune"  # … the kind and groups are not
    assert list(unit.groups.all()) == []
    changes = AuditLog.objects.filter(object_id=str(unit.pk), action="update").get().changes
    assert set(changes) == {"name"}


def test_the_services_refuse_a_focal_point_what_the_form_does_not_offer(
    hoalu_focal_point, tree, groups
):
    with pytest.raises(ValidationError, match="Chỉ điều phối viên hoặc quản trị viên"):
        update_unit(actor=hoalu_focal_point, unit=tree.hoalu, kind="district")
    with pytest.raises(ValidationError, match="xếp đơn vị vào nhóm"):
        update_unit(actor=hoalu_focal_point, unit=tree.hoalu, groups=groups)
    with pytest.raises(ValidationError, match="thêm được đơn vị loại “Trường học”"):
        create_unit(actor=hoalu_focal_point, parent=tree.hoalu, name="Trường A", kind="school")
    with pytest.raises(ValidationError, match="xếp đơn vị vào nhóm"):
        create_unit(
            actor=hoalu_focal_point, parent=tree.hoalu, name="T", kind="village", groups=groups
        )
    unit = OrgUnit.objects.get(pk=tree.hoalu.pk)
    assert (unit.kind, list(unit.groups.all())) == ("commune", [])


def test_a_coordinator_changes_kinds_and_groups(client, coordinator, tree, groups):
    client.force_login(coordinator)
    page = client.get(reverse("orgunits:edit", args=[tree.agency.pk])).text
    assert 'name="groups"' in page
    response = edit(client, tree.agency, kind="union", groups=[g.pk for g in groups])
    assert response.status_code == 302
    agency = OrgUnit.objects.get(pk=tree.agency.pk)
    assert agency.kind == "union"
    assert set(agency.groups.all()) == set(groups)
    assert add(client, tree.province, name="Xã Mới", kind="commune").status_code == 302
    assert OrgUnit.objects.get(name="Xã Mới").kind == "commune"


def test_even_a_coordinator_only_picks_a_kind_that_fits(client, coordinator, tree):
    client.force_login(coordinator)
    page = client.get(reverse("orgunits:add_child", args=[tree.hoalu.pk])).text
    assert 'value="village"' in page
    assert 'value="province"' not in page
    assert add(client, tree.hoalu, name="Tỉnh Giả", kind="province").status_code == 200
    # Hoa Lư has a village under it: it cannot become a village, nor sit as a province.
    edit_page = client.get(reverse("orgunits:edit", args=[tree.hoalu.pk])).text
    assert 'value="village"' not in edit_page
    assert 'value="province"' not in edit_page
    assert 'value="district"' in edit_page
    assert edit(client, tree.hoalu, kind="village").status_code == 200
    assert OrgUnit.objects.get(pk=tree.hoalu.pk).kind == "commune"
    with pytest.raises(ValidationError, match="còn Thôn/Bản/Tổ dân phố trực thuộc"):
        update_unit(actor=coordinator, unit=tree.hoalu, kind="village")
    with pytest.raises(ValidationError, match="không thể trực thuộc"):
        update_unit(actor=coordinator, unit=tree.hoalu, kind="province")
    assert OrgUnit.objects.filter(kind="province").count() == 1


def test_the_import_applies_the_same_rule(hoalu_focal_point, tree, groups):
    header = "Mã,Tên đơn vị,Loại,Nhóm\n"
    content = csv_bytes(
        "HL-1,Trường Tiểu học,trường,",  # a kind only coordinators add
        "HL-2,Thôn Có Nhóm,thôn,Lực lượng vũ trang",  # groups are the coordinators'
        f"{tree.hoalu_village.code or ''},Tổ dân phố số 1,thôn,",  # unchanged: fine
        header=header,
    )
    with pytest.raises(ImportRejected) as exc:
        import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    text = "\n".join(str(e) for e in exc.value.errors)
    assert "Dòng 2: Chỉ điều phối viên hoặc quản trị viên mới thêm được" in text
    assert "Dòng 3: Chỉ điều phối viên hoặc quản trị viên mới xếp đơn vị vào nhóm." in text
    assert "Dòng 4" not in text
    assert not OrgUnit.objects.filter(code__in=["HL-1", "HL-2"]).exists()


def test_the_import_does_not_change_a_kind_for_a_focal_point(hoalu_focal_point, tree):
    update_unit(actor=None, unit=tree.hoalu_village, code="HL-V1")
    content = csv_bytes("HL-V1,Tổ dân phố số 1,trường,,,,")
    with pytest.raises(ImportRejected, match="mới đổi được loại đơn vị"):
        import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="x.csv", content=content)
    assert OrgUnit.objects.get(code="HL-V1").kind == "village"


def test_the_import_does_not_leave_children_unfitting(coordinator, tree):
    content = csv_bytes("14329,Phường Hoa Lư,thôn,,,,")
    with pytest.raises(ImportRejected, match="còn Thôn/Bản/Tổ dân phố trực thuộc"):
        import_units(actor=coordinator, under=tree.province, filename="x.csv", content=content)
    assert OrgUnit.objects.get(code="14329").kind == "commune"


def test_the_rule_of_the_tree():
    assert kind_fits_under("province", None)
    assert not kind_fits_under("commune", None)
    assert kind_fits_under("commune", "province")
    assert kind_fits_under("village", "commune")
    assert not kind_fits_under("province", "commune")
    assert not kind_fits_under("commune", "commune")
    assert not kind_fits_under("village", "agency")
    assert kind_fits_under("school", "village")
