"""People are told things in the app (an inbox and a badge) and, when e-mail is on, by e-mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from conftest import make_person
from hocvuso.accounts.models import Notification
from hocvuso.accounts.selectors import focal_points_by_unit
from hocvuso.accounts.services import assign_role, notify
from hocvuso.core.roles import Role
from hocvuso.orgunits.services import create_unit


def _tell(users, subject="Nhiệm vụ mới", url="/plans/duties/", actor=None):
    return notify(users=users, subject=subject, body="Nội dung", url=url, actor=actor)


def test_each_person_gets_one_notification_and_one_email_of_their_own(
    hoalu_focal_point, other_commune_focal_point, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://hocvuso.example.vn"
    with django_capture_on_commit_callbacks(execute=True):
        _tell([hoalu_focal_point, other_commune_focal_point, hoalu_focal_point])
    assert Notification.objects.filter(user=hoalu_focal_point).count() == 1
    assert Notification.objects.filter(user=other_commune_focal_point).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["hoalu@example.com", "namhoalu@example.com"]
    assert all(len(m.to) == 1 for m in mail.outbox), "nobody sees who else was told"
    assert "https://hocvuso.example.vn/plans/duties/" in mail.outbox[0].body


def test_nothing_is_sent_or_kept_when_the_transaction_rolls_back(
    hoalu_focal_point, django_capture_on_commit_callbacks
):
    def tell_then_fail() -> None:
        with transaction.atomic():
            _tell([hoalu_focal_point])
            raise RuntimeError("the action that caused it failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        tell_then_fail()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_without_a_mail_server_notifications_stay_in_the_app(
    hoalu_focal_point, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _tell([hoalu_focal_point])
    assert callbacks == []
    assert Notification.objects.filter(user=hoalu_focal_point).exists()


def test_people_without_an_address_and_the_actor_get_no_email(
    tree, coordinator, hoalu_focal_point, django_capture_on_commit_callbacks
):
    hoalu_focal_point.email = ""
    hoalu_focal_point.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        _tell([coordinator, hoalu_focal_point], actor=coordinator)
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["hoalu"]
    assert mail.outbox == []


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "plans/duties/"])
def test_a_notification_links_only_inside_the_site(hoalu_focal_point, url):
    with pytest.raises(ValueError, match="site paths"):
        _tell([hoalu_focal_point], url=url)


def test_the_inbox_shows_only_my_own_notifications(
    client, hoalu_focal_point, other_commune_focal_point
):
    _tell([hoalu_focal_point], subject="Việc của Hoa Lư")
    _tell([other_commune_focal_point], subject="Việc của Nam Hoa Lư")
    client.force_login(hoalu_focal_point)
    page = client.get("/notifications/").content.decode()
    assert "Việc của Hoa Lư" in page
    assert "Việc của Nam Hoa Lư" not in page
    theirs = Notification.objects.get(user=other_commune_focal_point)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_badge_counts_unread_and_clears_when_all_are_read(client, hoalu_focal_point):
    for subject in ("Một", "Hai"):
        _tell([hoalu_focal_point], subject=subject)
    client.force_login(hoalu_focal_point)
    assert '<span class="badge" id="unread-badge">2<' in client.get("/").content.decode()
    response = client.post("/notifications/read-all/", follow=True)
    assert "Đã đánh dấu mọi thông báo là đã đọc." in response.content.decode()
    assert "unread-badge" not in client.get("/").content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, hoalu_focal_point):
    (notification,) = _tell([hoalu_focal_point])
    client.force_login(hoalu_focal_point)
    response = client.post(f"/notifications/{notification.pk}/read/", {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/plans/duties/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "unread-badge" not in client.get("/notifications/").content.decode()


def test_reading_the_inbox_needs_a_login_and_marking_needs_post(client, hoalu_focal_point):
    assert client.get("/notifications/").status_code == 302
    client.force_login(hoalu_focal_point)
    assert client.get("/notifications/read-all/").status_code == 405


def test_the_badge_costs_one_query_and_the_inbox_a_bounded_number(
    client, hoalu_focal_point, django_assert_max_num_queries
):
    client.force_login(hoalu_focal_point)
    with django_assert_max_num_queries(4) as few:
        client.get("/notifications/")
    for n in range(40):
        _tell([hoalu_focal_point], subject=f"Thông báo {n}")
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        # + 1: with notifications the page also fetches them after counting them.
        assert "Thông báo 39" in client.get("/notifications/").content.decode()


def test_focal_points_of_a_unit_are_its_own_else_its_nearest_ancestors(
    tree, hoalu_focal_point, other_commune_focal_point
):
    deep = create_unit(actor=None, parent=tree.hoalu_village, name="Nhóm 1", kind="other")
    village_fp = make_person("todanpho", Role.FOCAL_POINT, tree.namhoalu_village)
    found = focal_points_by_unit([tree.hoalu, deep, tree.namhoalu_village, tree.agency])
    assert found[tree.hoalu.pk] == [hoalu_focal_point]
    assert found[deep.pk] == [hoalu_focal_point], "two levels up, the commune's focal point"
    assert found[tree.namhoalu_village.pk] == [village_fp], "the village's own, not the commune's"
    assert found[tree.agency.pk] == [], "nobody up the tree holds the role"


def test_only_active_focal_points_and_no_other_role_are_notified(
    tree, hoalu_focal_point, coordinator, viewer
):
    backup = make_person("hoalu2", Role.FOCAL_POINT, tree.hoalu)
    assign_role(actor=None, user=viewer, unit=tree.hoalu, role=Role.VIEWER)
    hoalu_focal_point.is_active = False
    hoalu_focal_point.save(update_fields=["is_active"])
    assert focal_points_by_unit([tree.hoalu])[tree.hoalu.pk] == [backup]


def test_emails_are_sent_by_a_job_after_commit_not_in_the_request(
    hoalu_focal_point, django_capture_on_commit_callbacks, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = _tell([hoalu_focal_point])
    assert mail.outbox == [], "the request does not wait for the mail server"
    job = DBTaskResult.objects.get()
    assert job.task_path == "hocvuso.accounts.jobs.send_notification_emails"
    assert job.args_kwargs["args"] == [[notification.pk]]


def test_a_mail_server_that_is_down_leaves_the_inbox_and_is_logged(
    hoalu_focal_point, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        _tell([hoalu_focal_point])
    assert Notification.objects.filter(user=hoalu_focal_point).exists()
    assert "Could not send 1 notification e-mails" in caplog.text
