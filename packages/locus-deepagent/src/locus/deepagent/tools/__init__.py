"""Tool layers of the DeepAgent."""

from __future__ import annotations

from locus.deepagent.tools.filesystem import FILESYSTEM_TOOL_NAMES, make_filesystem_tools

__all__ = ["FILESYSTEM_TOOL_NAMES", "make_filesystem_tools"]
