"""service_unavailable: a missing server fails under CI and skips elsewhere."""

from __future__ import annotations

import pytest

from locus.testing import service_unavailable


def test_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="db down"):
        service_unavailable("db down")


def test_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="db down"):
        service_unavailable("db down")
