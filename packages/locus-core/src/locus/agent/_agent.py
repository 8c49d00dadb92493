"""The :class:`Agent`: a model, tools and the Think → Execute → Reflect → Terminate loop."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from locus.agent._execution import AgentExecution
from locus.agent._extras import extras
from locus.agent._helpers import (
    NO_ANSWER,
    Prompt,
    option,
    resolve_checkpointer,
    resolve_model,
    slug,
)
from locus.agent._helpers import (
    split_command as _split_command,
)
from locus.agent._run import AgentRun
from locus.agent._sync import run_coroutine_sync
from locus.agent._threads import normalize_tools
from locus.agent.result import AgentResult
from locus.checkpoint._thread_run import DEFAULT_BUSY_TIMEOUT, OnBusy
from locus.core.errors import ValidationError
from locus.core.limits import DEFAULT_LIMITS, Limits
from locus.core.state import AgentState
from locus.hooks import HookRegistry
from locus.tools import Tool

if TYPE_CHECKING:
    from locus.memory.conversation import ConversationManager
    from locus.memory.store import BaseStore, StoreContext
    from locus.reasoning import Grounding, Reflexion

__all__ = ["Agent", "Prompt"]


class Agent(AgentExecution):
    """An LLM agent running the Think → Execute → Reflect → Terminate loop.

    Args:
        model: A ModelProtocol object or a ``"provider:name"`` string
            (``"test"`` is the offline TestModel).
        tools: ``@tool`` functions, ToolProtocol objects, other agents, or plain functions.
        system_prompt: First message of every new thread.
        reflexion: ``True`` or a :class:`~locus.reasoning.Reflexion`: self-evaluate each turn.
        grounding: ``True`` or a :class:`~locus.reasoning.Grounding`: check claims
            against tool outputs.
        termination: A termination condition (``MaxIterations(10) | ToolCalled("x")``).
            The loop also always stops on a turn without tool calls and at ``max_iterations``.
        checkpointer: A checkpointer or a URL (``"sqlite:///threads.db"``); with
            ``thread_id`` it persists conversations and the idempotency ledger.
        output_schema: A pydantic model the final answer must validate against.
        hooks: :class:`~locus.hooks.HookProvider` instances.
        max_iterations: Hard cap on loop iterations per run (default 20).
        name: Agent name (also its tool name in :meth:`as_tool`).
        description: What the agent does (for :meth:`as_tool` and routers).
        tool_timeout: Default per-tool timeout in seconds.
        stream: Use ``model.stream`` and emit ``ModelChunkEvent`` s.
        structured_output_retries: Times invalid structured output is sent back.
        model_options: Extra keyword options for every model call (``temperature``...).
        id: Stable identifier (default: ``name`` or a generated id).
        conversation_manager: A :class:`~locus.memory.ConversationManager`
            shaping what the model sees of a long thread each turn (sliding
            window, running summary, token budget). The thread keeps every message.
        store: A :class:`~locus.memory.BaseStore` or :class:`~locus.memory.StoreContext`
            of long-term, cross-thread memory; tools reach it as ``ToolContext.store``.
        limits: Bounds on tool argument nesting/size and tool result size
            (:class:`~locus.core.limits.Limits`; default
            :data:`~locus.core.limits.DEFAULT_LIMITS`). See ``docs/limits.md``.
        web_search: A search backend (:class:`~locus.providers.BaseWebSearchProvider`):
            adds a ``web_search`` tool (``docs/multimodal.md``).
        web_fetch: A fetcher, or ``True`` for :class:`~locus.providers.HTTPXWebFetcher`:
            adds a ``web_fetch`` tool.
        image_generator: Adds a ``generate_image`` tool.
        speech_provider: Adds a ``speak`` tool.
        skills: A :class:`~locus.skills.SkillsPlugin`, a ``SkillIndex`` or skill
            folders: adds the skill tools and hook (``docs/skills.md``).
        playbook: A :class:`~locus.playbooks.Playbook` or a path to one: adds a
            :class:`~locus.playbooks.PlaybookEnforcerHook` (``docs/playbooks.md``).
        config: The original locus's :class:`~locus.agent.config.AgentConfig`;
            when given, it alone configures the agent (``docs/migrating.md``).

    Raises:
        locus.core.errors.ValidationError: an argument has the wrong type or value.
        locus.core.errors.PluginNotFoundError: the model/checkpointer string needs a plugin.
    """

    def __init__(
        self,
        model: Any = None,
        tools: Iterable[Any] | None = None,
        system_prompt: str | None = None,
        *,
        reflexion: bool | Reflexion = False,
        grounding: bool | Grounding = False,
        termination: Any = None,
        checkpointer: Any = None,
        output_schema: type[BaseModel] | None = None,
        hooks: Iterable[Any] = (),
        max_iterations: int = 20,
        name: str | None = None,
        description: str | None = None,
        tool_timeout: float | None = None,
        stream: bool = False,
        structured_output_retries: int = 2,
        model_options: dict[str, Any] | None = None,
        id: str | None = None,
        conversation_manager: ConversationManager | None = None,
        store: BaseStore | StoreContext | None = None,
        limits: Limits | None = None,
        config: Any = None,
        web_search: Any = None,
        web_fetch: Any = None,
        image_generator: Any = None,
        speech_provider: Any = None,
        skills: Any = None,
        playbook: Any = None,
    ) -> None:
        if config is not None:  # the original locus's Agent(config=AgentConfig(...))
            self.__init__(**config.agent_kwargs())  # type: ignore[misc]
            return
        self.model = resolve_model(model)
        extra_tools, extra_hooks = extras(
            web_search=web_search,
            web_fetch=web_fetch,
            image_generator=image_generator,
            speech_provider=speech_provider,
            skills=skills,
            playbook=playbook,
        )
        self.tools = normalize_tools([*(tools or ()), *extra_tools])
        if system_prompt is not None and not isinstance(system_prompt, str):
            raise ValidationError(f"system_prompt must be a string, got {system_prompt!r}")
        self.system_prompt = system_prompt
        self.reflexion: Reflexion | None = None
        self.grounding: Grounding | None = None
        if reflexion not in (False, None) or grounding not in (False, None):
            # imported only by agents that reason: keeps `locus.Agent` cheap to import
            from locus.reasoning import Grounding, Reflexion

            self.reflexion = option(reflexion, Reflexion, "reflexion")
            self.grounding = option(grounding, Grounding, "grounding")
        if termination is not None and not callable(getattr(termination, "check", None)):
            raise ValidationError(
                f"termination must be a condition from locus.core.termination "
                f"(e.g. MaxIterations(10) | ToolCalled('x')), got {termination!r}"
            )
        self.termination = termination
        self.checkpointer = resolve_checkpointer(checkpointer)
        if output_schema is not None and not (
            isinstance(output_schema, type) and issubclass(output_schema, BaseModel)
        ):
            raise ValidationError(
                f"output_schema must be a pydantic BaseModel subclass, got {output_schema!r}"
            )
        self.output_schema = output_schema
        if isinstance(hooks, HookRegistry):
            hooks = hooks.hooks if extra_hooks else hooks
        self.hooks = (
            hooks
            if isinstance(hooks, HookRegistry)
            else HookRegistry([*(hooks or ()), *extra_hooks])
        )
        if isinstance(max_iterations, bool) or not isinstance(max_iterations, int):
            raise ValidationError(f"max_iterations must be an int >= 1, got {max_iterations!r}")
        if max_iterations < 1:
            raise ValidationError(f"max_iterations must be >= 1, got {max_iterations}")
        self.max_iterations = max_iterations
        if tool_timeout is not None and tool_timeout <= 0:
            raise ValidationError(f"tool_timeout must be > 0 seconds, got {tool_timeout}")
        self.tool_timeout = tool_timeout
        if structured_output_retries < 0:
            raise ValidationError("structured_output_retries must be >= 0")
        self.structured_output_retries = structured_output_retries
        self.stream = bool(stream)
        self.model_options = dict(model_options or {})
        self.name = name
        self.description = description or ""
        self.id = id or name or f"agent-{uuid.uuid4().hex[:8]}"
        if limits is not None and not isinstance(limits, Limits):
            raise ValidationError(f"limits must be a locus.core.limits.Limits, got {limits!r}")
        self.limits = limits or DEFAULT_LIMITS
        self._threads: dict[str, AgentState] = {}
        self.conversation_manager = _conversation_manager(conversation_manager)
        self.store = _store_context(store)

    def __repr__(self) -> str:
        return f"Agent(name={self.name!r}, model={self.model!r}, tools={list(self.tools)})"

    # -- public API ----------------------------------------------------------

    def run(
        self,
        prompt: Prompt,
        *,
        thread_id: str | None = None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AgentRun:
        """Run the agent: await for the result, or iterate for the typed events.

        ``await agent.run("hi")`` returns the :class:`AgentResult`;
        ``async for event in agent.run("hi")`` (or ``for event in ...`` from
        sync code) yields typed events, the last always a ``TerminateEvent``
        (see :class:`~locus.agent.AgentRun`).

        Every event is also published on the EventBus when a ``run_context()`` is open.
        ``prompt`` may be ``Command(resume=value)`` to answer a tool's ``interrupt()``
        on ``thread_id`` (same as :meth:`resume` with ``answer=value``).

        A run owns its thread: a second run on a thread that has an active run
        (in this process or another one sharing the checkpointer's store) does
        what ``on_busy`` says (see docs/concurrency.md):

        Args:
            prompt: Text, messages, or ``Command(resume=...)``.
            thread_id: Conversation thread (persisted with a checkpointer).
            on_busy: ``"enqueue"`` (default: wait for the active run),
                ``"reject"`` (raise ``ThreadBusyError`` at once),
                ``"interrupt"`` (stop the active run at its next checkpoint,
                keep its work, then run) or ``"rollback"`` (stop it and discard
                its work, then run).
            busy_timeout: Seconds to wait for a busy thread before
                ``ThreadBusyError``.

        Raises:
            locus.core.errors.ThreadBusyError: the thread stayed busy (see ``on_busy``).
            locus.core.errors.RunSupersededError: a newer run stopped this one.
            locus.core.errors.CheckpointConflictError: another writer moved the
                thread without holding it (nothing of this run's last step was saved).
        """
        command = _split_command(prompt)
        return AgentRun(
            lambda holder: self._execute(*command, thread_id, holder, on_busy, busy_timeout),
            collect=lambda holder: self._execute(
                *command, thread_id, holder, on_busy, busy_timeout, listen=False
            ),
        )

    async def invoke(
        self,
        prompt: Prompt,
        *,
        thread_id: str | None = None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AgentResult:
        """Run the agent to completion; return its :class:`AgentResult` (options: :meth:`run`)."""
        holder: dict[str, AgentResult] = {}
        async for _ in self._execute(
            *_split_command(prompt), thread_id, holder, on_busy, busy_timeout, listen=False
        ):
            pass
        return holder["result"]

    async def ainvoke(
        self,
        prompt: Prompt,
        *,
        thread_id: str | None = None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AgentResult:
        """:meth:`invoke` under the name LangGraph and pydantic-ai users look for.

        The same run, options and :class:`AgentResult` as :meth:`invoke`.
        """
        return await self.invoke(
            prompt, thread_id=thread_id, on_busy=on_busy, busy_timeout=busy_timeout
        )

    def run_sync(
        self,
        prompt: Prompt,
        *,
        thread_id: str | None = None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AgentResult:
        """Blocking :meth:`invoke`; works with or without a running event loop."""
        return run_coroutine_sync(
            lambda: self.invoke(
                prompt, thread_id=thread_id, on_busy=on_busy, busy_timeout=busy_timeout
            )
        )

    def resume(
        self,
        thread_id: str,
        answer: Any = NO_ANSWER,
        *,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AgentRun:
        """Continue an interrupted run of ``thread_id`` from its last checkpoint.

        Pending tool calls are executed (idempotent ones answer from the ledger:
        recorded result, or per the tool's ``in_doubt`` policy when only the
        intent was recorded); then the loop goes on. A tool paused by
        ``interrupt()`` runs again and this time ``interrupt()`` returns
        ``answer``. A thread whose run completed just yields its
        ``TerminateEvent`` again. ``on_busy``/``busy_timeout``: as :meth:`run`.
        Like :meth:`run`, await it for the result or iterate it for the events.

        Raises:
            locus.core.errors.CheckpointNotFoundError: the thread has no checkpoint.
        """
        return AgentRun(
            lambda holder: self._execute(None, answer, thread_id, holder, on_busy, busy_timeout),
            collect=lambda holder: self._execute(
                None, answer, thread_id, holder, on_busy, busy_timeout, listen=False
            ),
        )

    async def resume_invoke(
        self,
        thread_id: str,
        answer: Any = NO_ANSWER,
        *,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AgentResult:
        """Awaitable :meth:`resume` returning the :class:`AgentResult`."""
        holder: dict[str, AgentResult] = {}
        async for _ in self._execute(
            None, answer, thread_id, holder, on_busy, busy_timeout, listen=False
        ):
            pass
        return holder["result"]

    def resume_sync(
        self,
        thread_id: str,
        answer: Any = NO_ANSWER,
        *,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AgentResult:
        """Blocking :meth:`resume`."""
        return run_coroutine_sync(
            lambda: self.resume_invoke(
                thread_id, answer, on_busy=on_busy, busy_timeout=busy_timeout
            )
        )

    def as_tool(self, name: str | None = None, description: str | None = None) -> Tool:
        """This agent as a tool another agent can call (with a ``prompt`` argument)."""
        agent = self

        async def run_agent(prompt: str) -> str:
            """Delegate a task.

            Args:
                prompt: The task, in plain language, with everything the agent needs.
            """
            return (await agent.invoke(prompt)).message

        tool_name = name or slug(self.name) or "agent"
        text = description or self.description or f"Delegate a task to the {tool_name} agent."
        return Tool(run_agent, name=tool_name, description=text)


def _conversation_manager(manager: Any) -> ConversationManager | None:
    if manager is None:
        return None
    from locus.memory.conversation import ConversationManager

    if not isinstance(manager, ConversationManager):
        raise ValidationError(
            "conversation_manager must be a locus.memory.ConversationManager "
            f"(e.g. SummarizingManager(threshold=30)), got {manager!r}"
        )
    return manager


def _store_context(store: Any) -> StoreContext | None:
    if store is None:
        return None
    from locus.memory.store import BaseStore, StoreContext

    if isinstance(store, StoreContext):
        return store
    if isinstance(store, BaseStore):
        return StoreContext(store)
    raise ValidationError(
        "store must be a locus.memory.BaseStore (e.g. InMemoryStore()) or a StoreContext, "
        f"got {store!r}"
    )
