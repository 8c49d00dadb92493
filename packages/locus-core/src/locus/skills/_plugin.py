"""Progressive disclosure of skills to an agent: :class:`SkillsPlugin`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from locus.core.messages import Message
from locus.hooks._base import BeforeModelCallEvent, HookPriority, HookProvider, ModelCallDecision
from locus.observability import emit
from locus.skills._index import SkillIndex
from locus.skills._models import Skill, SkillError
from locus.tools import Tool, tool

__all__ = ["SkillsPlugin"]


class SkillsPlugin(HookProvider):
    """Shows an agent its skills' names and descriptions; the full instructions on request.

    Before each model call it adds a system message listing the available
    skills (name and description only) and the instructions of the skills
    the model has activated. The model activates one with the
    ``activate_skill`` tool (which returns its instructions and resource
    list) and reads a resource with ``read_skill_resource``. Pass both the
    plugin (as a hook) and its tools to the agent::

        skills = SkillsPlugin(["skills/"])
        agent = Agent(model, tools=[*my_tools, *skills.tools], hooks=[skills])

    Args:
        skills: Skills, skill folders, folders of skills, or a :class:`SkillIndex`.
        max_resource_files: Most resource names listed on activation.
        priority: Hook priority.
    """

    name = "skills"

    def __init__(
        self,
        skills: SkillIndex | Iterable[Skill | str | Path],
        max_resource_files: int = 20,
        *,
        priority: int = HookPriority.NORMAL,
    ) -> None:
        self.index = skills if isinstance(skills, SkillIndex) else SkillIndex.from_sources(skills)
        self.max_resource_files = max_resource_files
        self.priority = priority
        self._active: list[str] = []
        self._tools = [self.get_activation_tool(), self._resource_tool()]

    @property
    def available_skills(self) -> list[Skill]:
        """Every skill, by name."""
        return list(self.index)

    @property
    def activated_skills(self) -> list[Skill]:
        """Skills the model has opened, in activation order."""
        return [self.index.get(n) for n in self._active]

    @property
    def tools(self) -> list[Tool]:
        """``activate_skill`` and ``read_skill_resource``."""
        return list(self._tools)

    def activate(self, name: str) -> str:
        """Open a skill: its instructions and resources (what the tool returns).

        Raises:
            SkillError: no such skill.
        """
        skill = self.index.get(name)
        resources = skill.list_resources(self.max_resource_files)
        if name not in self._active:
            self._active.append(name)
            emit("agent.skill.activated", skill=name, resources=len(resources))
        text = f"Skill {skill.name} activated.\n\n{skill.instructions}"
        if skill.allowed_tools:
            text += f"\n\nTools this skill uses: {', '.join(skill.allowed_tools)}"
        if resources:
            text += "\n\nResources (read with read_skill_resource): " + ", ".join(resources)
        return text

    def get_activation_tool(self) -> Tool:
        """The ``activate_skill`` tool."""

        def activate_skill(name: str) -> str:
            """Open a skill to get its full instructions and resource list.

            Args:
                name: The skill's name, from the list of available skills.
            """
            try:
                return self.activate(name)
            except SkillError as exc:
                return f"Error: {exc.message}"

        return tool(activate_skill)

    def _resource_tool(self) -> Tool:
        def read_skill_resource(skill: str, path: str) -> str:
            """Read a resource file of an activated skill.

            Args:
                skill: The skill's name.
                path: The resource's path, as listed on activation.
            """
            if skill not in self._active:
                return f"Error: activate the skill {skill!r} first (activate_skill)"
            try:
                return self.index.get(skill).read_resource(path)
            except SkillError as exc:
                return f"Error: {exc.message}"

        return tool(read_skill_resource)

    def system_text(self) -> str:
        """The text added to each model call."""
        if not len(self.index):
            return ""
        text = (
            "Skills available (call activate_skill with a name to get its instructions):\n"
            + self.index.catalogue()
        )
        for skill in self.activated_skills:
            text += f"\n\n## Active skill: {skill.name}\n{skill.instructions}"
        return text

    def on_before_model_call(self, event: BeforeModelCallEvent) -> Any:
        """Alias of :meth:`before_model_call`."""
        return self.before_model_call(event)

    def before_model_call(self, event: BeforeModelCallEvent) -> Any:
        """Add the skills list (and active skills' instructions) as a system message."""
        text = self.system_text()
        if not text:
            return None
        return ModelCallDecision(messages=[*event.messages, Message.system(text)])
