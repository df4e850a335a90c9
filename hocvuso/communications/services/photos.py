"""Storing an output's photos (banners, LED screens, screenshots of posts), each with a small
JPEG thumbnail for the lists and the gallery.

A photo is checked twice before anything is written: by its content as an upload
(``core.uploads.check_upload(…, "photo")``: JPEG, PNG or WebP, 8 MB) and by Pillow, which must
read its header and decode it; a picture larger than ``MAX_PIXELS`` (a decompression bomb:
a few kilobytes of PNG declaring a 100,000-pixel square) is refused from its header alone,
before a single pixel is decoded."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from hocvuso.communications.models import Output, OutputPhoto
from hocvuso.core.uploads import PHOTO, CheckedUpload, UploadRefused, check_upload

if TYPE_CHECKING:
    from django.core.files import File

    from hocvuso.accounts.models import User

# A 50-megapixel phone camera (8160 × 6144) passes; a bomb's declared size does not.
MAX_PIXELS = 64_000_000
THUMBNAIL_SIZE = (480, 480)
THUMBNAIL_QUALITY = 80


@dataclass(frozen=True)
class Thumbnail:
    content: bytes
    width: int
    height: int


def _unreadable(name: str) -> UploadRefused:
    return UploadRefused(
        _("Ảnh “%(name)s” không mở được (tệp hỏng hoặc không phải ảnh); hãy chụp hoặc chọn lại.")
        % {"name": name}
    )


def make_thumbnail(fh: IO[bytes], *, name: str) -> Thumbnail:
    """A JPEG of at most 480 px a side, upright (EXIF orientation applied), or
    ``UploadRefused`` in Vietnamese: not an image Pillow reads, or too many pixels. The file
    is left at position 0."""
    fh.seek(0)
    try:
        # Pillow's own guard (Image.MAX_IMAGE_PIXELS) warns, then raises at twice it: both
        # are refusals here, checked again below against this module's stricter bound.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fh) as image:
                width, height = image.size
                if width * height > min(MAX_PIXELS, Image.MAX_IMAGE_PIXELS or MAX_PIXELS):
                    raise _too_many_pixels(name, width, height)
                image.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at reduced size, cheaply
                upright = ImageOps.exif_transpose(image)
                small = upright.convert("RGB")
                small.thumbnail(THUMBNAIL_SIZE)
                out = io.BytesIO()
                small.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(name, 0, 0) from exc
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _unreadable(name) from exc
    finally:
        fh.seek(0)
    return Thumbnail(out.getvalue(), small.width, small.height)


def _too_many_pixels(name: str, width: int, height: int) -> UploadRefused:
    return UploadRefused(
        _("Ảnh “%(name)s” quá nhiều điểm ảnh (tối đa %(mp)d triệu); hãy gửi ảnh nhỏ hơn.")
        % {"name": name, "mp": MAX_PIXELS // 1_000_000}
    )


def check_photo(upload: File, *, name: str | None = None) -> CheckedUpload:
    """``upload`` checked as a photo (type by content, size) and opened by Pillow, or
    ``UploadRefused`` with the reason in Vietnamese. Forms call this, so a bad photo is shown
    next to its field before the output is written."""
    checked = check_upload(upload, PHOTO, name=name)
    make_thumbnail(checked.file, name=checked.original_name)
    return checked


def store_photo(*, output: Output, upload: CheckedUpload, actor: User | None) -> OutputPhoto:
    """Save one checked photo of ``output`` and its thumbnail. Called inside the writing
    service's transaction, which audits it; a photo Pillow cannot open raises
    ``UploadRefused`` before any file is written, so the transaction rolls back whole."""
    thumbnail = make_thumbnail(upload.file, name=upload.original_name)
    photo = OutputPhoto(
        output=output,
        original_name=upload.original_name,
        size=upload.size,
        content_type=upload.content_type,
        uploaded_by=actor,
    )
    photo.file.save(upload.storage_name, upload.file, save=False)
    photo.thumbnail.save("thumbnail.jpg", ContentFile(thumbnail.content), save=False)
    photo.save()
    return photo
