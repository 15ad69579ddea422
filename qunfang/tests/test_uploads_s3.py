"""Uploads in S3-compatible storage (QUNFANG_S3_BUCKET, django-storages), against moto's S3 server on
127.0.0.1: a roll uploaded on one host is staged in the bucket and imported from it, a background export
is written to the bucket and downloaded from it, and a failed store leaves nothing under the name."""

import os

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from qunfang.lib import uploads
from qunfang.registry.models import RollExport, RollImport, Veteran
from qunfang.registry.tests.test_roll_export import rows_of
from qunfang.registry.tests.test_roll_import import check, confirm, good_rows, upload, xlsx_upload
from qunfang.testing.processes import free_port

BUCKET = "qunfang-uploads"
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("QUNFANG_DATABASE_URL")),
    reason="the store is the same on either database: the SQLite pass",
)


@pytest.fixture(scope="module")
def s3_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    client = boto3.client(
        "s3", endpoint_url=s3_server, aws_access_key_id="test", aws_secret_access_key="test",
        region_name="cn-north-1",
    )  # fmt: skip
    name = f"{BUCKET}-{free_port()}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name, "endpoint_url": s3_server, "access_key": "test", "secret_key": "test",
                "region_name": "cn-north-1", "addressing_style": "path", "file_overwrite": False,
                "default_acl": None,
            },
        },
    }  # fmt: skip
    return lambda: sorted(item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", []))


def test_a_roll_is_staged_in_the_bucket_and_imported_from_it(world, as_user, bucket, settings, tmp_path):
    client = as_user(world.bob)
    upload(client, world.longjing, xlsx_upload(good_rows(world, 4)))
    job = RollImport.objects.get()
    assert bucket() == [job.file] and job.file.startswith("rolls/")
    assert not any((tmp_path / "uploads").glob("**/*.xlsx"))  # nothing on this host's disk
    check(client, job)
    confirm(client, job)
    job.refresh_from_db()
    assert job.status == "done" and Veteran.objects.count() == 4


def test_a_background_export_is_stored_in_the_bucket_and_downloaded_from_it(world, as_user, bucket, settings):
    settings.EXPORT_IN_BACKGROUND_ROWS = 2
    upload_client = as_user(world.bob)
    upload(upload_client, world.longjing, xlsx_upload(good_rows(world, 4)))
    job = RollImport.objects.get()
    check(upload_client, job)
    confirm(upload_client, job)
    client = as_user(world.alice)
    client.post("/veterans/export/")
    export = RollExport.objects.get()
    assert export.status == RollExport.Status.DONE and export.file in bucket()
    download = client.get(f"/veterans/exports/{export.pk}/file/")
    assert len(rows_of(b"".join(download.streaming_content))) == 4 + 1


def test_a_file_gone_from_the_bucket_reads_as_gone_and_a_failed_store_says_so(bucket, settings):
    with pytest.raises(FileNotFoundError):
        uploads.open_upload("rolls/none.xlsx")
    settings.STORAGES["default"]["OPTIONS"]["bucket_name"] = "no-such-bucket"
    settings.STORAGES = {**settings.STORAGES}  # told again, so that the store is made anew

    with pytest.raises(uploads.UploadNotSaved, match="（NoSuchBucket）.*系统管理员"):
        uploads.save_upload(SimpleUploadedFile("roll.xlsx", b"PK" + b"x" * 100), "rolls")
