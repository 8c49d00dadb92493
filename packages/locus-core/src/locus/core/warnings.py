"""Warning categories of locus (the original locus's ``locus.core.warnings``).

Filter them with the standard :mod:`warnings` machinery, e.g.
``warnings.simplefilter("error", LocusDeprecationWarning)``.
"""

from __future__ import annotations

__all__ = ["LocusDeprecationWarning", "LocusWarning"]


class LocusWarning(UserWarning):
    """Base of every warning locus issues."""


class LocusDeprecationWarning(LocusWarning, DeprecationWarning):
    """A locus API that will be removed; the message names the replacement."""
