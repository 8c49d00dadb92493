"""Eval case files (YAML), `locus eval`, and the pytest plugin."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from locus.cli import main
from locus.evaluation import EvalCase, EvalCaseError, EvalReport, load_cases, load_suite

pytest_plugins = ["pytester"]

SUITE = """\
agent: eval_app:agent
cases:
  - name: paris
    prompt: Weather in Paris?
    expected_tools: weather
    expected_output_contains: [sunny]
    tags: [smoke]
  - name: oslo
    prompt: Weather in Oslo?
    expected_output_contains: [rain]
"""

APP = '''
from locus import Agent
from locus.core.messages import Role, ToolCall
from locus.models import FunctionModel
from locus.tools import tool


@tool
def weather(city: str) -> str:
    """Weather."""
    return f"{city}: sunny"


def play(messages, tools):
    results = [m for m in messages if m.role == Role.TOOL]
    if not results:
        city = messages[-1].content.rsplit(" ", 1)[-1].strip("?")
        return [ToolCall(id="c1", name="weather", arguments={"city": city})]
    return f"It is {results[-1].content}"


agent = Agent(FunctionModel(play), tools=[weather])
'''


def test_load_suite_and_list_form(tmp_path: Path) -> None:
    suite = load_suite(SUITE)
    assert suite.agent == "eval_app:agent"
    assert [c.name for c in suite.cases] == ["paris", "oslo"]
    assert suite.cases[0].expected_tools == ["weather"]
    path = tmp_path / "cases.yaml"
    path.write_text("- name: a\n  prompt: hi\n  max_duration_ms: 500\n")
    assert load_cases(path) == [EvalCase(name="a", prompt="hi", max_duration_ms=500)]


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("cases:\n  - name: a\n    prompt: [unclosed\n", 4, None, "not valid YAML"),
        (
            "cases:\n  - name: a\n    prompt: hi\n  - name: b\n    prompt: hi\n    max_iterations: lots\n",
            6,
            "cases.1.max_iterations",
            "valid integer",
        ),
        ("- name: a\n  prompt: hi\n- name: b\n", 3, "cases.1.prompt", "Field required"),
        ("- name: a\n  prompt: hi\n  expected_tool: [x]\n", 3, "cases.0.expected_tool", "Extra"),
        ("just a string\n", 1, None, "expected a list of cases"),
    ],
)
def test_malformed_yaml_names_line_and_field(
    text: str, line: int, field: str | None, message: str
) -> None:
    with pytest.raises(EvalCaseError, match=message) as info:
        load_suite(text)
    assert info.value.line == line
    assert info.value.field == field
    assert info.value.kind == "eval_case"
    assert f"<string>:{line}:" in str(info.value)


def test_missing_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(EvalCaseError, match="cannot read"):
        load_suite(tmp_path / "nope.yaml")


@pytest.fixture
def app_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "eval_app.py").write_text(APP)
    (tmp_path / "cases.yaml").write_text(SUITE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "eval_app", raising=False)
    return tmp_path


def test_cli_runs_the_file_writes_reports_and_exits_1_on_failure(
    app_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["eval", "cases.yaml", "--json", "r.json", "--junit", "r.xml"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("1/2 passed")
    assert "FAIL oslo" in out
    assert json.loads((app_dir / "r.json").read_text())["passed"] == 1
    assert 'name="oslo"' in (app_dir / "r.xml").read_text()
    assert main(["eval", "cases.yaml", "--tags", "smoke"]) == 0


def test_cli_baseline_fails_on_a_regression(
    app_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "cases.yaml", "--tags", "smoke", "--json", "base.json"]) == 0
    (app_dir / "cases.yaml").write_text(SUITE.replace("[sunny]", "[snow]"))
    assert main(["eval", "cases.yaml", "--tags", "smoke", "--baseline", "base.json"]) == 1
    assert "regressed: paris" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval", "bad.yaml"], "bad.yaml:2: field cases.0.prompt"),
        (["eval", "cases.yaml", "--agent", "nope"], "expected 'module:attribute'"),
        (["eval", "cases.yaml", "--agent", "no_such_mod:agent"], "cannot load the agent"),
        (["eval", "noagent.yaml"], "no agent to evaluate"),
    ],
)
def test_cli_bad_input_exits_2_with_a_clear_message(
    app_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (app_dir / "bad.yaml").write_text("cases:\n  - name: a\n")
    (app_dir / "noagent.yaml").write_text("- name: a\n  prompt: hi\n")
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_pytest_plugin_parametrizes_cases_and_reports_failed_checks(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(eval_app=APP)
    pytester.makefile(".yaml", cases=SUITE)
    pytester.makepyfile(
        test_agent="""
import pytest
from eval_app import agent

@pytest.mark.locus_eval("cases.yaml")
def test_cases(eval_case, eval_check):
    result = eval_check(agent, eval_case)
    assert result.tools_called == ["weather"]
"""
    )
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_cases?paris? PASSED*",
            "*test_cases?oslo? FAILED*",
            "*output_contains: answer lacks*",
        ]
    )


def test_reports_round_trip_through_the_cli_json(app_dir: Path) -> None:
    main(["eval", "cases.yaml", "--json", "r.json"])
    report: Any = EvalReport.from_json(app_dir / "r.json")
    assert [r.case_name for r in report.results] == ["paris", "oslo"]
