"""Nothing a model or a tool sends can crash a run or brick a thread (issue #10).

Each test reproduces a bug seen in the hostile-user trials, then checks the fix:
the bad input becomes a tool error the model sees, the run ends with a status
other than ``"running"``, and the thread still loads.
"""

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

from locus import Agent, tool
from locus.checkpoint.memory import MemoryCheckpointer
from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.core.errors import ConfigError, ValidationError
from locus.core.limits import MAX_SUPPORTED_DEPTH, Limits, check_arguments, parse_arguments
from locus.core.messages import Message, Role, ToolCall
from locus.models import FunctionModel, ScriptedModel


def nested(depth: int) -> Any:
    """A JSON value ``depth`` levels deep: ``{"a": {"a": ... 1}}``."""
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def tool_errors(messages: list[Message]) -> list[str]:
    return [m.content or "" for m in messages if m.role is Role.TOOL]


@tool
def echo(a: Any = None) -> str:
    """Echo the argument back."""
    return "echoed"


# -- limits themselves ------------------------------------------------------------


def test_limits_measure_depth_and_size_without_recursion() -> None:
    limits = Limits(max_depth=3, max_argument_chars=50)
    assert check_arguments(nested(3), limits) is None
    assert check_arguments(nested(4), limits) == "nested deeper than 3 levels"
    assert check_arguments({"x": "y" * 100}, limits) == "larger than 50 characters of JSON"
    assert check_arguments(nested(100_000), Limits()) == "nested deeper than 64 levels"


def test_limits_are_validated() -> None:
    with pytest.raises(ConfigError, match="max_depth must be <= 200"):
        Limits(max_depth=MAX_SUPPORTED_DEPTH + 1)
    with pytest.raises(ConfigError, match="positive integer"):
        Limits(max_result_chars=0)
    with pytest.raises(ValidationError, match="limits must be"):
        Agent(model=ScriptedModel([]), limits={"max_depth": 3})  # type: ignore[arg-type]


@pytest.mark.parametrize("depth", [1_000, 5_000, 100_000])
def test_raw_json_nested_past_the_recursion_limit_is_not_a_recursion_error(depth: int) -> None:
    # seen: RecursionError out of ToolCall.from_openai_format at ~1000 levels
    raw = '{"a":' + "[" * depth + "]" * depth + "}"
    call = ToolCall.from_openai_format({"id": "c1", "function": {"name": "f", "arguments": raw}})
    assert call.arguments == {}
    assert call.raw_arguments is not None
    assert "nested deeper than" in call.raw_arguments
    assert len(call.raw_arguments) < 200  # the deep text itself is not kept
    assert parse_arguments(raw)[0] is None


def test_provider_dict_arguments_past_the_limits_are_rejected_at_parse() -> None:
    call = ToolCall.from_openai_format({"id": "c", "name": "f", "arguments": nested(70)})
    assert call.arguments == {}
    assert "nested deeper than 64 levels" in (call.raw_arguments or "")
    ok = ToolCall.from_openai_format({"id": "c", "name": "f", "arguments": nested(64)})
    assert ok.arguments == nested(64)


def test_oversized_argument_text_is_not_kept() -> None:
    raw = json.dumps({"blob": "x" * 300_000})
    call = ToolCall.from_openai_format({"function": {"name": "f", "arguments": raw}})
    assert call.raw_arguments is not None
    assert "larger than 256000 characters" in call.raw_arguments
    assert len(call.raw_arguments) < 200


# -- through an agent run -----------------------------------------------------------


