"""Security promises of the whole site: headers, CSRF, escaping, the deployment check, no secrets."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client

from qunfang.core import services
from qunfang.testing.clients import client_for
from qunfang.testing.records import records_at
from qunfang.testing.walks import fill_route, page_routes, route_ids

PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">\'"'
RAW_MARKERS = ["<script>window.__xss", "<img src=x onerror"]


def test_pages_send_the_security_headers(world):
    response = client_for(world.carol).get(f"/places/{world.jingkou.pk}/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def production_environment(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("QUNFANG_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        QUNFANG_SECRET_KEY="x" * 20 + "production-secret-that-is-long-enough-9876543210",
        QUNFANG_HTTPS="1",
        QUNFANG_ALLOWED_HOSTS="qunfang.example.gov.cn",
        QUNFANG_VAR_DIR=os.environ.get("QUNFANG_VAR_DIR", "var"),
        **extra,
    )
    return env


def test_the_deployment_check_is_clean_in_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_hsts_is_sent_when_tls_is_on():
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz', secure=True, HTTP_HOST='qunfang.example.gov.cn'); "
        "print(r.status_code, r.headers.get('Strict-Transport-Security'))"
    )
    env = production_environment(DJANGO_SETTINGS_MODULE="qunfang.settings")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "max-age=31536000; includeSubDomains; preload" in result.stdout, result.stdout + result.stderr


def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.carol)
    response = client.post(
        f"/places/{world.jingkou.pk}/edit/", {"hall_status": "closed", "station_kind": "station"}
    )
    assert response.status_code == 403


def own_objects(world) -> dict:
    """The ids of every app's records at the village, the payload in every text they carry."""
    return route_ids(records_at(world.jingkou, by=world.carol, text=PAYLOAD))


def test_every_form_on_every_page_carries_the_csrf_token(world):
    client = client_for(world.alice)
    parameters = own_objects(world)
    forms_seen = 0
    for route, _view in page_routes():
        response = client.get(fill_route(route, parameters))
        html = response.content.decode() if response.get("Content-Type", "").startswith("text/html") else ""
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I):
                forms_seen += 1
                assert "csrfmiddlewaretoken" in form, f"{route}: {form[:200]}"
    assert forms_seen >= 10


def plant_script_everywhere(world):
    """Put the payload in every text a user can write: place names and facts, full names, token names,
    and therefore in the audit log's before and after."""
    services.update_place(by=world.alice, place=world.jingkou, address=PAYLOAD, phone=PAYLOAD[:40])
    services.update_place(by=world.alice, place=world.jingkou_grid, name=PAYLOAD[:100])
    world.carol.full_name = PAYLOAD[:100]
    world.carol.save()
    services.issue_token(by=world.alice, name=PAYLOAD[:100])
    services.issue_token(by=world.carol, name=PAYLOAD[:100])


def test_every_page_escapes_user_text(world):
    plant_script_everywhere(world)
    client = client_for(world.alice)
    parameters = own_objects(world)
    pages = 0
    for route, _view in page_routes():
        url = fill_route(route, parameters)
        for extra in ("", "?q=%3Cscript%3E&actor=%3Cscript%3Ewindow.__xss"):
            response = client.get(url + extra)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            html = response.content.decode()
            for marker in RAW_MARKERS:
                assert marker not in html, f"{url}{extra} shows user text unescaped"
            pages += 1
    assert pages >= 40


def test_no_secret_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=settings.BASE_DIR, capture_output=True, text=True
    ).stdout
    patterns = [
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
        re.compile(r"""SECRET_KEY\s*=\s*["'][^"']{20,}["']"""),
        re.compile(r"\bqf_[A-Za-z0-9_-]{40,}"),
    ]
    # Tests set throwaway passwords of their own; anywhere else a literal password is a leak.
    password = re.compile(r"(?i)(password|passwd)\s*=\s*[\"'][^\"'{}]{12,}[\"']")
    allowed = {"qunfang/testing/world.py", "qunfang/core/demo.py"}  # published test and demo passwords
    found = []
    for name in filter(None, tracked.splitlines()):
        path = Path(settings.BASE_DIR, name)
        if name in allowed or not path.is_file() or path.suffix in {".mo", ".png", ".xlsx"}:
            continue
        text = path.read_text(errors="ignore")
        found += [f"{name}: {p.pattern}" for p in patterns if p.search(text)]
        if "/tests/" not in name and password.search(text):
            found.append(f"{name}: a literal password")
    assert found == []
    assert "var/" in Path(settings.BASE_DIR, ".gitignore").read_text()


def test_no_template_has_an_inline_script_the_policy_would_block():
    """The Content-Security-Policy allows our own script files only: an inline handler or script would
    silently do nothing in the browser."""
    from pathlib import Path

    found = []
    for template in Path(__file__).resolve().parents[1].rglob("templates/**/*.html"):
        text = template.read_text()
        if re.search(r"\son[a-z]+=", text) or re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            found.append(template.name)
    assert found == []
