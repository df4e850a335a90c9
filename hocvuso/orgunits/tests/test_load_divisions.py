from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from hocvuso.orgunits.models import OrgUnit


def test_loads_every_province_and_commune_and_is_rerunnable(db):
    call_command("load_divisions")
    assert OrgUnit.objects.filter(kind="province", depth=1).count() == 34
    assert OrgUnit.objects.filter(kind="commune", depth=2).count() == 3321
    call_command("load_divisions")
    assert OrgUnit.objects.count() == 34 + 3321


def test_one_province_has_its_129_communes_and_wards(db):
    call_command("load_divisions", province="37")
    province = OrgUnit.objects.get(code="37")
    assert province.name == "Tỉnh Ninh Bình"
    assert province.numchild == 129
    assert OrgUnit.objects.get_children(province).filter(name="Phường Hoa Lư").exists()


def test_rerun_keeps_hand_made_units_and_fixes_renamed_ones(tree):
    # ``tree`` made Ninh Bình (37), Phường Hoa Lư (14329) and a village by hand.
    tree.hoalu.name = "Phường Hoa Lư (tên cũ)"
    tree.hoalu.save(update_fields=["name"])
    call_command("load_divisions", province="37")
    tree.hoalu.refresh_from_db()
    assert tree.hoalu.name == "Phường Hoa Lư"
    assert OrgUnit.objects.filter(code="14329").count() == 1
    assert OrgUnit.objects.filter(name="Tổ dân phố số 1").exists()
    assert OrgUnit.objects.get(code="37").numchild == 129 + 1  # + the agency made by hand


def test_unknown_province_code_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Không có tỉnh/thành phố mã “99”"):
        call_command("load_divisions", province="99")


def test_codes_are_official_and_padded(db):
    call_command("load_divisions", province="1")
    hanoi = OrgUnit.objects.get(code="01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert (
        OrgUnit.objects.get_children(hanoi).filter(code="00070", name="Phường Hoàn Kiếm").exists()
    )
