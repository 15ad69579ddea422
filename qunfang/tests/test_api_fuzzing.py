"""Schemathesis throws generated requests at every operation of the OpenAPI document as a bureau admin:
no server error, no answer outside the documented schema. New endpoints are fuzzed without being listed.

Schemathesis' pytest plugin does not run under pytest 9 yet, so the operations are driven with
Hypothesis directly: the same strategies and checks, one test per operation."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from qunfang.core import services
from qunfang.wsgi import application

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 60

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}


@pytest.fixture
def connections_kept_open():
    # Schemathesis calls the WSGI application directly; like Django's test client, keep the request
    # signals from closing the connection that holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_operation_survives_generated_input(world, label, connections_kept_open):
    token = services.issue_token(by=world.alice, name="fuzzer")[1]
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=OPERATIONS[label].as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()


def test_the_fuzzer_reaches_every_operation():
    assert len(OPERATIONS) >= 8
