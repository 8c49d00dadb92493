"""The original locus's ``locus.models.providers.oci`` names build locus-oci's models.

Each adapter is driven through the SDK's HTTP layer (recorded responses): the
settings of the original's config objects must reach the wire.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from locus.core.errors import ConfigError, ModelError, ValidationError
from locus.core.messages import Message
from locus.models.providers import OCIAuthType as ProvidersAuthType
from locus.models.providers.oci import (
    DEFAULT_OCI_GENAI_REGION,
    OCIAuthType,
    OCIConfig,
    OCIModel,
    OCIOpenAIConfig,
    OCIOpenAIModel,
    OCIProjectRequiredError,
    OCIResponsesConfig,
    OCIResponsesModel,
    OCIResponsesStateLostError,
    build_oci_openai_base_url,
)
from locus.models.providers.oci.client import OCIAuthType as ClientAuthType
from locus.oci import OCICohereModel
from locus.oci import OCIOpenAIModel as LocusOCIOpenAIModel
from locus.oci.auth import OCIRequestSigner, make_auth

COMPARTMENT = "ocid1.compartment.oc1..aaaatest"
CHICAGO = "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/openai/v1"


@pytest.fixture
def setup(oci_config_file: Path, recorder: Any, fake_sleep: Any) -> dict[str, Any]:
    return {"config_file": str(oci_config_file), "compartment_id": COMPARTMENT}


async def test_oci_model_routes_cohere_to_native_chat_with_the_configs_sampling(
    setup: dict[str, Any], recorder: Any, fake_sleep: Any
) -> None:
    recorder.add("cohere_chat_text.json")
    config = OCIConfig(
        model_id="cohere.command-r-plus",
        temperature=0.2,
        max_tokens=64,
        top_p=0.9,
        stop_sequences=["END"],
        frequency_penalty=0.1,
        **setup,
    )
    model = OCIModel(config=config, transport=recorder.transport(), sleep=fake_sleep)
    assert isinstance(model, OCICohereModel)
    result = await model.complete([Message.user("What is the capital of France?")])
    assert result.text == "Paris is the capital of France."
    body = recorder.body()
    assert body["servingMode"] == {"servingType": "ON_DEMAND", "modelId": "cohere.command-r-plus"}
    assert body["compartmentId"] == COMPARTMENT
    chat = body["chatRequest"]
    assert (chat["temperature"], chat["maxTokens"], chat["topP"]) == (0.2, 64, 0.9)
    assert chat["stopSequences"] == ["END"]
    assert chat["frequencyPenalty"] == 0.1


async def test_oci_model_sends_other_models_to_the_openai_compatible_endpoint(
    setup: dict[str, Any], recorder: Any, fake_sleep: Any
) -> None:
    recorder.add("openai_chat_text.json")
    model = OCIModel(
        model_id="meta.llama-3.3-70b-instruct",
        temperature=0.3,
        max_tokens=32,
        stop_sequences=["STOP"],
        presence_penalty=0.5,
        auth_type=OCIAuthType.API_KEY,
        http_client=httpx.AsyncClient(transport=recorder.transport()),
        sleep=fake_sleep,
        **setup,
    )
    assert isinstance(model, LocusOCIOpenAIModel)
    result = await model.complete([Message.user("hi")])
    assert result.text == "Hello from OCI."
    assert str(recorder.requests[0].url) == f"{CHICAGO}/chat/completions"
    body = recorder.body()
    assert body["model"] == "meta.llama-3.3-70b-instruct"
    assert body["temperature"] == 0.3
    assert body["stop"] == ["STOP"]
    assert body["presence_penalty"] == 0.5
    assert recorder.requests[0].headers["opc-compartment-id"] == COMPARTMENT


def test_oci_model_without_a_model_id_is_a_validation_error(setup: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="model id"):
        OCIModel(config=OCIConfig(**setup))


async def test_oci_openai_model_keeps_its_config_and_region(
    setup: dict[str, Any], recorder: Any, fake_sleep: Any
) -> None:
    recorder.add("openai_chat_text.json")
    config = OCIOpenAIConfig(
        model="openai.gpt-5.5", region="eu-frankfurt-1", seed=7, request_timeout=5.0, **setup
    )
    model = OCIOpenAIModel(
        config, http_client=httpx.AsyncClient(transport=recorder.transport()), sleep=fake_sleep
    )
    assert isinstance(model, LocusOCIOpenAIModel)
    assert model.config is config
    assert model.timeout == 5.0
    await model.complete([Message.user("hi")])
    assert str(recorder.requests[0].url) == (
        build_oci_openai_base_url("eu-frankfurt-1") + "/chat/completions"
    )
    assert recorder.body()["seed"] == 7


def test_build_oci_openai_base_url() -> None:
    assert build_oci_openai_base_url(DEFAULT_OCI_GENAI_REGION) == CHICAGO
    with pytest.raises(ValidationError):
        build_oci_openai_base_url(" ")


def test_responses_store_needs_a_project(setup: dict[str, Any]) -> None:
    with pytest.raises(OCIProjectRequiredError, match="project_ocid") as info:
        OCIResponsesModel(config=OCIResponsesConfig(store=True, **setup))
    assert isinstance(info.value, ConfigError)
    assert issubclass(OCIResponsesStateLostError, ModelError)


async def test_responses_model_sends_project_store_and_output_cap(
    setup: dict[str, Any], recorder: Any, fake_sleep: Any
) -> None:
    recorder.add("responses_text.json")
    config = OCIResponsesConfig(
        model="openai.gpt-5.5",
        project_ocid="ocid1.generativeaiproject.oc1..p",
        store=True,
        max_output_tokens=100,
        **setup,
    )
    model = OCIResponsesModel(
        config, http_client=httpx.AsyncClient(transport=recorder.transport()), sleep=fake_sleep
    )
    assert model.config is config
    assert model.server_stateful is False
    result = await model.complete([Message.user("hi")])
    assert result.text == "Hi via Responses."
    request = recorder.requests[0]
    assert str(request.url) == f"{CHICAGO}/responses"
    assert request.headers["openai-project"] == "ocid1.generativeaiproject.oc1..p"
    body = recorder.body()
    assert body["store"] is True
    assert body["max_output_tokens"] == 100


def test_session_token_auth_type_signs_with_the_profiles_token(
    oci_config_file: Path, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("tok.en.value\n")
    text = oci_config_file.read_text().replace("[OTHER]", f"security_token_file={token}\n\n[OTHER]")
    oci_config_file.write_text(text)
    signer = make_auth(OCIAuthType.SESSION_TOKEN, config_file=str(oci_config_file))
    assert isinstance(signer, OCIRequestSigner)
    assert signer.key_id == "ST$tok.en.value"
    assert ProvidersAuthType is OCIAuthType is ClientAuthType
