"""locus.skills: SKILL.md folders, the index (directory, package, plugins), progressive disclosure."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from locus import Agent
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.errors import ValidationError
from locus.core.messages import Message, Role, ToolCall
from locus.models import FunctionModel
from locus.observability import get_event_bus, run_context
from locus.plugins import reset_plugin_manager
from locus.skills import Skill, SkillError, SkillIndex, SkillsPlugin, validate_skill_name

PDF = """\
---
name: pdf-forms
description: Fill in PDF forms from structured data.
license: Apache-2.0
allowed-tools: fill_form read_pdf
metadata:
  domain: billing
---
# Filling PDF forms

1. Read the form's fields with read_pdf.
2. Fill them with fill_form.
"""

RELEASE = """\
---
name: release-notes
description: Write release notes from merged pull requests.
---
Group changes by kind; link each pull request.
"""


def write_skill(root: Path, folder: str, text: str, files: dict[str, str] | None = None) -> Path:
    path = root / folder
    path.mkdir(parents=True)
    (path / "SKILL.md").write_text(text)
    for name, content in (files or {}).items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return path


@pytest.fixture
def skills_dir(tmp_path: Path) -> Path:
    root = tmp_path / "skills"
    files = {"scripts/fill.py": "print('fill')", "reference/fields": "A,B"}
    write_skill(root, "pdf-forms", PDF, files)
    write_skill(root, "release-notes", RELEASE)
    (root / ".cache").mkdir()
    (root / "_drafts").mkdir()
    return root


def test_skill_from_folder(skills_dir: Path) -> None:
    skill = Skill.from_directory(skills_dir / "pdf-forms")
    assert skill.name == "pdf-forms"
    assert skill.description == "Fill in PDF forms from structured data."
    assert skill.instructions.startswith("# Filling PDF forms")
    assert skill.allowed_tools == ["fill_form", "read_pdf"]
    assert skill.license == "Apache-2.0"
    assert skill.domains == ["billing"]
    assert skill.list_resources() == ["reference/fields", "scripts/fill.py"]
    assert skill.read_resource("reference/fields") == "A,B"
    with pytest.raises(SkillError, match="no resource"):
        skill.read_resource("../release-notes/SKILL.md")


def test_index_from_directory_and_domains(skills_dir: Path) -> None:
    index = SkillIndex.from_directory(skills_dir)
    assert index.names == ["pdf-forms", "release-notes"]
    assert [s.name for s in index.for_domain("billing")] == ["pdf-forms", "release-notes"]
    assert [s.name for s in index.for_domain("support")] == ["release-notes"]
    assert "- pdf-forms: Fill in PDF forms from structured data." in index.catalogue()
    with pytest.raises(SkillError, match="no skill named 'pdf'"):
        index.get("pdf")


def test_folder_without_skill_md_is_refused(skills_dir: Path) -> None:
    (skills_dir / "broken").mkdir()
    with pytest.raises(SkillError, match=r"no SKILL\.md") as info:
        SkillIndex.from_directory(skills_dir)
    assert info.value.path == skills_dir / "broken"
    assert info.value.kind == "skill"
    with pytest.raises(SkillError, match="no such directory"):
        Skill.from_directory(skills_dir / "missing")


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("# no front matter\n", 1, None, "must start with YAML front matter"),
        ("---\nname: a\n", 1, None, "never closed"),
        ("---\nname: [a\n---\n", 2, None, "not valid YAML"),
        ("---\n- a\n---\n", 2, None, "mapping"),
        ("---\nname: a\n---\nbody\n", 2, "description", "non-empty string 'description'"),
        ("---\ndescription: d\nname: ''\n---\n", 3, "name", "non-empty string 'name'"),
        ("---\nname: bad name\ndescription: d\n---\n", None, "name", "invalid skill name"),
        ("---\nname: a\ndescription: d\nmetadata: [x]\n---\n", None, "metadata", "mapping"),
    ],
)
def test_malformed_front_matter(
    text: str, line: int | None, field: str | None, message: str
) -> None:
    with pytest.raises(SkillError, match=message) as info:
        Skill.from_content(text, Path("s/SKILL.md"))
    assert info.value.line == line
    assert info.value.field == field


def test_duplicate_names_and_bad_sources(skills_dir: Path) -> None:
    with pytest.raises(SkillError, match="unique"):
        SkillIndex([Skill(name="a", description="x"), Skill(name="a", description="y")])
    with pytest.raises(ValidationError, match="give a Skill"):
        SkillIndex.from_sources([42])  # type: ignore[list-item]


def test_validate_skill_name() -> None:
    assert validate_skill_name("pdf-forms", strict=True)
    assert not validate_skill_name("PDF_forms", strict=True)
    assert not validate_skill_name("-x", strict=True)
    assert not validate_skill_name("a" * 65, strict=True)
    assert validate_skill_name("PDF_forms")
    assert not validate_skill_name("a b")


def test_index_from_package_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site" / "acme_skills"
    write_skill(package / "skills", "release-notes", RELEASE)
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "acme_skills", raising=False)
    assert SkillIndex.from_package("acme_skills").names == ["release-notes"]
    with pytest.raises(SkillError, match="no 'extras' folder"):
        SkillIndex.from_package("acme_skills", "extras")
    with pytest.raises(SkillError, match="no package"):
        SkillIndex.from_package("no_such_package_here")


@pytest.fixture
def skill_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An installed distribution whose plugin registers a skill folder and a Skill."""
    site = tmp_path / "site"
    folder = write_skill(tmp_path / "shipped", "release-notes", RELEASE)
    site.mkdir()
    (site / "acme_skill_plugin.py").write_text(
        textwrap.dedent(
            f"""
            from pathlib import Path
            from locus.plugins import hookimpl
            from locus.skills import Skill

            @hookimpl
            def locus_register_skills(register):
                register("release-notes", Path({str(folder)!r}))
                register("triage", Skill(name="triage", description="Triage tickets."))
            """
        )
    )
    info = site / "locus_acme_skills-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: locus-acme-skills\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[locus]\nlocus-acme-skills = acme_skill_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    reset_plugin_manager()
    yield folder
    sys.modules.pop("acme_skill_plugin", None)
    reset_plugin_manager()


