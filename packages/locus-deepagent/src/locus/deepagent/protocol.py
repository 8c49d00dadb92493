"""The knowledge protocol: what a research domain implements so the DeepAgent
runtime can scan it item by item (:class:`KnowledgeProvider`)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, Field

__all__ = ["Grounding", "ItemRef", "KnowledgeProvider", "KnowledgeRow"]


class ItemRef(BaseModel):
    """A discoverable research target.

    ``key`` identifies the item across runs (the checkpointer thread id and
    the catalogue primary key); it defaults to ``"<provider>:<name>"``.
    """

    name: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    key: str = ""
    tags: list[str] = Field(default_factory=list)

    def model_post_init(self, context: Any, /) -> None:
        """Default ``key`` to ``provider:name``."""
        if not self.key:
            self.key = f"{self.provider}:{self.name}"


class Grounding(BaseModel):
    """Live evidence about an item, gathered before the agent runs."""

    summary: str = ""
    payload: dict[str, Any] = Field(default_factory=dict)


class KnowledgeRow(BaseModel):
    """One catalogue row: what the agent produces per item.

    Providers subclass it to add typed fields; the base keeps the
    cross-provider invariants so a catalogue can search and persist rows of
    every provider alike.
    """

    name: str
    provider: str
    short_description: str = ""
    long_description: str = ""
    domains: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    embedding: list[float] | None = None
    search_text: str = ""

    def model_post_init(self, context: Any, /) -> None:
        """Default ``search_text`` to the name, descriptions, domains and tags."""
        if not self.search_text:
            parts = [self.name, self.short_description, self.long_description]
            self.search_text = " ".join(p for p in [*parts, *self.domains, *self.tags] if p)


@runtime_checkable
class KnowledgeProvider(Protocol):
    """The contract a research domain implements.

    The runtime (:func:`locus.deepagent.scan`) calls, in order: ``open()``
    once; ``discover(query)`` to list items; for each item ``ground(item)``,
    then an agent with ``tools_for_agent(item)`` submits an
    ``output_schema()`` instance, then ``merge_to_row(...)``; ``close()`` at
    the end. Every method is async except the two that describe the agent.
    """

    async def open(self) -> None:
        """Acquire connections."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...

    async def discover(self, query: str | None = None) -> list[ItemRef]:
        """Items to research (all when ``query`` is ``None``)."""
        ...

    async def ground(self, item: ItemRef) -> Grounding:
        """Live evidence about ``item``."""
        ...

    def tools_for_agent(self, item: ItemRef) -> list[Any]:
        """Tools the agent researching ``item`` may call."""
        ...

    def output_schema(self) -> type[BaseModel]:
        """The structured answer the agent submits per item."""
        ...

    async def merge_to_row(
        self,
        item: ItemRef,
        grounding: Grounding,
        research: BaseModel,
        model_id: str,
        prompt_hash: str,
    ) -> KnowledgeRow:
        """Combine evidence and the agent's research into a catalogue row."""
        ...
