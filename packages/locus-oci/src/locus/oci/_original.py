"""The original locus's ``locus.models.providers.oci`` names, as adapters over locus-oci.

Core serves these under ``locus.models.providers.oci`` (and its ``openai_compat``,
``responses``, ``client`` submodules) through the ``locus_register_integrations``
hook (``"oci"`` → this module). Each ``XConfig`` keeps the original's fields; each
model builds the locus-oci model with the same settings:

- ``OCIModel(config=OCIConfig(model_id=...))`` → :class:`~locus.oci.OCICohereModel`
  for ``cohere.*`` models and dedicated endpoints, else
  :class:`~locus.oci.OCIOpenAIModel` (OCI's OpenAI-compatible endpoint);
- ``OCIOpenAIModel(config=OCIOpenAIConfig(...))`` is an :class:`~locus.oci.OCIOpenAIModel`;
- ``OCIResponsesModel(config=OCIResponsesConfig(...))`` is an
  :class:`~locus.oci.OCIResponsesModel`.

Keywords that are not config fields (``region=``, ``transport=``, ``http_client=``,
``sleep=``...) go to the locus-oci model as they are. ``docs/migrating.md`` lists
the original's OCI names that have no counterpart here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from locus.core.errors import ConfigError, ModelError, ValidationError
from locus.models.base import ModelConfig
from locus.models.native.openai import OpenAIConfig
from locus.oci._config import inference_endpoint
from locus.oci._factory import create_model
from locus.oci._openai import OPENAI_PATH
from locus.oci._openai import OCIOpenAIModel as _OCIOpenAIModel
from locus.oci._openai import OCIResponsesModel as _OCIResponsesModel

__all__ = [
    "DEFAULT_OCI_GENAI_REGION",
    "OCIAuthType",
    "OCIConfig",
    "OCIModel",
    "OCIOpenAIConfig",
    "OCIOpenAIModel",
    "OCIProjectRequiredError",
    "OCIResponsesConfig",
    "OCIResponsesModel",
    "OCIResponsesStateLostError",
    "build_oci_openai_base_url",
]

DEFAULT_OCI_GENAI_REGION = "us-chicago-1"
"""The original's default region. Here a model's region comes from ``region=``,
``OCI_REGION`` or the OCI profile (an error when none has one); pass this constant
as ``region=`` to keep the old default."""


class OCIAuthType(StrEnum):
    """How requests are signed; the value is the ``auth_type`` string locus-oci takes."""

    API_KEY = "api_key"
    SECURITY_TOKEN = "security_token"
    SESSION_TOKEN = "session_token"
    """Same as ``SECURITY_TOKEN``: the profile's ``security_token_file``."""
    INSTANCE_PRINCIPAL = "instance_principal"
    RESOURCE_PRINCIPAL = "resource_principal"


def build_oci_openai_base_url(region: str) -> str:
    """The OpenAI-compatible API root of ``region`` (what :class:`OCIOpenAIModel` calls).

    Raises:
        ValidationError: ``region`` is empty.
    """
    if not isinstance(region, str) or not region.strip():
        raise ValidationError("build_oci_openai_base_url needs a region such as 'us-chicago-1'")
    return inference_endpoint(region.strip()) + OPENAI_PATH


