"""The original locus's ``locus.agent.agent`` path: :class:`~locus.agent.Agent`."""

from __future__ import annotations

from locus.agent._agent import Agent

__all__ = ["Agent"]
