"""A team member logs door-to-door visits on a phone with no signal ("Đi từng ngõ, gõ từng
nhà"): the visits wait on the phone, survive a reload served by the service worker, and reach
the server exactly once when the signal comes back, however often they are sent."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD, make_person
from hocvuso.core.roles import Role
from hocvuso.fieldwork import services
from hocvuso.fieldwork.models import Service, Team, Visit
from tests.browser.helpers import has_horizontal_scroll, login

pytestmark = pytest.mark.browser

HOUSEHOLDS = ["Số 12, ngõ 3", "Số 14, ngõ 3", "Xóm Đông"]


@pytest.fixture
def logging_member(tree) -> object:
    """A team member of Hoa Lư's community digital team, with an account."""
    user = make_person("tothanhvien", Role.TEAM_MEMBER, tree.hoalu)
    team = services.create_team(actor=None, unit=tree.hoalu, name="Tổ CNS phường Hoa Lư")
    services.add_member(actor=None, team=team, name="Nguyễn Thị Hoa", role="member", user=user)
    # The live server's test database is flushed between tests, data migrations included.
    Service.objects.get_or_create(
        code="vneid", defaults={"name": "Định danh điện tử VNeID mức 2", "bit": 1}
    )
    return user


def log_visit(page: Page, household: str, people: str) -> None:
    page.get_by_label("Hộ gia đình").fill(household)
    page.get_by_label("Số người được hướng dẫn").fill(people)
    page.get_by_label("Định danh điện tử VNeID mức 2").check()
    page.get_by_role("button", name="Lưu lượt hướng dẫn").click()
    expect(page.get_by_text(f"Đã lưu lượt hướng dẫn hộ {household}.")).to_be_visible()


def wait_for_service_worker(page: Page) -> None:
    """Wait until the service worker controls the page and has cached the form."""
    page.wait_for_function(
        """async () => navigator.serviceWorker.controller !== null
            && (await caches.match('/fieldwork/log/')) !== undefined"""
    )


def test_visits_logged_offline_reach_the_server_once(
    page: Page, live_server, tree, logging_member
) -> None:
    base = live_server.url
    form_url = base + reverse("fieldwork:log")
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, base, "tothanhvien", PASSWORD)
    page.goto(form_url)
    # The only team is chosen already; the team's village is picked.
    expect(page.get_by_label("Tổ công nghệ số")).to_have_value(str(Team.objects.get().pk))
    page.get_by_label("Thôn, tổ dân phố").select_option(label="Tổ dân phố số 1")
    wait_for_service_worker(page)
    assert not has_horizontal_scroll(page), "the phone form scrolls sideways at 360 px"

    # The form refuses an ID number before anything is stored.
    page.get_by_label("Hộ gia đình").fill("CCCD 001 203 004 567")
    page.get_by_label("Số người được hướng dẫn").fill("2")
    page.get_by_role("button", name="Lưu lượt hướng dẫn").click()
    expect(page.locator("#fw-household-error")).to_have_text(
        "Không ghi số CCCD, CMND hay số điện thoại"
    )
    expect(page.locator('[data-count="pending"]')).to_have_text("0")

    # No signal in the lane: three households, all waiting on the phone.
    page.context.set_offline(True)
    for n, household in enumerate(HOUSEHOLDS, start=1):
        log_visit(page, household, str(n))
    records = page.locator("[data-fw=records] li")
    expect(records.filter(has_text="Chờ gửi")).to_have_count(3)
    expect(page.locator('[data-count="pending"]')).to_have_text("3")
    # The village and the day stay for the next household.
    expect(page.get_by_label("Thôn, tổ dân phố")).to_have_value(str(tree.hoalu_village.pk))

    # The app is reopened still without signal: the service worker serves the form, and the
    # records are still there in IndexedDB.
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Ghi lượt hướng dẫn tại nhà")).to_be_visible()
    expect(records.filter(has_text="Chờ gửi")).to_have_count(3)
    assert Visit.objects.count() == 0

    # The signal is back: each visit reaches the server once and shows as sent.
    page.context.set_offline(False)
    expect(records.filter(has_text="Đã gửi")).to_have_count(3, timeout=10_000)
    assert sorted(Visit.objects.values_list("household", flat=True)) == [
        "so 12 ngo 3",
        "so 14 ngo 3",
        "xom dong",
    ]
    assert Visit.objects.filter(recorded_by=logging_member).count() == 3

    # A sync retried after a lost answer sends the same ids again: nothing is saved twice.
    ids = page.evaluate("async () => (await window.hocvusoFieldwork.records()).map(r => r.id)")
    assert sorted(ids) == sorted(str(pk) for pk in Visit.objects.values_list("pk", flat=True))
    page.evaluate("ids => window.hocvusoFieldwork.resend(ids)", ids)
    expect(records.filter(has_text="Đã gửi")).to_have_count(3)
    assert Visit.objects.count() == 3

    # The session has ended (here: cookies gone): the new visit waits, and the page says why.
    page.context.clear_cookies()
    log_visit(page, "Số 20, ngõ 5", "2")
    expect(page.locator("[data-fw=problem]")).to_contain_text("Hãy đăng nhập lại để gửi")
    expect(page.locator('[data-count="pending"]')).to_have_text("1")
    assert Visit.objects.count() == 3


