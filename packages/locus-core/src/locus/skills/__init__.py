"""Agent Skills: folders with a ``SKILL.md``, shown to a model by name until it opens one.

```python
from locus.skills import Skill, SkillIndex

skill = Skill(name="pdf-forms", description="Fill PDF forms.", instructions="Use pdftk.")
index = SkillIndex([skill])
assert [s.name for s in index.for_domain("billing")] == ["pdf-forms"]
```

See docs/skills.md.
"""

from __future__ import annotations

from locus.skills._index import SkillIndex
from locus.skills._models import SKILL_FILE, Skill, SkillError, validate_skill_name
from locus.skills._plugin import SkillsPlugin

__all__ = ["SKILL_FILE", "Skill", "SkillError", "SkillIndex", "SkillsPlugin", "validate_skill_name"]
