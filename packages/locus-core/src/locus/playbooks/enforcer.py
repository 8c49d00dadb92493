"""Original import path of enforcer."""

from __future__ import annotations

from locus.playbooks._enforcer import *  # noqa: F403
from locus.playbooks._enforcer import __all__ as __all__
