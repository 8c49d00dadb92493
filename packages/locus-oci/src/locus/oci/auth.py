"""OCI request signing for ``httpx`` (HTTP Signatures, ``rsa-sha256``).

:class:`OCIRequestSigner` signs with an RSA key (an API key from
``~/.oci/config`` or a session token's key); :class:`OCISDKSigner` adapts any
``oci`` SDK signer (instance principals, resource principals...) to
``httpx``. :func:`make_auth` picks one by ``auth_type``.

Every request signs ``date``, ``(request-target)`` and ``host``; ``POST``,
``PUT`` and ``PATCH`` also sign ``content-length``, ``content-type`` and
``x-content-sha256`` (the base64 SHA-256 of the body), unless the request
carries ``extensions={"oci_unsigned_body": True}`` (Object Storage object
uploads, like the OCI SDKs do).
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import hashlib
from collections.abc import AsyncGenerator, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from locus.core.errors import ConfigError, ValidationError
from locus.oci._config import OCIConfig, load_oci_config

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = [
    "AUTH_TYPES",
    "OCIRequestSigner",
    "OCISDKSigner",
    "load_private_key",
    "make_auth",
]

AUTH_TYPES = ("api_key", "security_token", "instance_principal", "resource_principal")
"""Values accepted by :func:`make_auth`'s ``auth_type``."""

GENERIC_HEADERS = ("date", "(request-target)", "host")
BODY_HEADERS = ("content-length", "content-type", "x-content-sha256")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def load_private_key(pem: bytes | str, pass_phrase: str | None = None) -> RSAPrivateKey:
    """Load an RSA private key from PEM text.

    Raises:
        ConfigError: Not a PEM RSA private key, or a wrong / missing pass phrase.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_private_key(
            data, password=pass_phrase.encode() if pass_phrase else None
        )
    except (ValueError, TypeError) as exc:
        raise ConfigError(
            "the OCI signing key is not a readable PEM private key (wrong pass_phrase, or a "
            f"public key given instead of the private one?): {exc}",
            cause=exc,
        ) from exc
    if not isinstance(key, RSAPrivateKey):
        raise ConfigError("OCI request signing needs an RSA private key")
    return key


class OCIRequestSigner(httpx.Auth):
    """An ``httpx.Auth`` that signs each request with an RSA key.

    Args:
        key_id: ``tenancy/user/fingerprint`` for an API key, ``ST$<token>`` for a
            session token.
        private_key: The key (PEM text/bytes or a loaded ``RSAPrivateKey``).
        pass_phrase: Pass phrase of an encrypted PEM key.

    Example:
        >>> signer = OCIRequestSigner.from_config(profile="DEFAULT")  # doctest: +SKIP
        >>> client = httpx.AsyncClient(auth=signer)  # doctest: +SKIP
    """

    requires_request_body = True

    def __init__(
        self,
        key_id: str,
        private_key: RSAPrivateKey | str | bytes,
        *,
        pass_phrase: str | None = None,
    ) -> None:
        if not key_id:
            raise ValidationError("OCIRequestSigner needs a key_id ('tenancy/user/fingerprint')")
        self.key_id = key_id
        if isinstance(private_key, str | bytes):
            private_key = load_private_key(private_key, pass_phrase)
        self.private_key = private_key

    def __repr__(self) -> str:
        return f"OCIRequestSigner(key_id={self.key_id[:48]!r})"

    @classmethod
    def from_config(
        cls,
        config: OCIConfig | None = None,
        *,
        path: str | None = None,
        profile: str | None = None,
    ) -> OCIRequestSigner:
        """The API-key signer of a config profile.

        Raises:
            ConfigError: Missing file/profile/values or an unreadable key.
        """
        config = config or load_oci_config(path, profile)
        return cls(config.key_id, config.private_key_pem(), pass_phrase=config.pass_phrase)

    @classmethod
    def from_security_token(
        cls,
        config: OCIConfig | None = None,
        *,
        path: str | None = None,
        profile: str | None = None,
    ) -> OCIRequestSigner:
        """The session-token signer of a profile (``oci session authenticate``).

        Raises:
            ConfigError: The profile has no ``security_token_file`` or it is unreadable.
        """
        config = config or load_oci_config(path, profile)
        if not config.security_token_file:
            raise ConfigError(
                f"OCI profile {config.profile!r} has no security_token_file; run "
                "`oci session authenticate` or use auth_type='api_key'"
            )
        try:
            token = Path(config.security_token_file).expanduser().read_text().strip()
        except OSError as exc:
            raise ConfigError(f"cannot read the OCI security token: {exc}", cause=exc) from exc
        return cls(f"ST${token}", config.private_key_pem(), pass_phrase=config.pass_phrase)

    # -- signing ----------------------------------------------------------------

    def prepare(self, request: httpx.Request) -> list[str]:
        """Add the headers the signature covers (``date``, body hash...) and name them."""
        headers = request.headers
        if "date" not in headers:
            headers["date"] = email.utils.formatdate(usegmt=True)
        if "host" not in headers:
            headers["host"] = request.url.netloc.decode("ascii")
        names = list(GENERIC_HEADERS)
        if request.method.upper() in _BODY_METHODS and not request.extensions.get(
            "oci_unsigned_body"
        ):
            body = request.content
            headers.setdefault("content-type", "application/json")
            headers["content-length"] = str(len(body))
            if "x-content-sha256" not in headers:
                digest = hashlib.sha256(body).digest()
                headers["x-content-sha256"] = base64.b64encode(digest).decode("ascii")
            names.extend(BODY_HEADERS)
        return names

    def signing_string(self, request: httpx.Request, names: list[str]) -> str:
        """The text that is signed: one ``name: value`` line per signed header."""
        lines = []
        for name in names:
            if name == "(request-target)":
                target = request.url.raw_path.decode("ascii")
                lines.append(f"(request-target): {request.method.lower()} {target}")
            else:
                lines.append(f"{name}: {request.headers[name]}")
        return "\n".join(lines)

    def sign(self, request: httpx.Request) -> httpx.Request:
        """Sign ``request`` in place (sets ``authorization``) and return it."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        names = self.prepare(request)
        message = self.signing_string(request, names).encode("ascii")
        signature = base64.b64encode(
            self.private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        ).decode("ascii")
        request.headers["authorization"] = (
            f'Signature algorithm="rsa-sha256",headers="{" ".join(names)}",'
            f'keyId="{self.key_id}",signature="{signature}",version="1"'
        )
        return request

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        yield self.sign(request)


