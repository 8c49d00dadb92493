"""ProtocolRegistry bad input, CapabilityIndex annotations, the LLM picker's bounds, skills in
prompts, and third-party protocols through the locus_register_protocols entry-point hook."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from locus.core.errors import ValidationError
from locus.core.messages import Message
from locus.models import FunctionModel, ScriptedModel
from locus.observability import get_event_bus, run_context
from locus.plugins import plugin_report, reset_plugin_manager
from locus.router import (
    HUMAN_SENTINEL,
    Capability,
    CapabilityIndex,
    CognitiveCompiler,
    GoalFrame,
    LLMProtocolPicker,
    PolicyGate,
    ProtocolRegistry,
    SkillIndex,
    TaskType,
    builtin_protocols,
    plugin_protocols,
)


@pytest.fixture(autouse=True)
def _fresh_plugins() -> Iterator[None]:
    reset_plugin_manager()
    yield
    reset_plugin_manager()


def test_registry_refuses_duplicates_and_non_protocols() -> None:
    registry = ProtocolRegistry()
    registry.register_many(builtin_protocols())
    assert len(registry) == 8
    assert "debate" in registry
    with pytest.raises(ValidationError, match="already registered"):
        registry.register(builtin_protocols()[0])
    registry.register(builtin_protocols()[0], replace=True)
    with pytest.raises(ValidationError, match=r"takes a locus\.router\.Protocol"):
        registry.register("direct_response")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="known: \\['a2a_delegate'"):
        registry.get("nope")


def test_empty_registry_says_what_to_register() -> None:
    from locus.router import NoMatchingProtocolError

    with pytest.raises(NoMatchingProtocolError, match="register_many\\(builtin_protocols"):
        ProtocolRegistry().select(GoalFrame(primary_goal=TaskType.ANSWER))


def test_capability_annotations_are_checked(caps: CapabilityIndex) -> None:
    with pytest.raises(ValidationError, match="does not hold; known tools"):
        caps.annotate(Capability(id="db.write", tool_name="write_db"))
    with pytest.raises(ValidationError, match="already annotated"):
        caps.annotate(Capability(id="logs.read", tool_name="read_metrics"))
    approver = caps.annotate(Capability(id="change.approve", tool_name=HUMAN_SENTINEL))
    assert approver.is_human()
    assert caps.resolve_tool("change.approve") is None
    assert caps.missing(["logs.read", "db.write"]) == ["db.write"]
    assert [c.id for c in caps.for_domain("payments")] == [
        "metrics.read",
        "logs.read",
        "traces.read",
    ]
    # a domain without annotations falls back to every tool
    assert len(caps.tools_for(GoalFrame(primary_goal=TaskType.DIAGNOSE, domain="hr"))) == 3


async def test_llm_picker_chooses_among_kept_candidates_only(
    registry: ProtocolRegistry, caps: CapabilityIndex, model: Any
) -> None:
    seen: list[str] = []

    def pick(messages: list[Message], tools: Any) -> str:
        seen.append(str(messages[-1].content))
        return json.dumps({"protocol_id": "plan_execute_validate", "rationale": "needs a plan"})

    compiler = CognitiveCompiler(
        protocols=registry,
        capabilities=caps,
        policy=PolicyGate(),
        model=model,
        protocol_picker=LLMProtocolPicker(model=FunctionModel(pick)),
    )
    frame = GoalFrame(primary_goal=TaskType.DIAGNOSE, domain="payments")
    decision = await compiler.decide(frame)
    assert (decision.protocol_id, decision.method) == ("plan_execute_validate", "llm")
    assert decision.rationale == "needs a plan"
    # the model was shown only the candidates the rules kept
    assert "specialist_fanout" in seen[0]
    assert "debate" not in seen[0]


async def test_picker_outside_candidates_falls_back_to_rules(
    registry: ProtocolRegistry, caps: CapabilityIndex, model: Any
) -> None:
    picker = LLMProtocolPicker(
        model=ScriptedModel(['{"protocol_id": "debate", "rationale": "why not"}'])
    )
    compiler = CognitiveCompiler(
        protocols=registry, capabilities=caps, policy=PolicyGate(), model=model,
        protocol_picker=picker,
    )  # fmt: skip
    async with run_context() as run_id:
        decision = await compiler.decide(
            GoalFrame(primary_goal=TaskType.DIAGNOSE, domain="payments")
        )
    assert (decision.protocol_id, decision.method) == ("specialist_fanout", "rule_based_fallback")
    assert "not a candidate" in decision.rationale
    events = [e async for e in get_event_bus().subscribe(run_id)]
    fallback = [e for e in events if e.event_type == "router.picker.fallback"]
    assert fallback[0].data["protocol_id"] == "specialist_fanout"


@dataclass
class _Skill:
    name: str
    description: str


class _Skills:
    def for_domain(self, domain: str) -> list[_Skill]:
        return [_Skill("latency-triage", "read p99 before p50")] if domain == "payments" else []


async def test_skills_of_the_domain_reach_the_built_agents(
    registry: ProtocolRegistry, caps: CapabilityIndex, model: Any
) -> None:
    skills = _Skills()
    assert isinstance(skills, SkillIndex)
    compiler = CognitiveCompiler(
        protocols=registry, capabilities=caps, policy=PolicyGate(), model=model, skills=skills
    )
    runnable = await compiler.compile(GoalFrame(primary_goal=TaskType.ANSWER, domain="payments"))
    prompt = runnable.agent.system_prompt  # type: ignore[attr-defined]
    assert "- latency-triage: read p99 before p50" in prompt
    other = await compiler.compile(GoalFrame(primary_goal=TaskType.ANSWER, domain="hr"))
    assert "Skills" not in other.agent.system_prompt  # type: ignore[attr-defined]


def _install_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, module: str = "acme_protocols"
) -> None:
    """A real distribution on sys.path: dist-info with an entry point in group ``locus``."""
    dist = tmp_path / "acme_protocols-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-protocols\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[locus]\nacme-protocols = {module}\n")
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(body))
    monkeypatch.syspath_prepend(str(tmp_path))


PLUGIN = """
    from locus.plugins import hookimpl
    from locus.router import Protocol, TaskType

    triage = Protocol(
        id="acme_triage",
        description="Acme's on-call triage",
        handles=frozenset({TaskType.DIAGNOSE}),
        primary_for=frozenset({TaskType.DIAGNOSE}),
        cost=1,
        latency=1,
        builder="locus.router._builders:build_direct_response",
    )

    @hookimpl
    def locus_register_protocols(register):
        register("acme_triage", "acme_protocols:triage", description="on-call triage")
