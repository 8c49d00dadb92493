"""The OpenAPI document is correct: schemathesis drives the running server with it.

For every operation schemathesis generates valid and invalid requests from
the schema, sends them to a real uvicorn server with a valid key, and checks
that no answer is a 5xx, that every status code and body is one the schema
declares, and that content types match.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from server_helpers import ALICE, KEYS, LiveServer, echo_agent

from locus.server import AgentServer


@pytest.fixture(scope="module")
def api_schema() -> Iterator[Any]:
    server = AgentServer(echo_agent(), api_key=KEYS, max_prompt_chars=2000)
    with LiveServer(server.app) as live:
        yield schemathesis.openapi.from_url(f"{live.url}/openapi.json")


def test_the_running_server_conforms_to_its_openapi(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @settings(
            max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def conforms(case: Any) -> None:
            case.call_and_validate(headers=dict(ALICE))

        conforms()


def test_the_document_declares_bearer_auth_and_every_route(api_schema: Any) -> None:
    raw = api_schema.raw_schema
    assert raw["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert {
        "/invoke",
        "/stream",
        "/threads/{thread_id}",
        "/threads/{thread_id}/resume",
        "/health",
    } <= set(raw["paths"])
    assert "401" in raw["paths"]["/invoke"]["post"]["responses"]
