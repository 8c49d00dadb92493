"""Original import path of hook."""

from __future__ import annotations

from locus.playbooks._hook import *  # noqa: F403
from locus.playbooks._hook import __all__ as __all__
