"""Original import path of the tool helpers."""

from __future__ import annotations

from locus.providers._tools import *  # noqa: F403
from locus.providers._tools import __all__ as __all__
