"""Background jobs of accounts (django-tasks): thin interfaces over services (STYLE rule 12)."""

from __future__ import annotations

from django_tasks import task

from hocvuso.accounts import services


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail notifications already in their recipients' inboxes; enqueued by
    ``services.notify`` after its transaction commits. Returns how many were sent."""
    return services.send_notification_emails(notification_ids=notification_ids)
