"""Static files as a phone gets them (core/staticfiles.py): the pages name hashed files, the modules
import hashed files, each is answered compressed when the browser says it can read brotli or gzip and
kept for a year; pages are gzipped too. Before anything was collected, the plain names still work."""

import gzip
import re

import brotli
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from django.test import Client

from qunfang.community.services import checkpoints
from qunfang.core.roles import Role
from qunfang.core.staticfiles import HashedStaticFiles
from qunfang.testing.world import person

STATIC_REFERENCE = re.compile(r"""(?:src|href)="(/static/[^"]+)\"""")
HASHED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.[a-z0-9]+$")
YEAR = "max-age=31536000"


def test_the_guards_page_names_hashed_files_and_its_modules_import_hashed_files(as_user, world):
    guard = person("guard", world.jingkou, Role.CHECKPOINT_GUARD, "门卫老王")
    gate = checkpoints.save_gate(by=None, community=world.jingkou, name="东门")
    page = as_user(guard).get(f"/gates/{gate.pk}/guard/")
    assert page.status_code == 200
    named = STATIC_REFERENCE.findall(page.content.decode())
    assert len(named) >= 4, named  # the two style sheets, jsQR, guard.js
    assert [name for name in named if not HASHED.match(name)] == []
    # What guard.js imports is rewritten to the hashed names too, and so on down to the vendor module.
    guard_js = Client().get(static("community/guard.js"))
    assert f'"./{static("community/pass-check.js").rsplit("/", 1)[1]}"' in b"".join(guard_js).decode()
    pass_check = b"".join(Client().get(static("community/pass-check.js"))).decode()
    assert static("vendor/noble-ed25519-3.2.0/index.min.js").rsplit("/", 1)[1] in pass_check


def test_a_static_file_comes_compressed_as_asked_and_is_kept_for_a_year():
    name = "vendor/echarts/echarts.min.js"
    url = static(name)
    original = staticfiles_storage.open(staticfiles_storage.stored_name(name)).read()
    for encoding, unpack in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        answer = Client().get(url, HTTP_ACCEPT_ENCODING=f"{encoding}, identity")
        assert answer.status_code == 200
        assert answer["Content-Encoding"] == encoding
        assert YEAR in answer["Cache-Control"] and "immutable" in answer["Cache-Control"]
        body = b"".join(answer)
        assert len(body) < len(original) / 2
        assert unpack(body) == original
    plain = Client().get(url)
    assert "Content-Encoding" not in plain and b"".join(plain) == original
    # A plain name is no promise that the file stays the same: not kept for long.
    assert YEAR not in Client().get(f"{settings.STATIC_URL}{name}")["Cache-Control"]


def test_pages_are_gzipped_for_a_browser_that_reads_gzip():
    answer = Client().get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert answer.status_code == 200 and answer["Content-Encoding"] == "gzip"
    assert "<form" in gzip.decompress(answer.content).decode()
    assert "Content-Encoding" not in Client().get("/accounts/login/")


def test_before_the_first_collection_the_pages_name_the_plain_files(tmp_path):
    nothing_collected = HashedStaticFiles(location=tmp_path, base_url=settings.STATIC_URL)
    assert nothing_collected.url("core/qunfang.css") == "/static/core/qunfang.css"
    # Once collected, a name the manifest lacks is a mistake, as in Django's own storage.
    try:
        staticfiles_storage.url("core/no-such-file.css")
    except ValueError:
        pass
    else:
        raise AssertionError("a missing file was named")
