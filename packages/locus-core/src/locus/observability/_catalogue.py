"""The canonical event catalogue: every dotted event type, its data fields and its emitter."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from locus.core.errors import ValidationError
from locus.core.events import EVENT_CLASSES, LocusEvent
from locus.observability._catalogue_data import UNTYPED_EVENTS

__all__ = ["EVENT_CATALOGUE", "EVENT_PREFIXES", "EventSpec", "describe_event", "render_markdown"]

EVENT_PREFIXES: tuple[str, ...] = (
    "agent",
    "agent.tool",
    "agent.model",
    "multiagent",
    "composition",
    "router",
    "rag",
    "memory",
    "a2a",
    "server",
)
"""The ten prefixes of the catalogue, most specific last for each family."""

_TYPED_EMITTERS: dict[str, str] = {
    "agent.started": "locus.agent",
    "agent.think": "locus.loop (Think node)",
    "agent.tool.started": "locus.loop (Execute node)",
    "agent.tool.completed": "locus.loop (Execute node)",
    "agent.model.chunk": "locus.loop (Think node, streaming models)",
    "agent.model.completed": "locus.loop (Think node)",
    "agent.tokens.used": "locus.loop (Think node)",
    "agent.reflect": "locus.loop (Reflect node, reflexion=True)",
    "agent.grounding": "locus.loop (Reflect node, grounding=True)",
    "agent.interrupt": "locus.agent / locus.multiagent.graph",
    "agent.error": "locus.agent",
    "agent.terminate": "locus.loop (Terminate node)",
    "multiagent.handoff.completed": "locus.multiagent.handoff",
}


@dataclass(frozen=True, slots=True)
class EventSpec:
    """Catalogue entry of one event type.

    Attributes:
        event_type: Canonical dotted type.
        description: What happened when the event is published.
        fields: Keys of the event's ``data`` dict.
        emitted_by: Module (and node) that publishes it.
        event_class: Name of the typed class in ``locus.core.events``, if any.
    """

    event_type: str
    description: str
    fields: tuple[str, ...]
    emitted_by: str
    event_class: str | None = None

    @property
    def prefix(self) -> str:
        """The most specific catalogue prefix of the type (``"agent.tool"``)."""
        return max((p for p in EVENT_PREFIXES if self.event_type.startswith(p + ".")), key=len)


def bus_data_keys(cls: type[LocusEvent]) -> tuple[str, ...]:
    """Keys of ``cls(...).bus_data()``: its fields plus the ``*_preview`` keys."""
    keys = [name for name in cls.model_fields if name not in ("event_type", "timestamp")]
    keys.extend(cls._preview_fields.values())
    return tuple(keys)


def _first_line(doc: str | None) -> str:
    line = doc.strip().splitlines()[0].strip() if doc else ""
    return re.sub(r"\s*\(``[^`]+``\)", "", line).replace("``", "`")


def _build() -> dict[str, EventSpec]:
    catalogue: dict[str, EventSpec] = {}
    for event_type, cls in EVENT_CLASSES.items():
        catalogue[event_type] = EventSpec(
            event_type=event_type,
            description=_first_line(cls.__doc__),
            fields=bus_data_keys(cls),
            emitted_by=_TYPED_EMITTERS.get(event_type, "locus.agent"),
            event_class=cls.__name__,
        )
    for event_type, description, fields, emitted_by in UNTYPED_EVENTS:
        if event_type in catalogue:
            raise RuntimeError(f"duplicate catalogue entry {event_type!r}")
        catalogue[event_type] = EventSpec(event_type, description, fields, emitted_by)
    return dict(sorted(catalogue.items()))


class _Catalogue(Mapping[str, EventSpec]):
    """Read-only mapping ``event_type -> EventSpec``."""

    def __init__(self, entries: dict[str, EventSpec]) -> None:
        self._entries = entries

    def __getitem__(self, key: str) -> EventSpec:
        return self._entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<EventCatalogue {len(self)} event types>"

    def by_prefix(self, prefix: str) -> list[EventSpec]:
        """Entries whose most specific prefix is ``prefix``."""
        return [spec for spec in self._entries.values() if spec.prefix == prefix]


EVENT_CATALOGUE = _Catalogue(_build())
"""Every canonical event type, by name."""


def describe_event(event_type: str) -> EventSpec:
    """The catalogue entry of ``event_type``.

    Raises:
        ValidationError: The type is not in the catalogue (with close matches).
    """
    try:
        return EVENT_CATALOGUE[event_type]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(event_type, list(EVENT_CATALOGUE), n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValidationError(
            f"{event_type!r} is not a canonical event type.{hint} "
            "See locus.observability.EVENT_CATALOGUE or docs/events.md."
        ) from None


def render_markdown() -> str:
    """The catalogue as Markdown tables, one per prefix (what ``docs/events.md`` holds)."""
    lines: list[str] = []
    for prefix in EVENT_PREFIXES:
        specs = EVENT_CATALOGUE.by_prefix(prefix)
        lines += [f"### `{prefix}.*`", ""]
        lines += ["| event type | data fields | emitted by | description |", "|---|---|---|---|"]
        for spec in specs:
            fields = ", ".join(f"`{f}`" for f in spec.fields) or "—"
            typed = f" (`{spec.event_class}`)" if spec.event_class else ""
            cells = [f"`{spec.event_type}`{typed}", fields, spec.emitted_by, spec.description]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
