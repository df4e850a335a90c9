"""Issue 14 (6): a plan exported as .docx reads back into the same plan. For every seed
sample: the plan made from its gold draft (and, for a ceremony, the extra event facts read
from its text) is exported, the file read back with the plan reader and made into a plan
again; the event, the activities and the duties (unit, text, deadline) must be the same."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from hocvuso.plans.exports import plan_docx
from hocvuso.plans.importer import read_plan
from hocvuso.plans.importer.ceremony import read_ceremony_extras
from hocvuso.plans.importer.evaluate import canon
from hocvuso.plans.importer.structure import split_document
from hocvuso.plans.models import Plan
from hocvuso.plans.services import add_task, create_plan, create_plan_from_draft

SAMPLES = Path(__file__).parent / "samples"
NAMES = sorted(p.name.removesuffix(".gold.json") for p in SAMPLES.glob("*.gold.json"))
ACTIVITY_FIELDS = ("text", "window_text", "starts_on", "ends_on", "lead", "partners")


def gold_draft(name: str) -> dict[str, Any]:
    gold = json.loads((SAMPLES / f"{name}.gold.json").read_text(encoding="utf-8"))
    if gold["event"]:
        text = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")
        gold["event"].update(read_ceremony_extras(split_document(text), gold))
    return gold


def duties(plan: Plan) -> list[tuple]:
    rows = ((canon(t.unit_name), canon(t.text), t.deadline) for t in plan.tasks.all())
    return sorted(rows, key=lambda row: (row[0], row[1], row[2] or datetime.date.min))


@pytest.fixture(params=NAMES)
def round_trip(request, tree) -> tuple[dict, Plan, dict, Plan]:
    draft = gold_draft(request.param)
    plan = create_plan_from_draft(actor=None, issuing_unit=tree.province, draft=draft)
    again = read_plan(plan_docx(plan), "ke-hoach.docx")
    replan = create_plan_from_draft(actor=None, issuing_unit=tree.province, draft=again)
    return draft, plan, again, replan


def test_the_duties_come_back(round_trip) -> None:
    _draft, plan, _again, replan = round_trip
    assert duties(replan) == duties(plan)


def test_the_activities_come_back(round_trip) -> None:
    draft, _plan, again, _replan = round_trip
    for field in ACTIVITY_FIELDS:
        assert [canon(a[field]) for a in again["activities"]] == [
            canon(a[field]) for a in draft["activities"]
        ], field


def test_the_event_comes_back(round_trip) -> None:
    draft, _plan, again, _replan = round_trip
    if draft["event"] is None:
        assert again["event"] is None
        return
    assert again["kind"] == draft["kind"]
    for key, value in draft["event"].items():
        assert canon(again["event"][key]) == canon(value), key


def test_the_period_and_the_headers_come_back(round_trip) -> None:
    draft, _plan, again, _replan = round_trip
    for key in ("title", "number", "issued_on", "budget_source", "signer_name"):
        assert canon(again[key]) == canon(draft[key]), key
    assert canon(again["period"]) == canon(draft["period"])


def test_a_deadline_the_text_does_not_give_is_printed_and_read_back(tree) -> None:
    plan = create_plan(
        actor=None, issuing_unit=tree.province, kind="other", title="Kế hoạch tuyên truyền"
    )
    add_task(
        actor=None,
        plan=plan,
        unit=tree.agency,
        text="Tổng hợp kết quả",
        deadline=datetime.date(2025, 12, 15),
    )
    again = read_plan(plan_docx(plan), "ke-hoach.docx")
    (task,) = again["tasks"]
    assert task["deadline"] == "2025-12-15"
    assert task["text"].startswith("Tổng hợp kết quả")


def test_a_ceremony_prints_venue_attendance_quotas_and_programme(tree) -> None:
    from hocvuso.plans.tests.test_exports import docx_lines

    draft = gold_draft("000_ninh_binh_launch")
    plan = create_plan_from_draft(actor=None, issuing_unit=tree.province, draft=draft)
    lines = docx_lines(plan_docx(plan))
    for expected in (
        "2. Hình thức: Trực tiếp kết hợp trực tuyến",
        "3. Địa điểm: Hội trường Nhà hát Phạm Thị Trân",
        "4.1. Tại điểm cầu chính",
        "* Đại biểu cấp tỉnh:",
        "* Lực lượng huy động (khoảng 500 người):",
        "+ Khối học sinh, sinh viên: 200 người (Sinh viên: 50 người; THPT: 100 người; "
        "THCS: 50 người).",
        "+ Tổ công nghệ số cộng đồng tiêu biểu: 100 người (thuộc các phường Hoa Lư, Đông Hoa "
        "Lư, Tây Hoa Lư, Nam Hoa Lư; mỗi phường 25 người).",
        "5. Nội dung chương trình: Thời gian dự kiến, từ 8 giờ 00 đến 9 giờ 30",
        "6. Hoạt động bên lề",
    ):
        assert expected in lines