async def test_args_at_the_max_depth_save_and_load_and_past_it_are_a_tool_error(
    tmp_path: Path,
) -> None:
    # seen: args nested ~200 deep saved fine but the thread never loaded again
    limits = Limits(max_depth=MAX_SUPPORTED_DEPTH)
    cp = SQLiteCheckpointer(tmp_path / "t.db")
    at_limit = nested(MAX_SUPPORTED_DEPTH - 1)  # + the arguments object itself
    past = nested(MAX_SUPPORTED_DEPTH)
    model = ScriptedModel(
        [
            [ToolCall(id="ok", name="echo", arguments={"a": at_limit})],
            [ToolCall(id="deep", name="echo", arguments={"a": past})],
            "done",
        ]
    )
    agent = Agent(model=model, tools=[echo], checkpointer=cp, limits=limits)
    result = await agent.invoke("go", thread_id="deep")
    assert result.state.status == "completed"
    loaded = await cp.load("deep")
    assert loaded is not None
    calls = [c for m in loaded.messages for c in m.tool_calls]
    assert calls[0].arguments == {"a": at_limit}
    assert calls[1].arguments == {}
    outputs = tool_errors(loaded.messages)
    assert outputs[0] == "echoed"
    assert outputs[1].startswith("Error: The arguments of tool 'echo' are nested deeper than 200")
    # the thread keeps working after it
    model2 = ScriptedModel(["again"])
    again = await Agent(model=model2, checkpointer=cp, limits=limits).invoke(
        "more", thread_id="deep"
    )
    assert again.text == "again"
    await cp.aclose()


async def test_args_past_the_default_depth_are_a_tool_error_not_a_value_error() -> None:
    # seen: depth 300 gave a raw ValueError from argument validation
    @tool
    def typed(a: dict[str, Any]) -> str:
        """Take a dict."""
        return "ran"

    model = ScriptedModel([[ToolCall(name="typed", arguments={"a": nested(300)})], "ok"])
    cp = MemoryCheckpointer()
    result = await Agent(model=model, tools=[typed], checkpointer=cp).invoke("x", thread_id="t")
    assert result.state.status == "completed"
    [error] = tool_errors(result.state.messages)
    assert "nested deeper than 64 levels" in error
    assert await cp.load("t") is not None


async def test_a_result_whose_str_raises_is_a_tool_error() -> None:
    # seen: a tool result whose __str__ raises crashed the run
    class Nasty:
        def __str__(self) -> str:
            raise RuntimeError("no str for you")

    @tool
    def nasty() -> Any:
        """Return something unprintable."""
        return Nasty()

    model = ScriptedModel([[ToolCall(name="nasty", arguments={})], "recovered"])
    result = await Agent(model=model, tools=[nasty], checkpointer=MemoryCheckpointer()).invoke(
        "x", thread_id="t"
    )
    assert result.text == "recovered"
    [error] = tool_errors(result.state.messages)
    assert "cannot be rendered as text" in error
    assert "RuntimeError: no str for you" in error


async def test_an_exception_whose_str_raises_is_a_tool_error() -> None:
    class Weird(Exception):
        def __str__(self) -> str:
            raise ValueError("boom")

    @tool
    def weird() -> str:
        """Raise something odd."""
        raise Weird()

    model = ScriptedModel([[ToolCall(name="weird", arguments={})], "fine"])
    result = await Agent(model=model, tools=[weird]).invoke("x")
    [error] = tool_errors(result.state.messages)
    assert "Weird" in error


async def test_cancelled_error_inside_a_tool_does_not_leave_the_thread_running() -> None:
    # seen: CancelledError raised inside a tool aborted the run, thread stayed "running"
    @tool
    async def flaky() -> str:
        """Raise CancelledError like a cancelled inner request does."""
        raise asyncio.CancelledError("inner request cancelled")

    cp = MemoryCheckpointer()
    model = ScriptedModel([[ToolCall(name="flaky", arguments={})], "after"])
    result = await Agent(model=model, tools=[flaky], checkpointer=cp).invoke("x", thread_id="t")
    assert result.text == "after"
    assert "CancelledError" in tool_errors(result.state.messages)[0]
    saved = await cp.load("t")
    assert saved is not None
    assert saved.status == "completed"


