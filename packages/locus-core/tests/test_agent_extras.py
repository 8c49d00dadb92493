"""Agent(web_search=, web_fetch=, image_generator=, speech_provider=, skills=, playbook=)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from locus import Agent
from locus.agent.config import AgentConfig
from locus.core.errors import ValidationError
from locus.core.messages import Message, Role, ToolCall
from locus.hooks import HookRegistry
from locus.models import FunctionModel
from locus.playbooks import PlaybookEnforcerHook
from locus.providers import HTTPXWebFetcher, ImageResult, SearchResult, SynthesizedAudio
from locus.skills import SkillsPlugin


class Search:
    async def search(self, query: str, *, max_results: int = 5) -> list[SearchResult]:
        return [SearchResult(title="t", url="https://e.example/")]


class Images:
    async def generate(self, prompt: str, *, size: str = "1024x1024") -> ImageResult:
        return ImageResult(prompt=prompt, url="https://img.example/1.png")


class Speech:
    async def speak(self, text: str, *, voice: str | None = None) -> SynthesizedAudio:
        return SynthesizedAudio(text=text, audio_bytes=b"abc")

    async def transcribe(self, audio: bytes, **options: Any) -> Any:
        raise NotImplementedError


def test_provider_arguments_add_their_tools() -> None:
    agent = Agent(
        "test",
        web_search=Search(),
        web_fetch=True,
        image_generator=Images(),
        speech_provider=Speech(),
    )
    assert sorted(agent.tools) == ["generate_image", "speak", "web_fetch", "web_search"]
    with pytest.raises(ValidationError, match="search"):
        Agent("test", web_search=object())


def test_skills_and_playbook_arguments(tmp_path: Path) -> None:
    folder = tmp_path / "skills" / "triage"
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(
        "---\nname: triage\ndescription: Triage tickets.\n---\nSort.\n"
    )
    (tmp_path / "p.yaml").write_text(
        "name: refund\nsteps:\n  - id: a\n    expected_tools: [lookup]\n"
    )
    shared = HookRegistry()
    agent = Agent(
        "test", skills=[tmp_path / "skills"], playbook=str(tmp_path / "p.yaml"), hooks=shared
    )
    assert {"activate_skill", "read_skill_resource"} <= set(agent.tools)
    kinds = {type(h) for h in agent.hooks.hooks}
    assert {SkillsPlugin, PlaybookEnforcerHook} <= kinds
    assert shared.hooks == []  # the caller's registry is not changed


async def test_agent_config_fields_map_to_the_arguments() -> None:
    def model(messages: list[Message], tools: Any) -> Any:
        if not any(m.role == Role.TOOL for m in messages):
            return [ToolCall(id="s", name="web_search", arguments={"query": "x"})]
        return "done"

    agent = Agent(config=AgentConfig(model=FunctionModel(model), web_search=Search()))
    result = await agent.invoke("find")
    assert result.tool_executions[0].result.startswith("1. t\n   https://e.example/")


def test_web_fetch_accepts_a_configured_fetcher() -> None:
    agent = Agent("test", web_fetch=HTTPXWebFetcher(max_bytes=10))
    assert "web_fetch" in agent.tools
