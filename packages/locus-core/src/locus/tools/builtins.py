"""Ready-made tools (the original locus's ``locus.tools.builtins``)."""

from __future__ import annotations

import datetime

from locus.tools.decorator import tool

__all__ = ["get_today_date"]


@tool
def get_today_date() -> str:
    """Today's date in ISO format (YYYY-MM-DD), in the machine's local time zone."""
    return datetime.date.today().isoformat()
