"""Evidence-gathering nodes: ``execute`` (a ReAct agent) and ``causal_inference``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from locus.agent import Agent
from locus.core.errors import ValidationError
from locus.deepagent.workflow._keys import (
    KEY_CAUSAL_CHAIN,
    KEY_CAUSAL_CONFIDENCE,
    KEY_CAUSAL_HYPOTHESIS,
    KEY_EVIDENCE,
    KEY_EXECUTE_PROMPT,
    KEY_GROUNDING_FACTS,
    KEY_PROMPT,
    KEY_REPLAN_COUNT,
    KEY_STOP_REASON,
)
from locus.deepagent.workflow._llm import complete_text, render_evidence

__all__ = ["Node", "make_causal_inference_node", "make_execute_node"]

Node = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]

CAUSAL_PROMPT = (
    "From the evidence, list the cause-and-effect links it shows, one per line, in the form "
    "'<cause> -> <effect>'. Use only what the evidence states; no other text."
)


def make_execute_node(
    model: Any,
    tools: list[Any],
    system_prompt: str = "",
    reflexion: bool = True,
    max_iterations: int = 20,
) -> Node:
    """An async node running a ReAct :class:`locus.Agent` on the task.

    Reads ``KEY_EXECUTE_PROMPT`` (falls back to ``KEY_PROMPT``). Writes
    ``KEY_EVIDENCE`` (previous evidence + each successful tool output of this
    phase, as raw strings), ``KEY_GROUNDING_FACTS`` (the same outputs under
    stable ids ``F1, F2...``, numbering continued across replans) and
    ``KEY_STOP_REASON``. Each phase starts with a fresh agent context.
    """
    agent = Agent(
        model=model,
        tools=tools,
        system_prompt=system_prompt or None,
        reflexion=reflexion,
        max_iterations=max_iterations,
        name="research_execute",
    )

    async def execute(state: dict[str, Any]) -> dict[str, Any]:
        if not state.get(KEY_REPLAN_COUNT):
            _emit_started(state.get(KEY_PROMPT, ""))
        prompt = state.get(KEY_EXECUTE_PROMPT) or state.get(KEY_PROMPT) or ""
        result = await agent.invoke(prompt)
        evidence = list(state.get(KEY_EVIDENCE) or [])
        facts = dict(state.get(KEY_GROUNDING_FACTS) or {})
        for run in result.tool_executions:
            if run.error:
                continue
            fact_id = f"F{len(facts) + 1}"
            args = json.dumps(run.arguments, sort_keys=True, ensure_ascii=False)
            facts[fact_id] = f"{run.name}({args}): {run.result}"
            evidence.append(run.result)
        return {
            KEY_EVIDENCE: evidence,
            KEY_GROUNDING_FACTS: facts,
            KEY_STOP_REASON: result.stop_reason,
        }

    return execute


def _emit_started(prompt: str) -> None:
    from locus.observability import current_run_id, emit

    if current_run_id() is not None:
        emit(
            "multiagent.deepagent.started", workflow="research_workflow", task_preview=prompt[:120]
        )


def make_causal_inference_node(model: Any, max_nodes: int = 10) -> Node:
    """An async node building a :class:`~locus.reasoning.CausalChain` from the evidence.

    The model lists ``cause -> effect`` links; the chain keeps the first ones
    up to ``max_nodes`` distinct events (cycles are refused by the chain).
    The hypothesis explains the final effect from its root cause; the
    confidence is the mean grounding score of the links against the evidence.

    Reads: ``KEY_EVIDENCE``, ``KEY_GROUNDING_FACTS``, ``KEY_PROMPT``.
    Writes: ``KEY_CAUSAL_CHAIN``, ``KEY_CAUSAL_HYPOTHESIS``, ``KEY_CAUSAL_CONFIDENCE``.
    """
    from locus.reasoning import CausalChain, lexical_score

    async def causal_inference(state: dict[str, Any]) -> dict[str, Any]:
        evidence = list(state.get(KEY_EVIDENCE) or [])
        facts = state.get(KEY_GROUNDING_FACTS) or {}
        text = await complete_text(
            model,
            CAUSAL_PROMPT,
            f"Question: {state.get(KEY_PROMPT, '')}\n\nEvidence:\n{render_evidence(facts)}",
        )
        chain = CausalChain()
        for line in text.splitlines():
            try:
                links = CausalChain.from_text(line).links
            except ValidationError:  # a self-loop: not a causal link
                continue
            for link in links:
                if len({*chain.nodes, link.cause, link.effect}) > max_nodes:
                    break
                score = lexical_score(f"{link.cause} {link.effect}", evidence) if evidence else 0.0
                try:
                    chain.add(link.cause, link.effect, link.evidence, round(score, 4))
                except ValidationError:  # a link closing a cycle is left out
                    continue
        hypothesis = ""
        confidence = 0.0
        if chain.links:
            effect = chain.links[-1].effect
            hypothesis = chain.explain(effect)
            confidence = round(sum(link.confidence for link in chain.links) / len(chain.links), 4)
        return {
            KEY_CAUSAL_CHAIN: chain.to_dict(),
            KEY_CAUSAL_HYPOTHESIS: hypothesis,
            KEY_CAUSAL_CONFIDENCE: confidence,
        }

    return causal_inference
