"""Issue 13: a plan's life lands in the audit trail under its own kinds."""

from __future__ import annotations

import datetime

from hocvuso.core.models import AuditLog
from hocvuso.plans.models import Plan
from hocvuso.plans.services import (
    add_task,
    create_plan,
    create_plan_from_draft,
    publish_plan,
    report_task_progress,
)


def test_giving_publishing_and_reporting_a_duty_have_their_kinds(
    tree, coordinator, hoalu_focal_point
):
    plan = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Kế hoạch"
    )
    task = add_task(
        actor=coordinator,
        plan=plan,
        unit=tree.hoalu,
        text="Hướng dẫn người dân cài VNeID",
        deadline=datetime.date(2026, 12, 31),
    )
    publish_plan(plan=plan, actor=coordinator)
    report_task_progress(actor=hoalu_focal_point, task=task, note="Đã làm", status="done")
    rows = AuditLog.objects.filter(object_type__startswith="plans.").order_by("id")
    assert [(r.object_type, r.action) for r in rows] == [
        ("plans.plan", "create"),
        ("plans.task", "task_assigned"),
        ("plans.plan", "plan_published"),
        ("plans.task", "progress_reported"),
    ]
    assert rows.last().changes["status"] == ["not_started", "done"]


def test_a_plan_read_from_a_document_is_an_import(tree, coordinator):
    draft = {
        "kind": "other",
        "title": "Kế hoạch tuyên truyền",
        "tasks": [{"unit": "Phường Hoa Lư", "text": "Treo băng rôn"}],
    }
    plan = create_plan_from_draft(actor=coordinator, issuing_unit=tree.province, draft=draft)
    row = AuditLog.objects.get(action=AuditLog.Action.IMPORT)
    assert (row.object_id, row.actor) == (str(plan.pk), coordinator)
    assert row.changes == {"imported": {"activities": 0, "tasks": 1}}
