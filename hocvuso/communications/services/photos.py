"""Storing an output's photos (banners, LED screens, screenshots of posts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hocvuso.communications.models import Output, OutputPhoto
from hocvuso.core.uploads import CheckedUpload

if TYPE_CHECKING:
    from hocvuso.accounts.models import User


def store_photo(*, output: Output, upload: CheckedUpload, actor: User | None) -> OutputPhoto:
    """Save one checked photo of ``output``. Called inside the writing service's
    transaction, which audits it."""
    photo = OutputPhoto(
        output=output,
        original_name=upload.original_name,
        size=upload.size,
        content_type=upload.content_type,
        uploaded_by=actor,
    )
    photo.file.save(upload.storage_name, upload.file, save=False)
    photo.save()
    return photo
