"""A process-wide switch that forbids real model requests (for test suites).

Set ``LOCUS_ALLOW_MODEL_REQUESTS=0`` (our test suites do) or call
``set_allow_model_requests(False)``; every provider calls
:func:`check_allow_model_requests` before it sends a request, so a test that
forgot to use an offline model or a recorded transport fails loudly instead
of reaching the network. Offline models never check it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from locus.core.errors import ModelError

__all__ = [
    "ModelRequestsForbiddenError",
    "allow_model_requests",
    "check_allow_model_requests",
    "override_allow_model_requests",
    "set_allow_model_requests",
]

_allowed: bool = os.environ.get("LOCUS_ALLOW_MODEL_REQUESTS", "1").strip().lower() not in (
    "0",
    "false",
    "no",
)


class ModelRequestsForbiddenError(ModelError):
    """A real model request was attempted while requests are forbidden."""

    kind = "model_requests_forbidden"


def allow_model_requests() -> bool:
    """Whether real model requests are currently allowed."""
    return _allowed


def set_allow_model_requests(allowed: bool) -> None:
    """Allow or forbid real model requests for the whole process."""
    global _allowed
    _allowed = allowed


@contextmanager
def override_allow_model_requests(allowed: bool) -> Iterator[None]:
    """Temporarily allow or forbid real model requests."""
    previous = _allowed
    set_allow_model_requests(allowed)
    try:
        yield
    finally:
        set_allow_model_requests(previous)


def check_allow_model_requests(provider: str) -> None:
    """Raise :class:`ModelRequestsForbiddenError` when requests are forbidden.

    Args:
        provider: The provider about to send, for the message.
    """
    if not _allowed:
        raise ModelRequestsForbiddenError(
            f"real model requests are disabled (LOCUS_ALLOW_MODEL_REQUESTS=0), so the "
            f"{provider} model cannot be called. Use an offline model (Agent(model='test'), "
            "ScriptedModel, FunctionModel) or a recorded HTTP transport in tests."
        )
