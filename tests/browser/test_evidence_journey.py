"""A focal point attaches evidence from a phone and opens it again under its own name."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests.browser.helpers import PHONE_WIDTH, has_horizontal_scroll, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIDENCE_NAME = "Ảnh buổi tập huấn — Tổ 1.pdf"


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(0, 10, "Bao cao")
    return bytes(pdf.output())


def test_evidence_is_uploaded_on_a_phone_and_downloads_under_its_name(
    page: Page, live_server, tree, coordinator, hoalu_focal_point, tmp_path
) -> None:
    from hocvuso.plans.models import Plan
    from hocvuso.plans.services import add_task, create_plan, publish_plan

    plan = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Kế hoạch A"
    )
    task = add_task(
        actor=coordinator,
        plan=plan,
        unit=tree.hoalu,
        text="Tập huấn cho người dân",
        deadline=datetime.date(2026, 12, 30),
    )
    publish_plan(plan=plan, actor=coordinator)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    login(page, live_server.url, "hoalu", PASSWORD)
    page.goto(f"{live_server.url}/plans/duties/{task.pk}/")

    page.get_by_label("Trạng thái").select_option("in_progress")
    page.get_by_label("Đã làm được gì").fill("Đã tập huấn 40 người.")
    page.get_by_label("Minh chứng", exact=False).set_input_files(
        [{"name": EVIDENCE_NAME, "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã ghi báo cáo tiến độ.")).to_be_visible()
    link = page.get_by_role("link", name=EVIDENCE_NAME)
    expect(link).to_be_visible()
    assert "/media/" not in (link.get_attribute("href") or "")
    assert not has_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "evidence-360.png"), full_page=True)

    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == EVIDENCE_NAME
    assert download.value.path().read_bytes()[:5] == b"%PDF-"

    # A file that is not what its name says is refused on the page, in Vietnamese.
    page.get_by_label("Đã làm được gì").fill("Thêm ảnh.")
    page.get_by_label("Minh chứng", exact=False).set_input_files(
        [{"name": "anh.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" * 64}]
    )
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("không phải PDF", exact=False)).to_be_visible()
    assert not has_horizontal_scroll(page)
