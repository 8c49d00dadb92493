"""GSAR partition + tiered replanning, and CausalChain root causes."""

from __future__ import annotations

import pytest

from locus import Agent, tool
from locus.core.errors import ValidationError
from locus.core.events import GroundingEvent
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.reasoning import GSAR, ClaimStatus, ReplanTier
from locus.reasoning.causal import CausalChain

EVIDENCE = [
    "Q3 revenue was $4.2B, up 12%. Operating margin was 31%. "
    "Cloud infrastructure growth drove investment."
]


def test_gsar_partitions_claims_four_ways() -> None:
    answer = (
        "Revenue was $4.2B, up 12%. Operating margin was 35%. "
        "The company is investing heavily in cloud infrastructure growth. "
        "Revenue mix shifted 40% to services."
    )
    report = GSAR().evaluate(answer, EVIDENCE)
    statuses = [a.status for a in report.assessments]
    assert statuses == [
        ClaimStatus.GROUNDED,
        ClaimStatus.CONTRADICTED,
        ClaimStatus.COMPLEMENTARY,
        ClaimStatus.UNGROUNDED,
    ]
    assert report.contradicted == ["Operating margin was 35%."]
    assert report.tier is ReplanTier.REPLAN
    assert report.score == pytest.approx(0.375)


@pytest.mark.parametrize(
    ("answer", "tier"),
    [
        ("Revenue was $4.2B, up 12%.", ReplanTier.ACCEPT),
        (
            "Revenue was $4.2B, up 12%. Operating margin was 31%. Churn fell to 2%.",
            ReplanTier.REVISE,
        ),
        ("Churn fell to 2%. Headcount grew 9%.", ReplanTier.RESEARCH),
        ("Revenue was not up 12%.", ReplanTier.REPLAN),
    ],
)
def test_gsar_tiers(answer: str, tier: ReplanTier) -> None:
    assert GSAR().evaluate(answer, EVIDENCE).tier is tier


@tool
def earnings(quarter: str) -> str:
    """Read the earnings summary."""
    return EVIDENCE[0]


def test_gsar_in_the_agent_sends_contradictions_back_for_replanning() -> None:
    call = [ToolCall(name="earnings", arguments={"quarter": "Q3"})]
    model = ScriptedModel([call, "Operating margin was 35%.", "Operating margin was 31%."])
    events: list[GroundingEvent] = []
    agent = Agent(model=model, tools=[earnings], grounding=GSAR())

    async def run() -> None:
        async for event in agent.run("Q3 margin?"):
            if isinstance(event, GroundingEvent):
                events.append(event)

    import asyncio

    asyncio.run(run())
    assert [e.action for e in events] == ["replan", "accept"]
    assert "contradict" in (model.calls[2][-1].content or "")


def test_causal_chain_from_text_finds_the_root_cause() -> None:
    chain = CausalChain.from_text(
        "Deploy 142 caused connection pool exhaustion. "
        "p99 latency spiked because of connection pool exhaustion. "
        "The weather was nice. "
        "Checkout errors rose due to p99 latency spiked."
    )
    assert len(chain) == 3
    assert chain.root_causes("Checkout errors rose") == ["Deploy 142"]
    assert chain.explain("Checkout errors rose") == (
        "Deploy 142 → connection pool exhaustion → p99 latency spiked → Checkout errors rose"
    )
    assert CausalChain.from_dict(chain.to_dict()).links == chain.links


def test_causal_chain_prefers_the_most_confident_path_and_rejects_cycles() -> None:
    chain = (
        CausalChain()
        .add("bad config", "pool exhaustion", confidence=0.9)
        .add("traffic spike", "pool exhaustion", confidence=0.3)
        .add("pool exhaustion", "latency")
    )
    assert chain.root_causes() == ["bad config", "traffic spike"]
    assert [link.cause for link in chain.path("latency")] == ["bad config", "pool exhaustion"]
    with pytest.raises(ValidationError, match="cycle"):
        chain.add("latency", "bad config")
