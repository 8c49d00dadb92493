"""Fails at import time, as a plugin with a missing dependency would."""

import locus_broken_missing_dependency  # noqa: F401
