"""create_deepagent: termination, the submit tool's typed answer, and every layer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

from locus import Agent, tool
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.errors import ValidationError
from locus.core.messages import Message, Role, ToolCall
from locus.deepagent import (
    FilesystemBackend,
    StateBackend,
    SubAgentDef,
    TodoState,
    create_deepagent,
)
from locus.memory import SummarizingManager
from locus.models import FunctionModel, ScriptedModel
from locus.observability import get_event_bus, run_context


class Report(BaseModel):
    answer: str = Field(description="The answer.")
    sources: list[str] = Field(default_factory=list, description="Fact sources.")
    confidence: float = Field(ge=0, le=1, description="0..1")


@tool
def lookup(topic: str) -> str:
    """Look a topic up.

    Args:
        topic: The topic.
    """
    return f"{topic}: high tide at 06:12 in Lisbon"


def submit(confidence: float, answer: str = "High tide is at 06:12.") -> ToolCall:
    return ToolCall(
        name="submit_research",
        arguments={"answer": answer, "confidence": confidence},
    )


async def test_submit_ends_the_run_with_a_typed_answer() -> None:
    model = ScriptedModel([ToolCall(name="lookup", arguments={"topic": "tides"}), submit(0.9)])
    agent = create_deepagent(
        model=model,
        tools=[lookup],
        system_prompt="You research tides.",
        output_schema=Report,
        reflexion=False,
        grounding=False,
    )
    assert isinstance(agent, Agent)
    result = await agent.invoke("When is high tide?")
    assert result.stop_reason.startswith("ToolCalled('submit_research') and ConfidenceMet")
    assert isinstance(result.structured_output, Report)
    assert result.structured_output.confidence == 0.9
    assert result.message == "High tide is at 06:12."
    assert [e.name for e in result.tool_executions] == ["lookup", "submit_research"]
    # the submit tool's schema is the report's fields, flat
    schema = next(s for s in model.calls[0][0:0] or []) if False else None
    assert schema is None


async def test_low_confidence_submission_does_not_stop_the_run() -> None:
    model = ScriptedModel(
        [submit(0.3), ToolCall(name="lookup", arguments={"topic": "t"}), submit(0.95)]
    )
    agent = create_deepagent(
        model=model,
        tools=[lookup],
        system_prompt="You research tides.",
        output_schema=Report,
        min_confidence=0.8,
        reflexion=False,
        grounding=False,
    )
    result = await agent.invoke("When is high tide?")
    assert [e.name for e in result.tool_executions] == [
        "submit_research",
        "lookup",
        "submit_research",
    ]
    assert result.structured_output.confidence == 0.95


async def test_invalid_submission_goes_back_to_the_model() -> None:
    bad = ToolCall(name="submit_research", arguments={"answer": "x", "confidence": 7})
    model = ScriptedModel([bad, submit(0.9)])
    agent = create_deepagent(
        model=model,
        tools=[],
        system_prompt="p",
        output_schema=Report,
        reflexion=False,
        grounding=False,
    )
    result = await agent.invoke("q")
    first = result.tool_executions[0]
    assert first.error
    assert "confidence" in first.error
    assert result.structured_output.confidence == 0.9


async def test_iteration_and_token_budgets_stop_the_run() -> None:
    looping = FunctionModel(
        lambda messages, tools: ToolCall(name="lookup", arguments={"topic": "t"})
    )
    agent = create_deepagent(
        model=looping,
        tools=[lookup],
        system_prompt="p",
        max_iterations=3,
        reflexion=False,
        grounding=False,
    )
    result = await agent.invoke("q")
    assert result.stop_reason.startswith("MaxIterations")
    assert result.iterations == 3
    agent = create_deepagent(
        model=looping,
        tools=[lookup],
        system_prompt="p",
        max_tokens=30,
        reflexion=False,
        grounding=False,
    )
    assert (await agent.invoke("q")).stop_reason.startswith("TokenLimit")


def test_defaults_and_bad_arguments() -> None:
    agent = create_deepagent(model="test", tools=[lookup], system_prompt="p")
    assert agent.reflexion is not None
    assert agent.grounding is not None
    assert agent.max_iterations == 40
    assert set(agent.tools) == {"lookup", "submit_research"}
    with pytest.raises(ValidationError):
        create_deepagent(model="test", tools=[], system_prompt="")
    with pytest.raises(ValidationError):
        create_deepagent(model="test", tools=[], system_prompt="p", min_confidence=2)
    with pytest.raises(ValidationError, match="termination"):
        create_deepagent(model="test", tools=[], system_prompt="p", termination=None)


async def test_own_submit_tool_is_kept() -> None:
    @tool
    def submit_research(answer: str) -> str:
        """Submit.

        Args:
            answer: The answer.
        """
        return "ok"

    agent = create_deepagent(model="test", tools=[submit_research], system_prompt="p")
    assert agent.tools["submit_research"].fn is submit_research.fn  # type: ignore[attr-defined]


async def test_state_backend_files_live_in_the_thread_checkpoint() -> None:
    checkpointer = MemoryCheckpointer()

    def make(script: list[Any]) -> Agent:
        return create_deepagent(
            model=ScriptedModel(script),
            tools=[],
            system_prompt="p",
            enable_filesystem=True,
            checkpointer=checkpointer,
            reflexion=False,
            grounding=False,
        )

    write = ToolCall(name="write_file", arguments={"path": "/notes.md", "content": "tide 06:12"})
    await make([write, submit(0.9)]).invoke("take notes", thread_id="t1")
    # a new agent (think: a new process) on the same thread finds the file
    read = ToolCall(name="read_file", arguments={"path": "notes.md"})
    result = await make([read, submit(0.9)]).invoke("read notes", thread_id="t1")
    assert "tide 06:12" in result.tool_executions[0].result
    # another thread starts with an empty workspace
    result = await make([read, submit(0.9)]).invoke("read notes", thread_id="t2")
    assert "no such file" in (result.tool_executions[0].error or "")


async def test_filesystem_backend_tools_cannot_escape(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("s3cret")
    calls = [
        ToolCall(name="read_file", arguments={"path": "../secret.txt"}),
        ToolCall(name="write_file", arguments={"path": "/ok.md", "content": "fine"}),
        ToolCall(name="ls", arguments={}),
    ]
    agent = create_deepagent(
        model=ScriptedModel([calls, submit(0.9)]),
        tools=[],
        system_prompt="p",
        backend=FilesystemBackend(tmp_path / "ws"),
        reflexion=False,
        grounding=False,
    )
    result = await agent.invoke("go")
    escape, written, listing = result.tool_executions[:3]
    assert escape.error
    assert "s3cret" not in escape.result
    assert written.result.startswith("Wrote 4 characters")
    assert "/ok.md" in listing.result
    assert (tmp_path / "ws" / "ok.md").read_text() == "fine"


async def test_todos_layer_shares_its_state() -> None:
    todos = TodoState()
    plan = json.dumps(
        [{"content": "find tide table", "status": "in_progress"}, {"content": "answer"}]
    )
    agent = create_deepagent(
        model=ScriptedModel(
            [
                ToolCall(name="write_todos", arguments={"todos": "not json"}),
                ToolCall(name="write_todos", arguments={"todos": plan}),
                ToolCall(name="read_todos", arguments={}),
                submit(0.9),
            ]
        ),
        tools=[],
        system_prompt="p",
        todo_state=todos,
        reflexion=False,
        grounding=False,
    )
    result = await agent.invoke("plan")
    bad, _good, read = result.tool_executions[:3]
    assert bad.error
    assert [(t.content, t.status) for t in todos.snapshot()] == [
        ("find tide table", "in_progress"),
        ("answer", "pending"),
    ]
    assert "[~] find tide table" in read.result


async def test_memory_files_are_in_the_system_prompt(tmp_path: Path) -> None:
    agents_md = tmp_path / "AGENTS.md"
    agents_md.write_text("Always answer in metric units.")
    model = ScriptedModel([submit(0.9)])
    agent = create_deepagent(
        model=model, tools=[], system_prompt="p", memory_files=[str(agents_md)], reflexion=False
    )
    await agent.invoke("q")
    system = model.calls[0][0]
    assert system.role is Role.SYSTEM
    assert "Always answer in metric units." in (system.content or "")
    with pytest.raises(ValidationError, match="cannot be read"):
        create_deepagent(model="test", tools=[], system_prompt="p", memory_files=["/no/AGENTS.md"])


async def test_subagent_runs_with_a_fresh_context() -> None:
    seen: list[list[Message]] = []

    def researcher(messages: list[Message], tools: Any) -> str:
        seen.append(messages)
        return "Tide at 06:12 (from the subagent)."

    parent = ScriptedModel(
        [
            ToolCall(
                name="task",
                arguments={"subagent_type": "tides", "description": "Find high tide in Lisbon."},
            ),
            submit(0.9),
        ]
    )
    agent = create_deepagent(
        model=parent,
        tools=[],
        system_prompt="parent rules",
        subagents=[
            SubAgentDef(
                name="tides",
                description="Looks up tide tables.",
                system_prompt="You read tide tables.",
                model=FunctionModel(researcher),
            )
        ],
        reflexion=False,
        grounding=False,
    )
    result = await agent.invoke("a long parent conversation about tides")
    assert result.tool_executions[0].result == "Tide at 06:12 (from the subagent)."
    # the subagent saw its own prompt and the task, nothing of the parent's thread
    assert [m.content for m in seen[0]] == ["You read tide tables.", "Find high tide in Lisbon."]
    assert "Looks up tide tables." in (agent.tools["task"].description or "")


async def test_unknown_subagent_is_a_tool_error() -> None:
    agent = create_deepagent(
        model=ScriptedModel(
            [
                ToolCall(name="task", arguments={"subagent_type": "nope", "description": "x"}),
                submit(0.9),
            ]
        ),
        tools=[],
        system_prompt="p",
        subagents=[SubAgentDef(name="a", description="d", system_prompt="s", model="test")],
        reflexion=False,
        grounding=False,
    )
    result = await agent.invoke("q")
    assert "choose one of ['a']" in (result.tool_executions[0].error or "")


async def test_summarisation_layer_bounds_what_the_model_sees() -> None:
    turns: list[int] = []

    def model(messages: list[Message], tools: Any) -> Any:
        if "You compress conversations" in (messages[0].content or ""):
            return "summary of earlier turns"
        turns.append(len(messages))
        return "noted"

    agent = create_deepagent(
        model=FunctionModel(model),
        tools=[],
        system_prompt="p",
        summarize_after_messages=6,
        summarize_keep_recent=2,
        reflexion=False,
        grounding=False,
    )
    assert isinstance(agent.conversation_manager, SummarizingManager)
    for i in range(12):
        await agent.invoke(f"message {i}", thread_id="long")
    assert max(turns) <= 1 + 1 + 6 + 1


async def test_started_event() -> None:
    agent = create_deepagent(
        model=ScriptedModel([submit(0.9)]), tools=[], system_prompt="p", reflexion=False
    )
    async with run_context() as run_id:
        await agent.invoke("When is high tide?")
    started = [
        e for e in get_event_bus().history(run_id) if e.event_type == "multiagent.deepagent.started"
    ]
    assert started
    assert started[0].data["task_preview"] == "When is high tide?"


async def test_concurrent_threads_have_separate_state_files() -> None:
    import asyncio

    gate = asyncio.Event()

    async def model(messages: list[Message], tools: Any) -> Any:
        task = next(m.content or "" for m in messages if m.role is Role.USER)
        done = [m for m in messages if m.role is Role.TOOL]
        if not done:
            return ToolCall(name="write_file", arguments={"path": "/me.md", "content": task})
        if len(done) == 1:
            if task == "alpha":
                await gate.wait()  # beta writes its file while alpha is mid-run
            else:
                gate.set()
            return ToolCall(name="read_file", arguments={"path": "/me.md"})
        return submit(0.9)

    agent = create_deepagent(
        model=FunctionModel(model),
        tools=[],
        system_prompt="p",
        backend=StateBackend({"/seed.md": "shared seed"}),
        reflexion=False,
        grounding=False,
    )
    alpha, beta = await asyncio.gather(
        agent.invoke("alpha", thread_id="a"), agent.invoke("beta", thread_id="b")
    )
    assert "alpha" in alpha.tool_executions[1].result
    assert "beta" in beta.tool_executions[1].result
    assert alpha.state.metadata["locus_files"] == {"/seed.md": "shared seed", "/me.md": "alpha"}
    assert beta.state.metadata["locus_files"] == {"/seed.md": "shared seed", "/me.md": "beta"}
