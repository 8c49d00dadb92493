"""Shared fixtures: a throwaway RSA key + OCI config, and a recording httpx transport."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from locus.models.guard import override_allow_model_requests

FIXTURES = Path(__file__).parent / "fixtures"
COMPARTMENT = "ocid1.compartment.oc1..aaaatest"
TENANCY = "ocid1.tenancy.oc1..aaaatenancy"
USER = "ocid1.user.oc1..aaaauser"
FINGERPRINT = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34"


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def oci_config_file(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> Path:
    key_path = tmp_path / "oci_api_key.pem"
    key_path.write_bytes(
        rsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    config = tmp_path / "config"
    config.write_text(
        "[DEFAULT]\n"
        f"user={USER}\nfingerprint={FINGERPRINT}\nkey_file={key_path}\n"
        f"tenancy={TENANCY}\nregion=us-chicago-1\n\n"
        "[OTHER]\nregion=eu-frankfurt-1\n"
    )
    return config


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OCI_CONFIG_FILE", "OCI_CONFIG_PROFILE", "OCI_REGION", "OCI_COMPARTMENT_ID"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(autouse=True)
def _allow_requests() -> Iterator[None]:
    with override_allow_model_requests(True):
        yield


def fixture_response(
    name: str, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    body = (FIXTURES / name).read_bytes()
    content_type = "text/event-stream" if name.endswith(".sse") else "application/json"
    return httpx.Response(
        status, content=body, headers={"content-type": content_type, **(headers or {})}
    )


class Recorder:
    """Plays queued responses and records every request sent."""

    def __init__(self) -> None:
        self.queue: list[httpx.Response] = []
        self.requests: list[httpx.Request] = []

    def add(self, name: str, status: int = 200, headers: dict[str, str] | None = None) -> Recorder:
        self.queue.append(fixture_response(name, status, headers))
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return self.queue.pop(0)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def body(self, index: int = -1) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.requests[index].content)
        return data


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def fake_sleep(sleeps: list[float]) -> Callable[[float], Any]:
    async def _sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return _sleep