async def test_a_cancelled_run_is_checkpointed_failed_not_running() -> None:
    started = asyncio.Event()

    @tool
    async def slow() -> str:
        """Wait forever."""
        started.set()
        await asyncio.sleep(3600)
        return "never"

    cp = MemoryCheckpointer()
    agent = Agent(
        model=ScriptedModel([[ToolCall(name="slow", arguments={})]]), tools=[slow], checkpointer=cp
    )

    async def consume() -> None:
        async for _ in agent.run("x", thread_id="t"):
            pass

    task = asyncio.create_task(consume())
    await asyncio.wait_for(started.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    saved = await cp.load("t")
    assert saved is not None
    assert saved.status != "running"


async def test_failed_run_records_status_and_error_in_the_checkpoint() -> None:
    cp = MemoryCheckpointer()
    model = ScriptedModel([RuntimeError("provider exploded")])
    with pytest.raises(RuntimeError):
        await Agent(model=model, checkpointer=cp).invoke("x", thread_id="t")
    saved = await cp.load("t")
    assert saved is not None
    assert saved.status == "failed"
    assert saved.metadata["locus_error"] == {
        "kind": "RuntimeError",
        "message": "provider exploded",
    }
    # the next run on the thread starts clean
    ok = await Agent(model=ScriptedModel(["hi"]), checkpointer=cp).invoke("y", thread_id="t")
    assert ok.state.status == "completed"
    assert "locus_error" not in ok.state.metadata


async def test_a_50mb_result_is_truncated_once_and_the_file_stays_small(tmp_path: Path) -> None:
    # seen: a 50 MB tool result made a 400 MB SQLite file after one run
    @tool
    def dump() -> str:
        """Return a huge blob."""
        return "x" * 50_000_000

    path = tmp_path / "big.db"
    cp = SQLiteCheckpointer(path)
    model = ScriptedModel([[ToolCall(name="dump", arguments={})], "done"])
    result = await Agent(model=model, tools=[dump], checkpointer=cp).invoke("x", thread_id="t")
    [content] = tool_errors(result.state.messages)
    assert len(content) < 100_200
    assert "the tool returned 50000000 characters" in content
    await cp.aclose()
    size = _db_size(path)
    print(f"sqlite size after a 50 MB tool result: {size / 1e6:.2f} MB")
    assert size < 5_000_000  # every checkpoint of the run together, not 50 MB each


def _db_size(path: Path) -> int:
    return os.path.getsize(path) + sum(
        os.path.getsize(p) for p in path.parent.glob(path.name + "-*") if p.is_file()
    )


async def test_result_limit_is_configurable_and_deep_values_are_dropped() -> None:
    @tool(idempotent=True)
    def deep() -> Any:
        """Return a deep structure."""
        return nested(100)

    limits = Limits(max_result_chars=50)
    cp = MemoryCheckpointer()
    model = ScriptedModel([[ToolCall(name="deep", arguments={})], "ok"])
    result = await Agent(model=model, tools=[deep], checkpointer=cp, limits=limits).invoke(
        "x", thread_id="t"
    )
    [content] = tool_errors(result.state.messages)
    assert content.startswith('{"a": {"a"')
    assert "[truncated by locus" in content
    [record] = result.state.idempotency.values()
    assert record.value is None  # too deep to keep; the text is kept
    assert await cp.load("t") is not None


async def test_function_model_dict_args_past_limits_never_enter_state() -> None:
    def fn(messages: list[Message], tools: Any) -> Any:
        if any(m.role is Role.TOOL for m in messages):
            return "ok"
        return [ToolCall(name="echo", arguments=nested(260))]

    cp = MemoryCheckpointer()
    result = await Agent(model=FunctionModel(fn), tools=[echo], checkpointer=cp).invoke(
        "x", thread_id="t"
    )
    assert result.state.status == "completed"
    assert "nested deeper than 64 levels" in tool_errors(result.state.messages)[0]
    assert await cp.load("t") is not None
