"""Entry point of locus-deepagent in the ``locus`` group.

The distribution adds no model, checkpointer or store; registering it makes
``locus plugins`` list it with its version.
"""
