"""Durable memory: see :mod:`locus.memory.backends` and :mod:`locus.checkpoint`."""
