"""Property-based tests of the API against its own OpenAPI schema (schemathesis 4).

Every GET operation, and POST on organisations, people and partnerships, is called with generated input
through the WSGI application, authenticated as an Administrator (so writes reach validation): no answer may
be a server error, and every documented answer must match the schema. Bounded to stay well under a minute.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from amity.wsgi import application
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

# A deeper run: AMITY_FUZZ_EXAMPLES=200 AMITY_FUZZ_ALL=1 pytest tests/api/test_schema_fuzz.py
MAX_EXAMPLES = int(os.environ.get("AMITY_FUZZ_EXAMPLES", "15"))
FUZZ_ALL = bool(os.environ.get("AMITY_FUZZ_ALL"))
POST_PATHS = {"/api/organisations/", "/api/people/", "/api/partnerships/"}
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Requests through the bare WSGI app end with close_old_connections(), which would close the test
    transaction's connection on PostgreSQL (Django's test client disconnects it the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(partners):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    # The token endpoint hashes passwords on every call (slow) and is covered by test_api.
    return schema.exclude(path="/api/token/")


@pytest.fixture
def auth_headers(admin_user):
    client = token_client(admin_user)
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


def _operations(schema, methods):
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() in methods and (operation.method.upper() == "GET" or operation.path in POST_PATHS
                                                    or FUZZ_ALL):
            yield operation


def _fuzz(operation, headers) -> int:
    calls = []

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(headers=headers)
        calls.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    run()
    return len(calls)


def test_get_operations_conform_to_the_schema(api_schema, auth_headers):
    operations = list(_operations(api_schema, {"GET"}))
    assert len(operations) >= 12
    calls = sum(_fuzz(operation, auth_headers) for operation in operations)
    assert calls >= len(operations) * 5


def test_write_operations_conform_to_the_schema(api_schema, auth_headers):
    operations = list(_operations(api_schema, {"POST", "PUT", "PATCH", "DELETE"}))
    assert {op.path for op in operations} >= POST_PATHS
    calls = sum(_fuzz(operation, auth_headers) for operation in operations)
    assert calls >= len(operations) * 5
