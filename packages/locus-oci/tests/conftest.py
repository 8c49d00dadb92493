"""Shared fixtures: a throwaway RSA key + OCI config, and a recorded httpx transport."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from locus.models.guard import override_allow_model_requests
from locus.testing.http import RecordedHTTP, SleepRecorder

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


@pytest.fixture
def recorder() -> RecordedHTTP:
    return RecordedHTTP(FIXTURES)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def fake_sleep(sleeps: list[float]) -> SleepRecorder:
    return SleepRecorder(sleeps)
