"""Base of the termination algebra: the condition ABC, ``|`` / ``&`` and (de)serialisation."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from locus.core.errors import TerminationError, ValidationError

if TYPE_CHECKING:
    from locus.core.state import AgentState

__all__ = [
    "SCHEMA_VERSION",
    "AllOf",
    "AnyOf",
    "InvalidConditionError",
    "TerminationCondition",
]

SCHEMA_VERSION = 1
"""Version written in every ``to_dict()``; ``from_dict`` refuses newer ones."""


class InvalidConditionError(TerminationError, ValidationError):
    """A termination condition was built with invalid arguments."""

    kind = "termination"


class TerminationCondition(ABC):
    """A typed stop rule for the agent loop.

    Subclasses implement :meth:`check`. Conditions compose with ``|`` (any
    holds) and ``&`` (all hold), compare by value, ``repr`` to the
    expression that builds them, and serialise with :meth:`to_dict` /
    :meth:`from_dict`.
    """

    type_name: ClassVar[str] = ""
    _types: ClassVar[dict[str, type[TerminationCondition]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.type_name:
            TerminationCondition._types[cls.type_name] = cls

    @abstractmethod
    def check(self, state: AgentState) -> str | None:
        """Whether the run should stop now.

        Args:
            state: The run's state after the latest iteration.

        Returns:
            The stop reason, with the observed values (``"ConfidenceMet(0.92)"``),
            when the condition holds; ``None`` otherwise.
        """

    @abstractmethod
    def _params(self) -> dict[str, Any]:
        """JSON-compatible constructor arguments (for ``to_dict`` and equality)."""

    # -- algebra -------------------------------------------------------------

    def __or__(self, other: object) -> AnyOf:
        if not isinstance(other, TerminationCondition):
            return NotImplemented
        return AnyOf(self, other)

    def __and__(self, other: object) -> AllOf:
        if not isinstance(other, TerminationCondition):
            return NotImplemented
        return AllOf(self, other)

    # -- value semantics -----------------------------------------------------

    def _key(self) -> tuple[Any, ...]:
        return (type(self), _freeze(self._params()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TerminationCondition):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    # -- serialisation -------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form: ``{"type": ..., "version": 1, ...arguments}``."""
        return {"type": self.type_name, "version": SCHEMA_VERSION, **self._params()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TerminationCondition:
        """Rebuild a condition from :meth:`to_dict` output.

        Raises:
            TerminationError: Unknown ``type``, newer ``version``, bad arguments,
                or a ``custom`` condition whose name is not registered.
        """
        if not isinstance(data, dict) or "type" not in data:
            raise TerminationError(
                f"A serialised termination condition is a dict with a 'type' key; got {data!r}."
            )
        version = data.get("version", SCHEMA_VERSION)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise TerminationError(
                f"Termination condition version {version!r} is newer than this locus "
                f"understands ({SCHEMA_VERSION}); upgrade locus-core."
            )
        kind = data["type"]
        target = TerminationCondition._types.get(kind)
        if target is None:
            known = ", ".join(sorted(TerminationCondition._types))
            raise TerminationError(f"Unknown termination condition type {kind!r}; known: {known}.")
        params = {k: v for k, v in data.items() if k not in ("type", "version")}
        return target._from_params(params)

    @classmethod
    def _from_params(cls, params: dict[str, Any]) -> TerminationCondition:
        try:
            return cls(**params)
        except TypeError as exc:
            raise TerminationError(
                f"Bad arguments for termination condition {cls.type_name!r}: {exc}."
            ) from exc


class _Composite(TerminationCondition):
    """Shared code of :class:`AnyOf` and :class:`AllOf`."""

    symbol: ClassVar[str] = ""

    def __init__(self, *conditions: TerminationCondition) -> None:
        flat: list[TerminationCondition] = []
        for cond in conditions:
            if not isinstance(cond, TerminationCondition):
                raise InvalidConditionError(
                    f"{type(self).__name__} takes termination conditions, got {cond!r}."
                )
            if type(cond) is type(self):
                flat.extend(cond.conditions)
            else:
                flat.append(cond)
        if not flat:
            raise InvalidConditionError(f"{type(self).__name__} needs at least one condition.")
        self.conditions: tuple[TerminationCondition, ...] = tuple(flat)

    def _params(self) -> dict[str, Any]:
        return {"conditions": [c.to_dict() for c in self.conditions]}

    def _key(self) -> tuple[Any, ...]:
        return (type(self), self.conditions)

    @classmethod
    def _from_params(cls, params: dict[str, Any]) -> TerminationCondition:
        items = params.get("conditions")
        if not isinstance(items, list) or set(params) != {"conditions"}:
            raise TerminationError(
                f"A {cls.type_name!r} condition needs exactly a 'conditions' list; got {params!r}."
            )
        return cls(*(TerminationCondition.from_dict(item) for item in items))

    def __repr__(self) -> str:
        if len(self.conditions) == 1:
            return f"{type(self).__name__}({self.conditions[0]!r})"
        parts = [f"({c!r})" if isinstance(c, _Composite) else repr(c) for c in self.conditions]
        return f" {self.symbol} ".join(parts)


class AnyOf(_Composite):
    """Holds when any of its conditions holds (``a | b``).

    The stop reason is the reason of the first condition that held, in order.
    """

    type_name = "any"
    symbol = "|"

    def check(self, state: AgentState) -> str | None:
        for cond in self.conditions:
            reason = cond.check(state)
            if reason is not None:
                return reason
        return None


class AllOf(_Composite):
    """Holds when all of its conditions hold (``a & b``).

    The stop reason joins every branch's reason with ``" and "``:
    ``"ToolCalled('submit_po') and ConfidenceMet(0.92)"``.
    """

    type_name = "all"
    symbol = "&"

    def check(self, state: AgentState) -> str | None:
        reasons: list[str] = []
        for cond in self.conditions:
            reason = cond.check(state)
            if reason is None:
                return None
            reasons.append(reason)
        return " and ".join(reasons)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value
