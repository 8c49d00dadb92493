"""The original locus's ``locus.observability.context`` path.

``run_context`` and ``current_run_id`` are :mod:`locus.observability`'s.
``set_run_id(run_id)`` opens a run context without a ``with`` block and
returns the token ``reset_run_id(token)`` closes it with.
"""

from __future__ import annotations

import asyncio

from locus.observability._context import current_run_id, run_context

__all__ = ["current_owner_loop", "current_run_id", "reset_run_id", "run_context", "set_run_id"]


def set_run_id(run_id: str | None) -> object:
    """Open a run context for ``run_id`` (a new id when ``None``); returns its token."""
    scope = run_context(run_id)
    scope.__enter__()
    return scope


def reset_run_id(token: object) -> None:
    """Close the run context :func:`set_run_id` opened.

    Raises:
        locus.core.errors.ValidationError: ``token`` did not come from :func:`set_run_id`.
    """
    from locus.core.errors import ValidationError

    if not isinstance(token, run_context):
        raise ValidationError(f"reset_run_id needs the token set_run_id returned, got {token!r}")
    token.__exit__(None, None, None)


def current_owner_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop, or ``None`` outside one."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
