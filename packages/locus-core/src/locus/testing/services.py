"""Tests that need a real server: fail under CI, skip with the reason elsewhere."""

from __future__ import annotations

import os
from typing import NoReturn

__all__ = ["service_unavailable"]


def service_unavailable(reason: str) -> NoReturn:
    """Stop a test whose server cannot be reached.

    Under CI (the ``CI`` environment variable is set) a missing server is a
    broken CI machine, so the test fails; on a developer machine it is skipped
    with ``reason``.

    Args:
        reason: What is unreachable and why, e.g. "PostgreSQL on 127.0.0.1:5432: refused".
    """
    import pytest

    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)
