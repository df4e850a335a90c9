from __future__ import annotations

from hocvuso.core.models import AuditLog
from hocvuso.orgunits.models import UnitGroup
from hocvuso.orgunits.services import create_unit, delete_unit, set_population


def test_every_create_update_delete_is_audited(tree, coordinator):
    unit = create_unit(actor=coordinator, parent=tree.hoalu, name="Thôn Tạm", kind="village")
    set_population(actor=coordinator, unit=unit, year=2026, adults=10, households=4)
    set_population(actor=coordinator, unit=unit, year=2026, adults=12, households=4)
    delete_unit(actor=coordinator, unit=unit)
    rows = list(AuditLog.objects.filter(actor=coordinator).order_by("id"))
    assert [(r.object_type, r.action) for r in rows] == [
        ("orgunits.orgunit", "create"),
        ("orgunits.unitpopulation", "create"),
        ("orgunits.unitpopulation", "update"),
        ("orgunits.orgunit", "delete"),
    ]
    assert rows[2].changes == {"adults": [10, 12]}
    assert rows[3].unit == tree.hoalu  # the deleted unit's log stays visible under its parent


def test_unchanged_save_writes_no_audit_row(tree, coordinator):
    set_population(actor=coordinator, unit=tree.hoalu, year=2026, adults=1, households=1)
    before = AuditLog.objects.count()
    set_population(actor=coordinator, unit=tree.hoalu, year=2026, adults=1, households=1)
    assert AuditLog.objects.count() == before


def test_admin_edits_are_audited(admin_client, db):
    response = admin_client.post(
        "/admin/orgunits/unitgroup/add/",
        {"name": "Doanh nghiệp viễn thông", "slug": "dn-vien-thong", "description": ""},
    )
    assert response.status_code == 302
    group = UnitGroup.objects.get()
    row = AuditLog.objects.get(object_type="orgunits.unitgroup", object_id=str(group.pk))
    assert row.action == "create"
    assert row.changes["name"] == [None, "Doanh nghiệp viễn thông"]


def test_audit_page_query_count_is_flat(client, tree, coordinator, django_assert_max_num_queries):
    for n in range(40):
        create_unit(actor=coordinator, parent=tree.hoalu, name=f"Thôn {n}", kind="village")
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        assert client.get("/audit/").status_code == 200
