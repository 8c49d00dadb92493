"""State schemas: which keys a graph has, which reducer merges each, how nodes see the state."""

from __future__ import annotations

from typing import Any, get_type_hints

from pydantic import BaseModel

from locus.core.errors import ValidationError
from locus.core.reducers import Reducer, get_reducer, reduce_into

__all__ = ["StateSchema"]


class StateSchema:
    """Reads a TypedDict, a pydantic model or ``dict`` (any keys) as a state schema.

    Attributes:
        keys: Known keys (``None``: any key is accepted).
        reducers: Reducer of each ``Annotated[T, reducer]`` key.
        hints: Type hint of each key (``Annotated`` kept).
        model: The pydantic model, when the schema is one.
    """

    __slots__ = ("_adapters", "hints", "keys", "model", "name", "reducers")

    def __init__(self, schema: Any) -> None:
        self.model: type[BaseModel] | None = None
        self.hints: dict[str, Any] = {}
        self.reducers: dict[str, Reducer[Any]] = {}
        self._adapters: dict[str, Any] = {}
        self.name = getattr(schema, "__name__", "dict")
        if schema is None or schema is dict:
            self.keys: frozenset[str] | None = None
            return
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            self.model = schema
            self.hints = {
                name: _annotated(f.annotation, f.metadata)
                for name, f in schema.model_fields.items()
            }
        elif (
            isinstance(schema, type)
            and issubclass(schema, dict)
            and hasattr(schema, "__annotations__")
        ):
            try:
                self.hints = get_type_hints(schema, include_extras=True)
            except Exception as exc:  # unresolvable forward references
                raw = dict(getattr(schema, "__annotations__", {}))
                hints = _caller_hints(schema)
                if hints is not None:
                    self.hints = hints
                elif raw and not any(isinstance(v, str) for v in raw.values()):
                    self.hints = raw
                else:
                    raise ValidationError(
                        f"cannot read the type hints of state schema {self.name}: {exc}"
                    ) from exc
        else:
            raise ValidationError(
                "state_schema must be a TypedDict, a pydantic BaseModel subclass or dict, "
                f"got {schema!r}"
            )
        self.keys = frozenset(self.hints)
        for key, hint in self.hints.items():
            fn = get_reducer(hint)
            if fn is not None:
                self.reducers[key] = fn

    # -- input / views -----------------------------------------------------------

    def coerce_input(self, value: Any) -> dict[str, Any]:
        """Turn a run's input into an update dict (validating pydantic inputs once)."""
        if value is None:
            return {}
        if isinstance(value, BaseModel):
            return {k: getattr(value, k) for k in type(value).model_fields}
        if isinstance(value, str):
            if self.keys is None or "messages" in self.keys:
                from locus.core.messages import Message

                return {"messages": [Message.user(value)]}
            for key in ("input", "prompt", "task", "question", "query"):
                if key in self.keys:
                    return {key: value}
            raise ValidationError(
                f"a text input needs a 'messages' or 'input' key in state schema {self.name}; "
                f"pass a dict of state values instead"
            )
        if not isinstance(value, dict):
            raise ValidationError(
                f"graph input must be a dict of state values, a {self.name} instance, "
                f"a str or a Command, got {type(value).__name__}"
            )
        self.check_keys(value, "input")
        return value

    def initial(self) -> dict[str, Any]:
        """Values before any input: the pydantic model's defaults, else empty."""
        if self.model is None:
            return {}
        out: dict[str, Any] = {}
        for name, f in self.model.model_fields.items():
            if not f.is_required():
                out[name] = f.get_default(call_default_factory=True)
        return out

    def validate_values(self, values: dict[str, Any]) -> None:
        """Validate the first input of a pydantic-schema run (defaults filled, types checked)."""
        if self.model is None:
            return
        try:
            model = self.model.model_validate(values)
        except Exception as exc:
            raise ValidationError(
                f"graph input does not match state schema {self.name}: {exc}"
            ) from exc
        values.update({k: getattr(model, k) for k in self.model.model_fields})

    def view(self, values: dict[str, Any]) -> Any:
        """The state a node receives: a dict copy, or the pydantic model (not re-validated)."""
        if self.model is not None:
            return self.model.model_construct(**values)
        return dict(values)

    def merge(self, values: dict[str, Any], update: dict[str, Any]) -> None:
        """Merge ``update`` into ``values`` in place through the schema's reducers."""
        reduce_into(values, update, self.reducers)

    def check_keys(self, update: dict[str, Any], source: str) -> None:
        """Raise if ``update`` writes keys the schema does not have."""
        keys = self.keys
        if keys is None:
            return
        unknown = [k for k in update if k not in keys]
        if unknown:
            raise ValidationError(
                f"{source} wrote unknown state key(s) {sorted(unknown)}; state schema "
                f"{self.name} has {sorted(keys)}. Add the key to the schema or return "
                "only known keys"
            )

    # -- checkpoints -------------------------------------------------------------

    def restore(self, values: dict[str, Any]) -> dict[str, Any]:
        """Rebuild typed values (messages, models...) from their JSON form."""
        if not self.hints:
            return dict(values)
        from pydantic import TypeAdapter

        out: dict[str, Any] = {}
        for key, raw in values.items():
            hint = self.hints.get(key)
            if hint is None:
                out[key] = raw
                continue
            adapter = self._adapters.get(key)
            if adapter is None:
                try:
                    adapter = TypeAdapter(_strip(hint))
                except Exception:
                    adapter = False
                self._adapters[key] = adapter
            if adapter is False:
                out[key] = raw
                continue
            try:
                out[key] = adapter.validate_python(raw)  # type: ignore[union-attr]
            except Exception:
                out[key] = raw
        return out


def _annotated(annotation: Any, metadata: list[Any]) -> Any:
    if not metadata:
        return annotation
    from typing import Annotated

    return Annotated[(annotation, *metadata)]


def _strip(hint: Any) -> Any:
    from typing import Annotated, get_args, get_origin

    if get_origin(hint) is Annotated:
        return get_args(hint)[0]
    return hint


def _caller_hints(schema: Any) -> dict[str, Any] | None:
    """Resolve string annotations in the namespace that built the graph (exec'd code, notebooks)."""
    import sys

    frame = sys._getframe(1)
    while frame is not None:
        if not frame.f_globals.get("__name__", "").startswith("locus."):
            try:
                return get_type_hints(
                    schema, frame.f_globals, dict(frame.f_locals), include_extras=True
                )
            except Exception:
                return None
        frame = frame.f_back  # type: ignore[assignment]
    return None
