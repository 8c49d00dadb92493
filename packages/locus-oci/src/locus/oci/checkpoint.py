"""``OCIBucketCheckpointer``: agent checkpoints as objects in an OCI Object Storage bucket.

Each checkpoint is one JSON object
``<prefix>/<thread>/<sort key>_<checkpoint id>.json`` (ids percent-encoded),
written and read over Object Storage's REST API with OCI request signing
(:mod:`locus.oci.auth`). The sort key orders a thread's checkpoints newest
first without reading them.

Example::

    from locus.memory.backends import oci_bucket_checkpointer

    cp = oci_bucket_checkpointer(bucket_name="support-threads", namespace="mytenancy")
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs, quote, unquote, urlsplit

from locus.checkpoint._base import BaseCheckpointer, CheckpointInfo, CheckpointRecord
from locus.checkpoint._decode import decode_record
from locus.checkpoint.serde import Serde
from locus.core.errors import (
    CheckpointError,
    CheckpointSerializationError,
    ConfigError,
    ValidationError,
)
from locus.oci._config import OCIConfig, load_oci_config, resolve_region

if TYPE_CHECKING:
    import httpx

__all__ = ["OCIBucketCheckpointer", "from_url", "oci_bucket_checkpointer"]

_KEY_WIDTH = 24  # 17 digits of microseconds, "-", 6 digits of sequence


class OCIBucketCheckpointer(BaseCheckpointer):
    """Checkpoints in an OCI Object Storage bucket.

    Args:
        bucket_name: Existing bucket.
        namespace: Object Storage namespace (usually the tenancy name); looked up
            with a signed ``GET /n/`` when ``None``.
        prefix: Object-name prefix under which threads live (``"locus"``).
        region: Region (``OCI_REGION``, then the profile's).
        endpoint: Object Storage URL overriding the region's
            (``https://objectstorage.<region>.oraclecloud.com``).
        auth: A ready ``httpx.Auth`` signer.
        auth_type: ``api_key`` (default), ``security_token``, ``instance_principal``,
            ``resource_principal``.
        config_file: OCI config file (``OCI_CONFIG_FILE``, ``~/.oci/config``).
        profile: Config profile (``OCI_CONFIG_PROFILE``, ``DEFAULT``).
        config: A loaded :class:`~locus.oci.OCIConfig`.
        transport: An ``httpx`` async transport (tests).
        timeout: Seconds per HTTP request.
        ttl: Seconds a checkpoint stays readable (``None``: forever); add an
            Object Storage lifecycle rule to also delete old objects server-side.
        serde: Envelope codec.

    Raises:
        locus.core.errors.ConfigError: Credentials or region cannot be resolved.
    """

    backend_name: ClassVar[str] = "oci_bucket"

    def __init__(
        self,
        bucket_name: str,
        namespace: str | None = None,
        prefix: str = "locus",
        *,
        region: str | None = None,
        endpoint: str | None = None,
        auth: httpx.Auth | None = None,
        auth_type: str = "api_key",
        config_file: str | None = None,
        profile: str | None = None,
        config: OCIConfig | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        ttl: float | None = None,
        serde: Serde | None = None,
    ) -> None:
        super().__init__(ttl=ttl, serde=serde)
        if not bucket_name:
            raise ValidationError("OCIBucketCheckpointer needs a bucket_name")
        import httpx

        if auth is None:
            from locus.oci.auth import make_auth

            if config is None and auth_type in ("api_key", "security_token"):
                config = load_oci_config(config_file, profile)
            auth = make_auth(auth_type, config=config, config_file=config_file, profile=profile)
        if endpoint is None:
            endpoint = f"https://objectstorage.{resolve_region(region, config)}.oraclecloud.com"
        self.bucket_name = bucket_name
        self.namespace = namespace
        self.prefix = prefix.strip("/")
        self.endpoint = endpoint.rstrip("/")
        self._root = f"{self.prefix}/" if self.prefix else ""
        self._http = httpx.AsyncClient(auth=auth, transport=transport, timeout=timeout)
        self._seq = itertools.count()

    def __repr__(self) -> str:
        return (
            f"OCIBucketCheckpointer(bucket={self.bucket_name!r}, namespace={self.namespace!r}, "
            f"prefix={self.prefix!r})"
        )

    # -- REST helpers ----------------------------------------------------------

    async def _ns(self) -> str:
        if self.namespace is None:
            response = await self._call("GET", f"{self.endpoint}/n/")
            self.namespace = str(response.json())
        return self.namespace

    async def _object_url(self, name: str) -> str:
        return f"{await self._bucket_url()}/o/{quote(name, safe='')}"

    async def _bucket_url(self) -> str:
        namespace = quote(await self._ns(), safe="")
        return f"{self.endpoint}/n/{namespace}/b/{quote(self.bucket_name, safe='')}"

    async def _call(
        self, method: str, url: str, *, ok404: bool = False, **kwargs: Any
    ) -> httpx.Response:
        try:
            response = await self._http.request(method, url, **kwargs)
        except Exception as exc:
            raise CheckpointError(
                f"OCI Object Storage {method} failed: {exc!r} (check the region/endpoint)",
                cause=exc,
            ) from exc
        if response.status_code == 404 and ok404:
            return response
        if response.status_code >= 400:
            hint = ""
            if response.status_code in (401, 403):
                hint = " — check the OCI credentials and the IAM policy on the bucket"
            elif response.status_code == 404:
                hint = f" — does bucket {self.bucket_name!r} exist in namespace {self.namespace!r}?"
            raise CheckpointError(
                f"OCI Object Storage {method} {urlsplit(url).path} failed with HTTP "
                f"{response.status_code}: {response.text[:300]}{hint}"
            )
        return response

    async def _names(self, prefix: str) -> list[str]:
        names: list[str] = []
        start: str | None = None
        url = f"{await self._bucket_url()}/o"
        while True:
            params = {"prefix": prefix, "fields": "name"}
            if start:
                params["start"] = start
            body = (await self._call("GET", url, params=params)).json()
            names.extend(o["name"] for o in body.get("objects") or ())
            start = body.get("nextStartWith")
            if not start:
                return names

    def _thread_prefix(self, thread_id: str) -> str:
        return f"{self._root}{quote(thread_id, safe='')}/"

    def _sort_key(self, created_at: float) -> str:
        return f"{int(created_at * 1_000_000):017d}-{next(self._seq) % 1_000_000:06d}"

    async def _thread_objects(self, thread_id: str) -> list[tuple[str, str]]:
        """``(object name, checkpoint id)`` of a thread, newest first."""
        prefix = self._thread_prefix(thread_id)
        out = []
        for name in await self._names(prefix):
            leaf = name[len(prefix) :]
            if len(leaf) > _KEY_WIDTH + 6 and leaf.endswith(".json"):
                out.append((name, unquote(leaf[_KEY_WIDTH + 1 : -5])))
        out.sort(key=lambda item: item[0], reverse=True)
        return out

    async def _get_record(
        self, name: str, thread_id: str, checkpoint_id: str
    ) -> CheckpointRecord | None:
        response = await self._call("GET", await self._object_url(name), ok404=True)
        if response.status_code == 404:
            return None
        try:
            data = json.loads(response.content)
            if not isinstance(data, dict):
                raise TypeError(f"a JSON {type(data).__name__}, not an object")
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointSerializationError(
                f"object {name!r} (thread {thread_id!r}, checkpoint {checkpoint_id!r}) is not a "
                f"locus checkpoint record: {exc}",
                cause=exc,
            ) from exc
        return decode_record(
            thread_id,
            data.get("checkpoint_id"),
            payload=data.get("payload"),
            parent_id=data.get("parent_id"),
            created_at=data.get("created_at"),
            metadata=data.get("metadata"),
            schema_version=data.get("schema_version", 1),
            expires_at=data.get("expires_at"),
        )

    # -- storage primitives -----------------------------------------------------

    async def _write(self, record: CheckpointRecord) -> None:
        stale = [
            n
            for n, cid in await self._thread_objects(record.thread_id)
            if cid == record.checkpoint_id
        ]
        name = (
            f"{self._thread_prefix(record.thread_id)}{self._sort_key(record.created_at)}_"
            f"{quote(record.checkpoint_id, safe='')}.json"
        )
        body = json.dumps(
            {
                "thread_id": record.thread_id,
                "checkpoint_id": record.checkpoint_id,
                "payload": record.payload,
                "parent_id": record.parent_id,
                "created_at": record.created_at,
                "metadata": record.metadata,
                "schema_version": record.schema_version,
                "expires_at": record.expires_at,
            },
            ensure_ascii=False,
        ).encode()
        await self._call(
            "PUT",
            await self._object_url(name),
            content=body,
            headers={"content-type": "application/json"},
            extensions={"oci_unsigned_body": True},
        )
        for old in stale:
            await self._call("DELETE", await self._object_url(old), ok404=True)

    async def _read(self, thread_id: str, checkpoint_id: str | None) -> CheckpointRecord | None:
        for name, cid in await self._thread_objects(thread_id):
            if checkpoint_id is None or cid == checkpoint_id:
                return await self._get_record(name, thread_id, cid)
        return None

    async def _list(self, thread_id: str, limit: int | None) -> list[CheckpointInfo]:
        objects = await self._thread_objects(thread_id)
        infos = []
        for name, cid in objects if limit is None else objects[:limit]:
            record = await self._get_record(name, thread_id, cid)
            if record is not None:
                infos.append(record.info())
        return infos

    async def _delete(self, thread_id: str, checkpoint_ids: Sequence[str] | None) -> int:
        wanted = None if checkpoint_ids is None else set(checkpoint_ids)
        deleted = 0
        for name, cid in await self._thread_objects(thread_id):
            if wanted is None or cid in wanted:
                response = await self._call("DELETE", await self._object_url(name), ok404=True)
                deleted += response.status_code != 404
        return deleted

    async def _list_threads(self) -> list[str]:
        threads = set()
        for name in await self._names(self._root):
            head = name[len(self._root) :].split("/", 1)[0]
            if head:
                threads.add(unquote(head))
        return list(threads)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()


def oci_bucket_checkpointer(
    bucket_name: str,
    namespace: str | None = None,
    prefix: str = "locus",
    **options: Any,
) -> OCIBucketCheckpointer:
    """An :class:`OCIBucketCheckpointer` (the seed's factory name).

    Args:
        bucket_name: Existing bucket.
        namespace: Object Storage namespace (looked up when ``None``).
        prefix: Object-name prefix (``"locus"``).
        **options: Other :class:`OCIBucketCheckpointer` arguments (``region``,
            ``profile``, ``auth_type``, ``ttl``...).
    """
    return OCIBucketCheckpointer(bucket_name, namespace, prefix, **options)


def from_url(url: str, **options: Any) -> OCIBucketCheckpointer:
    """``oci://bucket@namespace/prefix?region=...&profile=...&auth_type=...``.

    Raises:
        ValidationError: No bucket in the URL.
    """
    parts = urlsplit(url)
    bucket, _, namespace = (parts.netloc or "").partition("@")
    if not bucket:
        raise ValidationError(
            f"OCI bucket URL must look like 'oci://bucket@namespace/prefix', got {url!r}"
        )
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    for key in ("region", "profile", "auth_type", "config_file", "endpoint"):
        if key in query:
            options.setdefault(key, query.pop(key))
    if "ttl" in query:
        options.setdefault("ttl", float(query.pop("ttl")))
    if query:
        raise ConfigError(f"unknown options in OCI bucket URL: {', '.join(sorted(query))}")
    prefix = parts.path.strip("/") or "locus"
    return OCIBucketCheckpointer(bucket, namespace or None, prefix, **options)
