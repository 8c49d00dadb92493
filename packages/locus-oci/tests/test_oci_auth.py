"""Our OCI request signer agrees with the oci SDK's and verifies with the public key."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import httpx
import oci
import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from locus.core.errors import ConfigError, ValidationError
from locus.oci._config import load_oci_config, resolve_compartment, resolve_region
from locus.oci.auth import OCIRequestSigner, OCISDKSigner, make_auth

TENANCY = "ocid1.tenancy.oc1..aaaatenancy"
USER = "ocid1.user.oc1..aaaauser"
FINGERPRINT = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34"
DATE = "Thu, 05 Jan 2014 21:31:40 GMT"
URL = "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/20231130/actions/chat?x=1&y=a%20b"


def _sdk_sign(
    config_file: Path, method: str, url: str, body: bytes | None, **kw: bool
) -> requests.PreparedRequest:
    config = oci.config.from_file(str(config_file))
    signer = oci.signer.Signer.from_config(config)
    headers = {"date": DATE}
    if body is not None:
        headers["content-type"] = "application/json"
    prepared = requests.Request(method, url, headers=headers, data=body).prepare()
    signer(prepared, **kw)
    return prepared


def _ours(
    config_file: Path, method: str, url: str, body: bytes | None, **ext: bool
) -> httpx.Request:
    signer = OCIRequestSigner.from_config(path=str(config_file))
    headers = {"date": DATE}
    if body is not None:
        headers["content-type"] = "application/json"
    request = httpx.Request(method, url, headers=headers, content=body, extensions=dict(ext))
    return signer.sign(request)


def _parts(authorization: str) -> dict[str, str]:
    assert authorization.startswith("Signature ")
    return dict(re.findall(r'(\w+)="([^"]*)"', authorization))


@pytest.mark.parametrize(
    ("method", "body"),
    [("GET", None), ("DELETE", None), ("POST", b'{"a": 1, "text": "h\xc3\xa9"}'), ("PUT", b"xyz")],
)
def test_signature_matches_the_oci_sdk(
    oci_config_file: Path, method: str, body: bytes | None
) -> None:
    sdk = _sdk_sign(oci_config_file, method, URL, body)
    ours = _ours(oci_config_file, method, URL, body)
    assert ours.headers["authorization"] == sdk.headers["authorization"]
    for name in _parts(sdk.headers["authorization"])["headers"].split():
        if name != "(request-target)":
            assert ours.headers[name] == (sdk.headers.get(name) or ours.headers[name]), name


def test_unsigned_body_matches_sdk_without_content_headers(oci_config_file: Path) -> None:
    sdk = _sdk_sign(oci_config_file, "PUT", URL, b"payload", enforce_content_headers=False)
    ours = _ours(oci_config_file, "PUT", URL, b"payload", oci_unsigned_body=True)
    assert ours.headers["authorization"] == sdk.headers["authorization"]
    assert _parts(ours.headers["authorization"])["headers"] == "date (request-target) host"


def test_post_signature_verifies_with_public_key(
    oci_config_file: Path, rsa_key: rsa.RSAPrivateKey
) -> None:
    body = b'{"compartmentId": "x"}'
    request = _ours(oci_config_file, "POST", URL, body)
    parts = _parts(request.headers["authorization"])
    assert parts["keyId"] == f"{TENANCY}/{USER}/{FINGERPRINT}"
    assert parts["algorithm"] == "rsa-sha256"
    assert parts["version"] == "1"
    assert (
        parts["headers"]
        == "date (request-target) host content-length content-type x-content-sha256"
    )
    assert (
        request.headers["x-content-sha256"]
        == base64.b64encode(hashlib.sha256(body).digest()).decode()
    )
    # rebuild the signing string independently from the wire request
    lines = []
    for name in parts["headers"].split():
        if name == "(request-target)":
            lines.append(f"(request-target): post {request.url.raw_path.decode()}")
        else:
            lines.append(f"{name}: {request.headers[name]}")
    assert lines[1] == "(request-target): post /20231130/actions/chat?x=1&y=a%20b"
    assert lines[2] == "host: inference.generativeai.us-chicago-1.oci.oraclecloud.com"
    rsa_key.public_key().verify(
        base64.b64decode(parts["signature"]),
        "\n".join(lines).encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


def test_get_signature_verifies_and_tampering_fails(
    oci_config_file: Path, rsa_key: rsa.RSAPrivateKey
) -> None:
    from cryptography.exceptions import InvalidSignature

    request = _ours(
        oci_config_file,
        "GET",
        "https://objectstorage.us-chicago-1.oraclecloud.com/n/ns/b/bk/o?prefix=t%2F",
        None,
    )
    parts = _parts(request.headers["authorization"])
    assert parts["headers"] == "date (request-target) host"
    assert "x-content-sha256" not in request.headers
    signed = f"date: {DATE}\n(request-target): get /n/ns/b/bk/o?prefix=t%2F\nhost: objectstorage.us-chicago-1.oraclecloud.com"
    rsa_key.public_key().verify(
        base64.b64decode(parts["signature"]), signed.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(
            base64.b64decode(parts["signature"]),
            signed.replace("get", "delete").encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )


async def test_signer_signs_through_an_async_client(
    oci_config_file: Path, rsa_key: rsa.RSAPrivateKey
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handler),
        auth=OCIRequestSigner.from_config(path=str(oci_config_file)),
    ) as client:
        await client.post("https://example.oraclecloud.com/a", json={"k": "v"})
    req = seen[0]
    assert "date" in req.headers
    assert req.headers["authorization"].startswith("Signature ")
    assert (
        req.headers["x-content-sha256"]
        == base64.b64encode(hashlib.sha256(req.content).digest()).decode()
    )


def test_sdk_signer_adapter_produces_the_sdk_signature(oci_config_file: Path) -> None:
    config = oci.config.from_file(str(oci_config_file))
    adapter = OCISDKSigner(oci.signer.Signer.from_config(config))
    body = b'{"q": 1}'
    request = httpx.Request(
        "POST", URL, headers={"date": DATE, "content-type": "application/json"}, content=body
    )
    adapter.sign(request)
    assert (
        request.headers["authorization"]
        == _sdk_sign(oci_config_file, "POST", URL, body).headers["authorization"]
    )


def test_security_token_key_id(oci_config_file: Path, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("tok.en.value\n")
    text = oci_config_file.read_text().replace("[OTHER]", f"security_token_file={token}\n\n[OTHER]")
    oci_config_file.write_text(text)
    signer = make_auth("security_token", config_file=str(oci_config_file))
    assert isinstance(signer, OCIRequestSigner)
    assert signer.key_id == "ST$tok.en.value"


def test_config_profiles_env_and_errors(
    oci_config_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OCI_CONFIG_FILE", str(oci_config_file))
    cfg = load_oci_config()
    assert cfg.region == "us-chicago-1"
    assert cfg.tenancy == TENANCY
    monkeypatch.setenv("OCI_CONFIG_PROFILE", "OTHER")
    other = load_oci_config()
    assert other.region == "eu-frankfurt-1"
    assert other.user == USER
    assert resolve_region(None, other) == "eu-frankfurt-1"
    monkeypatch.setenv("OCI_REGION", "us-ashburn-1")
    assert resolve_region(None, other) == "us-ashburn-1"
    assert resolve_compartment(None, other) == TENANCY
    monkeypatch.setenv("OCI_COMPARTMENT_ID", "ocid1.compartment.oc1..env")
    assert resolve_compartment(None, other) == "ocid1.compartment.oc1..env"
    with pytest.raises(ConfigError, match="no profile"):
        load_oci_config(profile="MISSING")
    with pytest.raises(ConfigError, match="not found"):
        load_oci_config(tmp_path / "nope")
    with pytest.raises(ValidationError, match="auth_type"):
        make_auth("password")
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    with pytest.raises(ConfigError, match="PEM"):
        OCIRequestSigner("a/b/c", bad.read_text())
