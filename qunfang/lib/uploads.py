"""Uploads and generated files in the installation's store (Django's default storage): files under
MEDIA_ROOT (var/uploads, or a directory several hosts mount), or S3-compatible object storage
(django-storages) when QUNFANG_S3_BUCKET is set. Either way a failed write (a full disk, a crash, a
cut connection) never leaves a partial file under the name the records point to."""

import os
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.utils.translation import gettext as _


class UploadNotSaved(OSError):
    """The file could not be written; nothing of it is left on disk. The message is for the user."""


def _on_disk() -> bool:
    return isinstance(storages["default"], FileSystemStorage)


def _not_saved(error: Exception) -> UploadNotSaved:
    return UploadNotSaved(
        _(
            "The file could not be stored on the server (%(reason)s). "
            "Nothing was imported; tell your administrator."
        )
        % {"reason": getattr(error, "strerror", None) or _store_error_code(error) or error}
    )


def _store_error_code(error: Exception) -> str | None:
    """An object store's short code for what went wrong ("NoSuchBucket"), not its whole sentence."""
    return (getattr(error, "response", None) or {}).get("Error", {}).get("Code")


def save_upload(upload, folder: str) -> str:
    """Store the upload under `folder` and return its name in the store (relative to MEDIA_ROOT)."""
    suffix = Path(upload.name or "").suffix.lower()[:10]
    relative = f"{folder}/{uuid.uuid4().hex}{suffix}"
    upload.seek(0)
    store_file(relative, upload)
    return relative


def store_file(relative: str, content) -> None:
    """Write `content` (a file object) under `relative`, whole or not at all.

    Django's file storage writes straight to the final name, so a full disk would leave half a file
    there: on disk the bytes go to a .part file that becomes the real one only once complete and
    flushed. An object store shows an object only once its upload completed."""
    if not _on_disk():
        try:
            default_storage.save(relative, File(content, name=relative))
        except Exception as error:  # botocore's errors share no base with OSError
            raise _not_saved(error) from error
        return
    final = Path(default_storage.path(relative))
    partial = final.with_name(final.name + ".part")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as out:
            for chunk in File(content).chunks():
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, final)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise _not_saved(error) from error


@contextmanager
def generated_file(relative: str, suffix: str = ""):
    """A local path to write a generated file to (an export the worker writes for minutes); once the
    block ends without an error, the file goes to the store under `relative`."""
    with tempfile.TemporaryDirectory(prefix="qunfang-") as folder:
        path = Path(folder) / f"generated{suffix}"
        yield path
        with open(path, "rb") as written:
            store_file(relative, written)


def open_upload(relative: str):
    """The stored file, open for reading; FileNotFoundError when it is gone."""
    if _on_disk():
        return open(default_storage.path(relative), "rb")
    if not default_storage.exists(relative):
        raise FileNotFoundError(relative)
    return default_storage.open(relative, "rb")


def delete_upload(relative: str) -> None:
    default_storage.delete(relative)


def uploads_older_than(folder: str, seconds: float) -> list[str]:
    """The names of the files in `folder` stored more than `seconds` ago."""
    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    cutoff = time.time() - seconds
    old = []
    for name in names:
        relative = f"{folder}/{name}"
        if default_storage.get_modified_time(relative).timestamp() < cutoff:
            old.append(relative)
    return old


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
