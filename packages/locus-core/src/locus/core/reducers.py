"""Reducers: how a state field merges an update into its current value.

Annotate a state field with a reducer and every update to it is merged
instead of overwriting it; fields without one are last-write-wins.

```python
from typing import Annotated, TypedDict

from locus.core.reducers import add_numbers, append_list, apply_reducers, get_reducer


class State(TypedDict):
    items: Annotated[list[str], append_list]
    total: Annotated[int, add_numbers]
    status: str


assert get_reducer(Annotated[list[str], append_list]) is append_list
merged = apply_reducers(
    {"items": ["a"], "total": 1, "status": "new"},
    {"items": ["b"], "total": 2, "status": "done"},
    {"items": append_list, "total": add_numbers},
)
assert merged == {"items": ["a", "b"], "total": 3, "status": "done"}
```
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Protocol, TypeVar, get_args, get_origin

__all__ = [
    "AddMessages",
    "AddNumbers",
    "AppendList",
    "DeepMergeDict",
    "FirstValue",
    "LastValue",
    "MaxValue",
    "MergeDict",
    "MinValue",
    "Reducer",
    "SetIntersection",
    "SetUnion",
    "UniqueAppendList",
    "add_messages",
    "add_numbers",
    "append_list",
    "apply_reducers",
    "create_reducer",
    "deep_merge_dict",
    "extract_reducers_from_model",
    "first_value",
    "get_reducer",
    "last_value",
    "max_value",
    "merge_dict",
    "min_value",
    "reduce_into",
    "reducer",
    "set_intersection",
    "set_union",
    "unique_append_list",
]

T = TypeVar("T")


class Reducer(Protocol[T]):
    """Protocol for state reducers: ``(current, update) -> merged``."""

    def __call__(self, current: T, update: T, /) -> T:
        """Merge ``update`` into ``current`` and return the new value."""
        ...


class _FunctionReducer:
    """A reducer wrapping a plain function (keeps its name in reprs)."""

    __slots__ = ("__name__", "__wrapped__", "_fn")

    def __init__(self, fn: Callable[[Any, Any], Any]) -> None:
        self._fn = fn
        self.__wrapped__ = fn
        self.__name__ = getattr(fn, "__name__", "reducer")

    def __call__(self, current: Any, update: Any, /) -> Any:
        return self._fn(current, update)

    def __repr__(self) -> str:
        return f"reducer({self.__name__})"


def create_reducer(fn: Callable[[T, T], T]) -> Reducer[T]:
    """Turn a two-argument function into a :class:`Reducer`.

    Raises:
        locus.core.errors.ValidationError: ``fn`` is not callable.
    """
    if not callable(fn):
        from locus.core.errors import ValidationError

        raise ValidationError(
            f"a reducer must be a callable (current, update) -> merged, got {fn!r}"
        )
    return _FunctionReducer(fn)


def reducer(fn: Callable[[T, T], T]) -> Reducer[T]:
    """Decorator to create a reducer from a function.

    Example:
        >>> @reducer
        ... def longest(current: str, update: str) -> str:
        ...     return update if len(update) > len(current) else current
    """
    return create_reducer(fn)


def get_reducer(annotation: Any) -> Reducer[Any] | None:
    """The reducer of an ``Annotated[T, reducer]`` hint, or ``None``.

    The last callable metadata item wins, so ``Annotated[list, "doc", append_list]`` works.
    """
    if get_origin(annotation) is not Annotated:
        return None
    for meta in reversed(get_args(annotation)[1:]):
        if callable(meta) and not isinstance(meta, type):
            found: Reducer[Any] = meta
            return found
    return None


def apply_reducers(
    current: dict[str, Any],
    update: Mapping[str, Any],
    reducers: Mapping[str, Reducer[Any]],
) -> dict[str, Any]:
    """Return a new state dict: ``update`` merged into ``current``.

    Keys with a reducer that are already present are merged with it; every
    other key is last-write-wins. ``current`` is not modified.
    """
    result = dict(current)
    reduce_into(result, update, reducers)
    return result


def reduce_into(
    values: dict[str, Any],
    update: Mapping[str, Any],
    reducers: Mapping[str, Reducer[Any]],
) -> None:
    """Merge ``update`` into ``values`` in place (what :func:`apply_reducers` does on a copy).

    Keys with a reducer that are already present are merged with it; every
    other key is last-write-wins.
    """
    for key, value in update.items():
        fn = reducers.get(key)
        if fn is not None and key in values:
            values[key] = fn(values[key], value)
        else:
            values[key] = value


# --- built-in reducers ----------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return [value]


class AddMessages:
    """Append messages; an update message whose ``metadata["id"]`` matches replaces it.

    Accepts lists or tuples of :class:`~locus.core.messages.Message` (a single
    message or a plain string, taken as a user message, also work) and returns
    the type of ``current`` (tuple stays tuple).
    """

    def __call__(self, current: Any, update: Any, /) -> Any:
        from locus.core.messages import Message

        incoming = [Message.user(m) if isinstance(m, str) else m for m in _as_list(update)]
        merged = list(_as_list(current))
        index = {
            mid: i
            for i, m in enumerate(merged)
            if (mid := getattr(m, "metadata", {}).get("id")) is not None
        }
        for message in incoming:
            mid = getattr(message, "metadata", {}).get("id")
            if mid is not None and mid in index:
                merged[index[mid]] = message
            else:
                if mid is not None:
                    index[mid] = len(merged)
                merged.append(message)
        return tuple(merged) if isinstance(current, tuple) else merged

    def __repr__(self) -> str:
        return "add_messages"


class MergeDict:
    """Shallow dict merge: update keys override current keys."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        return {**(current or {}), **(update or {})}

    def __repr__(self) -> str:
        return "merge_dict"


