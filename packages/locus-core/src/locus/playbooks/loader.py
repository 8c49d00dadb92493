"""Original import path of loader."""

from __future__ import annotations

from locus.playbooks._loader import *  # noqa: F403
from locus.playbooks._loader import __all__ as __all__
