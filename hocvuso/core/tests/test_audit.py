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


def test_an_unknown_kind_is_refused(tree):
    import pytest

    from hocvuso.core.services import record_audit

    with pytest.raises(ValueError, match="Unknown audit action"):
        record_audit(actor=None, action="launched!", obj=tree.hoalu, unit=tree.hoalu)


def test_secrets_never_reach_the_trail_whoever_passes_them(tree):
    from hocvuso.core.services import record_audit

    row = record_audit(
        actor=None,
        action=AuditLog.Action.UPDATE,
        obj=tree.hoalu,
        unit=tree.hoalu,
        changes={"password": ["a", "b"], "access_token": "x", "name": ["A", "B"]},
    )
    assert row.changes == {"name": ["A", "B"]}


def test_a_deleted_unit_keeps_what_it_was(tree, coordinator):
    unit = create_unit(actor=coordinator, parent=tree.hoalu, name="Thôn Tạm", kind="village")
    delete_unit(actor=coordinator, unit=unit)
    row = AuditLog.objects.get(action="delete")
    assert row.changes["name"] == ["Thôn Tạm", None]
    assert row.changes["kind"] == ["village", None]


def test_the_kind_field_holds_every_kind(db):
    longest = max(len(value) for value in AuditLog.Action.values)
    assert longest <= AuditLog._meta.get_field("action").max_length
    required = {
        "create", "update", "delete", "launch", "link_revoked", "report_submitted",
        "report_approved", "report_returned", "role_granted", "role_revoked",
        "password_changed", "file_downloaded", "import",
    }  # fmt: skip
    assert required <= set(AuditLog.Action.values)
