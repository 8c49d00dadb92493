"""OCIBucketCheckpointer against a loopback HTTP server speaking Object Storage's REST API.

The fake server verifies every request's OCI signature with the public key, so
the checkpointer's signing is exercised end to end.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from locus.checkpoint import BaseCheckpointer, get_checkpointer
from locus.core.errors import CheckpointError, ValidationError
from locus.core.state import AgentState
from locus.oci.checkpoint import OCIBucketCheckpointer, oci_bucket_checkpointer
from locus.testing import CheckpointerConformance


class FakeObjectStorage:
    """Objects in a dict; PUT/GET/DELETE objects, list with prefix + pagination, GET /n/."""

    def __init__(self, public_key: rsa.RSAPublicKey, page: int = 4) -> None:
        self.objects: dict[tuple[str, str, str], bytes] = {}
        self.public_key = public_key
        self.page = page
        self.log: list[tuple[str, str, str]] = []  # method, path, signed header names
        self.lock = threading.Lock()

    def verify(self, handler: BaseHTTPRequestHandler, method: str) -> str | None:
        auth = handler.headers.get("authorization", "")
        parts = dict(re.findall(r'(\w+)="([^"]*)"', auth))
        if "signature" not in parts:
            return None
        lines = []
        for name in parts["headers"].split():
            if name == "(request-target)":
                lines.append(f"(request-target): {method.lower()} {handler.path}")
            else:
                lines.append(f"{name}: {handler.headers.get(name)}")
        try:
            self.public_key.verify(
                base64.b64decode(parts["signature"]),
                "\n".join(lines).encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except Exception:
            return None
        return parts["headers"]

    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        signed = self.verify(h, method)
        length = int(h.headers.get("content-length") or 0)
        body = h.rfile.read(length) if length else b""
        url = urlsplit(h.path)
        with self.lock:
            self.log.append((method, url.path, signed or ""))
        if signed is None:
            return self.reply(h, 401, {"code": "NotAuthenticated", "message": "bad signature"})
        if url.path == "/n/":
            return self.reply(h, 200, "testns")
        m = re.fullmatch(r"/n/([^/]+)/b/([^/]+)/o(?:/(.+))?", url.path)
        if not m:
            return self.reply(h, 404, {"code": "NotFound"})
        ns, bucket, obj = unquote(m[1]), unquote(m[2]), m[3] and unquote(m[3])
        if bucket != "threads":
            return self.reply(h, 404, {"code": "BucketNotFound", "message": "no bucket"})
        with self.lock:
            if obj is None and method == "GET":
                q = {k: v[-1] for k, v in parse_qs(url.query).items()}
                names = sorted(
                    n
                    for (n_ns, b, n) in self.objects
                    if (n_ns, b) == (ns, bucket) and n.startswith(q.get("prefix", ""))
                )
                names = [n for n in names if n >= q.get("start", "")]
                page, rest = names[: self.page], names[self.page :]
                out: dict[str, Any] = {"objects": [{"name": n} for n in page], "prefixes": []}
                if rest:
                    out["nextStartWith"] = rest[0]
                return self.reply(h, 200, out)
            key = (ns, bucket, obj or "")
            if method == "PUT":
                self.objects[key] = body
                return self.reply(h, 200, None)
            if key not in self.objects:
                return self.reply(h, 404, {"code": "ObjectNotFound", "message": "missing"})
            if method == "GET":
                h.send_response(200)
                h.send_header("content-type", "application/json")
                h.send_header("content-length", str(len(self.objects[key])))
                h.end_headers()
                h.wfile.write(self.objects[key])
                return None
            del self.objects[key]
            return self.reply(h, 204, None)

    @staticmethod
    def reply(h: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        h.send_response(status)
        h.send_header("content-type", "application/json")
        h.send_header("content-length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)


@pytest.fixture(scope="module")
def module_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def server(module_key: rsa.RSAPrivateKey) -> Iterator[tuple[str, FakeObjectStorage]]:
    store = FakeObjectStorage(module_key.public_key())

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            store.handle(self, "GET")

        def do_PUT(self) -> None:
            store.handle(self, "PUT")

        def do_DELETE(self) -> None:
            store.handle(self, "DELETE")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", store
    httpd.shutdown()
    httpd.server_close()


def _signer(key: rsa.RSAPrivateKey) -> Any:
    from locus.oci.auth import OCIRequestSigner

    return OCIRequestSigner("ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb", key)


class TestOCIBucketConformance(CheckpointerConformance):
    concurrent_runs = 10  # every save lists the thread over signed HTTP (fake server)
    long_thread_saves = 16  # likewise: each read lists the thread

    @pytest.fixture(autouse=True)
    def _server(self, server: tuple[str, FakeObjectStorage], module_key: rsa.RSAPrivateKey) -> None:
        self.url, self.store = server
        self.key = module_key

    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        return OCIBucketCheckpointer(
            "threads",
            "testns",
            f"conf-{os.urandom(4).hex()}",
            endpoint=self.url,
            auth=_signer(self.key),
            **options,
        )


async def test_object_layout_and_signed_requests(
    server: tuple[str, FakeObjectStorage], module_key: rsa.RSAPrivateKey
) -> None:
    url, store = server
    cp = oci_bucket_checkpointer(
        bucket_name="threads",
        namespace=None,
        prefix="app/v1",
        endpoint=url,
        auth=_signer(module_key),
    )
    first = await cp.save(AgentState(iteration=1), "user/42")
    second = await cp.save(AgentState(iteration=2), "user/42", metadata={"step": 2})
    assert cp.namespace == "testns"  # looked up with GET /n/
    names = sorted(n for (_, _, n) in store.objects if n.startswith("app/v1/"))
    assert len(names) == 2
    assert all(n.startswith("app/v1/user%2F42/") and n.endswith(".json") for n in names)
    assert names[1].endswith(f"_{second}.json")
    loaded = await cp.load("user/42")
    assert loaded is not None
    assert loaded.iteration == 2
    hist = await cp.history("user/42")
    assert [h.checkpoint_id for h in hist] == [second, first]
    assert hist[0].parent_id == first
    assert hist[0].metadata == {"step": 2}
    assert "user/42" in await cp.list_threads()
    puts = [s for (m, p, s) in store.log if m == "PUT" and "/app%2Fv1%2F" in p]
    assert puts
    assert all(s == "date (request-target) host" for s in puts)
    gets = [s for (m, _, s) in store.log if m == "GET"]
    assert gets
    assert all(s == "date (request-target) host" for s in gets)
    assert await cp.delete_thread("user/42") == 2
    assert await cp.load("user/42") is None
    await cp.aclose()


async def test_pagination_and_errors(
    server: tuple[str, FakeObjectStorage], module_key: rsa.RSAPrivateKey
) -> None:
    url, _ = server
    cp = OCIBucketCheckpointer("threads", "testns", "pages", endpoint=url, auth=_signer(module_key))
    ids = [await cp.save(AgentState(iteration=i), "t") for i in range(9)]  # > 2 pages of 4
    assert await cp.list_checkpoints("t", limit=20) == ids[::-1]
    await cp.aclose()
    missing = OCIBucketCheckpointer("nope", "testns", endpoint=url, auth=_signer(module_key))
    with pytest.raises(CheckpointError, match="does bucket 'nope' exist"):
        await missing.save(AgentState(), "t")
    await missing.aclose()
    wrong_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    unsigned = OCIBucketCheckpointer("threads", "testns", endpoint=url, auth=_signer(wrong_key))
    with pytest.raises(CheckpointError, match="HTTP 401"):
        await unsigned.load("t")
    await unsigned.aclose()


def test_url_and_backend_names(oci_config_file: Path) -> None:
    cp = get_checkpointer(
        f"oci://threads@myns/agents/prod?region=eu-frankfurt-1&config_file={oci_config_file}"
    )
    assert isinstance(cp, OCIBucketCheckpointer)
    assert (cp.bucket_name, cp.namespace, cp.prefix) == ("threads", "myns", "agents/prod")
    assert cp.endpoint == "https://objectstorage.eu-frankfurt-1.oraclecloud.com"
    from locus.memory.backends import OCIBucketCheckpointer as Cls
    from locus.memory.backends import oci_bucket_checkpointer as factory

    assert Cls is OCIBucketCheckpointer
    assert factory is oci_bucket_checkpointer
    with pytest.raises(ValidationError):
        get_checkpointer("oci://@ns/p")


@pytest.mark.skipif(
    not os.environ.get("LOCUS_TEST_OCI_BUCKET"),
    reason="LOCUS_TEST_OCI_BUCKET not set (real OCI bucket + ~/.oci/config needed)",
)
async def test_real_bucket_round_trip() -> None:
    bucket = os.environ["LOCUS_TEST_OCI_BUCKET"]
    cp = oci_bucket_checkpointer(
        bucket_name=bucket,
        namespace=os.environ.get("LOCUS_TEST_OCI_NAMESPACE"),
        prefix=f"locus-test-{os.urandom(4).hex()}",
    )
    try:
        cid = await cp.save(AgentState(iteration=3), "it")
        loaded = await cp.load("it", cid)
        assert loaded is not None
        assert loaded.iteration == 3
    finally:
        await cp.delete_thread("it")
        await cp.aclose()
