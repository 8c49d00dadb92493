"""``create_research_workflow``: the research StateGraph with its quality loop."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from locus.core.errors import ValidationError
from locus.deepagent.workflow._execute import make_causal_inference_node, make_execute_node
from locus.deepagent.workflow._keys import ResearchState
from locus.deepagent.workflow._quality import (
    make_grounding_eval_node,
    make_regenerate_summary_node,
    make_replan_node,
    make_summarize_node,
    route_after_grounding,
)

__all__ = ["create_research_workflow"]


def create_research_workflow(
    *,
    model: Any,
    tools: list[Any],
    system_prompt: str = "",
    output_schema: type[BaseModel] | None = None,
    grounding_threshold: float = 0.65,
    max_replans: int = 2,
    max_regenerations: int = 1,
    max_iterations: int = 20,
    summarization_model: Any | None = None,
    grounding_model: Any | None = None,
    reflexion: bool = True,
    causal_inference: bool = True,
    checkpointer: Any | None = None,
) -> Any:
    """Compose the research workflow from the node makers, as a :class:`StateGraph`.

    Topology::

        START → execute → [causal_inference →] summarize → grounding_eval
        grounding_eval: score ≥ threshold      → END
                        regenerations remain   → regenerate → grounding_eval
                        replans remain         → replan → execute
                        otherwise              → END

    Run it with ``await app.ainvoke({KEY_PROMPT: "question"})``; the result
    holds every ``KEY_*`` value (``KEY_STRUCTURED_OUTPUT`` is an
    ``output_schema`` instance when one is given).

    Args:
        model: Model (or ``"provider:name"``) of the execute and causal phases.
        tools: Tools of the execute agent.
        system_prompt: Domain identity of the execute agent.
        output_schema: Pydantic model of the report.
        grounding_threshold: Minimum grounding score to accept.
        max_replans: Full execute retries.
        max_regenerations: Summary rewrites before replanning.
        max_iterations: ReAct iterations per execute phase.
        summarization_model: Model of summarize / regenerate (default: ``model``).
        grounding_model: LLM judge of grounding_eval; ``None`` grades with the
            deterministic lexical scorer of :mod:`locus.reasoning` (no model call).
        reflexion: Per-turn self-evaluation in the execute agent.
        causal_inference: Insert the causal_inference node before summarize.
        checkpointer: Checkpointer (or URL) of the graph; with ``thread_id`` a
            run resumes after a crash.

    Returns:
        A compiled :class:`~locus.multiagent.graph.CompiledGraph`.
    """
    from locus.models import get_model
    from locus.multiagent.graph import END, START, StateGraph

    if not 0.0 <= grounding_threshold <= 1.0:
        raise ValidationError(f"grounding_threshold must be within 0..1, got {grounding_threshold}")
    if max_replans < 0 or max_regenerations < 0:
        raise ValidationError("max_replans and max_regenerations must be >= 0")
    primary = get_model(model) if isinstance(model, str) else model
    writer = summarization_model or primary
    if isinstance(writer, str):
        writer = get_model(writer)
    judge = get_model(grounding_model) if isinstance(grounding_model, str) else grounding_model

    graph = StateGraph(ResearchState, name="research_workflow")
    graph.add_node(
        "execute", make_execute_node(primary, tools, system_prompt, reflexion, max_iterations)
    )
    graph.add_node("summarize", make_summarize_node(writer, output_schema))
    graph.add_node("grounding_eval", make_grounding_eval_node(judge))
    graph.add_node("regenerate", make_regenerate_summary_node(writer, output_schema))
    graph.add_node("replan", make_replan_node())
    graph.add_edge(START, "execute")
    if causal_inference:
        graph.add_node("causal_inference", make_causal_inference_node(primary))
        graph.add_edge("execute", "causal_inference").add_edge("causal_inference", "summarize")
    else:
        graph.add_edge("execute", "summarize")
    graph.add_edge("summarize", "grounding_eval")
    graph.add_conditional_edges(
        "grounding_eval",
        route_after_grounding(grounding_threshold, max_replans, max_regenerations),
        {END: END, "regenerate": "regenerate", "replan": "replan"},
    )
    graph.add_edge("regenerate", "grounding_eval")
    graph.add_edge("replan", "execute")
    return graph.compile(checkpointer=checkpointer)
