"""What the server can serve: an Agent, a compiled graph, a pattern, or any runnable.

:func:`as_served` turns the object given to ``AgentServer(agent=...)`` into a
:class:`Served`; :class:`GraphRunnable` serves a compiled graph like an agent.
"""

from __future__ import annotations

from locus.server._graph import GraphRunnable
from locus.server._served import Served, as_served

__all__ = ["GraphRunnable", "Served", "as_served"]
