"""Four eyes on every approval: nobody approves what they wrote.

Reports use it now; honours and anything else that is approved reuse it. The owning app
knows who wrote its object — who submitted it at any step, who typed any of its values —
and passes their ids; this module decides and says why, whatever roles the approver holds
(a focal point who typed a commune's figures stays its author when they also coordinate the
province above it; a superuser too).

    authors = report_authors(report)              # the app's own reading of its history
    ensure_four_eyes(actor=actor, authors=authors)  # raises SelfApproval
    if is_author(actor, authors): ...             # hide the approve button, say why
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from hocvuso.accounts.models import User


class SelfApproval(ValidationError, PermissionDenied):
    """An approval refused because the approver is one of the object's authors.

    A ValidationError, so a form view shows its Vietnamese message beside the object, as it
    does for any refused decision; a PermissionDenied, so code that lets it through answers
    403 rather than a server error, and callers that only check permissions catch it too.
    """


def is_author(actor: User | None, authors: Iterable[int | None]) -> bool:
    """Whether ``actor`` is among ``authors`` (user ids; ``None`` stands for the system,
    which is nobody). An anonymous or missing actor is never an author."""
    pk = getattr(actor, "pk", None)
    return pk is not None and pk in set(authors)


def four_eyes_reason() -> str:
    """Why an author may not approve, in the words the pages and the refusals use."""
    return _(
        "Bạn đã gửi hoặc sửa số liệu của nội dung này nên không thể tự duyệt: "
        "cần một người khác duyệt (nguyên tắc bốn mắt)."
    )


def ensure_four_eyes(*, actor: User | None, authors: Iterable[int | None]) -> None:
    """Raise :class:`SelfApproval` (with :func:`four_eyes_reason`) when ``actor`` is one of
    ``authors``. Call it inside the approving service, after locking the object and before
    writing anything, so the check and the approval see the same history."""
    if is_author(actor, authors):
        raise SelfApproval(four_eyes_reason(), code="four_eyes")
