"""Agent arguments that attach ready-made tools and hooks: providers, skills, a playbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["extras"]


def extras(
    *,
    web_search: Any = None,
    web_fetch: Any = None,
    image_generator: Any = None,
    speech_provider: Any = None,
    skills: Any = None,
    playbook: Any = None,
) -> tuple[list[Any], list[Any]]:
    """``(tools, hooks)`` the arguments stand for (empty when none is set).

    ``web_fetch=True`` means a default :class:`~locus.providers.HTTPXWebFetcher`.
    ``skills`` is a :class:`~locus.skills.SkillsPlugin`, a
    :class:`~locus.skills.SkillIndex` or a list of skills / folders.
    ``playbook`` is a :class:`~locus.playbooks.Playbook` or a path to one.
    """
    tools: list[Any] = []
    hooks: list[Any] = []
    if any(p is not None for p in (web_search, web_fetch, image_generator, speech_provider)):
        from locus import providers

        if web_search is not None:
            tools.append(providers.make_web_search_tool(web_search))
        if web_fetch is not None:
            fetcher = providers.HTTPXWebFetcher() if web_fetch is True else web_fetch
            tools.append(providers.make_web_fetch_tool(fetcher))
        if image_generator is not None:
            tools.append(providers.make_image_generation_tool(image_generator))
        if speech_provider is not None:
            tools.extend(providers.make_speech_tools(speech_provider))
    if skills is not None:
        from locus.skills import SkillsPlugin

        plugin = skills if isinstance(skills, SkillsPlugin) else SkillsPlugin(skills)
        tools.extend(plugin.tools)
        hooks.append(plugin)
    if playbook is not None:
        from locus.playbooks import Playbook, PlaybookEnforcerHook, load_playbook

        loaded = playbook if isinstance(playbook, Playbook) else load_playbook(_source(playbook))
        hooks.append(PlaybookEnforcerHook(loaded))
    return tools, hooks


def _source(value: Any) -> Any:
    return Path(value) if isinstance(value, str) and "\n" not in value else value
