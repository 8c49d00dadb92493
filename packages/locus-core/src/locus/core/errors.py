"""The locus exception hierarchy.

Every exception locus raises is a :class:`LocusError`. Each class carries a
short, stable ``kind`` string for structured logs and metrics, so a log query
does not depend on class names or message wording. ``cause=`` chains the
underlying exception (``raise ... from cause`` semantics).
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "CheckpointConflictError",
    "CheckpointConnectionError",
    "CheckpointError",
    "CheckpointNotFoundError",
    "CheckpointSerializationError",
    "CheckpointTimeoutError",
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
    "RunSupersededError",
    "StructuredOutputError",
    "TerminationError",
    "ThreadBusyError",
    "ToolError",
    "ToolExecutionError",
    "ToolInDoubtError",
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


class ToolInDoubtError(ToolExecutionError):
    """An idempotent call with ``in_doubt="fail"`` found its intent recorded but no result.

    An earlier attempt may or may not have had its effect. The run stops so a
    person (or a reconciliation job) can check the downstream system, using
    :attr:`idempotency_key`, before the thread goes on.

    Attributes:
        tool_name: The tool.
        idempotency_key: The ledger key of the call (also given to the body
            as ``ToolContext.idempotency_key``).
    """

    kind = "tool_in_doubt"

    def __init__(
        self,
        message: str,
        *,
        tool_name: str = "",
        idempotency_key: str = "",
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.tool_name = tool_name
        self.idempotency_key = idempotency_key


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


class CheckpointTimeoutError(CheckpointError):
    """A checkpoint store did not answer within a time bound.

    Raised when connecting, waiting for a pooled connection, a statement or a
    whole operation outlasts its timeout (a blackholed network, an overloaded
    server). The message names the backend, the operation and the bound;
    raise the bound (see ``docs/limits.md``) or check the network.

    Attributes:
        backend: ``"postgres"``, ``"redis"``...
        operation: What was being done (``"saving checkpoint 'c' of 't'"``).
        timeout: The bound in seconds, when known.
    """

    kind = "checkpoint_timeout"

    def __init__(
        self,
        message: str,
        *,
        backend: str = "",
        operation: str = "",
        timeout: float | None = None,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.backend = backend
        self.operation = operation
        self.timeout = timeout


class CheckpointConnectionError(CheckpointError):
    """A checkpoint store refused or dropped the connection.

    The port is closed, the server restarted, or the link was reset mid
    operation. Nothing was written by the failed call; retry once the store
    is back (the checkpointer reconnects by itself).

    Attributes:
        backend: ``"postgres"``, ``"redis"``...
        operation: What was being done.
    """

    kind = "checkpoint_connection"

    def __init__(
        self,
        message: str,
        *,
        backend: str = "",
        operation: str = "",
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.backend = backend
        self.operation = operation


class CheckpointSerializationError(CheckpointError):
    """Saving or loading failed during (de)serialization."""

    kind = "checkpoint_serialization"


class CheckpointConflictError(CheckpointError):
    """A compare-and-set save lost: the thread's newest checkpoint is not the expected parent.

    Another run (in this process or another one) wrote to the thread since
    this run read it. Nothing was written. Reload the thread and start again
    from its newest checkpoint, or run with ``on_busy="enqueue"`` so runs on
    one thread take turns.

    Attributes:
        thread_id: The thread.
        expected_parent: The checkpoint the save was based on (``None``: an empty thread).
        actual_parent: The thread's newest checkpoint when the save was tried.
    """

    kind = "checkpoint_conflict"

    def __init__(
        self,
        message: str,
        *,
        thread_id: str = "",
        expected_parent: str | None = None,
        actual_parent: str | None = None,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.thread_id = thread_id
        self.expected_parent = expected_parent
        self.actual_parent = actual_parent


class ThreadBusyError(LocusError):
    """A thread already has an active run and this one may not wait for it.

    Raised at once with ``on_busy="reject"``, and when the wait of
    ``"enqueue"`` / ``"interrupt"`` / ``"rollback"`` passes ``busy_timeout``.
    Retry later, raise ``busy_timeout``, or use another thread. (An HTTP
    server maps it to 409 Conflict.)

    Attributes:
        thread_id: The busy thread.
        on_busy: The option the run was started with.
        waited: Seconds this run waited before giving up.
    """

    kind = "thread_busy"

    def __init__(
        self,
        message: str,
        *,
        thread_id: str = "",
        on_busy: str = "reject",
        waited: float = 0.0,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.thread_id = thread_id
        self.on_busy = on_busy
        self.waited = waited


class RunSupersededError(LocusError):
    """This run was stopped at a checkpoint because a newer run took its thread.

    A second run started with ``on_busy="interrupt"`` (this run's work up to
    its last checkpoint is kept) or ``on_busy="rollback"`` (this run's
    checkpoints were deleted).

    Attributes:
        thread_id: The thread.
        mode: ``"interrupt"`` or ``"rollback"``.
    """

    kind = "run_superseded"

    def __init__(
        self,
        message: str,
        *,
        thread_id: str = "",
        mode: str = "interrupt",
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.thread_id = thread_id
        self.mode = mode


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
