"""OpenAI-compatible OCI Generative AI models: ``locus-openai``'s wire format, OCI signing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from locus.oci._client import DEFAULT_TIMEOUT, resolve_oci
from locus.oci._config import OCIConfig
from locus.openai import OpenAIModel, OpenAIResponsesModel

if TYPE_CHECKING:
    import httpx

__all__ = ["OPENAI_PATH", "OCIOpenAIModel", "OCIResponsesModel"]

OPENAI_PATH = "/openai/v1"
"""Path of the OpenAI-compatible API under the inference host."""


class OCIOpenAIModel(OpenAIModel):
    """An OCI Generative AI model behind the OpenAI-compatible endpoint.

    ``"oci:openai.gpt-5.5"``, ``"oci:meta.llama-3.3-70b-instruct"``,
    ``"oci:xai.grok-4"``... The request and response format is
    :class:`locus.openai.OpenAIModel`'s (chat completions); requests go to
    ``https://inference.generativeai.<region>.oci.oraclecloud.com/openai/v1``
    signed with OCI credentials (:mod:`locus.oci.auth`), with the compartment
    in the ``CompartmentId``/``opc-compartment-id`` headers.

    Args:
        model: OCI model id, or a dedicated AI cluster endpoint OCID.
        compartment_id: Defaults to ``OCI_COMPARTMENT_ID``, the profile's, then its tenancy.
        region: Defaults to ``OCI_REGION``, then the profile's region.
        service_endpoint: Inference host overriding the region's.
        base_url: Full OpenAI-compatible root (overrides ``service_endpoint``).
        auth: A ready ``httpx.Auth`` signer.
        auth_type: ``api_key`` (default), ``security_token``, ``instance_principal``,
            ``resource_principal``.
        config_file: OCI config file (``OCI_CONFIG_FILE``, ``~/.oci/config``).
        profile: Profile (``OCI_CONFIG_PROFILE``, ``DEFAULT``).
        config: A loaded :class:`~locus.oci.OCIConfig`.
        api_key: An OCI Generative AI API key (bearer auth instead of request signing);
            defaults to ``OCI_GENAI_API_KEY``.
        http_client: ``httpx.AsyncClient`` to send through (its ``auth`` is set to the signer).
        transport: An ``httpx`` async transport (recorded responses in tests).
        default_headers: Extra headers on every request.
        timeout: Seconds per attempt.
        **options: Everything else :class:`locus.openai.OpenAIModel` takes
            (``max_retries``, ``retry_policy``, ``sleep``, ``temperature``,
            ``max_tokens``, ``reasoning_effort``, ``params``...).

    Raises:
        locus.core.errors.ModelAuthError: No usable OCI credentials.
    """

    def __init__(
        self,
        model: str = "openai.gpt-5.5",
        *,
        compartment_id: str | None = None,
        region: str | None = None,
        service_endpoint: str | None = None,
        base_url: str | None = None,
        auth: httpx.Auth | None = None,
        auth_type: str = "api_key",
        config_file: str | None = None,
        profile: str | None = None,
        config: OCIConfig | None = None,
        api_key: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        default_headers: Mapping[str, str] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        **options: Any,
    ) -> None:
        import httpx

        api_key = api_key or os.environ.get("OCI_GENAI_API_KEY") or None
        if api_key is not None:
            auth = httpx.Auth()  # bearer key: no request signing
        setup = resolve_oci(
            compartment_id=compartment_id,
            region=region,
            service_endpoint=service_endpoint,
            auth=auth,
            auth_type=auth_type,
            config_file=config_file,
            profile=profile,
            config=config,
            need_compartment=api_key is None,
        )
        self.oci = setup
        self.compartment_id = setup.compartment_id
        client = http_client or httpx.AsyncClient(transport=transport, timeout=timeout)
        if api_key is None:
            client.auth = setup.auth
        headers: dict[str, str] = {}
        if setup.compartment_id:
            headers["CompartmentId"] = setup.compartment_id
            headers["opc-compartment-id"] = setup.compartment_id
        headers.update(default_headers or {})
        super().__init__(
            model,
            api_key=api_key,
            base_url=base_url or setup.service_endpoint + OPENAI_PATH,
            http_client=client,
            default_headers=headers,
            provider_name="oci",
            require_api_key=False,
            timeout=timeout,
            **options,
        )

    # OCI's OpenAI base URL is set explicitly; never fall back to OPENAI_* env vars
    api_key_env = "OCI_GENAI_API_KEY"
    base_url_env = None
    organization_env = None
    project_env = None


class OCIResponsesModel(OCIOpenAIModel, OpenAIResponsesModel):
    """An OCI Generative AI model through the OpenAI-compatible Responses API.

    ``"oci:responses/openai.gpt-5.5"``. Same arguments as
    :class:`OCIOpenAIModel`; the request/response format is
    :class:`locus.openai.OpenAIResponsesModel`'s.
    """
