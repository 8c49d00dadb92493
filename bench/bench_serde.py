"""Checkpoint (de)serialisation: pydantic's Rust JSON vs orjson and msgspec.

Workload: a realistic agent thread of 200 and 2,000 messages (user turns,
assistant turns calling a tool, tool results, ~500 characters of text each,
one ``ToolExecution`` per call; text drawn from a small vocabulary, so zlib
sees realistic redundancy, not one repeated sentence). One operation = encode the state the way a
checkpointer stores it, then decode it back to an ``AgentState`` (what a load
returns). Variants:

- ``pydantic json`` (what ``locus.checkpoint.serde.Serde`` does):
  ``model_dump_json`` / ``model_validate_json``, both in pydantic-core (Rust).
- ``orjson``: ``orjson.dumps(model_dump(mode="json"))`` /
  ``model_validate(orjson.loads(...))``.
- ``msgspec``: ``msgspec.json.encode(model_dump(mode="json"))`` /
  ``model_validate(msgspec.json.decode(...))``.
- ``pydantic json + zlib-1``: the first, compressed (bytes written vs CPU).

A library that parses faster still has to hand a dict to pydantic for
validation, so the comparison is end to end. A second table does the same
for what a delta checkpoint writes per turn (4 new messages). Times are CPU time
(``time.process_time``), median of the repeats. Run:
``python bench/bench_serde.py`` (``LOCUS_BENCH_REPEAT``).
"""

from __future__ import annotations

import os
import random
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import median, table

REPEAT = int(os.environ.get("LOCUS_BENCH_REPEAT", "15"))
WORDS = [
    "latency",
    "p99",
    "checkout",
    "service",
    "pod",
    "restart",
    "error",
    "budget",
    "alert",
    "deploy",
    "rollback",
    "queue",
    "database",
    "replica",
    "lag",
    "cpu",
    "memory",
    "node",
    "disk",
    "saturation",
    "request",
    "timeout",
    "retry",
    "cache",
    "ticket",
    "incident",
    "owner",
    "runbook",
    "escalate",
    "dashboard",
    "metric",
    "trace",
    "span",
    "region",
]


def _text(i: int) -> str:
    """~500 characters of varied words (a repeated sentence would compress unrealistically)."""
    rng = random.Random(i)
    return " ".join(rng.choice(WORDS) for _ in range(80))[:500]


def thread_state(n: int) -> Any:
    """An ``AgentState`` of ``n`` messages shaped like a tool-using conversation."""
    from locus.core.messages import Message, ToolCall, ToolResult
    from locus.core.state import AgentState, ToolExecution

    messages: list[Message] = [Message.system("You are an SRE assistant.")]
    executions: list[ToolExecution] = []
    i = 0
    while len(messages) < n:
        messages.append(Message.user(_text(4 * i)))
        call = ToolCall(id=f"call-{i}", name="get_metric", arguments={"name": "p99", "i": i})
        messages.append(Message.assistant(tool_calls=[call]))
        result = ToolResult(tool_call_id=call.id, name=call.name, content=_text(4 * i + 1))
        messages.append(Message.tool(result))
        messages.append(Message.assistant(_text(4 * i + 2)))
        executions.append(
            ToolExecution(
                tool_call_id=call.id,
                name=call.name,
                arguments=call.arguments,
                result=result.content,
                duration_ms=1.5,
            )
        )
        i += 1
    return AgentState(thread_id="t", messages=messages[:n], tool_executions=executions)


def variants() -> dict[str, tuple[Callable[[Any], bytes], Callable[[bytes], Any]]]:
    from locus.core.state import AgentState

    out: dict[str, tuple[Callable[[Any], bytes], Callable[[bytes], Any]]] = {
        "pydantic json (current)": (
            lambda s: s.model_dump_json().encode(),
            AgentState.model_validate_json,
        ),
        "pydantic json + zlib-1": (
            lambda s: zlib.compress(s.model_dump_json().encode(), 1),
            lambda b: AgentState.model_validate_json(zlib.decompress(b)),
        ),
    }
    try:
        import orjson

        out["orjson"] = (
            lambda s: orjson.dumps(s.model_dump(mode="json")),
            lambda b: AgentState.model_validate(orjson.loads(b)),
        )
    except ImportError:
        print("(orjson unavailable)")
    try:
        import msgspec

        enc, dec = msgspec.json.Encoder(), msgspec.json.Decoder()
        out["msgspec"] = (
            lambda s: enc.encode(s.model_dump(mode="json")),
            lambda b: AgentState.model_validate(dec.decode(b)),
        )
    except ImportError:
        print("(msgspec unavailable)")
    return out


def _cpu(fn: Callable[[], Any]) -> float:
    fn()  # warm up
    samples = []
    for _ in range(REPEAT):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return median(samples) * 1000


def main() -> None:
    rows = []
    for n in (200, 2000):
        state = thread_state(n)
        for name, (encode, decode) in variants().items():
            payload = encode(state)
            back = decode(payload)
            assert back == state, name
            enc_ms = _cpu(lambda encode=encode, state=state: encode(state))
            dec_ms = _cpu(lambda decode=decode, payload=payload: decode(payload))
            rows.append(
                (
                    f"{n:,}",
                    name,
                    f"{enc_ms:.2f}",
                    f"{dec_ms:.2f}",
                    f"{enc_ms + dec_ms:.2f}",
                    f"{len(payload) / 1024:,.0f}",
                )
            )
    print(f"encode + decode of an AgentState, CPU ms, median of {REPEAT}")
    header = ("messages", "codec", "encode ms", "decode ms", "total ms", "KiB")
    print(table(rows, header))


def delta_variants() -> dict[str, tuple[Callable[[Any], bytes], Callable[[bytes], Any]]]:
    """Codecs for what a delta checkpoint writes per turn: the new messages."""
    from pydantic import TypeAdapter

    from locus.core.messages import Message

    adapter: TypeAdapter[list[Message]] = TypeAdapter(list[Message])
    out: dict[str, tuple[Callable[[Any], bytes], Callable[[bytes], Any]]] = {
        "pydantic json (TypeAdapter, used)": (adapter.dump_json, adapter.validate_json),
    }
    try:
        import orjson

        out["orjson"] = (
            lambda ms: orjson.dumps(adapter.dump_python(ms, mode="json")),
            lambda b: adapter.validate_python(orjson.loads(b)),
        )
    except ImportError:
        pass
    try:
        import msgspec

        enc, dec = msgspec.json.Encoder(), msgspec.json.Decoder()
        out["msgspec"] = (
            lambda ms: enc.encode(adapter.dump_python(ms, mode="json")),
            lambda b: adapter.validate_python(dec.decode(b)),
        )
    except ImportError:
        pass
    return out


def main_delta() -> None:
    """The pieces of a delta: one turn's 4 messages, encoded and decoded (CPU µs)."""
    turn = thread_state(5).messages[1:5]
    rows = []
    for name, (encode, decode) in delta_variants().items():
        payload = encode(turn)
        assert decode(payload) == turn, name
        enc = _cpu(lambda encode=encode: [encode(turn) for _ in range(100)]) * 10
        dec = (
            _cpu(lambda decode=decode, payload=payload: [decode(payload) for _ in range(100)]) * 10
        )
        rows.append((name, f"{enc:.1f}", f"{dec:.1f}", f"{len(payload):,}"))
    print(f"\ndelta pieces: one turn's 4 messages, CPU µs per op, median of {REPEAT} x 100 ops")
    print(table(rows, ("codec", "encode µs", "decode µs", "bytes")))


if __name__ == "__main__":
    main()
    main_delta()
