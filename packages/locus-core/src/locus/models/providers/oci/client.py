"""The original locus's ``locus.models.providers.oci.client``: ``OCIAuthType``.

Served by locus-oci. ``OCIClient``/``OCIClientConfig`` (a wrapper of the ``oci``
SDK's inference client) have no counterpart: locus-oci signs its own HTTP
requests (:mod:`locus.oci.auth`); see ``docs/migrating.md``.
"""

from __future__ import annotations

from locus.integrations._facade import serve

__getattr__, __dir__ = serve(
    "oci",
    __name__,
    ("OCIAuthType",),
    gaps="; see docs/migrating.md (locus.models.providers.oci)",
)
