from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class AuditLog(models.Model):
    """One event in the life of a record, written by the service that made it, in its
    transaction.

    ``action`` is the kind of event: a plain create, update or delete, or a step people ask
    about by name (a ceremony launched, a report approved, a role granted, a password
    changed…). ``unit`` is the org unit the change belongs to, so the log is scoped like
    everything else; ``changes`` maps a field name to ``[old, new]`` (or, for a figure that
    is no field, to one value) and never holds passwords or secrets. ``core.audit`` turns a
    row into what people read.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Cập nhật")
        DELETE = "delete", _("Xóa")
        IMPORT = "import", _("Nhập từ tệp")
        FILE_DOWNLOADED = "file_downloaded", _("Tải tệp (người ngoài đơn vị)")
        # accounts
        ROLE_GRANTED = "role_granted", _("Trao vai trò")
        ROLE_REVOKED = "role_revoked", pgettext_lazy("audit", "Bỏ vai trò")
        PASSWORD_CHANGED = "password_changed", pgettext_lazy("audit", "Đổi mật khẩu")
        LOGIN_LOCKED_OUT = "login_locked_out", _("Khóa đăng nhập tạm thời")
        TOKEN_CREATED = "token_created", _("Tạo mã truy cập API")
        TOKEN_REVOKED = "token_revoked", _("Thu hồi mã truy cập API")
        # plans
        PLAN_PUBLISHED = "plan_published", _("Ban hành kế hoạch")
        TASK_ASSIGNED = "task_assigned", _("Giao nhiệm vụ")
        TASK_REASSIGNED = "task_reassigned", _("Chuyển nhiệm vụ sang đơn vị khác")
        PROGRESS_REPORTED = "progress_reported", _("Báo cáo tiến độ nhiệm vụ")
        # events
        LAUNCH = "launch", _("Bấm nút khai trương")
        PROGRAMME_ADVANCED = "programme_advanced", _("Chuyển mục chương trình")
        POINTS_INVITED = "points_invited", _("Mời điểm cầu")
        ATTENDANCE_REPORTED = "attendance_reported", _("Báo số người dự")
        LINK_REVOKED = "link_revoked", _("Thu hồi đường liên kết")
        RSVP_ANSWERED = "rsvp_answered", _("Trả lời giấy mời")
        # fieldwork
        VISITS_RECORDED = "visits_recorded", _("Ghi lượt hướng dẫn tại hộ")
        # learning
        ATTENDANCE_TAKEN = "attendance_taken", _("Điểm danh lớp học")
        CHECKED_IN = "checked_in", _("Người học tự điểm danh")
        CLASS_REGISTERED = "class_registered", _("Đăng ký học")
        LEARNERS_MERGED = "learners_merged", _("Gộp người học trùng")
        CERTIFICATE_ISSUED = "certificate_issued", _("Cấp chứng nhận")
        # communications
        CAMPAIGN_PUBLISHED = "campaign_published", _("Ban hành chiến dịch truyền thông")
        OUTPUTS_LOGGED = "outputs_logged", _("Ghi sản phẩm truyền thông")
        # reports
        REPORT_SUBMITTED = "report_submitted", pgettext_lazy("audit", "Gửi báo cáo")
        REPORT_APPROVED = "report_approved", _("Duyệt báo cáo")
        REPORT_RETURNED = "report_returned", _("Trả lại báo cáo")

    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=32, choices=Action.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The audit page filters by kind, newest first.
            models.Index(fields=["action", "-created_at"], name="core_audit_action_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.object_repr}"
