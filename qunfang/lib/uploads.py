"""Saving uploads to disk so that a failed write (a full disk, a crash) never leaves a partial file."""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _


class UploadNotSaved(OSError):
    """The file could not be written; nothing of it is left on disk. The message is for the user."""


def save_upload(upload, folder: str) -> str:
    """Write the upload under MEDIA_ROOT/folder and return its path relative to MEDIA_ROOT.

    Django's storage writes straight to the final name, so a full disk would leave half a file there;
    here the bytes go to a .part file that becomes the real one only once complete and flushed."""
    suffix = Path(upload.name or "").suffix.lower()[:10]
    relative = f"{folder}/{uuid.uuid4().hex}{suffix}"
    final = Path(settings.MEDIA_ROOT) / relative
    partial = final.with_name(final.name + ".part")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        upload.seek(0)
        with open(partial, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, final)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise UploadNotSaved(
            _(
                "The file could not be stored on the server (%(reason)s). "
                "Nothing was imported; tell your administrator."
            )
            % {"reason": error.strerror or error}
        ) from error
    return relative


def open_upload(relative: str):
    return open(Path(settings.MEDIA_ROOT) / relative, "rb")


def delete_upload(relative: str) -> None:
    (Path(settings.MEDIA_ROOT) / relative).unlink(missing_ok=True)


def is_image(upload) -> bool:
    """Whether the bytes are a picture Pillow reads, whatever the name says; a decompression bomb
    (a small file of a gigantic picture) is not."""
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        return True
    except Exception:  # Pillow raises many kinds for a file that is no image
        return False
    finally:
        upload.seek(0)


def is_pdf(upload) -> bool:
    """Whether the bytes have a PDF's header and end-of-file marker. No PDF reader is in the lock
    files; the file is only ever sent back as a download (with nosniff), so the markers are enough to
    refuse a program or a page renamed .pdf."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(0, upload.size - 2048))
    tail = upload.read(2048)
    upload.seek(0)
    return head.lstrip(b"\r\n\t ").startswith(b"%PDF-") and b"%%EOF" in tail
