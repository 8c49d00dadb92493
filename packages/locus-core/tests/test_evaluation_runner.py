"""locus.evaluation: cases, built-in checks, scorers, the judge, the runner, reports."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from locus import Agent
from locus.core.errors import ValidationError
from locus.core.messages import Message, Role, ToolCall
from locus.evaluation import (
    CheckResult,
    EvalCase,
    EvalReport,
    EvalRun,
    EvalRunner,
    LLMJudge,
    Scorer,
)
from locus.models import FunctionModel, ScriptedModel
from locus.observability import get_event_bus, run_context
from locus.tools import tool


@tool
def weather(city: str) -> str:
    """Current weather of a city."""
    return f"{city}: sunny, 21C"


def _weather_model(messages: list[Message], tools: Any) -> Any:
    """Calls `weather` for the city named in the prompt, then answers from the result."""
    results = [m for m in messages if m.role == Role.TOOL]
    if not results:
        city = messages[-1].content.rsplit(" ", 1)[-1].strip("?")
        return [ToolCall(id="c1", name="weather", arguments={"city": city})]
    return f"The weather: {results[-1].content}"


def weather_agent() -> Agent:
    return Agent(FunctionModel(_weather_model), tools=[weather])


CASES = [
    EvalCase(
        name="paris",
        prompt="Weather in Paris?",
        expected_tools=["weather"],
        expected_output_contains=["paris", "SUNNY"],
        expected_output_not_contains=["rain"],
        max_iterations=3,
        tags=["smoke"],
    ),
    EvalCase(
        name="oslo-rain",
        prompt="Weather in Oslo?",
        expected_output_contains=["rain"],
        tags=["slow"],
    ),
    EvalCase(name="no-tools", prompt="Weather in Rome?", expected_tools=["forecast"]),
]


async def test_builtin_checks_pass_and_fail_with_detail() -> None:
    report = await EvalRunner(weather_agent()).run(CASES)
    assert [r.case_name for r in report.results] == ["paris", "oslo-rain", "no-tools"]
    paris, oslo, rome = report.results
    assert paris.passed
    assert paris.score == 1.0
    assert [c.name for c in paris.checks] == [
        "expected_tools",
        "output_contains",
        "output_not_contains",
        "max_iterations",
    ]
    assert paris.tools_called == ["weather"]
    assert paris.iterations == 2
    assert not oslo.passed
    assert oslo.failures() == ["output_contains: answer lacks ['rain']"]
    assert "not called: ['forecast']" in rome.checks[0].detail
    assert (report.total_cases, report.passed, report.failed) == (3, 1, 2)
    assert report.avg_score == pytest.approx(1 / 3)
    summary = report.summary()
    assert summary.startswith("1/3 passed")
    assert "FAIL oslo-rain" in summary
    assert "output_contains: answer lacks ['rain']" in summary


async def test_iteration_limit_and_time_limit_fail_the_case() -> None:
    slow_started = asyncio.Event()

    async def slow(messages: list[Message], tools: Any) -> str:
        slow_started.set()
        await asyncio.sleep(30)
        return "late"

    cases = [EvalCase(name="tight", prompt="Weather in Lima?", max_iterations=1)]
    report = await EvalRunner(weather_agent()).run(cases)
    assert report.results[0].checks[0].detail == "took 2 iterations, limit 1"
    timed = EvalCase(name="slow", prompt="hi", max_duration_ms=50)
    report = await EvalRunner(Agent(FunctionModel(slow))).run([timed])
    result = report.results[0]
    assert slow_started.is_set()
    assert not result.passed
    assert result.score == 0.0
    assert result.error == "timed out after 50 ms (max_duration_ms)"


async def test_a_raising_agent_fails_its_case_not_the_suite() -> None:
    agent = Agent(ScriptedModel([RuntimeError("provider down")]))
    report = await EvalRunner(agent).run([EvalCase(name="x", prompt="hi")])
    assert report.results[0].error is not None
    assert "provider down" in report.results[0].error
    assert report.failed == 1


async def test_tags_select_cases() -> None:
    report = await EvalRunner(weather_agent()).run(CASES, tags=["smoke"])
    assert [r.case_name for r in report.results] == ["paris"]


async def test_scorers_sync_async_float_and_broken() -> None:
    def mentions_temperature(run: EvalRun) -> bool:
        return "21C" in run.output

    async def brevity(run: EvalRun) -> float:
        return 0.5

    def broken(run: EvalRun) -> float:
        raise KeyError("oops")

    checks = [
        Scorer(mentions_temperature),
        Scorer(brevity, threshold=0.4),
        Scorer(brevity, name="strict_brevity", threshold=0.9),
        Scorer(broken),
    ]
    report = await EvalRunner(weather_agent(), checks=checks).run(CASES[:1])
    by_name = {c.name: c for c in report.results[0].checks}
    assert by_name["mentions_temperature"].passed
    assert by_name["brevity"].passed
    assert by_name["brevity"].score == 0.5
    assert by_name["strict_brevity"].detail == "score 0.50 below 0.90"
    assert not by_name["broken"].passed
    assert "KeyError" in by_name["broken"].detail
    assert not report.results[0].passed


async def test_llm_judge_scores_with_case_criteria() -> None:
    seen: list[str] = []

    def judge(messages: list[Message], tools: Any) -> str:
        prompt = messages[-1].content
        seen.append(prompt)
        return "SCORE: 0.9\nREASON: fine" if "Paris" in prompt else "SCORE: 0.2\nREASON: vague"

    case = CASES[0].model_copy(update={"metadata": {"criteria": "names the temperature"}})
    other = EvalCase(name="rome", prompt="Weather in Rome?")
    report = await EvalRunner(weather_agent(), checks=[LLMJudge(FunctionModel(judge))]).run(
        [case, other]
    )
    # the two cases are judged concurrently: find the Paris case's prompt, not the first one
    (paris_prompt,) = [prompt for prompt in seen if "Paris" in prompt]
    assert "names the temperature" in paris_prompt
    assert not any("names the temperature" in prompt for prompt in seen if "Rome" in prompt)
    assert report.results[0].checks[-1] == CheckResult(name="judge", passed=True, score=0.9)
    rome_judge = report.results[1].checks[-1]
    assert not rome_judge.passed
    assert rome_judge.detail == "score 0.20 below 0.70: vague"


async def test_llm_judge_without_a_score_fails_and_shows_the_reply() -> None:
    judge = LLMJudge(FunctionModel(lambda m, t: "Looks good to me"))
    report = await EvalRunner(weather_agent(), checks=[judge]).run(CASES[:1])
    verdict = report.results[0].checks[-1]
    assert not verdict.passed
    assert "no SCORE" in verdict.detail
    assert "Looks good" in verdict.detail


async def test_runner_is_deterministic_on_offline_models() -> None:
    cases = [
        EvalCase(name=f"c{i}", prompt=f"Weather in City{i}?", expected_output_contains=["sunny"])
        for i in range(12)
    ]

    def strip(report: EvalReport) -> list[dict[str, Any]]:
        return [r.model_dump(exclude={"duration_ms"}) for r in report.results]

    runs = [await EvalRunner(weather_agent(), concurrency=6).run(cases) for _ in range(3)]
    assert strip(runs[0]) == strip(runs[1]) == strip(runs[2])
    assert [r.case_name for r in runs[0].results] == [c.name for c in cases]


async def test_a_factory_gives_each_case_its_own_stateful_model() -> None:
    def agent_for(case: EvalCase) -> Agent:
        return Agent(ScriptedModel([f"answer to {case.name}"]))

    cases = [EvalCase(name=n, prompt="q", expected_output_contains=[n]) for n in "abcdef"]
    report = await EvalRunner(agent_for, concurrency=3).run(cases)
    assert report.passed == 6


async def test_events_on_the_bus() -> None:
    async with run_context() as rid:
        await EvalRunner(weather_agent(), concurrency=2).run(CASES)
    events = [e for e in get_event_bus().history(rid) if e.event_type.startswith("agent.eval.")]
    types = [e.event_type for e in events]
    assert types[0] == "agent.eval.started"
    assert types[-1] == "agent.eval.completed"
    assert types.count("agent.eval.case.completed") == 3
    done = {e.data["case"]: e.data for e in events if e.event_type == "agent.eval.case.completed"}
    assert done["oslo-rain"]["failed_checks"] == ["output_contains"]
    assert events[-1].data == {"total": 3, "passed": 1, "failed": 2, "avg_score": 1 / 3}


async def test_progress_bar_only_when_asked_or_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    plain, tty = io.StringIO(), Tty()
    await EvalRunner(weather_agent(), stream=plain).run(CASES)
    await EvalRunner(weather_agent(), stream=tty).run(CASES)
    assert plain.getvalue() == ""
    assert tty.getvalue().endswith("3/3 failed 2\n")


def test_json_round_trip_and_junit_xml(tmp_path: Any) -> None:
    report = EvalRunner(weather_agent()).run_sync(CASES)
    path = tmp_path / "report.json"
    report.to_json(path)
    again = EvalReport.from_json(path)
    assert again == report
    assert json.loads(report.to_json())["failed"] == 2
    xml = report.to_junit_xml(tmp_path / "junit.xml")
    suite = ET.fromstring((tmp_path / "junit.xml").read_text())
    assert xml.startswith("<?xml")
    assert suite.get("tests") == "3"
    assert suite.get("failures") == "2"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases["paris"].find("failure") is None
    failure = cases["oslo-rain"].find("failure")
    assert failure is not None
    assert "answer lacks ['rain']" in (failure.text or "")


def test_from_json_rejects_a_non_report() -> None:
    with pytest.raises(ValidationError, match="not an EvalReport JSON"):
        EvalReport.from_json('{"results": 3}')


def test_compare_spots_regressions_fixes_and_score_drops() -> None:
    base = EvalRunner(weather_agent()).run_sync(CASES)
    flipped = [
        CASES[0].model_copy(update={"expected_output_contains": ["snow"]}),
        CASES[1].model_copy(update={"expected_output_contains": ["oslo"]}),
        EvalCase(name="new", prompt="Weather in Bern?"),
    ]
    new = EvalRunner(weather_agent()).run_sync(flipped)
    diff = new.compare(base)
    assert diff.regressions == ["paris"]
    assert diff.fixes == ["oslo-rain"]
    assert diff.added == ["new"]
    assert diff.removed == ["no-tools"]
    assert diff.score_drops == {"paris": (1.0, 0.75)}
    assert diff.has_regressions
    assert not base.compare(base).has_regressions
    assert "regressed: paris" in diff.summary()


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValidationError, match="concurrency"):
        EvalRunner(weather_agent(), concurrency=0)
    with pytest.raises(ValidationError, match="Scorer"):
        EvalRunner(weather_agent(), checks=[lambda run: True])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="unique"):
        EvalRunner(weather_agent()).run_sync([CASES[0], CASES[0]])
    with pytest.raises(ValidationError, match="threshold"):
        Scorer(lambda run: 1.0, threshold=2)
    with pytest.raises(ValueError, match="max_iterations"):
        EvalCase(name="x", prompt="y", max_iterations=0)
