"""LocusSettings: defaults, LOCUS_* environment overrides, dict round trip, clear errors."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from locus.core.config import LocusSettings, get_settings
from locus.core.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No LOCUS_* variable of the developer's shell leaks into these tests."""
    import os

    for key in list(os.environ):
        if key.startswith("LOCUS_"):
            monkeypatch.delenv(key)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_defaults_work_offline() -> None:
    settings = LocusSettings()
    assert settings.default_model == "test"
    assert settings.max_iterations >= 1
    assert settings.event_queue_size >= 1
    assert settings.allow_model_requests is True
    assert settings.checkpointer is None


def test_env_overrides_including_nested(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCUS_DEFAULT_MODEL", "openai:gpt-4.1")
    monkeypatch.setenv("LOCUS_MAX_ITERATIONS", "7")
    monkeypatch.setenv("LOCUS_ALLOW_MODEL_REQUESTS", "false")
    monkeypatch.setenv("LOCUS_LOG_LEVEL", "debug")
    monkeypatch.setenv("LOCUS_CHECKPOINTER", "sqlite:///threads.db")
    monkeypatch.setenv("LOCUS_SERVER__PORT", "9100")
    settings = LocusSettings()
    assert settings.default_model == "openai:gpt-4.1"
    assert settings.max_iterations == 7
    assert settings.allow_model_requests is False
    assert settings.log_level == "DEBUG"
    assert settings.checkpointer == "sqlite:///threads.db"
    assert settings.server.port == 9100


def test_get_settings_is_cached_until_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    first = get_settings()
    assert get_settings() is first
    monkeypatch.setenv("LOCUS_EVENT_QUEUE_SIZE", "16")
    assert get_settings().event_queue_size == first.event_queue_size
    get_settings.cache_clear()
    assert get_settings().event_queue_size == 16


def test_dict_round_trip_is_json_compatible() -> None:
    settings = LocusSettings(max_iterations=4, tool_timeout=None, server={"port": 8123})
    data = json.loads(json.dumps(settings.to_dict()))
    assert data["max_iterations"] == 4
    assert data["server"]["port"] == 8123
    assert LocusSettings.from_dict(data) == settings


def test_from_dict_values_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCUS_MAX_ITERATIONS", "99")
    monkeypatch.setenv("LOCUS_TOOL_TIMEOUT", "5")
    settings = LocusSettings.from_dict({"max_iterations": 3})
    assert settings.max_iterations == 3
    assert settings.tool_timeout == 5.0


def test_invalid_env_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCUS_MAX_ITERATIONS", "zero")
    with pytest.raises(ConfigError, match="LOCUS_MAX_ITERATIONS") as info:
        get_settings()
    assert "zero" in str(info.value)
    assert info.value.kind == "config"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"max_iterations": 0}, "max_iterations"),
        ({"event_queue_size": -1}, "LOCUS_EVENT_QUEUE_SIZE"),
        ({"log_level": "LOUD"}, "log_level"),
        ({"default_model": "  "}, "must name a model"),
        ({"server": {"port": 70000}}, "LOCUS_SERVER__PORT"),
        ({"no_such_setting": 1}, "no_such_setting"),
    ],
)
def test_invalid_values_raise_config_error(data: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        LocusSettings.from_dict(data)


def test_event_bus_is_sized_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from locus.observability import get_event_bus, set_event_bus

    monkeypatch.setenv("LOCUS_EVENT_QUEUE_SIZE", "33")
    monkeypatch.setenv("LOCUS_EVENT_HISTORY_LIMIT", "44")
    old = set_event_bus(None)
    try:
        bus = get_event_bus()
        assert (bus.queue_size, bus.history_limit) == (33, 44)
    finally:
        set_event_bus(old)
