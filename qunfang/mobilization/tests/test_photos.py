"""Photos are checked to be images, refused when too big, shrunk and stripped of camera data; a deed
with a bad photo stores nothing at all; photos are shown only to those who may see their place."""

import io
from datetime import date
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from qunfang.mobilization.models import ActivityRecord, Deed, Photo
from qunfang.testing.clients import image_upload


def jpeg_with_gps(size=(4000, 3000)) -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (23.0, 41.0, 0.0)}  # GPS: where the phone was
    exif[0x0112] = 6  # orientation: turned on its side
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue(), content_type="image/jpeg")


def post_deed(client, place, **files):
    data = {"day": "2020-02-18", "person": "王老兵", "title": "捐赠消毒液", "story": "送来4箱120瓶消毒液。"}
    data.update(files)
    return client.post(f"/places/{place.pk}/deeds/new/", data)


def test_a_deed_photo_is_shrunk_turned_upright_and_loses_its_camera_data(world, as_user):
    response = post_deed(as_user(world.carol), world.jingkou, photo1=jpeg_with_gps(), caption1="送达社区")
    assert response.status_code == 302
    photo = Deed.objects.get().photos.get()
    with Image.open(photo.image.path) as stored:
        assert (stored.width, stored.height) == (1200, 1600)  # upright, the long side 1600
        assert stored.format == "JPEG" and not stored.getexif()
    assert photo.caption == "送达社区"
    shown = as_user(world.alice).get(f"/photos/{photo.pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert as_user(world.erin).get(f"/photos/{photo.pk}/").status_code == 404  # another district


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(world, as_user, settings):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = post_deed(as_user(world.carol), world.jingkou, photo1=image_upload(), photo2=fake)
    assert response.status_code == 200 and "不是照片" in response.content.decode()
    assert not Deed.objects.exists() and not Photo.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.jpg"))  # the good photo was not written either


def test_a_30_mb_photo_is_refused_with_its_size(world, as_user):
    big = SimpleUploadedFile(
        "big.jpg", b"\xff\xd8\xff" + b"0" * (30 * 1024 * 1024), content_type="image/jpeg"
    )
    response = post_deed(as_user(world.carol), world.jingkou, photo1=big)
    text = response.content.decode()
    assert "30.0 MB" in text and "10 MB" in text
    assert not Deed.objects.exists()


def test_the_days_form_keeps_a_photo_and_the_volunteers_with_the_record(world, as_user):
    from qunfang.mobilization import services

    volunteer = services.add_volunteer(
        by=world.carol, place=world.jingkou, name="李四", id_number="11010519491231002X", phone="13800138000"
    )
    client = as_user(world.carol)
    client.post(
        f"/places/{world.jingkou.pk}/activities/day/",
        {
            "day": "2020-01-25",
            "submission": "form-photo",
            "count_temperature_checks": 40,
            "volunteers": [volunteer.pk],
            "photo": image_upload(),
            "caption": "村口测温",
        },
    )
    record = ActivityRecord.objects.get()
    assert list(record.volunteers.all()) == [volunteer]
    assert record.photos.get().caption == "村口测温"
    ledger = client.get(
        f"/places/{world.jingkou.pk}/activities/records/",
        {"start": date(2020, 1, 25), "end": date(2020, 1, 25)},
    )
    assert "村口测温" in ledger.content.decode() and "李四" in ledger.content.decode()
