"""The original locus's names behave as its programs expect (thin aliases over our design)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import BaseModel

import locus
from locus import Agent, tool
from locus.core.errors import ValidationError
from locus.core.messages import Message, ToolCall
from locus.models import ScriptedModel


@tool
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@tool
def broken(x: int) -> int:
    """Always fails."""
    raise RuntimeError("disk on fire")


def test_agent_config_configures_the_agent() -> None:
    from locus.agent import AgentConfig

    model = ScriptedModel([[ToolCall(name="add", arguments={"a": 2, "b": 3})], "five"])
    config = AgentConfig(
        model=model,
        tools=[add],
        system_prompt="be brief",
        max_iterations=4,
        temperature=0.2,
        agent_id="calc",
    )
    agent = Agent(config=config)
    result = agent.run_sync("2+3?")
    assert result.text == "five"
    assert agent.max_iterations == 4
    assert agent.id == "calc"
    assert model.requests[0].kwargs["temperature"] == 0.2
    assert model.requests[0].messages[0].content == "be brief"


def test_agent_config_refuses_a_setting_not_built_here_and_names_the_replacement() -> None:
    from locus.agent import AgentConfig

    with pytest.raises(ValidationError, match=r"terminal_tools.*ToolCalled"):
        Agent(config=AgentConfig(model="test", terminal_tools=["submit"]))


def test_agent_config_token_budget_becomes_a_token_limit() -> None:
    from locus.agent import AgentConfig
    from locus.core.termination import TokenLimit

    kwargs = AgentConfig(model="test", token_budget=500).agent_kwargs()
    assert isinstance(kwargs["termination"], TokenLimit)


def test_result_metrics_and_success() -> None:
    model = ScriptedModel(
        [
            [
                ToolCall(name="add", arguments={"a": 1, "b": 1}),
                ToolCall(name="broken", arguments={"x": 1}),
            ],
            "done",
        ]
    )
    result = Agent(model=model, tools=[add, broken]).run_sync("go")
    metrics = result.metrics
    assert result.success is True
    assert (metrics.iterations, metrics.tool_calls, metrics.tool_errors) == (2, 2, 1)
    assert metrics.tools_success_rate == 0.5
    assert metrics.total_tokens == result.usage.total_tokens > 0


def test_model_response_has_the_original_accessors() -> None:
    from locus.models.base import ModelResponse

    response = ModelResponse(
        message=Message.assistant("hi", tool_calls=[ToolCall(name="add", arguments={})]),
        usage={"prompt_tokens": 3, "completion_tokens": 4},
    )
    assert response.content == "hi"
    assert [c.name for c in response.tool_calls] == ["add"]
    assert (response.prompt_tokens, response.completion_tokens, response.total_tokens) == (3, 4, 7)


async def test_terminate_event_carries_iterations_used_and_tool_calls() -> None:
    from locus.core.events import TerminateEvent

    model = ScriptedModel([[ToolCall(name="add", arguments={"a": 1, "b": 2})], "3"])
    events = [e async for e in Agent(model=model, tools=[add]).run("go")]
    last = events[-1]
    assert isinstance(last, TerminateEvent)
    assert isinstance(last.reason, str)
    assert last.reason
    assert last.iterations_used == last.iterations == 2
    assert last.total_tool_calls == 1


def test_core_reexports_are_the_submodules_objects() -> None:
    import locus.core
    from locus.core import (
        Command,
        Message,
        add_messages,
        broadcast,
        end,
        goto,
        reducers,
        scatter,
        send,
    )
    from locus.core import command as command_module

    assert Command is command_module.Command
    assert goto is command_module.goto
    assert end is command_module.end
    assert Message is locus.core.messages.Message
    assert scatter is send.scatter
    assert broadcast is send.broadcast
    assert add_messages is reducers.add_messages
    assert not hasattr(locus.core, "Nope")


def test_or_and_conditions_are_the_composites() -> None:
    from locus.core.termination import AndCondition, MaxIterations, OrCondition, ToolCalled

    either = OrCondition(ToolCalled("add"), MaxIterations(1))
    assert repr(either) == repr(ToolCalled("add") | MaxIterations(1))
    result = Agent(
        model=ScriptedModel([[ToolCall(name="add", arguments={"a": 1, "b": 1})], "x"]),
        tools=[add],
        termination=either,
    ).run_sync("go")
    assert "ToolCalled('add')" in result.stop_reason
    assert isinstance(
        AndCondition(ToolCalled("a"), MaxIterations(2)), type(ToolCalled("a") & MaxIterations(2))
    )


def test_extract_reducers_from_model_and_set_intersection() -> None:
    from locus.core.reducers import append_list, extract_reducers_from_model, set_intersection

    class State(BaseModel):
        items: Annotated[list[str], append_list] = []
        tags: Annotated[set[str], set_intersection] = set()
        plain: int = 0

    found = extract_reducers_from_model(State)
    assert found == {"items": append_list, "tags": set_intersection}
    assert set_intersection(None, {"a", "b"}) == {"a", "b"}
    assert set_intersection({"a", "b"}, ["b", "c"]) == {"b"}


async def test_callback_interrupt_handler_sync_and_async() -> None:
    from locus.core.interrupt import CallbackInterruptHandler, InterruptValue

    value = InterruptValue(payload={"q": "ok?"})

    async def later(iv: InterruptValue) -> str:
        await asyncio.sleep(0)
        return f"async {iv.payload['q']}"

    assert await CallbackInterruptHandler(lambda iv: iv.payload["q"]).handle(value) == "ok?"
    assert await CallbackInterruptHandler(later).handle(value) == "async ok?"
    with pytest.raises(ValidationError):
        CallbackInterruptHandler("not callable")


async def test_emit_works_awaited_and_not_and_close_stream_ends_subscribers() -> None:
    from locus.observability import EventBus, get_event_bus, run_context
    from locus.observability.emit import emit, emit_sync
    from locus.observability.event_bus import StreamEvent

    async with run_context() as rid:
        await emit("custom.awaited", a=1)
        emit_sync("custom.plain", b=2)
        locus.observability.emit("custom.module_call", c=3)
        history = get_event_bus().history(rid)
    assert [e.event_type for e in history] == [
        "custom.awaited",
        "custom.plain",
        "custom.module_call",
    ]
    assert isinstance(history[0], StreamEvent)
    assert history[0].event_id == f"{rid}:1"
    assert history[1].to_dict()["data"] == {"b": 2}

    bus = EventBus()
    bus.open_run("r1")
    sub = bus.subscribe("r1")
    bus.publish("r1", "custom.x", {})
    bus.close_stream("r1")
    received = [e.event_type async for e in sub]
    assert received == ["custom.x"]


def test_memory_backends_submodules(tmp_path: Path) -> None:
    import locus.memory.backends as backends
    from locus.checkpoint.memory import MemoryCheckpointer as Ours
    from locus.memory.backends.file import FileCheckpointer
    from locus.memory.backends.memory import MemoryCheckpointer
    from locus.memory.backends.sqlite import SQLiteBackend, SQLiteConfig

    assert MemoryCheckpointer is Ours
    assert not hasattr(backends, "Nope")
    db = tmp_path / "threads.db"
    agent = Agent(model="test", checkpointer=SQLiteBackend(config=SQLiteConfig(path=str(db))))
    agent.run_sync("first", thread_id="t1")
    again = Agent(model="test", checkpointer=SQLiteBackend(config=SQLiteConfig(path=str(db))))
    second = again.run_sync("second", thread_id="t1")
    assert second.state is not None
    assert [m.content for m in second.state.messages if m.role.value == "user"] == [
        "first",
        "second",
    ]

    files = FileCheckpointer(base_dir=tmp_path / "cp")
    Agent(model="test", checkpointer=files).run_sync("x", thread_id="t2")
    assert any((tmp_path / "cp").rglob("*"))


def test_hook_provider_on_methods_are_called() -> None:
    from locus.hooks.provider import HookPriority, HookProvider

    seen: list[tuple[str, str | None]] = []

    class Audit(HookProvider):
        priority = HookPriority.LOW

        def on_before_tool_call(self, event: object) -> None:
            seen.append(("before", event.tool_name))  # type: ignore[attr-defined]

        def on_after_tool_call(self, event: object) -> None:
            seen.append(("after", event.error))  # type: ignore[attr-defined]

    model = ScriptedModel([[ToolCall(name="broken", arguments={"x": 1})], "ok"])
    Agent(model=model, tools=[broken], hooks=[Audit()]).run_sync("go")
    assert seen[0] == ("before", "broken")
    assert seen[1][0] == "after"
    assert "disk on fire" in (seen[1][1] or "")


def test_model_registry_register_and_get() -> None:
    from locus.models.registry import get_model, list_providers, register_provider

    made: list[str] = []

    def factory(name: str, **options: object) -> ScriptedModel:
        made.append(name)
        return ScriptedModel(["from mine"])

    prefix = f"compat{id(made)}"
    register_provider(prefix, factory)
    assert prefix in list_providers()
    model = get_model(f"{prefix}:small")
    assert made == ["small"]
    assert Agent(model=model).run_sync("hi").text == "from mine"
    with pytest.raises(ValidationError, match="already registered"):
        register_provider(prefix, factory)


def test_reasoning_steps_follow_the_model_turns() -> None:
    model = ScriptedModel([[ToolCall(name="add", arguments={"a": 2, "b": 2})], "four"])
    steps = Agent(model=model, tools=[add]).run_sync("2+2").reasoning_steps
    assert [s.iteration for s in steps] == [1, 2]
    assert steps[0].tool_calls[0]["name"] == "add"
    assert steps[0].tool_results[0]["result"] == "4"
    assert steps[1].thought == "four"


async def test_entrypoint_get_result_collects_tasks_and_errors() -> None:
    from locus.multiagent.functional import EntrypointResult, entrypoint, task

    attempts: list[int] = []

    @task(retry_attempts=2)
    async def double(x: int) -> int:
        attempts.append(x)
        if len(attempts) == 1:
            raise RuntimeError("transient")
        return 2 * x

    @entrypoint()
    async def flow(x: int) -> int:
        return await double(x) + 1

    @entrypoint()
    async def failing(x: int) -> int:
        raise ValueError("bad input")

    ok = await flow.get_result(5)
    assert isinstance(ok, EntrypointResult)
    assert (ok.value, ok.success, attempts) == (11, True, [5, 5])
    assert [(t.task_name, t.value) for t in ok.tasks] == [("double", 10)]
    bad = await failing.get_result(1)
    assert not bad.success
    assert bad.error == "ValueError: bad input"


def test_structured_helpers() -> None:
    from locus.core.structured import (
        StructuredOutputError,
        build_response_format,
        extract_json,
        inline_schema_refs,
        parse_structured,
    )

    class Inner(BaseModel):
        n: int

    class Outer(BaseModel):
        inner: Inner

    good = parse_structured('Here: ```json\n{"inner": {"n": 3}}\n```', Outer)
    assert good.success
    assert good.unwrap() == Outer(inner=Inner(n=3))
    bad = parse_structured('{"inner": {"n": "x"}}', Outer)
    assert not bad.success
    assert "inner.n" in (bad.error or "")
    with pytest.raises(StructuredOutputError) as info:
        bad.unwrap()
    assert info.value.raw_content == '{"inner": {"n": "x"}}'
    assert extract_json('prose {"a": 1} more') == '{"a": 1}'
    assert build_response_format(Outer)["json_schema"]["strict"] is True
    inlined = inline_schema_refs(Outer.model_json_schema())
    assert "$defs" not in inlined
    assert inlined["properties"]["inner"]["properties"]["n"]["type"] == "integer"


def test_grounding_evaluator() -> None:
    from locus.reasoning import GroundingEvaluator, evaluate_grounding

    evidence = ["Revenue in 2024 was 12 million dollars"]
    result = evaluate_grounding(["Revenue was 12 million in 2024", "The CEO resigned"], evidence)
    assert result.ungrounded_claims == ["The CEO resigned"]
    assert result.grounded_claims == ["Revenue was 12 million in 2024"]
    assert result.claims[0].supporting_evidence == evidence
    assert result.requires_replan
    evaluator = GroundingEvaluator(replan_threshold=0.4)
    assert not evaluator.should_replan(
        evaluator.evaluate([*result.grounded_claims, "x y"], evidence)
    )
    assert "The CEO resigned" in evaluator.get_replan_guidance(result)


def test_composition_functions_and_original_arguments() -> None:
    from locus.agent.composition import loop, parallel, sequential

    seen: list[str] = []

    def record(text: str) -> str:
        seen.append(text)
        return text.upper()

    piped = sequential(str.strip, record, prompt_template="Refine: {input}")
    assert piped.run_sync("  draft ").text == "REFINE: DRAFT"
    assert seen == ["Refine: draft"]
    assert parallel(str.upper, str.lower).run_sync("Ab").text == "AB\n\nab"
    answers = iter(["no", "no", "done"])
    prompts: list[str] = []

    def attempt(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    result = loop(attempt, lambda text: text == "done", loop_prompt="Try again: {input}").run_sync(
        "go"
    )
    assert (result.text, result.iterations) == ("done", 3)
    assert prompts == ["go", "Try again: no", "Try again: no"]
    with pytest.raises(ValidationError, match="merge_strategy"):
        parallel(str.upper, merge_strategy="vote")


def test_tool_registry_and_schema() -> None:
    from locus.core.errors import ToolNotFoundError
    from locus.tools.registry import create_registry
    from locus.tools.schema import generate_schema, python_type_to_json_type

    registry = create_registry(add)
    registry.register(broken)
    assert [t.name for t in registry.list_tools()] == ["add", "broken"]
    assert registry.to_openai_schemas()[0]["function"]["name"] == "add"
    with pytest.raises(ToolNotFoundError, match="add, broken"):
        registry.get_or_raise("nope")
    assert registry.unregister("broken") is broken
    result = Agent(
        model=ScriptedModel([[ToolCall(name="add", arguments={"a": 4, "b": 5})], "nine"]),
        tools=registry,
    ).run_sync("4+5")
    assert result.tool_executions[0].result == "9"

    def mul(a: int, b: int) -> int:
        """Multiply two numbers."""
        return a * b

    schema = generate_schema(mul)
    assert schema["name"] == "mul"
    assert schema["description"] == "Multiply two numbers."
    assert schema["parameters"]["required"] == ["a", "b"]
    assert python_type_to_json_type(int) == {"type": "integer"}


def test_termination_keywords_of_the_original() -> None:
    from locus.core.messages import Message as Msg
    from locus.core.state import AgentState
    from locus.core.termination import InvalidConditionError, MaxIterations, TextMention, ToolCalled

    assert repr(MaxIterations(max_iterations=3)) == "MaxIterations(3)"
    assert repr(ToolCalled(tool_name="x")) == "ToolCalled('x')"
    state = AgentState(messages=[Msg.assistant("All done. (v1.2)")])
    assert TextMention(text="ALL DONE").check(state) is not None
    assert TextMention(text="ALL DONE", case_sensitive=True).check(state) is None
    assert TextMention(text="(v1.2)").check(state) is not None  # literal, not a regex
    with pytest.raises(InvalidConditionError):
        MaxIterations(3, max_iterations=4)


async def test_current_node_and_graph_ids() -> None:
    from locus.core.interrupt import get_current_graph_id, get_current_node_id
    from locus.multiagent.functional import entrypoint

    @entrypoint()
    async def flow(x: int) -> tuple[str | None, str | None]:
        return get_current_node_id(), get_current_graph_id()

    assert await flow.invoke(1) == ("flow", "flow")
    assert get_current_node_id() is None


async def test_state_graph_execute_and_graph_result_fields() -> None:
    from typing import TypedDict

    from locus.core.reducers import append_list
    from locus.multiagent.graph import END, START, GraphConfig, GraphRecursionError, StateGraph

    class S(TypedDict):
        items: Annotated[list[str], append_list]

    graph = StateGraph(S)
    graph.add_node("a", lambda s: {"items": ["a"]})
    graph.add_node("b", lambda s: {"items": ["b"]})
    graph.add_edge(START, "a")
    graph.add_edge("a", "b")
    graph.add_edge("b", END)
    result = await graph.execute({"items": []})
    assert result.final_state == {"items": ["a", "b"]}
    assert type(result.final_state) is dict
    assert result.success
    assert not result.is_interrupted()
    assert result.interrupt is None
    assert result.iterations == result.steps == 2
    assert GraphConfig(max_iterations=7).recursion_limit == 7
    with pytest.raises(GraphRecursionError):
        await graph.execute({"items": []}, config={"max_iterations": 1})


def test_event_bus_tool_context_and_after_tool_aliases() -> None:
    from locus.hooks.provider import HookProvider
    from locus.observability import EventBus
    from locus.tools import ToolContext

    bus = EventBus(max_queue_size=5, history_per_run=2, max_runs_retained=3)
    assert (bus.queue_size, bus.history_limit, bus.max_closed_runs) == (5, 2, 3)
    for n in range(4):
        bus.publish("r", "custom.x", {"n": n})
    assert [e.data["n"] for e in bus.history("r")] == [2, 3]

    seen: dict[str, object] = {}

    @tool
    def who(ctx: ToolContext) -> str:
        """Report the caller."""
        seen["agent_id"] = ctx.agent_id
        seen["metadata"] = ctx.invocation_metadata
        return "ok"

    class After(HookProvider):
        def on_after_tool_call(self, event: object) -> None:
            seen["arguments"] = event.arguments  # type: ignore[attr-defined]

    model = ScriptedModel([[ToolCall(name="who", arguments={})], "done"])
    Agent(model=model, tools=[who], hooks=[After()], name="auditor").run_sync("go")
    assert seen == {"agent_id": "auditor", "metadata": {}, "arguments": {}}


def test_model_retry_hook_retries_a_throttled_call() -> None:
    from locus.core.errors import ModelThrottledError
    from locus.hooks.builtin.retry import ModelRetryHook

    model = ScriptedModel([ModelThrottledError("slow down"), "answer"])
    hook = ModelRetryHook(max_retries=2, initial_delay=0.001, max_delay=0.001, priority=10)
    result = Agent(model=model, hooks=[hook]).run_sync("hi")
    assert result.text == "answer"
    assert len(model.requests) == 2
    assert hook.priority == 10
    with pytest.raises(ModelThrottledError):
        Agent(
            model=ScriptedModel([ModelThrottledError("a"), ModelThrottledError("b")]),
            hooks=[ModelRetryHook(max_retries=1, initial_delay=0.001, max_delay=0.001)],
        ).run_sync("hi")


def test_small_original_modules() -> None:
    import datetime
    import warnings

    from locus.agent.agent import Agent as OriginalPathAgent
    from locus.core.warnings import LocusDeprecationWarning, LocusWarning
    from locus.tools import get_today_date

    assert OriginalPathAgent is Agent
    assert issubclass(LocusDeprecationWarning, DeprecationWarning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LocusWarning)
        warnings.warn("old", LocusDeprecationWarning, stacklevel=1)
    assert caught[0].category is LocusDeprecationWarning
    model = ScriptedModel([[ToolCall(name="get_today_date", arguments={})], "ok"])
    before = datetime.date.today().isoformat()
    result = Agent(model=model, tools=[get_today_date]).run_sync("date?")
    assert result.tool_executions[0].result in {before, datetime.date.today().isoformat()}


async def test_create_graph_builds_a_dict_state_graph() -> None:
    from locus.multiagent import Graph, create_graph
    from locus.multiagent.graph import END, START

    graph = create_graph("pipeline", description="two steps")
    assert isinstance(graph, Graph)
    graph.add_node("double", lambda s: {"n": s["n"] * 2})
    graph.add_edge(START, "double")
    graph.add_edge("double", END)
    assert (await graph.execute({"n": 4})).final_state == {"n": 8}
