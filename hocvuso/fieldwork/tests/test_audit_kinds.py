"""Issue 13: visits synced from phones and visits imported from a file have their own kinds
(not "created a team")."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocvuso.core.models import AuditLog
from hocvuso.fieldwork import services

from .conftest import visit

HEADER = "Ngày;Tổ;Thôn, tổ dân phố;Hộ;Số người được hướng dẫn;Nội dung;Kết quả;Hẹn quay lại;Nữ"
ROW = "10/10/2025;Tổ CNS phường Hoa Lư;Tổ dân phố số 1;Số 12, ngõ 3;3;VNeID mức 2;xong;;1"


def test_synced_visits_are_visits_recorded(tree, team, team_member):
    services.record_visits(actor=team_member, teams=[team], rows=[visit(team, tree.hoalu_village)])
    row = AuditLog.objects.get(object_type="fieldwork.team", changes__has_key="visits_added")
    assert row.action == AuditLog.Action.VISITS_RECORDED
    assert row.changes == {"visits_added": 1}


def test_a_file_of_visits_is_an_import(client, tree, team, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    upload = SimpleUploadedFile("luot.csv", f"{HEADER}\n{ROW}".encode())
    url = reverse("fieldwork:visit_import") + f"?unit={tree.hoalu.pk}"
    assert client.post(url, {"file": upload}).status_code == 302
    row = AuditLog.objects.get(action=AuditLog.Action.IMPORT)
    assert row.changes == {"visits_imported": 1, "file": "luot.csv"}
