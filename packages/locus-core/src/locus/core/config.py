"""Process settings, read from ``LOCUS_*`` environment variables.

Every field of :class:`LocusSettings` maps to ``LOCUS_<FIELD>``; nested groups
use ``__`` (``LOCUS_SERVER__PORT=9000``). :func:`get_settings` caches one
instance per process; call ``get_settings.cache_clear()`` after changing the
environment.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from locus.core.errors import ConfigError

__all__ = ["LocusSettings", "ServerSettings", "get_settings"]

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
ENV_PREFIX = "LOCUS_"


class ServerSettings(BaseModel):
    """Defaults for ``locus serve`` / ``AgentServer`` (``LOCUS_SERVER__*``).

    Attributes:
        host: Interface to bind.
        port: TCP port.
        cors_origins: Allowed browser origins.
    """

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    cors_origins: list[str] = Field(default_factory=list)


class LocusSettings(BaseSettings):
    """Root settings for the locus SDK.

    Attributes:
        default_model: Model used when an Agent gets none (``"test"`` works offline).
        max_iterations: Default cap on agent loop iterations.
        tool_timeout: Default per-tool timeout in seconds (``None``: no timeout).
        model_timeout: Timeout of one model request, in seconds.
        model_max_retries: Retries of a throttled / transient model call.
        event_queue_size: Capacity of each EventBus subscriber's live queue.
        event_history_limit: Events the EventBus keeps per run for replay.
        event_retention_seconds: How long a closed run's events stay replayable.
        allow_model_requests: ``False`` makes every real provider call fail (tests).
        checkpointer: Default checkpointer URL (``"sqlite:///threads.db"``), if any.
        load_plugins: Comma-separated allow-list of plugin distributions to load.
        log_level: Level of the ``locus`` logger.
        server: ``AgentServer`` defaults.
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    default_model: str = "test"
    max_iterations: int = Field(default=20, ge=1)
    tool_timeout: float | None = Field(default=60.0, gt=0)
    model_timeout: float = Field(default=120.0, gt=0)
    model_max_retries: int = Field(default=3, ge=0)
    event_queue_size: int = Field(default=1024, ge=1)
    event_history_limit: int = Field(default=10_000, ge=0)
    event_retention_seconds: float = Field(default=300.0, ge=0)
    allow_model_requests: bool = True
    checkpointer: str | None = None
    load_plugins: str | None = None
    log_level: LogLevel = "WARNING"
    server: ServerSettings = Field(default_factory=ServerSettings)

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except PydanticValidationError as exc:
            raise _config_error(exc) from exc

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("default_model")
    @classmethod
    def _non_empty_model(cls, value: str) -> str:
        if not value.strip():
            raise ValueError('must name a model, e.g. "test" or "openai:gpt-4.1"')
        return value

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LocusSettings:
        """Create settings from a dictionary.

        Values in ``data`` win; fields it leaves out come from ``LOCUS_*``
        variables, then defaults. ``from_dict(s.to_dict()) == s``.

        Raises:
            ConfigError: A key is unknown or a value is invalid.
        """
        try:
            return cls.model_validate(data)
        except PydanticValidationError as exc:
            raise _config_error(exc) from exc

    def to_dict(self) -> dict[str, Any]:
        """Export settings to a JSON-compatible dictionary (``from_dict`` reads it back)."""
        return self.model_dump(mode="json")


def _config_error(exc: PydanticValidationError) -> ConfigError:
    problems = []
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        field = ".".join(loc) or "settings"
        env = ENV_PREFIX + "__".join(loc).upper()
        got = f" (got {err['input']!r})" if err["type"] != "missing" else ""
        problems.append(f"{field} / {env}: {err['msg']}{got}")
    return ConfigError(
        "Invalid locus settings: " + "; ".join(problems) + ". Fix the value or unset the variable."
    )


@lru_cache(maxsize=1)
def get_settings() -> LocusSettings:
    """The process settings, read once from the environment.

    Call ``get_settings.cache_clear()`` to re-read the environment.

    Raises:
        ConfigError: An environment variable holds an invalid value.
    """
    return LocusSettings()
