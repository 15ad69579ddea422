"""An API client's Idempotency-Key (core/once.py) answers one request once, and gives away nothing:
not to a token revoked since, not for another request sent with the same key, and never a secret kept
in the database for a retry."""

import json
import os
import time

import pytest
from django.db import OperationalError

from qunfang.core import once
from qunfang.core import services as core_services
from qunfang.core.models import AccessToken, AuditEntry, Submission
from qunfang.donations import services as donation_services
from qunfang.donations.models import CashDonation
from qunfang.registry import services
from qunfang.testing.clients import api_client_for
from qunfang.testing.world import SAMPLE_ID


@pytest.fixture
def veteran(world):
    return services.create_veteran(by=None, place=world.jingkou, name="李老兵", id_number=SAMPLE_ID)


def post(client, path, body, key):
    return client.post(path, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_revealed_number_is_not_kept_and_a_retry_asks_for_a_new_key(world, veteran):
    client = api_client_for(world.carol)
    path = f"/api/v1/veterans/{veteran.pk}/reveal"
    first = post(client, path, {"field": "id_number"}, "reveal-key-1")
    assert first.status_code == 200 and first.json()["value"] == SAMPLE_ID
    assert all(SAMPLE_ID.encode() not in bytes(s.body or b"") for s in Submission.objects.all())
    again = post(client, path, {"field": "id_number"}, "reveal-key-1")
    assert again.status_code == 409 and SAMPLE_ID not in again.content.decode()
    assert "新的" in again.json()["detail"]
    assert AuditEntry.objects.filter(action="veteran.reveal").count() == 1


def test_a_new_token_is_not_kept_for_a_retry(world):
    client = api_client_for(world.carol)
    made = post(client, "/api/v1/tokens", {"name": "script"}, "token-key-1")
    assert made.status_code == 201
    raw = made.json()["token"]
    assert all(raw.encode() not in bytes(s.body or b"") for s in Submission.objects.all())
    assert post(client, "/api/v1/tokens", {"name": "script"}, "token-key-1").status_code == 409
    assert AccessToken.objects.filter(name="script").count() == 1


def test_a_revoked_token_gets_nothing_replayed(world, veteran):
    client = api_client_for(world.carol)
    body = {"place_id": world.jingkou.pk, "donor_name": "王捐", "day": "2020-01-26", "amount": "10"}
    assert post(client, "/api/v1/donations/cash", body, "gift-key-1").status_code == 201
    for token in AccessToken.objects.filter(user=world.carol):
        core_services.revoke_token(by=world.carol, token=token)
    again = post(client, "/api/v1/donations/cash", body, "gift-key-1")
    assert again.status_code == 401 and "王捐" not in again.content.decode()


def test_one_key_answers_one_request_only(world):
    client = api_client_for(world.carol)
    body = {"place_id": world.jingkou.pk, "donor_name": "王捐", "day": "2020-01-26", "amount": "1"}
    assert post(client, "/api/v1/donations/cash", body, "gift-key-2").status_code == 201
    other_body = post(client, "/api/v1/donations/cash", {**body, "amount": "999"}, "gift-key-2")
    assert other_body.status_code == 422 and "新的" in other_body.json()["detail"]
    other_path = post(client, "/api/v1/veterans/1/reveal", {"field": "id_number"}, "gift-key-2")
    assert other_path.status_code == 422
    theirs = post(api_client_for(world.dave), "/api/v1/donations/cash", body, "gift-key-2")
    assert theirs.status_code == 409 and theirs.json()["detail"]
    assert CashDonation.objects.count() == 1


@pytest.mark.parametrize("key", ["1234567", "k" * 65, "bad\tkey-1"])
def test_a_key_that_cannot_be_held_is_refused_rather_than_ignored(world, key):
    body = {"place_id": world.jingkou.pk, "donor_name": "王捐", "day": "2020-01-26", "amount": "1"}
    answer = post(api_client_for(world.carol), "/api/v1/donations/cash", body, key)
    assert answer.status_code == 422 and "8" in answer.json()["detail"]
    assert CashDonation.objects.count() == 0


@pytest.mark.skipif(
    "postgres" not in os.environ.get("QUNFANG_DATABASE_URL", ""),
    reason="on PostgreSQL a claim's request holds a lock on its session; on SQLite a claim left pending "
    "waits ABANDONED",
)
def test_a_retry_after_the_database_failed_under_the_first_try_is_made_at_once(world, monkeypatch):
    # The first try's database goes away mid-request (a failover): its claim cannot even be freed, and
    # stays pending; its session, and the lock it held, are gone with the server.
    client = api_client_for(world.carol)
    body = {"place_id": world.jingkou.pk, "donor_name": "王捐", "day": "2020-01-26", "amount": "5"}
    with monkeypatch.context() as patched:
        patched.setattr(donation_services, "record_cash", _database_gone)
        patched.setattr(Submission, "delete", _database_gone)
        first = post(client, "/api/v1/donations/cash", body, "gift-key-failover")
    assert first.status_code == 503 and first["Retry-After"]  # try again, not a server error
    assert Submission.objects.get(key="gift-key-failover").done_at is None
    started = time.monotonic()
    again = post(client, "/api/v1/donations/cash", body, "gift-key-failover")
    assert again.status_code == 201 and time.monotonic() - started < once.WAIT_SECONDS
    assert CashDonation.objects.count() == 1
    assert post(client, "/api/v1/donations/cash", body, "gift-key-failover").status_code == 201  # replayed
    assert CashDonation.objects.count() == 1


def _database_gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")
