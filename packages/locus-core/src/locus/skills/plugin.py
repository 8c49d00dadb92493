"""Original import path of plugin."""

from __future__ import annotations

from locus.skills._plugin import *  # noqa: F403
from locus.skills._plugin import __all__ as __all__
