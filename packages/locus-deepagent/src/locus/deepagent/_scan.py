"""``scan``: drive a :class:`KnowledgeProvider` item by item with a DeepAgent."""

from __future__ import annotations

import hashlib
from typing import Any

from locus.core.errors import StructuredOutputError
from locus.deepagent.factory import create_deepagent
from locus.deepagent.protocol import KnowledgeProvider, KnowledgeRow

__all__ = ["scan"]


async def scan(
    provider: KnowledgeProvider,
    *,
    model: Any,
    system_prompt: str,
    query: str | None = None,
    checkpointer: Any | None = None,
    **deepagent_kwargs: Any,
) -> list[KnowledgeRow]:
    """Research every item ``provider.discover(query)`` lists; one catalogue row each.

    Per item: ``ground(item)``, then a :func:`create_deepagent` agent with
    ``tools_for_agent(item)`` and ``output_schema()`` researches it (on
    thread ``item.key`` when a ``checkpointer`` is given, so an interrupted
    scan resumes per item), then ``merge_to_row``. ``open``/``close`` bracket
    the scan, also when it fails.

    Raises:
        locus.core.errors.StructuredOutputError: an item's agent stopped
            without submitting its structured answer.
    """
    prompt_hash = hashlib.sha256(system_prompt.encode()).hexdigest()[:16]
    model_id = str(getattr(model, "model", None) or model)
    rows: list[KnowledgeRow] = []
    await provider.open()
    try:
        for item in await provider.discover(query):
            grounding = await provider.ground(item)
            agent = create_deepagent(
                model=model,
                tools=provider.tools_for_agent(item),
                system_prompt=system_prompt,
                output_schema=provider.output_schema(),
                checkpointer=checkpointer,
                **deepagent_kwargs,
            )
            task = f"Research {item.name} ({item.provider}).\n\nLive evidence:\n{grounding.summary}"
            result = await agent.invoke(task, thread_id=item.key if checkpointer else None)
            if result.structured_output is None:
                raise StructuredOutputError(
                    f"the agent researching {item.key!r} stopped ({result.stop_reason}) without "
                    "submitting its answer; raise max_iterations or lower min_confidence"
                )
            rows.append(
                await provider.merge_to_row(
                    item, grounding, result.structured_output, model_id, prompt_hash
                )
            )
    finally:
        await provider.close()
    return rows
