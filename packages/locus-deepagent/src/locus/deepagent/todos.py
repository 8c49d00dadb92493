"""The agent's task list: :class:`Todo`, :class:`TodoState`, ``write_todos`` / ``read_todos``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from locus.core.errors import ToolValidationError
from locus.tools import Tool

__all__ = ["Todo", "TodoState", "make_todo_tools"]

TodoStatus = Literal["pending", "in_progress", "completed"]


class Todo(BaseModel):
    """One task on the agent's structured task list."""

    content: str
    status: TodoStatus = "pending"


_TODOS = TypeAdapter(list[Todo])


class TodoState:
    """Thread-safe holder for the agent's TODO list.

    One :class:`TodoState` is shared by ``write_todos`` and ``read_todos`` of
    one agent; pass your own to :func:`make_todo_tools` (or
    ``create_deepagent(todo_state=...)``) to inspect the list after a run.
    """

    def __init__(self, todos: Iterable[Todo] = ()) -> None:
        self._lock = threading.Lock()
        self._todos: list[Todo] = list(todos)

    def __repr__(self) -> str:
        return f"TodoState({len(self._todos)} todos)"

    def replace(self, todos: Iterable[Todo]) -> None:
        """Replace the whole list."""
        items = [t if isinstance(t, Todo) else Todo.model_validate(t) for t in todos]
        with self._lock:
            self._todos = items

    def snapshot(self) -> list[Todo]:
        """A copy of the list."""
        with self._lock:
            return [t.model_copy() for t in self._todos]


def _render(todos: list[Todo]) -> str:
    if not todos:
        return "(no todos)"
    marks = {"pending": "[ ]", "in_progress": "[~]", "completed": "[x]"}
    return "\n".join(f"{i}. {marks[t.status]} {t.content}" for i, t in enumerate(todos, 1))


def make_todo_tools(state: TodoState | None = None) -> list[Any]:
    """Build the ``write_todos`` and ``read_todos`` tools over ``state``.

    ``write_todos`` takes the whole list as a JSON string
    (``[{"content": ..., "status": "pending" | "in_progress" | "completed"}]``):
    a flat string parameter keeps strict structured-output modes happy.
    Invalid JSON goes back to the model as a tool error, and the list is unchanged.
    """
    holder = state if state is not None else TodoState()

    async def write_todos(todos: str) -> str:
        """Replace your task list. Keep it current: mark a task in_progress when you
        start it and completed when done.

        Args:
            todos: JSON list of {"content": str, "status": "pending"|"in_progress"|"completed"}.
        """
        try:
            items = _TODOS.validate_python(json.loads(todos))
        except (json.JSONDecodeError, PydanticValidationError) as exc:
            raise ToolValidationError(
                f"todos must be a JSON list of {{content, status}} objects: {exc}"
            ) from exc
        holder.replace(items)
        return "Todo list updated:\n" + _render(items)

    async def read_todos() -> str:
        """Show your current task list."""
        return _render(holder.snapshot())

    return [Tool(write_todos), Tool(read_todos)]
