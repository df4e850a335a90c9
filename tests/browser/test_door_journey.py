"""Attendance at the door (issue 15): a learner checks in from their own phone at 360 px with
the code on the hall's screen, and is remembered next time; the trainer marks the roll with no
signal, and the marks reach the server once when it comes back."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD, make_person
from hocvuso.core.roles import Role
from hocvuso.learning.models import Course, Enrolment, Learner
from hocvuso.learning.services import current_code, find_or_create_learner
from hocvuso.learning.tests.conftest import make_class, person
from tests.browser.helpers import has_horizontal_scroll, login

pytestmark = pytest.mark.browser


@pytest.fixture
def course(tree):
    return Course.objects.create(owner=tree.province, title="Kỹ năng số cơ bản", hours=2)


def test_a_learner_checks_in_from_their_phone_and_is_remembered(
    page: Page, live_server, tree, course
) -> None:
    session = make_class(tree, course)
    page.set_viewport_size({"width": 360, "height": 740})

    def scan() -> None:
        code = current_code(session).code
        page.goto(live_server.url + reverse("learn:checkin", args=[session.pk, code]))

    scan()
    assert not has_horizontal_scroll(page), "the check-in page scrolls sideways at 360 px"
    expect(page.get_by_label("Xã, phường nơi ở")).to_have_value(str(tree.hoalu.pk))
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Năm sinh").fill("1968")
    page.get_by_label("Thôn, tổ dân phố").select_option(label="Tổ dân phố số 1")
    page.get_by_role("button", name="Điểm danh").click()
    expect(page.get_by_text("Đã điểm danh lúc")).to_be_visible()
    assert "Hoa" not in page.url

    # The next scan on the same phone: the form is filled in already, one tap.
    scan()
    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Thị Hoa")
    expect(page.get_by_label("Thôn, tổ dân phố")).to_have_value(str(tree.hoalu_village.pk))
    page.get_by_role("button", name="Điểm danh").click()
    expect(page.get_by_text("Bạn đã điểm danh lúc")).to_be_visible()
    assert Enrolment.objects.filter(session=session, status="present").count() == 1


def test_the_trainer_marks_the_roll_offline_and_it_syncs_once(
    page: Page, live_server, tree, course
) -> None:
    make_person("hoalu", Role.FOCAL_POINT, tree.hoalu)
    session = make_class(tree, course)
    learner, _ = find_or_create_learner(actor=None, person=person(tree, name="Trần Văn Bình"))
    Enrolment.objects.create(session=session, learner=learner)
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, live_server.url, "hoalu", PASSWORD)
    page.goto(live_server.url + reverse("learning:roll_call", args=[session.pk]))
    page.wait_for_function(
        """async () => navigator.serviceWorker.controller !== null
            || (await navigator.serviceWorker.ready, false)"""
    )
    page.reload()  # now under the service worker, which keeps a copy of the page
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert not has_horizontal_scroll(page), "the roll call scrolls sideways at 360 px"
    rows = page.locator("[data-roll=list] li")
    expect(rows).to_have_count(1)

    page.context.set_offline(True)
    rows.filter(has_text="Trần Văn Bình").get_by_role("button", name="Đến muộn").click()
    page.get_by_label("Họ và tên").fill("Vũ Thị Lan")
    page.get_by_label("Năm sinh").fill("1980")
    page.get_by_role("button", name="Thêm và đánh dấu có mặt").click()
    expect(rows.filter(has_text="Chờ gửi")).to_have_count(2)
    page.reload()  # reopened with no signal: served by the service worker, marks still queued
    expect(rows.filter(has_text="Chờ gửi")).to_have_count(2)
    assert Enrolment.objects.filter(status="registered").count() == 1

    page.context.set_offline(False)
    page.get_by_role("button", name="Gửi ngay").click()
    expect(rows.filter(has_text="Đã gửi")).to_have_count(2, timeout=10_000)
    assert Enrolment.objects.get(learner=learner).status == "late"
    assert Learner.objects.filter(name="Vũ Thị Lan").count() == 1
    # Sent again as after a lost answer: nothing more is written.
    page.evaluate("() => window.hocvusoRoll.resend()")
    expect(rows.filter(has_text="Đã gửi")).to_have_count(2)
    assert Enrolment.objects.filter(session=session).count() == 2
    assert Learner.objects.count() == 2
