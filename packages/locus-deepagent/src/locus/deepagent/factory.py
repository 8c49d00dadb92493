"""``create_deepagent``: a research-shaped :class:`locus.Agent`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from locus.agent import Agent
from locus.core.errors import ValidationError
from locus.core.termination import ConfidenceMet, MaxIterations, TokenLimit, ToolCalled
from locus.deepagent._hooks import StartedHook, StateFilesHook
from locus.deepagent._submit import DefaultAnswer, SubmitHook, make_submit_tool
from locus.deepagent.backends.state import StateBackend
from locus.deepagent.memory import load_agents_md
from locus.deepagent.subagent import SubAgentDef, task_tool
from locus.deepagent.todos import TodoState, make_todo_tools
from locus.deepagent.tools.filesystem import make_filesystem_tools

__all__ = ["create_deepagent"]

_FILESYSTEM_NOTE = (
    "You have a private workspace of files (ls, read_file, write_file, edit_file, glob, "
    "grep). Write findings and drafts there instead of keeping everything in the "
    "conversation; '/' is its root."
)
_TODO_NOTE = (
    "Plan with write_todos: list the steps, mark one in_progress while you work on it and "
    "completed when done; read_todos shows the list."
)
_TASK_NOTE = (
    "Delegate self-contained subtasks with the task tool; a subagent starts with a fresh "
    "context and returns only its answer."
)


def create_deepagent(
    *,
    model: str | Any,
    tools: list[Any] | None = None,
    system_prompt: str,
    output_schema: type[BaseModel] | None = None,
    submit_tool: str = "submit_research",
    min_confidence: float = 0.8,
    max_tokens: int = 80_000,
    max_output_tokens: int | None = None,
    max_iterations: int = 40,
    reflexion: bool = True,
    grounding: bool = True,
    checkpointer: Any | None = None,
    enable_filesystem: bool = False,
    backend: Any | None = None,
    enable_todos: bool = False,
    todo_state: Any | None = None,
    memory_files: list[str] | tuple[str, ...] | None = None,
    subagents: list[Any] | None = None,
    summarize_after_messages: int | None = None,
    summarize_keep_recent: int = 10,
    **agent_kwargs: Any,
) -> Any:
    """Construct a research-shaped :class:`locus.Agent`.

    The agent researches with ``tools`` and finishes by calling ``submit_tool``
    with its structured answer. It stops when
    ``ToolCalled(submit_tool) & ConfidenceMet(min_confidence) | TokenLimit(max_tokens)
    | MaxIterations(max_iterations)`` fires (``result.stop_reason`` names the
    branch). The confidence is the self-critique's when ``reflexion`` is on,
    else the submission's ``confidence`` field. ``result.structured_output``
    is the submission as an ``output_schema`` instance (a ``DefaultAnswer``
    with ``answer`` + ``confidence`` without a schema).

    Args:
        model: A locus model string (``"openai:gpt-4.1"``, ``"test"``) or model object.
        tools: The research tools (MCP-derived, ``@tool`` functions, agents...).
        system_prompt: The agent's identity, rules, and its contract for calling
            ``submit_tool``.
        output_schema: Pydantic model of the submission (its fields become the
            submit tool's arguments).
        submit_tool: Name of the submit tool. When ``tools`` already holds a
            tool of that name it is used as is (no structured output is captured).
        min_confidence: Confidence the submission must clear to stop early.
        max_tokens: Token budget of a run.
        max_output_tokens: Per-call completion cap, passed as ``max_tokens`` to the model.
        max_iterations: Cap on reasoning steps.
        reflexion: Self-critique pass after each step.
        grounding: Check the final answer's claims against tool outputs.
        checkpointer: A checkpointer or URL; with ``thread_id`` runs resume.
        enable_filesystem: Attach ``ls``, ``read_file``, ``write_file``,
            ``edit_file``, ``glob``, ``grep`` over ``backend`` (default: a
            :class:`StateBackend` saved with the thread).
        backend: A :class:`~locus.deepagent.backends.BackendProtocol`; giving
            one also enables the filesystem tools.
        enable_todos: Attach ``write_todos`` / ``read_todos``.
        todo_state: A :class:`TodoState` to share (implies ``enable_todos``).
        memory_files: AGENTS.md-style files appended to the system prompt.
        subagents: :class:`SubAgentDef` list; attaches the ``task`` tool.
        summarize_after_messages: If set, a
            :class:`~locus.memory.SummarizingManager` folds older messages into a
            summary once this many follow the last summary.
        summarize_keep_recent: Newest messages the summary never takes.
        **agent_kwargs: Forwarded to :class:`locus.Agent` (``hooks``, ``name``,
            ``store``, ``model_options``...).

    Returns:
        A configured :class:`locus.Agent`.

    Raises:
        locus.core.errors.ValidationError: an argument has the wrong type or value.
    """
    if not isinstance(system_prompt, str) or not system_prompt.strip():
        raise ValidationError("system_prompt must be a non-empty string")
    if not 0.0 <= min_confidence <= 1.0:
        raise ValidationError(f"min_confidence must be within 0..1, got {min_confidence}")
    if output_schema is not None and not (
        isinstance(output_schema, type) and issubclass(output_schema, BaseModel)
    ):
        raise ValidationError(
            f"output_schema must be a pydantic model class, got {output_schema!r}"
        )
    for key in ("termination", "system_prompt", "conversation_manager"):
        if key in agent_kwargs:
            raise ValidationError(f"create_deepagent sets {key} itself; it cannot be forwarded")

    all_tools = list(tools or [])
    hooks = list(agent_kwargs.pop("hooks", None) or [])
    prompt = [system_prompt.strip()]
    names = {getattr(t, "name", getattr(t, "__name__", None)) for t in all_tools}

    if submit_tool not in names:
        schema = output_schema or DefaultAnswer
        all_tools.append(make_submit_tool(submit_tool, schema))
        hooks.append(SubmitHook(submit_tool, schema))
        prompt.append(
            f"When your answer is complete and every claim is backed by tool results, call "
            f"{submit_tool} with it."
        )

    if backend is not None or enable_filesystem:
        store = backend if backend is not None else StateBackend()
        all_tools += make_filesystem_tools(store)
        if isinstance(store, StateBackend):
            hooks.append(StateFilesHook(store))
        prompt.append(_FILESYSTEM_NOTE)

    if todo_state is not None or enable_todos:
        if todo_state is not None and not isinstance(todo_state, TodoState):
            raise ValidationError(f"todo_state must be a TodoState, got {todo_state!r}")
        all_tools += make_todo_tools(todo_state)
        prompt.append(_TODO_NOTE)

    if subagents:
        defs = [
            s if isinstance(s, SubAgentDef) else SubAgentDef.model_validate(s) for s in subagents
        ]
        all_tools.append(task_tool(defs, parent_model=model))
        prompt.append(_TASK_NOTE)

    if memory_files:
        prompt.append(load_agents_md(memory_files))

    manager = None
    if summarize_after_messages is not None:
        from locus.memory import SummarizingManager

        manager = SummarizingManager(
            threshold=summarize_after_messages, keep_recent=summarize_keep_recent
        )

    if max_output_tokens is not None:
        options = dict(agent_kwargs.pop("model_options", None) or {})
        options.setdefault("max_tokens", max_output_tokens)
        agent_kwargs["model_options"] = options

    termination = (
        ToolCalled(submit_tool) & ConfidenceMet(min_confidence)
        | TokenLimit(max_tokens)
        | MaxIterations(max_iterations)
    )
    name = agent_kwargs.pop("name", None) or "deepagent"
    hooks.append(StartedHook(name))
    return Agent(
        model=model,
        tools=all_tools,
        system_prompt="\n\n".join(prompt),
        reflexion=reflexion,
        grounding=grounding,
        termination=termination,
        checkpointer=checkpointer,
        hooks=hooks,
        max_iterations=max_iterations,
        conversation_manager=manager,
        name=name,
        **agent_kwargs,
    )
