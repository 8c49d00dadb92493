"""locus.skills.SkillIndex is what the router's compiler queries (locus.router.SkillIndex)."""

from __future__ import annotations

from pathlib import Path

from locus.router.skill_index import SkillIndex as RouterSkillIndex
from locus.router.skill_index import skills_prompt
from locus.skills import SkillIndex


def test_skill_index_satisfies_the_router_protocol(tmp_path: Path) -> None:
    for name, domain in (("pdf-forms", "domain: billing"), ("release-notes", "")):
        folder = tmp_path / name
        folder.mkdir()
        meta = f"metadata:\n  {domain}\n" if domain else ""
        (folder / "SKILL.md").write_text(
            f"---\nname: {name}\ndescription: Does {name}.\n{meta}---\nSteps.\n"
        )
    index = SkillIndex.from_directory(tmp_path)
    assert isinstance(index, RouterSkillIndex)
    billing = skills_prompt(index, "billing")
    assert "- pdf-forms: Does pdf-forms." in billing
    assert "- release-notes: Does release-notes." in billing
    assert "pdf-forms" not in skills_prompt(index, "support")
