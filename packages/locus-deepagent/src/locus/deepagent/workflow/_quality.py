"""Quality-loop nodes: summarise, grade grounding, regenerate, replan, and the router."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from locus.deepagent.workflow._execute import Node
from locus.deepagent.workflow._keys import (
    KEY_CAUSAL_HYPOTHESIS,
    KEY_EVIDENCE,
    KEY_EXECUTE_PROMPT,
    KEY_GROUNDING_FACTS,
    KEY_GROUNDING_SCORE,
    KEY_PROMPT,
    KEY_REGENERATION_COUNT,
    KEY_REPLAN_COUNT,
    KEY_STRUCTURED_OUTPUT,
    KEY_SUMMARY,
    KEY_UNGROUNDED_CLAIMS,
)
from locus.deepagent.workflow._llm import (
    complete_structured,
    complete_text,
    render_evidence,
    text_of,
)

__all__ = [
    "make_grounding_eval_node",
    "make_regenerate_summary_node",
    "make_replan_node",
    "make_summarize_node",
    "route_after_grounding",
]

_CITATION = re.compile(r"\s*\[F\d+(?:\s*,\s*F\d+)*\]")

SUMMARY_PROMPT = (
    "You write research reports. State only facts found in the evidence, each with its "
    "fact id in brackets, e.g. 'Revenue rose 12% [F2].' Never add facts the evidence "
    "does not contain."
)
REGENERATE_PROMPT = (
    "You fix research reports. Rewrite the report so every claim is supported by the "
    "evidence: correct or remove the claims listed as unsupported, keep the supported "
    "ones, cite fact ids in brackets."
)
JUDGE_PROMPT = (
    "You check research claims against evidence. For each numbered claim answer whether "
    "the evidence supports it. Reply with JSON only."
)


def _structured_or_text(
    output_schema: type[BaseModel] | None,
) -> Callable[[Any, str, str], Any]:
    async def run(model: Any, system: str, user: str) -> dict[str, Any]:
        if output_schema is None:
            return {KEY_SUMMARY: await complete_text(model, system, user)}
        report = await complete_structured(model, system, user, output_schema)
        return {KEY_SUMMARY: text_of(report), KEY_STRUCTURED_OUTPUT: report}

    return run


def make_summarize_node(model: Any, output_schema: type[BaseModel] | None = None) -> Node:
    """An async node writing the answer from the evidence (and the causal hypothesis).

    With ``output_schema`` the model answers in JSON validated against it
    (sent back once when invalid); ``KEY_SUMMARY`` is then every string of
    the report, the claims that get graded.

    Reads: ``KEY_EVIDENCE``/``KEY_GROUNDING_FACTS``, ``KEY_PROMPT``, ``KEY_CAUSAL_HYPOTHESIS``.
    Writes: ``KEY_SUMMARY``, ``KEY_STRUCTURED_OUTPUT`` (with ``output_schema``).
    """
    run = _structured_or_text(output_schema)

    async def summarize(state: dict[str, Any]) -> dict[str, Any]:
        parts = [f"Question: {state.get(KEY_PROMPT, '')}"]
        if state.get(KEY_CAUSAL_HYPOTHESIS):
            parts.append(f"Causal hypothesis: {state[KEY_CAUSAL_HYPOTHESIS]}")
        parts.append("Evidence:\n" + render_evidence(state.get(KEY_GROUNDING_FACTS) or {}))
        out: dict[str, Any] = await run(model, SUMMARY_PROMPT, "\n\n".join(parts))
        return out

    return summarize


class _Verdict(BaseModel):
    claim: int = Field(description="The claim's number.")
    supported: bool


class _Verdicts(BaseModel):
    verdicts: list[_Verdict]


def make_grounding_eval_node(model: Any) -> Node:
    """An async node grading the summary's claims against the evidence.

    Claims are the summary's sentences (fact-id citations removed). With a
    ``model`` it is the judge: it gets the numbered claims and the evidence
    and answers JSON verdicts (a claim without a verdict counts as
    unsupported). With ``model=None`` the deterministic lexical scorer of
    :class:`locus.reasoning.Grounding` grades them (no model call).

    Reads: ``KEY_SUMMARY``, ``KEY_EVIDENCE``, ``KEY_GROUNDING_FACTS``.
    Writes: ``KEY_GROUNDING_SCORE`` (share of supported claims), ``KEY_UNGROUNDED_CLAIMS``.
    """
    from locus.reasoning import Grounding, extract_claims

    lexical = Grounding()

    async def grounding_eval(state: dict[str, Any]) -> dict[str, Any]:
        summary = _CITATION.sub("", state.get(KEY_SUMMARY) or "")
        evidence = [
            *(state.get(KEY_EVIDENCE) or []),
            *(state.get(KEY_GROUNDING_FACTS) or {}).values(),
        ]
        if model is None:
            report = lexical.evaluate(summary, evidence)
            return {KEY_GROUNDING_SCORE: report.score, KEY_UNGROUNDED_CLAIMS: report.ungrounded}
        claims = extract_claims(summary)
        if not claims:
            return {KEY_GROUNDING_SCORE: 1.0, KEY_UNGROUNDED_CLAIMS: []}
        listed = "\n".join(f"{i}. {c}" for i, c in enumerate(claims, 1))
        facts = render_evidence(state.get(KEY_GROUNDING_FACTS) or {})
        verdicts = await complete_structured(
            model, JUDGE_PROMPT, f"Claims:\n{listed}\n\nEvidence:\n{facts}", _Verdicts
        )
        assert isinstance(verdicts, _Verdicts)
        supported = {v.claim for v in verdicts.verdicts if v.supported}
        ungrounded = [c for i, c in enumerate(claims, 1) if i not in supported]
        score = round((len(claims) - len(ungrounded)) / len(claims), 4)
        return {KEY_GROUNDING_SCORE: score, KEY_UNGROUNDED_CLAIMS: ungrounded}

    return grounding_eval


def make_regenerate_summary_node(model: Any, output_schema: type[BaseModel] | None = None) -> Node:
    """An async node rewriting the summary from the grading feedback, without new research.

    Cheaper than a replan: the tool outputs stay; only the narrative is redone,
    aimed at the ungrounded claims.

    Reads: ``KEY_SUMMARY``, ``KEY_UNGROUNDED_CLAIMS``, ``KEY_GROUNDING_FACTS``,
    ``KEY_REGENERATION_COUNT``.
    Writes: ``KEY_SUMMARY``, ``KEY_STRUCTURED_OUTPUT``, ``KEY_REGENERATION_COUNT``.
    """
    run = _structured_or_text(output_schema)

    async def regenerate(state: dict[str, Any]) -> dict[str, Any]:
        unsupported = "\n".join(f"- {c}" for c in state.get(KEY_UNGROUNDED_CLAIMS) or [])
        user = (
            f"Question: {state.get(KEY_PROMPT, '')}\n\nReport:\n{state.get(KEY_SUMMARY, '')}\n\n"
            f"Unsupported claims:\n{unsupported or '(none listed)'}\n\n"
            "Evidence:\n" + render_evidence(state.get(KEY_GROUNDING_FACTS) or {})
        )
        out: dict[str, Any] = await run(model, REGENERATE_PROMPT, user)
        out[KEY_REGENERATION_COUNT] = int(state.get(KEY_REGENERATION_COUNT) or 0) + 1
        return out

    return regenerate


def make_replan_node() -> Node:
    """An async node preparing a narrower execute phase aimed at the ungrounded claims.

    Unlike regenerate, this triggers new research. Publishes
    ``multiagent.deepagent.replanned``.

    Reads: ``KEY_PROMPT``, ``KEY_UNGROUNDED_CLAIMS``, ``KEY_REPLAN_COUNT``, ``KEY_GROUNDING_SCORE``.
    Writes: ``KEY_EXECUTE_PROMPT``, ``KEY_REPLAN_COUNT``.
    """

    async def replan(state: dict[str, Any]) -> dict[str, Any]:
        count = int(state.get(KEY_REPLAN_COUNT) or 0) + 1
        claims = list(state.get(KEY_UNGROUNDED_CLAIMS) or [])
        listed = "\n".join(f"- {c}" for c in claims)
        prompt = (
            f"{state.get(KEY_PROMPT, '')}\n\nA previous answer made claims the evidence did "
            f"not support:\n{listed}\nResearch specifically to confirm or refute them, with "
            "the tools, before answering."
        )
        from locus.observability import current_run_id, emit

        if current_run_id() is not None:
            emit(
                "multiagent.deepagent.replanned",
                iteration=count,
                grounding_score=state.get(KEY_GROUNDING_SCORE),
                reason=f"{len(claims)} ungrounded claim(s)",
            )
        return {KEY_EXECUTE_PROMPT: prompt, KEY_REPLAN_COUNT: count}

    return replan


def route_after_grounding(
    threshold: float = 0.65, max_replans: int = 2, max_regenerations: int = 1
) -> Callable[[dict[str, Any]], str]:
    """The router of the ``grounding_eval`` conditional edge.

    - score ≥ ``threshold`` → ``END``;
    - else, while regenerations remain → ``"regenerate"`` (cheap: no new research);
    - else, while replans remain → ``"replan"`` (a new execute phase);
    - else → ``END`` (the best effort stands; its score is in the state).

    Compatible with :meth:`StateGraph.add_conditional_edges`.
    """
    from locus.multiagent.graph import END

    def route(state: dict[str, Any]) -> str:
        if float(state.get(KEY_GROUNDING_SCORE) or 0.0) >= threshold:
            return END
        if int(state.get(KEY_REGENERATION_COUNT) or 0) < max_regenerations:
            return "regenerate"
        if int(state.get(KEY_REPLAN_COUNT) or 0) < max_replans:
            return "replan"
        return END

    return route
