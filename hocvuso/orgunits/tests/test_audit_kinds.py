"""Issue 13: importing units leaves, besides each unit's row, one row saying who imported
which file and what it made."""

from __future__ import annotations

from hocvuso.core.models import AuditLog
from hocvuso.orgunits.services import import_units


def test_an_import_writes_an_import_row_with_the_file_and_counts(tree, hoalu_focal_point):
    content = (
        "Mã,Tên đơn vị,Loại,Mã đơn vị cấp trên\nHL-01,Tổ dân phố số 2,Tổ dân phố,\n"
    ).encode()
    import_units(actor=hoalu_focal_point, under=tree.hoalu, filename="thon.csv", content=content)
    row = AuditLog.objects.get(action=AuditLog.Action.IMPORT)
    assert (row.object_id, row.unit, row.actor) == (
        str(tree.hoalu.pk),
        tree.hoalu,
        hoalu_focal_point,
    )
    assert row.changes == {"created": 1, "updated": 0, "rows": 1, "file": "thon.csv"}
