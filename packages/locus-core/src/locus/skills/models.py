"""Original import path of models."""

from __future__ import annotations

from locus.skills._models import *  # noqa: F403
from locus.skills._models import __all__ as __all__
