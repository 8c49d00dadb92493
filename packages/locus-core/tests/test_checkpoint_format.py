"""The checkpoint envelope is a stable format: records written earlier keep loading.

``bench/bench_serde.py`` compared pydantic's Rust JSON with orjson and msgspec
and the envelope stayed on pydantic's JSON; these tests freeze what is on disk
today so a faster codec can never silently change it.
"""

from __future__ import annotations

import json

from locus.checkpoint.serde import SCHEMA_VERSION, MigrationRegistry, Serde
from locus.core.messages import Role

# a v1 record as this build writes it, trimmed to the fields it sets: defaults
# a later build adds must fill in, never make the record unreadable
V1_RECORD = (
    '{"v":1,"state":{"run_id":"r1","thread_id":"t1","messages":['
    '{"role":"system","content":"You are an SRE."},'
    '{"role":"user","content":"p99?"},'
    '{"role":"assistant","content":null,"tool_calls":[{"id":"call-1","name":"get_metric",'
    '"arguments":{"name":"p99"}}]},'
    '{"role":"tool","content":"2400","tool_call_id":"call-1","name":"get_metric"},'
    '{"role":"assistant","content":"p99 is 2400 ms."}],'
    '"tool_executions":[{"tool_call_id":"call-1","name":"get_metric","arguments":{"name":"p99"},'
    '"result":"2400","duration_ms":1.5}],'
    '"iteration":2,"token_usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15},'
    '"status":"completed","stop_reason":"NoToolCalls()","started_at":1764500000.0,'
    '"metadata":{"agent":"sre"}}}'
)


def test_a_v1_record_loads_with_every_field() -> None:
    assert SCHEMA_VERSION == 1  # a new version adds a migration from 1 and keeps this test
    state = Serde().loads(V1_RECORD, thread_id="t1", checkpoint_id="c1")
    assert [m.role for m in state.messages] == [
        Role.SYSTEM,
        Role.USER,
        Role.ASSISTANT,
        Role.TOOL,
        Role.ASSISTANT,
    ]
    assert state.messages[2].tool_calls[0].arguments == {"name": "p99"}
    assert state.messages[3].tool_call_id == "call-1"
    assert state.tool_executions[0].result == "2400"
    assert state.token_usage.total_tokens == 15
    assert (state.status, state.stop_reason, state.iteration) == ("completed", "NoToolCalls()", 2)
    assert state.metadata == {"agent": "sre"}


def test_a_v1_record_round_trips_to_the_same_state() -> None:
    serde = Serde()
    state = serde.loads(V1_RECORD, thread_id="t1", checkpoint_id="c1")
    again = serde.dumps(state)
    assert json.loads(again)["v"] == 1
    assert serde.loads(again, thread_id="t1", checkpoint_id="c2") == state
    as_bytes = V1_RECORD.encode()
    assert serde.loads(as_bytes, thread_id="t1", checkpoint_id="c1") == state


def test_a_v1_record_loads_into_a_newer_schema_through_its_migration() -> None:
    registry = MigrationRegistry()

    def tag_source(envelope: dict) -> dict:
        envelope["state"]["metadata"] = {**envelope["state"]["metadata"], "migrated": True}
        return envelope

    registry.register(1, 2, tag_source)
    state = Serde(2, registry).loads(V1_RECORD, thread_id="t1", checkpoint_id="c1")
    assert state.metadata == {"agent": "sre", "migrated": True}
    assert state.messages[-1].content == "p99 is 2400 ms."
