"""Schemathesis throws generated requests at every operation of the OpenAPI document as a bureau admin
(a veteran's own operations, under /api/v1/my/, as a veteran signed in with a code): no server error, no
answer outside the documented schema. New endpoints are fuzzed without being listed.

Schemathesis' pytest plugin does not run under pytest 9 yet, so the operations are driven with
Hypothesis directly: the same strategies and checks, one test per operation."""

import json
import os
import re
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from qunfang.core import services
from qunfang.portal.testing import veteran_records, visitor_client
from qunfang.registry import services as roll
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.records import records_at
from qunfang.testing.walks import route_ids
from qunfang.wsgi import application

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Generated requests try the API's parsing and its answers' schemas, which do not change with the database:
# the SQLite pass sends the full count, the PostgreSQL pass a quarter of it (the hostile values below, where
# the databases differ — integer widths, dates, text — stay whole in both).
EXAMPLES_PER_OPERATION = 15 if "postgres" in os.environ.get("QUNFANG_DATABASE_URL", "") else 60

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}


@pytest.fixture
def connections_kept_open():
    # Schemathesis calls the WSGI application directly; like Django's test client, keep the request
    # signals from closing the connection that holds the test's transaction.
    _keep_connections_open()
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _keep_connections_open() -> None:
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


VETERANS_API = "/api/v1/my/"


def _caller(world, label: str) -> tuple[dict, dict, dict]:
    """The headers and cookies that sign the fuzzer in for the operation, and the ids of records it may
    reach: a bureau admin's token, or for a veteran's own operation a veteran's session and records."""
    if not label.split()[1].startswith(VETERANS_API):
        return {"Authorization": f"Bearer {services.issue_token(by=world.alice, name='fuzzer')[1]}"}, {}, {}
    veteran = roll.create_veteran(
        by=None,
        place=world.jingkou,
        name="模糊测试",
        id_number=synthetic_id("441803", 31),
        phone="13700006666",
    )
    ids = {key: value for key, value in veteran_records(veteran).items() if isinstance(value, int)}
    client = visitor_client(veteran)
    client.get("/my/sign-in/")  # the CSRF cookie
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    # Django's test client connects close_old_connections again after each request: on PostgreSQL the
    # next request through schemathesis would then close the test's own connection.
    _keep_connections_open()
    return {"X-CSRFToken": cookies["csrftoken"]}, cookies, ids


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_operation_survives_generated_input(world, label, connections_kept_open):
    # Schemathesis's WSGI transport does not undo the gzip that HTTP clients undo (and ask for by default):
    # the answers are checked as sent uncompressed. Compression itself: core/tests/test_static_files.py.
    headers, cookies, _ids = _caller(world, label)
    headers["Accept-Encoding"] = "identity"

    @given(case=OPERATIONS[label].as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        case.cookies = {**(case.cookies or {}), **cookies}
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()


def test_the_fuzzer_reaches_every_operation():
    assert len(OPERATIONS) >= 8


def test_the_fuzzer_is_let_in_to_a_veterans_own_operations(world, connections_kept_open):
    headers, cookies, _ids = _caller(world, "GET /api/v1/my/me")
    case = OPERATIONS["GET /api/v1/my/me"].Case()
    case.cookies = cookies
    assert case.call(headers=headers).status_code == 200


# Values an attacker inside sends on purpose, which generated input rarely hits: each replaces one value
# (a body field, nested or not, or a query parameter) of an otherwise generated request.
HOSTILE_VALUES = [
    "\ud800",  # a lone surrogate (JSON "\ud800")
    "a\udfffb",
    "张\x1b三",  # ESC
    "\x01",
    "a\x7fb",
    "   ",  # whitespace only
    "\t\n",
    10**30,  # beyond any integer column
    -(10**30),
    1e308,
    float("inf"),  # sent as the JSON extension Infinity, which Python's parser accepts
    float("nan"),
    "1e999",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
]
HOSTILE_EXAMPLES_PER_OPERATION = 25


def _locations(value, path=()):
    """Every place in a request body where one value can be swapped for another."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*path, key)
            yield from _locations(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*path, index)
            yield from _locations(inner, (*path, index))


def _replaced(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replaced(value[head], rest, new)
    return copy


def _aimed(value, ids: dict[str, int]):
    """The value with every field named like an id of ours ("place_id", "veteran_id", …) set to a real
    object the fuzzer may reach, so that requests get past "not found" to the code that stores them."""
    if isinstance(value, dict):
        return {key: ids[key] if key in ids else _aimed(inner, ids) for key, inner in value.items()}
    if isinstance(value, list):
        return [_aimed(inner, ids) for inner in value]
    return value


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_operation_survives_hostile_values(world, label, connections_kept_open):
    headers, cookies, own = _caller(world, label)
    operation = OPERATIONS[label]
    client = Client()
    made = route_ids(records_at(world.jingkou, by=world.carol, text="模糊测试"))
    ids = {key: value for key, value in made.items() if key.endswith("_id") and isinstance(value, int)}
    ids |= {"place_id": world.jingkou.pk, "parent_id": world.longjing.pk, "user_id": world.carol.pk}
    ids |= own  # a veteran's operations aim at the veteran's own records
    sent_as = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    client.cookies.load(cookies)

    @given(case=operation.as_strategy(), value=st.sampled_from(HOSTILE_VALUES), pick=st.integers(0, 10**6))
    @settings(
        max_examples=HOSTILE_EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case, value, pick):
        case.path_parameters = _aimed(dict(case.path_parameters or {}), ids)
        body = _aimed(case.body, ids) if isinstance(case.body, (dict, list)) else None
        places = [("body", path) for path in _locations(body)] if body is not None else []
        query = _aimed(dict(case.query or {}), ids)
        places += [("query", (key,)) for key in query]
        if places:
            where, path = places[pick % len(places)]
            if where == "body":
                body = _replaced(body, path, value)
            else:
                text = value if isinstance(value, str) else str(value)
                # An address cannot carry a lone surrogate (its bytes decode as U+FFFD): send ESC instead.
                query[path[0]] = "\x1b" if re.search("[\ud800-\udfff]", text) else text
        # Sent as an attacker's client would: "\ud800" escapes, Infinity and NaN as Python writes them
        # (the transport of schemathesis refuses to encode them).
        url = case.formatted_path + ("?" + urlencode(query, doseq=True) if query else "")
        response = client.generic(
            case.method,
            url,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            **sent_as,
        )
        assert response.status_code < 500, (case.method, url, body, response.content[:500])

    fuzz()
