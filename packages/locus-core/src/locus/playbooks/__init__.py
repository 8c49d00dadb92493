"""Playbooks: procedures an agent follows, loaded from YAML or markdown and enforced by a hook.

```python
from locus.playbooks import Playbook, PlaybookEnforcer, PlaybookStep

playbook = Playbook(
    name="refund",
    steps=[
        PlaybookStep(id="lookup", description="Find the order", expected_tools=["get_order"]),
        PlaybookStep(id="refund", description="Refund it", expected_tools=["refund"]),
    ],
)
enforcer = PlaybookEnforcer(playbook)
assert not enforcer.validate_tool_call("refund").allowed
```

See docs/playbooks.md.
"""

from __future__ import annotations

from locus.playbooks._enforcer import (
    EnforcementResult,
    EnforcementViolation,
    PlaybookEnforcer,
    ViolationType,
)
from locus.playbooks._hook import PlaybookEnforcerHook
from locus.playbooks._loader import PlaybookLoader, PlaybookLoadError, load_playbook
from locus.playbooks._models import Playbook, PlaybookPlan, PlaybookStep, StepExecution, StepStatus

__all__ = [
    "EnforcementResult",
    "EnforcementViolation",
    "Playbook",
    "PlaybookEnforcer",
    "PlaybookEnforcerHook",
    "PlaybookLoadError",
    "PlaybookLoader",
    "PlaybookPlan",
    "PlaybookStep",
    "StepExecution",
    "StepStatus",
    "ViolationType",
    "load_playbook",
]
