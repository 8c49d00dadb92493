"""The original locus's ``locus.memory.backends.oci_bucket`` path, served by locus-oci.

``OCIBucketBackend(bucket_name, namespace, prefix=...)`` returns an
``OCIBucketCheckpointer`` (:mod:`locus.oci.checkpoint`) on that Object Storage
bucket: ``profile_name`` → ``profile``; ``auth_type``, ``region`` and other
keywords (``config_file``, ``ttl``...) as they are. ``retry_strategy`` has no
effect (requests are retried by locus-oci itself) and warns. Without locus-oci
the call raises :class:`ImportError` naming it.
"""

from __future__ import annotations

import warnings
from typing import Any

from pydantic import BaseModel

from locus.core.warnings import LocusDeprecationWarning
from locus.memory.backends._resolve import plugin_class

__all__ = ["OCIBucketBackend", "OCIBucketConfig"]


class OCIBucketConfig(BaseModel):
    """An Object Storage bucket's settings, in the original's shape."""

    bucket_name: str
    namespace: str
    prefix: str = "locus/checkpoints/"
    compartment_id: str | None = None
    profile_name: str = "DEFAULT"
    config_file: str | None = None
    auth_type: str = "api_key"
    region: str | None = None


def OCIBucketBackend(
    bucket_name: str,
    namespace: str,
    prefix: str = "locus/checkpoints/",
    profile_name: str = "DEFAULT",
    auth_type: str = "api_key",
    region: str | None = None,
    retry_strategy: Any = None,
    **kwargs: Any,
) -> Any:
    """An ``OCIBucketCheckpointer`` on ``bucket_name`` (in ``namespace``) under ``prefix``.

    Raises:
        ImportError: locus-oci is not installed.
    """
    if retry_strategy is not None:
        warnings.warn(
            "OCIBucketBackend(retry_strategy=...) has no effect: locus-oci retries "
            "throttled and failed requests itself; drop the argument",
            LocusDeprecationWarning,
            stacklevel=2,
        )
    kwargs.pop("compartment_id", None)  # an OCIBucketConfig field the bucket does not need
    return plugin_class("OCIBucketCheckpointer")(
        bucket_name,
        namespace,
        prefix,
        profile=profile_name,
        auth_type=auth_type,
        region=region,
        **kwargs,
    )