class OCISDKSigner(httpx.Auth):
    """Adapts an ``oci`` SDK signer (a ``requests`` auth) to ``httpx``.

    Use it for the SDK's instance-principal, resource-principal or
    delegation-token signers; those refresh their own tokens (which may do I/O,
    so async clients sign in a worker thread).

    Args:
        signer: Any ``oci.signer.AbstractBaseSigner``.
    """

    requires_request_body = True

    def __init__(self, signer: Any) -> None:
        self.signer = signer

    def __repr__(self) -> str:
        return f"OCISDKSigner({type(self.signer).__name__})"

    def sign(self, request: httpx.Request) -> httpx.Request:
        """Sign ``request`` with the wrapped signer and copy its headers back."""
        import requests

        skip = {"host", "transfer-encoding"}
        prepared = requests.Request(
            method=request.method,
            url=str(request.url),
            headers={k: v for k, v in request.headers.items() if k.lower() not in skip},
            data=request.content or None,
        ).prepare()
        if request.extensions.get("oci_unsigned_body"):
            self.signer(prepared, enforce_content_headers=False)
        else:
            self.signer(prepared)
        for name, value in prepared.headers.items():
            if name.lower() not in skip:
                request.headers[name] = value if isinstance(value, str) else value.decode()
        return request

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        request.read()
        yield self.sign(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        yield await asyncio.to_thread(self.sign, request)


def make_auth(
    auth_type: str = "api_key",
    *,
    config: OCIConfig | None = None,
    config_file: str | None = None,
    profile: str | None = None,
) -> httpx.Auth:
    """The signer for an auth type.

    Args:
        auth_type: ``"api_key"`` (default: the profile's key), ``"security_token"``
            (the profile's session token; ``"session_token"`` is the same),
            ``"instance_principal"`` or ``"resource_principal"`` (the ``oci`` SDK's
            signers; only inside OCI).
        config: A loaded profile (else read from ``config_file``/``profile``).
        config_file: Config file path (``OCI_CONFIG_FILE``, ``~/.oci/config``).
        profile: Profile name (``OCI_CONFIG_PROFILE``, ``DEFAULT``).

    Raises:
        ValidationError: Unknown ``auth_type``.
        ConfigError: The credentials cannot be loaded.
    """
    kind = auth_type.lower().replace("-", "_")
    if kind == "api_key":
        return OCIRequestSigner.from_config(config, path=config_file, profile=profile)
    if kind in ("security_token", "session_token"):
        return OCIRequestSigner.from_security_token(config, path=config_file, profile=profile)
    if kind == "instance_principal":
        from oci.auth.signers import InstancePrincipalsSecurityTokenSigner

        try:
            return OCISDKSigner(InstancePrincipalsSecurityTokenSigner())
        except Exception as exc:
            raise ConfigError(
                f"instance principal authentication failed (is this an OCI instance in a "
                f"dynamic group?): {exc}",
                cause=exc,
            ) from exc
    if kind == "resource_principal":
        from oci.auth.signers import get_resource_principals_signer

        try:
            return OCISDKSigner(get_resource_principals_signer())
        except Exception as exc:
            raise ConfigError(
                "resource principal authentication failed (OCI_RESOURCE_PRINCIPAL_VERSION and "
                f"friends are set inside OCI Functions / Data Science): {exc}",
                cause=exc,
            ) from exc
    raise ValidationError(
        f"unknown OCI auth_type {auth_type!r}; use one of {', '.join(AUTH_TYPES)}"
    )
