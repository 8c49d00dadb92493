"""Shared types every other module is built on: messages, protocols, errors, events, state.

Import from the submodules (``locus.core.messages``...); most names are also
re-exported at the package root (``from locus import Message``).
"""
