from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hocvuso.core.tables import fold
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import children_of, subtree_of
from hocvuso.orgunits.services import create_unit, update_unit


def test_tree_takes_any_depth(tree):
    # seed 001 still has districts: province → district → commune → village → sub-unit
    district = create_unit(actor=None, parent=tree.province, name="Huyện Cũ", kind="district")
    commune = create_unit(actor=None, parent=district, name="Xã A", kind="commune")
    village = create_unit(actor=None, parent=commune, name="Thôn 1", kind="village")
    deeper = create_unit(actor=None, parent=village, name="Chi hội", kind="other")
    assert deeper.depth == 5
    assert [u.name for u in OrgUnit.objects.get_ancestors(deeper)] == [
        "Tỉnh Ninh Bình",
        "Huyện Cũ",
        "Xã A",
        "Thôn 1",
    ]


def test_subtree_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = sorted(u.name for u in subtree_of(tree.hoalu))
    assert names == ["Phường Hoa Lư", "Tổ dân phố số 1"]


def test_ancestors_are_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [u.name for u in OrgUnit.objects.get_ancestors(tree.hoalu_village)]
    assert names == ["Tỉnh Ninh Bình", "Phường Hoa Lư"]


def test_subtree_query_has_no_recursion(tree):
    with CaptureQueriesContext(connection) as ctx:
        list(subtree_of(tree.province))
    sql = ctx.captured_queries[0]["sql"].upper()
    assert "LIKE" in sql
    assert "RECURSIVE" not in sql


def test_children_list_territory_before_organisations(tree):
    kinds = [u.kind for u in children_of(tree.province)]
    assert kinds == ["commune", "commune", "agency"]


def test_fold_strips_diacritics_and_d_stroke():
    assert fold("  Phường  Đông Hoa Lư ") == "phuong dong hoa lu"


def test_update_unit_refreshes_search_text_and_audits(tree, coordinator):
    from hocvuso.core.models import AuditLog

    update_unit(actor=coordinator, unit=tree.hoalu, abbreviation="P. Hoa Lư")
    tree.hoalu.refresh_from_db()
    assert "p. hoa lu" in tree.hoalu.search_text
    row = AuditLog.objects.filter(object_id=str(tree.hoalu.pk), action="update").get()
    assert row.actor == coordinator
    assert row.changes == {"abbreviation": ["", "P. Hoa Lư"]}