def test_a_shared_phone_sends_each_persons_visits_only_under_their_own_account(
    page: Page, live_server, tree, logging_member
) -> None:
    """Two members of a team share one phone: a visit queued offline by the first waits for
    them, is not sent under the second's session, and goes out when the first signs in."""
    second = make_person("tothanhvien2", Role.TEAM_MEMBER, tree.hoalu)
    services.add_member(
        actor=None, team=Team.objects.get(), name="Trần Văn Bình", role="member", user=second
    )
    base = live_server.url
    form_url = base + reverse("fieldwork:log")
    login(page, base, "tothanhvien", PASSWORD)
    page.goto(form_url)
    page.get_by_label("Thôn, tổ dân phố").select_option(label="Tổ dân phố số 1")
    wait_for_service_worker(page)
    page.context.set_offline(True)
    log_visit(page, "Số 30, ngõ 7", "2")
    page.close()
    page = page.context.new_page()
    page.context.set_offline(False)

    # The phone is handed over: the second member signs in and opens the form.
    page.context.clear_cookies()
    login(page, base, "tothanhvien2", PASSWORD)
    page.goto(form_url)
    expect(page.locator("[data-fw=held]")).to_contain_text("1 lượt do tài khoản khác ghi")
    expect(page.locator('[data-count="pending"]')).to_have_text("0")
    expect(page.get_by_text("Số 30, ngõ 7")).to_have_count(0)
    page.get_by_role("button", name="Gửi ngay").click()
    page.wait_for_timeout(500)
    assert Visit.objects.count() == 0

    # The first member signs in again: the visit goes out, under their name, once.
    page.context.clear_cookies()
    login(page, base, "tothanhvien", PASSWORD)
    page.goto(form_url)
    expect(page.locator("[data-fw=records] li").filter(has_text="Đã gửi")).to_have_count(
        1, timeout=10_000
    )
    assert list(Visit.objects.values_list("recorded_by", flat=True)) == [logging_member.pk]


def queue_offline(page: Page, live_server, households: list[str]) -> None:
    """Sign in, open the form, and log these households with no signal."""
    login(page, live_server.url, "tothanhvien", PASSWORD)
    page.goto(live_server.url + reverse("fieldwork:log"))
    page.get_by_label("Thôn, tổ dân phố").select_option(label="Tổ dân phố số 1")
    page.context.set_offline(True)
    for household in households:
        log_visit(page, household, "2")


def test_a_refused_record_is_shown_with_its_reason_and_never_sent_again(
    page: Page, live_server, tree, logging_member
) -> None:
    """Issue 13: the server refuses a batch whole (422) because of one record: the others
    are saved, the refused one shows the server's reason, and it is not sent again."""
    sent: list[list[str]] = []

    def refuse_number_13(route) -> None:
        households = [v["household"] for v in route.request.post_data_json["visits"]]
        sent.append(households)
        if "Số 13" in households:
            detail = [{"loc": ["body", "payload", "visits", 0, "note"], "msg": "quá dài"}]
            route.fulfill(status=422, json={"detail": detail})
        else:
            route.continue_()

    page.route("**/api/fieldwork/visits/batch", refuse_number_13)
    queue_offline(page, live_server, ["Số 12", "Số 13", "Số 14"])
    page.context.set_offline(False)
    records = page.locator("[data-fw=records] li")
    expect(records.filter(has_text="Đã gửi")).to_have_count(2, timeout=10_000)
    expect(records.filter(has_text="Số 13")).to_contain_text(
        "Bị từ chối: Dữ liệu không hợp lệ (“Ghi chú”: quá dài)"
    )
    expect(page.locator('[data-count="rejected"]')).to_have_text("1")
    assert sorted(Visit.objects.values_list("household", flat=True)) == ["so 12", "so 14"]
    tries = sum("Số 13" in batch for batch in sent)

    # "Send now" and the next rounds leave the refused record alone.
    page.get_by_role("button", name="Gửi ngay").click()
    page.evaluate("() => window.hocvusoFieldwork.sync(true)")
    assert sum("Số 13" in batch for batch in sent) == tries
    # The whole batch was halved, never sent again as it was.
    assert sent.count(["Số 12", "Số 13", "Số 14"]) == 1


def test_a_record_the_server_fails_on_does_not_hold_back_the_others(
    page: Page, live_server, tree, logging_member
) -> None:
    """Issue 13: a server error (500) on one record: the phone waits before trying again,
    and each try sends fewer records, until the others have gone through; the failing one
    stays waiting on the phone, never lost."""
    sent: list[list[str]] = []

    def fail_on_number_13(route) -> None:
        households = [v["household"] for v in route.request.post_data_json["visits"]]
        sent.append(households)
        if "Số 13" in households:
            route.fulfill(status=500, body="Lỗi hệ thống")
        else:
            route.continue_()

    page.route("**/api/fieldwork/visits/batch", fail_on_number_13)
    queue_offline(page, live_server, ["Số 12", "Số 13", "Số 14"])
    page.context.set_offline(False)
    problem = page.locator("[data-fw=problem]")
    expect(problem).to_contain_text("Chưa gửi được, sẽ thử lại sau.", timeout=10_000)
    # It backs off: no second try on its own within the next seconds.
    page.wait_for_timeout(1500)
    assert len(sent) == 1
    # Each later try (here forced, rather than waiting minutes) sends fewer records.
    for _ in range(4):
        page.evaluate("() => window.hocvusoFieldwork.sync(true)")
    records = page.locator("[data-fw=records] li")
    expect(records.filter(has_text="Đã gửi")).to_have_count(2)
    expect(records.filter(has_text="Số 13")).to_contain_text("Chờ gửi")
    assert sorted(Visit.objects.values_list("household", flat=True)) == ["so 12", "so 14"]
    assert [len(batch) for batch in sent][:3] == [3, 2, 1]
