"""Credentials, endpoint and signed, retried requests to OCI Generative AI's native API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from locus.core.errors import ConfigError, ValidationError
from locus.models.guard import check_allow_model_requests
from locus.models.retry import RetryPolicy, retry_async
from locus.oci._config import (
    OCIConfig,
    inference_endpoint,
    load_oci_config,
    resolve_compartment,
    resolve_region,
)
from locus.oci._errors import auth_setup_error, malformed, map_oci_exception, map_oci_status

if TYPE_CHECKING:
    import httpx

__all__ = [
    "API_VERSION",
    "DEDICATED_PREFIX",
    "OCIClientBase",
    "OCISetup",
    "resolve_oci",
    "serving_mode",
]

API_VERSION = "20231130"
DEDICATED_PREFIX = "ocid1.generativeaiendpoint"
DEFAULT_TIMEOUT = 120.0


def serving_mode(model: str) -> dict[str, str]:
    """``ON_DEMAND`` with a model id, or ``DEDICATED`` for an endpoint OCID."""
    if model.startswith(DEDICATED_PREFIX):
        return {"servingType": "DEDICATED", "endpointId": model}
    return {"servingType": "ON_DEMAND", "modelId": model}


@dataclass(frozen=True)
class OCISetup:
    """Resolved credentials and endpoint."""

    config: OCIConfig | None
    auth: httpx.Auth
    compartment_id: str
    service_endpoint: str


def resolve_oci(
    *,
    provider: str = "oci",
    compartment_id: str | None = None,
    region: str | None = None,
    service_endpoint: str | None = None,
    auth: httpx.Auth | None = None,
    auth_type: str = "api_key",
    config_file: str | None = None,
    profile: str | None = None,
    config: OCIConfig | None = None,
    need_compartment: bool = True,
) -> OCISetup:
    """Resolve the signer, compartment and inference endpoint from arguments, env and config.

    Raises:
        locus.core.errors.ModelAuthError: Something is missing (with the offline hint).
    """
    try:
        if auth is None:
            from locus.oci.auth import make_auth

            if config is None and auth_type in ("api_key", "security_token"):
                config = load_oci_config(config_file, profile)
            auth = make_auth(auth_type, config=config, config_file=config_file, profile=profile)
        if service_endpoint is None:
            service_endpoint = inference_endpoint(resolve_region(region, config))
        compartment = resolve_compartment(compartment_id, config)
        if not compartment and need_compartment:
            raise ConfigError("no compartment: pass compartment_id=... or set OCI_COMPARTMENT_ID")
    except ConfigError as exc:
        raise auth_setup_error(provider, exc) from exc
    return OCISetup(config, auth, compartment or "", service_endpoint.rstrip("/"))


class OCIClientBase:
    """Shared set-up of every OCI Generative AI class.

    Args:
        compartment_id: Compartment OCID; defaults to ``OCI_COMPARTMENT_ID``, the
            profile's ``compartment_id``, then its tenancy.
        region: Region; defaults to ``OCI_REGION``, then the profile's.
        service_endpoint: Inference host, overriding the region's.
        auth: A ready ``httpx.Auth`` (e.g. :class:`~locus.oci.auth.OCIRequestSigner`).
        auth_type: ``api_key`` (default), ``security_token``,
            ``instance_principal`` or ``resource_principal``.
        config_file: OCI config file (``OCI_CONFIG_FILE``, ``~/.oci/config``).
        profile: Config profile (``OCI_CONFIG_PROFILE``, ``DEFAULT``).
        config: A loaded :class:`~locus.oci.OCIConfig` (skips reading the file).
        http_client: ``httpx.AsyncClient`` to send through; its ``auth`` is set to the signer.
        transport: An ``httpx`` async transport (recorded responses in tests).
        timeout: Seconds per attempt.
        max_retries: Retries after the first attempt on 429 / 5xx / timeouts.
        retry_policy: Full retry policy (overrides ``max_retries``).
        sleep: Awaitable sleep between retries (tests inject a recorder).

    Raises:
        locus.core.errors.ModelAuthError: Credentials, region or compartment missing.
    """

    provider_name = "oci"

    def __init__(
        self,
        *,
        compartment_id: str | None = None,
        region: str | None = None,
        service_endpoint: str | None = None,
        auth: httpx.Auth | None = None,
        auth_type: str = "api_key",
        config_file: str | None = None,
        profile: str | None = None,
        config: OCIConfig | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValidationError(f"max_retries must be >= 0, got {max_retries}")
        setup = resolve_oci(
            provider=self.provider_name,
            compartment_id=compartment_id,
            region=region,
            service_endpoint=service_endpoint,
            auth=auth,
            auth_type=auth_type,
            config_file=config_file,
            profile=profile,
            config=config,
        )
        self.config = setup.config
        self.auth = setup.auth
        self.compartment_id = setup.compartment_id
        self.service_endpoint = setup.service_endpoint  # resolve_oci strips the trailing "/"
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy(max_attempts=max_retries + 1)
        self._sleep = sleep or asyncio.sleep
        self._http_client = http_client
        self._transport = transport
        if http_client is not None:
            http_client.auth = setup.auth

    @property
    def http(self) -> httpx.AsyncClient:
        """The signing ``httpx.AsyncClient``, built on first use."""
        if self._http_client is None:
            import httpx

            self._http_client = httpx.AsyncClient(
                auth=self.auth, transport=self._transport, timeout=self.timeout
            )
        return self._http_client

    async def aclose(self) -> None:
        """Close the HTTP client."""
        if self._http_client is not None:
            await self._http_client.aclose()

    def action_url(self, action: str) -> str:
        """``<endpoint>/20231130/actions/<action>``."""
        return f"{self.service_endpoint}/{API_VERSION}/actions/{action}"

    async def post_json(self, action: str, body: dict[str, Any]) -> Any:
        """POST ``body`` to an action with retries; the decoded JSON answer.

        Raises:
            locus.core.errors.ModelError: (and subclasses) as mapped from the failure.
        """
        url = self.action_url(action)
        content = json.dumps(body).encode()

        async def attempt() -> Any:
            check_allow_model_requests(self.provider_name)
            try:
                response = await self.http.post(
                    url, content=content, headers={"content-type": "application/json"}
                )
            except Exception as exc:
                raise map_oci_exception(exc, provider=self.provider_name) from exc
            if response.status_code >= 400:
                raise map_oci_status(
                    response.status_code,
                    response.headers,
                    response.text,
                    provider=self.provider_name,
                )
            try:
                return response.json()
            except ValueError as exc:
                raise malformed(
                    self.provider_name, f"not JSON: {response.text[:200]!r}", exc
                ) from exc

        return await retry_async(attempt, self.retry_policy, sleep=self._sleep)

    async def open_stream(self, action: str, body: dict[str, Any]) -> httpx.Response:
        """POST ``body`` and return the open streaming response (retried until it opens)."""
        url = self.action_url(action)
        content = json.dumps(body).encode()

        async def attempt() -> httpx.Response:
            check_allow_model_requests(self.provider_name)
            try:
                request = self.http.build_request(
                    "POST",
                    url,
                    content=content,
                    headers={"content-type": "application/json", "accept": "text/event-stream"},
                )
                response = await self.http.send(request, stream=True)
            except Exception as exc:
                raise map_oci_exception(exc, provider=self.provider_name) from exc
            if response.status_code >= 400:
                text = (await response.aread()).decode(errors="replace")
                await response.aclose()
                raise map_oci_status(
                    response.status_code, response.headers, text, provider=self.provider_name
                )
            return response

        return await retry_async(attempt, self.retry_policy, sleep=self._sleep)
