"""Progressive disclosure of skills to an agent: :class:`SkillsPlugin`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from locus.core.messages import Message
from locus.hooks._base import (
    AfterToolCallEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookPriority,
    HookProvider,
    ModelCallDecision,
    ToolCallDecision,
)
from locus.observability import emit
from locus.skills._index import SkillIndex
from locus.skills._models import Skill, SkillError
from locus.tools import Tool, tool

if TYPE_CHECKING:
    from locus.core.state import AgentState

__all__ = ["SkillsPlugin"]

ACTIVE_KEY = "locus_skills"
"""``state.metadata`` key of the names of the skills opened on the thread, in order."""


def _active_names(state: AgentState) -> list[str]:
    names = state.metadata.get(ACTIVE_KEY)
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


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

    Activation belongs to the thread, not to the plugin: the names of opened
    skills are kept in ``state.metadata`` (key ``"locus_skills"``), so one
    plugin serves concurrent runs, a run on a new thread starts with no skill
    open, and a later run or a resumed run on the same thread keeps the skills
    it opened (its conversation holds their instructions anyway);
    ``test_activation_belongs_to_the_thread`` shows it. The hook records an
    activation after ``activate_skill`` succeeds and refuses
    ``read_skill_resource`` for a skill the thread has not opened, so the
    tools need the plugin registered as a hook.

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
        self._latest: AgentState | None = None
        self._tools = [self.get_activation_tool(), self._resource_tool()]

    @property
    def available_skills(self) -> list[Skill]:
        """Every skill, by name."""
        return list(self.index)

    @property
    def activated_skills(self) -> list[Skill]:
        """Skills opened on the thread of the run seen last, in activation order.

        Handy with one run at a time; with concurrent runs use :meth:`activated_skills_for`.
        """
        return self.activated_skills_for(self._latest) if self._latest is not None else []

    def activated_skills_for(self, state: AgentState) -> list[Skill]:
        """Skills opened on the thread of ``state``, in activation order."""
        return [self.index.get(n) for n in _active_names(state) if n in self.index]

    @property
    def tools(self) -> list[Tool]:
        """``activate_skill`` and ``read_skill_resource``."""
        return list(self._tools)

    def activate(self, name: str) -> str:
        """A skill's instructions and resources (what ``activate_skill`` returns).

        The skill counts as open for a run once the hook sees the tool succeed
        (:meth:`after_tool_call`); calling this directly opens it for no run.

        Raises:
            SkillError: no such skill.
        """
        skill = self.index.get(name)
        resources = skill.list_resources(self.max_resource_files)
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
            try:
                return self.index.get(skill).read_resource(path)
            except SkillError as exc:
                return f"Error: {exc.message}"

        return tool(read_skill_resource)

    def system_text(self, state: AgentState | None = None) -> str:
        """The text added to each model call of the run of ``state`` (default: the latest)."""
        if not len(self.index):
            return ""
        text = (
            "Skills available (call activate_skill with a name to get its instructions):\n"
            + self.index.catalogue()
        )
        active = self.activated_skills_for(state) if state is not None else self.activated_skills
        for skill in active:
            text += f"\n\n## Active skill: {skill.name}\n{skill.instructions}"
        return text

    def on_before_model_call(self, event: BeforeModelCallEvent) -> Any:
        """Alias of :meth:`before_model_call`."""
        return self.before_model_call(event)

    def before_model_call(self, event: BeforeModelCallEvent) -> Any:
        """Add the skills list (and active skills' instructions) as a system message."""
        self._latest = event.state
        text = self.system_text(event.state)
        if not text:
            return None
        return ModelCallDecision(messages=[*event.messages, Message.system(text)])

    def before_tool_call(self, event: BeforeToolCallEvent) -> Any:
        """Refuse ``read_skill_resource`` for a skill this thread has not opened."""
        if event.tool_call.name != "read_skill_resource":
            return None
        skill = event.arguments.get("skill")
        if skill not in self.index or skill in _active_names(event.state):
            return None  # an unknown skill: the tool says so
        message = f"Error: activate the skill {skill!r} first (activate_skill)"
        return ToolCallDecision.block(message, result=message)

    def after_tool_call(self, event: AfterToolCallEvent) -> Any:
        """Record a successful ``activate_skill`` in the thread's state."""
        self._latest = event.state
        name = event.tool_call.arguments.get("name")
        if event.tool_call.name != "activate_skill" or event.result.error is not None:
            return None
        active = _active_names(event.state)
        if not isinstance(name, str) or name not in self.index or name in active:
            return None
        event.state.metadata[ACTIVE_KEY] = [*active, name]
        resources = self.index.get(name).list_resources(self.max_resource_files)
        emit("agent.skill.activated", skill=name, resources=len(resources))
        return None