def test_index_from_plugins(skill_plugin: Path) -> None:
    index = SkillIndex.from_plugins()
    assert index.names == ["release-notes", "triage"]
    assert index.get("release-notes").path == skill_plugin


def _model(messages: list[Message], tools: Any) -> Any:
    """Opens pdf-forms, reads a resource, then answers."""
    done = [m for m in messages if m.role == Role.TOOL]
    if not done:
        return [ToolCall(id="a", name="activate_skill", arguments={"name": "pdf-forms"})]
    if len(done) == 1:
        args = {"skill": "pdf-forms", "path": "reference/fields"}
        return [ToolCall(id="b", name="read_skill_resource", arguments=args)]
    return "Filled."


async def test_progressive_disclosure(skills_dir: Path) -> None:
    seen: list[list[Message]] = []

    def model(messages: list[Message], tools: Any) -> Any:
        seen.append(list(messages))
        return _model(messages, tools)

    skills = SkillsPlugin([skills_dir])
    agent = Agent(FunctionModel(model), tools=skills.tools, hooks=[skills])
    async with run_context() as rid:
        result = await agent.invoke("Fill the invoice form")
    before = seen[0][-1].content or ""
    assert "- pdf-forms: Fill in PDF forms from structured data." in before
    assert "Read the form's fields" not in before  # instructions hidden until opened
    after = seen[1][-1].content or ""
    assert "## Active skill: pdf-forms" in after
    assert "Read the form's fields with read_pdf." in after
    opened = result.tool_executions[0].result
    assert "Resources (read with read_skill_resource): reference/fields, scripts/fill.py" in opened
    assert result.tool_executions[1].result == "A,B"
    assert [s.name for s in skills.activated_skills] == ["pdf-forms"]
    events = [e for e in get_event_bus().history(rid) if e.event_type == "agent.skill.activated"]
    assert [e.data for e in events] == [{"skill": "pdf-forms", "resources": 2}]


def test_tools_refuse_unknown_or_unopened_skills(skills_dir: Path) -> None:
    skills = SkillsPlugin(SkillIndex.from_directory(skills_dir))
    activate, read = skills.tools
    assert activate.name == "activate_skill"
    assert read.name == "read_skill_resource"
    with pytest.raises(SkillError, match="no skill named 'nope'"):
        skills.activate("nope")
    assert skills.activated_skills == []


async def test_activation_belongs_to_the_thread(skills_dir: Path) -> None:
    """Run 1 opens a skill on thread t1; a run on t2 starts with none; t1 keeps it."""
    seen: list[str] = []

    def model(messages: list[Message], tools: Any) -> Any:
        seen.append(messages[-1].content or "")
        prompt = [m for m in messages if m.role == Role.USER][-1].content or ""
        if prompt.startswith("open"):
            return _model(messages, tools)
        if messages[-1].role != Role.TOOL and not prompt.startswith("again"):
            args = {"skill": "pdf-forms", "path": "reference/fields"}
            return [ToolCall(id=f"r-{len(seen)}", name="read_skill_resource", arguments=args)]
        return "Done."

    skills = SkillsPlugin([skills_dir])
    agent = Agent(
        FunctionModel(model), tools=skills.tools, hooks=[skills], checkpointer=MemoryCheckpointer()
    )
    first = await agent.invoke("open the form skill", thread_id="t1")
    assert first.tool_executions[1].result == "A,B"
    seen.clear()
    other = await agent.invoke("read it without opening", thread_id="t2")
    assert "## Active skill" not in seen[0]
    refused = other.tool_executions[0]
    assert refused.error is not None
    assert "activate the skill 'pdf-forms' first" in refused.result
    assert skills.activated_skills == []  # the latest run (t2) opened none
    seen.clear()
    await agent.invoke("again on the first thread", thread_id="t1")
    assert "## Active skill: pdf-forms" in seen[0]  # kept in t1's state
    assert [s.name for s in skills.activated_skills] == ["pdf-forms"]
