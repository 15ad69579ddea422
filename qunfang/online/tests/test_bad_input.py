"""Bad input, each refused with a clear message and nothing written (no row, no file left on disk): a
document that is not an image or too large, a missing required photo or answer, answers of the wrong
kind, an application for another person, a service closed or of another district, a service defined
with a broken field list or path."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from qunfang.online import services
from qunfang.online.tests.conftest import ANSWERS, applied, photos
from qunfang.online.tests.test_applications import refused
from qunfang.portal.access import Visitor
from qunfang.registry.services import create_veteran
from qunfang.testing.clients import image_upload


def files_kept() -> set:
    folder = Path(settings.MEDIA_ROOT) / "online"
    return set(folder.iterdir()) if folder.exists() else set()


@pytest.mark.parametrize(
    ("upload", "says"),
    [
        (SimpleUploadedFile("id.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"), "must be a photo"),
        (SimpleUploadedFile("id.png", b"this is no image at all", "image/png"), "must be a photo"),
        (SimpleUploadedFile("id.jpg", b"", "image/jpeg"), "must be a photo"),
        (image_upload("huge.png", size=(2, 2)), "10 MB at most"),
    ],
)
def test_a_document_that_is_not_an_image_or_too_large_is_refused(continuation, veteran, upload, says):
    if says.startswith("10 MB"):
        upload.size = 10 * 1024 * 1024 + 1  # as the upload handler reports a file of that size
    before = files_kept()
    refused(
        lambda: applied(veteran, continuation, photos={"身份证正面": upload, "退役证件": image_upload()}),
        says,
    )
    assert files_kept() == before


def test_a_refused_application_leaves_no_file_behind(continuation, veteran):
    before = files_kept()
    broken = {**ANSWERS, "退役时间": "2019-02-30"}
    refused(lambda: applied(veteran, continuation, answers=broken), "must be a date")
    refused(lambda: applied(veteran, continuation, photos=photos("身份证正面")), "Add a photo of “退役证件”")
    refused(
        lambda: applied(
            veteran, continuation, photos={**photos("身份证正面", "退役证件"), "户口本": image_upload()}
        ),
        "asks for no document",
    )
    assert files_kept() == before


@pytest.mark.parametrize(
    ("answers", "says"),
    [
        ({**ANSWERS, "参保地": ""}, "Fill in “参保地”"),
        ({**ANSWERS, "险种": "工伤保险"}, "Choose one of the offered answers"),
        ({**ANSWERS, "服役年限": "五年"}, "must be a number"),
        ({**ANSWERS, "服役年限": "1e400"}, "must be a number"),
        ({**ANSWERS, "服役年限": "NaN"}, "must be a number"),
        ({**ANSWERS, "退役时间": "2999-13-01"}, "must be a date"),
        ({**ANSWERS, "参保地": "清远\u0007"}, "invisible control character"),
        ({**ANSWERS, "参保地": "清" * 501}, "At most 500 characters"),
        ({**ANSWERS, "籍贯": "清远"}, "no field “籍贯”"),
        ({**ANSWERS, "参保地": ["清远"]}, "Write this as text"),
    ],
)
def test_answers_of_the_wrong_kind_are_refused(continuation, veteran, answers, says):
    refused(lambda: applied(veteran, continuation, answers=answers), says)


def test_an_application_for_another_person_is_refused(world, continuation, veteran):
    neighbour = create_veteran(by=None, place=world.jingkou, name="李四", id_number="441803196007150021")
    phone = Visitor(phone_index="x", veteran_ids=[veteran.pk], acting_for=veteran.pk)
    refused(
        lambda: services.apply(
            by=phone,
            veteran=neighbour,
            service=continuation,
            answers=ANSWERS,
            photos=photos("身份证正面", "退役证件"),
        ),
        "only for yourself",
    )
    application = applied(neighbour, continuation)
    refused(lambda: services.withdraw(by=phone, application=application), "only for yourself")


def test_a_closed_service_or_one_of_another_district_is_not_offered(world, continuation, veteran):
    hunnan = services.define_service(
        by=None,
        place=world.hunnan,
        name="社保接续",
        path=[{"level": "district", "kind": "review", "days": 5}],
    )
    refused(lambda: applied(veteran, hunnan, photos={}), "not offered online where the veteran lives")
    closed = services.change_service(
        by=None,
        service=continuation,
        name="社保接续",
        fields=continuation.fields,
        documents=continuation.documents,
        path=continuation.path,
        is_open=False,
    )
    refused(lambda: applied(veteran, closed), "not offered online")


@pytest.mark.parametrize(
    ("facts", "says"),
    [
        ({"name": ""}, "Name the service"),
        ({"path": []}, "at least one step"),
        ({"path": [{"level": "village", "kind": "check", "days": 0}]}, "1 to 365 days"),
        ({"path": [{"level": "village", "kind": "check", "days": True}]}, "1 to 365 days"),
        ({"path": [{"level": "grid", "kind": "check", "days": 3}]}, "taken by a village or town station"),
        ({"path": [{"level": "town", "kind": "stamp", "days": 3}]}, "a check, a review"),
        ({"fields": [{"label": "险种", "kind": "choice", "options": ["养老"]}]}, "2 to 30 options"),
        ({"fields": [{"label": "a", "kind": "text"}, {"label": "a", "kind": "date"}]}, "same label"),
        ({"fields": [{"label": "a", "kind": "colour"}]}, "text, a number, a date or a choice"),
        ({"fields": ["a"]}, "an object with its label"),
        ({"documents": [{"label": ""}]}, "Each document needs a label"),
    ],
)
def test_a_broken_definition_is_refused(world, facts, says):
    definition = {"name": "证明开具", "path": [{"level": "town", "kind": "check", "days": 3}], **facts}
    refused(lambda: services.define_service(by=world.alice, place=world.qingxin, **definition), says)


def test_a_service_is_defined_by_a_bureau_and_its_name_is_its_own(world, continuation):
    path = [{"level": "town", "kind": "check", "days": 3}]
    refused(
        lambda: services.define_service(by=None, place=world.longjing, name="证明", path=path),
        "district or above",
    )
    refused(
        lambda: services.define_service(by=None, place=world.qingxin, name="社保接续", path=path), "already"
    )