"""


def test_third_party_protocol_through_the_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caps: CapabilityIndex
) -> None:
    _install_plugin(tmp_path, monkeypatch, PLUGIN)
    protocols = plugin_protocols()
    assert [p.id for p in protocols][:8] == [p.id for p in builtin_protocols()]
    assert [p.id for p in protocols][8:] == ["acme_triage"]
    report = {info.name: info for info in plugin_report()}
    assert sorted(report["locus-router"].provides["router protocol"]) == sorted(
        p.id for p in builtin_protocols()
    )
    assert report["acme-protocols"].provides == {"router protocol": ["acme_triage"]}
    assert "locus_register_protocols" in report["acme-protocols"].hooks
    # registered, it wins diagnose requests on its score
    registry = ProtocolRegistry()
    registry.register_many(protocols)
    frame = GoalFrame(primary_goal=TaskType.DIAGNOSE, domain="payments")
    assert registry.select(frame, caps).id == "acme_triage"


def test_plugin_registering_a_non_protocol_is_skipped_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _install_plugin(
        tmp_path,
        monkeypatch,
        """
        from locus.plugins import hookimpl

        @hookimpl
        def locus_register_protocols(register):
            register("acme_triage", "json:dumps")
            register("acme_gone", "acme_missing_module:triage")
        """,
        module="acme_broken",
    )
    assert [p.id for p in plugin_protocols()] == [p.id for p in builtin_protocols()]
    assert "'acme-protocols' registered protocol 'acme_triage'" in caplog.text
    assert "'acme-protocols' registered 'acme_gone'" in caplog.text


async def test_a_builder_returning_a_non_runnable_is_refused_by_protocol_id(
    caps: CapabilityIndex, model: Any
) -> None:
    from locus.router import Protocol

    registry = ProtocolRegistry()
    registry.register(
        Protocol(
            id="broken",
            handles=frozenset({TaskType.ANSWER}),
            builder=lambda frame, ctx: "not a runnable",
        )
    )
    compiler = CognitiveCompiler(
        protocols=registry, capabilities=caps, policy=PolicyGate(), model=model
    )
    with pytest.raises(ValidationError, match=r"'broken'\'s builder returned 'not a runnable'"):
        await compiler.compile(GoalFrame(primary_goal=TaskType.ANSWER))