def _split(
    fields: type[BaseModel], kwargs: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``kwargs`` cut into the config's fields and the rest (locus-oci options)."""
    own = {k: v for k, v in kwargs.items() if k in fields.model_fields}
    return own, {k: v for k, v in kwargs.items() if k not in own}


def _sampling(config: ModelConfig) -> dict[str, Any]:
    """``max_tokens``/``temperature``/``top_p``/``stop`` of a config, unset ones left out."""
    values = {
        "max_tokens": config.max_tokens,
        "temperature": config.temperature,
        "top_p": config.top_p,
        "stop": list(config.stop_sequences) or None,
    }
    return {k: v for k, v in values.items() if v is not None}


def _penalties(config: Any) -> dict[str, Any]:
    values = {k: getattr(config, k) for k in ("frequency_penalty", "presence_penalty")}
    return {k: v for k, v in values.items() if v is not None}


class OCIConfig(ModelConfig):
    """The original's OCI model settings (``model_id`` wins over ``model``)."""

    model_id: str = ""
    compartment_id: str | None = None
    profile_name: str | None = None
    config_file: str | None = None
    auth_type: OCIAuthType = OCIAuthType.API_KEY
    service_endpoint: str | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None


def OCIModel(config: OCIConfig | None = None, **kwargs: Any) -> Any:
    """The locus-oci model ``config`` describes (see the module docstring for which).

    Args:
        config: The settings; else built from the :class:`OCIConfig` fields in ``kwargs``.
        **kwargs: ``OCIConfig`` fields (without ``config``) and locus-oci options.

    Raises:
        ValidationError: No model id.
        locus.core.errors.ModelAuthError: No usable OCI credentials.
    """
    fields, options = _split(OCIConfig, kwargs)
    if config is None:
        config = OCIConfig(**fields)
    elif fields:
        config = config.model_copy(update=fields)
    name = config.model_id or config.model
    setup: dict[str, Any] = {
        "compartment_id": config.compartment_id,
        "profile": config.profile_name,
        "config_file": config.config_file,
        "auth_type": config.auth_type.value,
        "service_endpoint": config.service_endpoint,
    }
    sampling = _sampling(config)
    params = {**_penalties(config), **options.pop("params", {})}
    if name.startswith("cohere.") or name.startswith("ocid1.generativeaiendpoint"):
        # native Cohere chat: temperature/max_tokens are arguments, the rest chat options
        top = {k: sampling.pop(k) for k in ("temperature", "max_tokens") if k in sampling}
        params = {**sampling, **params}
        return create_model(name, **setup, **top, params=params or None, **options)
    return create_model(name, api="openai", **setup, **sampling, params=params, **options)


class OCIOpenAIConfig(OpenAIConfig):
    """The original's settings of OCI's OpenAI-compatible endpoint."""

    model: str = "openai.gpt-5.5"
    region: str | None = None
    profile: str | None = None
    auth_type: OCIAuthType = OCIAuthType.API_KEY
    config_file: str | None = None
    compartment_id: str | None = None


def _openai_options(config: OCIOpenAIConfig, options: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "api_key": config.api_key,
        "base_url": config.base_url,
        "organization": config.organization,
        "max_retries": config.max_retries,
        "timeout": config.request_timeout,
        "seed": config.seed,
        "region": config.region,
        "profile": config.profile,
        "auth_type": config.auth_type.value,
        "config_file": config.config_file,
        "compartment_id": config.compartment_id,
        **_sampling(config),
    }
    if config.request_timeout is None:
        del values["timeout"]  # keep locus-oci's default
    params = {**_penalties(config), **options.pop("params", {})}
    return {**{k: v for k, v in values.items() if v is not None}, "params": params, **options}


class OCIOpenAIModel(_OCIOpenAIModel):
    """:class:`locus.oci.OCIOpenAIModel` built from an :class:`OCIOpenAIConfig`.

    Args:
        config: The settings; else built from the config fields in ``kwargs``.
        **kwargs: ``OCIOpenAIConfig`` fields and locus-oci options (``transport=``...).

    Attributes:
        config: The settings it was built from.
    """

    def __init__(self, config: OCIOpenAIConfig | None = None, **kwargs: Any) -> None:
        fields, options = _split(OCIOpenAIConfig, kwargs)
        if config is None:
            config = OCIOpenAIConfig(**fields)
        elif fields:
            config = config.model_copy(update=fields)
        super().__init__(config.model, **_openai_options(config, options))
        self.config = config


class OCIProjectRequiredError(ConfigError):
    """``OCIResponsesConfig(store=True)`` without a ``project_ocid``: stored responses
    belong to a Generative AI project."""


class OCIResponsesStateLostError(ModelError):
    """Server-side response state is gone.

    Never raised here: :class:`OCIResponsesModel` sends the whole conversation on
    every turn, so a run never depends on state kept by the server. Kept so
    ``except OCIResponsesStateLostError`` clauses keep working.
    """


class OCIResponsesConfig(BaseModel):
    """The original's settings of OCI's OpenAI-compatible Responses API."""

    model: str = "openai.gpt-5.5"
    region: str | None = None
    profile: str | None = None
    auth_type: OCIAuthType = OCIAuthType.API_KEY
    config_file: str | None = None
    compartment_id: str | None = None
    project_ocid: str | None = None
    base_url: str | None = None
    max_output_tokens: int | None = None
    temperature: float | None = None
    request_timeout: float | None = None
    store: bool = False


class OCIResponsesModel(_OCIResponsesModel):
    """:class:`locus.oci.OCIResponsesModel` built from an :class:`OCIResponsesConfig`.

    ``project_ocid`` is sent as the ``OpenAI-Project`` header; ``store=True``
    keeps responses server-side (and needs ``project_ocid``).

    Raises:
        OCIProjectRequiredError: ``store=True`` without ``project_ocid``.
    """

    def __init__(self, config: OCIResponsesConfig | None = None, **kwargs: Any) -> None:
        fields, options = _split(OCIResponsesConfig, kwargs)
        if config is None:
            config = OCIResponsesConfig(**fields)
        elif fields:
            config = config.model_copy(update=fields)
        if config.store and not config.project_ocid:
            raise OCIProjectRequiredError(
                "OCIResponsesConfig(store=True) needs project_ocid=<Generative AI project OCID>; "
                "or keep store=False (the conversation is sent on every turn)"
            )
        values: dict[str, Any] = {
            "region": config.region,
            "profile": config.profile,
            "auth_type": config.auth_type.value,
            "config_file": config.config_file,
            "compartment_id": config.compartment_id,
            "base_url": config.base_url,
            "project": config.project_ocid,
            "timeout": config.request_timeout,
            "temperature": config.temperature,
            "max_tokens": config.max_output_tokens,
        }
        params = {"store": True, **options.pop("params", {})} if config.store else None
        if params is not None:
            options["params"] = params
        super().__init__(
            config.model, **{k: v for k, v in values.items() if v is not None}, **options
        )
        self.config = config

    @property
    def server_stateful(self) -> bool:
        """``False``: every turn sends the whole conversation (even with ``store=True``)."""
        return False