class DeepMergeDict:
    """Recursive dict merge: nested dicts merge, other values are replaced."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        return _deep_merge(current or {}, update or {})

    def __repr__(self) -> str:
        return "deep_merge_dict"


def _deep_merge(left: Mapping[str, Any], right: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(left)
    for key, value in right.items():
        base = out.get(key)
        if isinstance(base, Mapping) and isinstance(value, Mapping):
            out[key] = _deep_merge(base, value)
        else:
            out[key] = value
    return out


class AppendList:
    """Concatenate lists (a non-list update is appended as one item)."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        return [*_as_list(current), *_as_list(update)]

    def __repr__(self) -> str:
        return "append_list"


class UniqueAppendList:
    """Concatenate lists, skipping items already present (order kept)."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        out = list(_as_list(current))
        for item in _as_list(update):
            if item not in out:
                out.append(item)
        return out

    def __repr__(self) -> str:
        return "unique_append_list"


class AddNumbers:
    """Sum: ``current + update`` (``None`` counts as 0)."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        return (current or 0) + (update or 0)

    def __repr__(self) -> str:
        return "add_numbers"


class MaxValue:
    """Keep the larger value (``None`` is ignored)."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        if current is None:
            return update
        if update is None:
            return current
        return max(current, update)

    def __repr__(self) -> str:
        return "max_value"


class MinValue:
    """Keep the smaller value (``None`` is ignored)."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        if current is None:
            return update
        if update is None:
            return current
        return min(current, update)

    def __repr__(self) -> str:
        return "min_value"


class LastValue:
    """Keep the update (explicit last-write-wins)."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        return update

    def __repr__(self) -> str:
        return "last_value"


class FirstValue:
    """Keep the first non-``None`` value ever written."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        return update if current is None else current

    def __repr__(self) -> str:
        return "first_value"


class SetUnion:
    """Union of sets (lists and single items are accepted as updates)."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        base = set(current) if current is not None else set()
        if isinstance(update, set | frozenset | list | tuple):
            return base | set(update)
        if update is None:
            return base
        return base | {update}

    def __repr__(self) -> str:
        return "set_union"


class SetIntersection:
    """Intersection of sets (the first update starts from the update itself)."""

    def __call__(self, current: Any, update: Any, /) -> Any:
        items = set(update) if isinstance(update, set | frozenset | list | tuple) else {update}
        if update is None:
            return set(current) if current is not None else set()
        return items if current is None else set(current) & items

    def __repr__(self) -> str:
        return "set_intersection"


def extract_reducers_from_model(model_class: type) -> dict[str, Reducer[Any]]:
    """Field name -> reducer of every ``Annotated[T, reducer]`` field of a model or TypedDict.

    Raises:
        locus.core.errors.ValidationError: the class's type hints cannot be resolved.
    """
    import typing

    from locus.core.errors import ValidationError

    model_fields = getattr(model_class, "model_fields", None)
    if isinstance(model_fields, dict):  # pydantic keeps Annotated metadata on each field
        found: dict[str, Reducer[Any]] = {}
        for name, info in model_fields.items():
            fn = next((m for m in reversed(info.metadata) if callable(m)), None)
            if fn is not None:
                found[name] = fn
        return found
    try:
        hints = typing.get_type_hints(model_class, include_extras=True)
    except Exception as exc:
        raise ValidationError(
            f"cannot read the type hints of {getattr(model_class, '__name__', model_class)!r}: "
            f"{exc}; define the class at module level with importable annotations"
        ) from exc
    return {name: fn for name, hint in hints.items() if (fn := get_reducer(hint)) is not None}


add_messages = AddMessages()
merge_dict = MergeDict()
deep_merge_dict = DeepMergeDict()
append_list = AppendList()
unique_append_list = UniqueAppendList()
add_numbers = AddNumbers()
max_value = MaxValue()
min_value = MinValue()
last_value = LastValue()
first_value = FirstValue()
set_union = SetUnion()
set_intersection = SetIntersection()
