"""Fixtures of the locus-server tests (helpers live in ``server_helpers.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from server_helpers import client_for, live

__all__ = ["client_for", "live"]
