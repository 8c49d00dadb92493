"""The locus exception hierarchy.

Every exception locus raises is a :class:`LocusError`. Each class carries a
short, stable ``kind`` string for structured logs and metrics, so a log query
does not depend on class names or message wording. ``cause=`` chains the
underlying exception (``raise ... from cause`` semantics).
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "CheckpointError",
    "CheckpointNotFoundError",
    "CheckpointSerializationError",
    "ConfigError",
    "EmbeddingError",
    "LocusError",
    "ModelAuthError",
    "ModelError",
    "ModelResponseError",
    "ModelThrottledError",
    "PluginError",
    "PluginNotFoundError",
    "RAGError",
    "StructuredOutputError",
    "TerminationError",
    "ToolError",
    "ToolExecutionError",
    "ToolNotFoundError",
    "ToolTimeoutError",
    "ToolValidationError",
    "ValidationError",
    "VectorStoreError",
]


class LocusError(Exception):
    """Base class for every exception raised by locus.

    Attributes:
        kind: Short stable identifier for logs and metrics; subclasses override it.
    """

    kind: ClassVar[str] = "locus"

    def __init__(self, message: str, *, cause: BaseException | None = None) -> None:
        super().__init__(message)
        if cause is not None:
            self.__cause__ = cause

    @property
    def message(self) -> str:
        """The human-readable message the error was raised with."""
        return str(self.args[0]) if self.args else ""


class ConfigError(LocusError):
    """Configuration is invalid or missing a required value."""

    kind = "config"


class ValidationError(LocusError):
    """Caller passed invalid or inconsistent input at a public API boundary."""

    kind = "validation"


class PluginError(LocusError):
    """A plugin is broken: it failed to import or its hook raised."""

    kind = "plugin"


class PluginNotFoundError(PluginError, LookupError):
    """No installed plugin provides the requested model prefix, URL scheme or name.

    The message names the distribution to install when a first-party one
    provides it, or suggests the closest registered name.
    """

    kind = "plugin_not_found"


# --- models -----------------------------------------------------------------


class ModelError(LocusError):
    """Base for LLM provider failures.

    Args:
        message: What went wrong.
        cause: The provider SDK exception, if any.
        reason: A :class:`locus.models.failover.FailoverReason` telling retry,
            credential-rotation and compaction layers what to do.
    """

    kind = "model"

    def __init__(
        self,
        message: str,
        *,
        cause: BaseException | None = None,
        reason: Any = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.reason = reason


class ModelAuthError(ModelError):
    """Authentication / authorization against the model provider failed."""

    kind = "model_auth"


class ModelResponseError(ModelError):
    """Provider returned an unusable response (malformed JSON, empty, refused)."""

    kind = "model_response"


class ModelThrottledError(ModelError):
    """Provider is rate-limiting or refusing capacity.

    Attributes:
        retry_after: Seconds the provider asked us to wait, when it said.
    """

    kind = "model_throttled"

    def __init__(
        self,
        message: str,
        *,
        cause: BaseException | None = None,
        reason: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, cause=cause, reason=reason)
        self.retry_after = retry_after


class StructuredOutputError(ModelResponseError):
    """The model's output did not validate against ``output_schema`` within the retry budget."""

    kind = "structured_output"


# --- tools ------------------------------------------------------------------


class ToolError(LocusError):
    """Base for tool-related failures (registration, schema, execution)."""

    kind = "tool"


class ToolExecutionError(ToolError):
    """Tool raised an exception during execution."""

    kind = "tool_execution"


class ToolNotFoundError(ToolError):
    """Requested tool is not registered with the agent."""

    kind = "tool_not_found"


class ToolValidationError(ToolError):
    """Tool arguments failed schema validation."""

    kind = "tool_validation"


class ToolTimeoutError(ToolExecutionError):
    """Tool did not finish within its timeout."""

    kind = "tool_timeout"


class TerminationError(LocusError):
    """A termination condition is malformed or cannot be (de)serialised."""

    kind = "termination"


# --- checkpoints --------------------------------------------------------------


class CheckpointError(LocusError):
    """Base for checkpointer / storage-backend failures."""

    kind = "checkpoint"


class CheckpointNotFoundError(CheckpointError, LookupError):
    """Requested thread / checkpoint does not exist."""

    kind = "checkpoint_not_found"


class CheckpointSerializationError(CheckpointError):
    """Saving or loading failed during (de)serialization."""

    kind = "checkpoint_serialization"


# --- RAG ----------------------------------------------------------------------


class RAGError(LocusError):
    """Base for RAG-subsystem failures (embeddings, vector stores, retrieval)."""

    kind = "rag"


class EmbeddingError(RAGError):
    """Embedding-provider call failed."""

    kind = "embedding"


class VectorStoreError(RAGError):
    """Vector-store read/write failed."""

    kind = "vector_store"
