"""Per-call client overhead of locus-oci vs the official SDKs, same signing, no network.

Cases:
- OpenAI-compatible chat with two tool calls: ``OCIOpenAIModel.complete`` vs
  ``openai.AsyncOpenAI.chat.completions.create`` on the same OCI-signed
  ``httpx`` client and ``MockTransport`` (recorded response).
- Native Cohere chat: ``OCICohereModel.complete`` vs the ``oci`` SDK's
  ``GenerativeAiInferenceClient.chat`` (its ``requests`` session gets an
  adapter serving the same recorded body; both sign with the same RSA key).

Prints µs/call and the ratio locus / SDK (goal ≤ 1.2x). Run:
``python bench/bench_provider_oci.py``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
import httpx
import requests
from _peers import median, table
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from locus.core.messages import Message
from locus.models.guard import set_allow_model_requests
from locus.oci import OCICohereModel, OCIOpenAIModel

FIX = Path(__file__).parent.parent / "packages" / "locus-oci" / "tests" / "fixtures"
COMPARTMENT = "ocid1.compartment.oc1..bench"
N = int(os.environ.get("BENCH_N", "300"))
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]


def _config() -> str:
    d = Path(tempfile.mkdtemp())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (d / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    (d / "config").write_text(
        f"[DEFAULT]\nuser=ocid1.user.oc1..u\nfingerprint=20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34\n"
        f"tenancy=ocid1.tenancy.oc1..t\nkey_file={d / 'key.pem'}\nregion=us-chicago-1\n"
    )
    return str(d / "config")


async def _time(call: Callable[[], Awaitable[Any]]) -> float:
    for _ in range(20):
        await call()
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(N // 5):
            await call()
        samples.append((time.perf_counter() - start) / (N // 5))
    return median(samples) * 1e6


async def openai_case(config: str) -> tuple[float, float]:
    from openai import AsyncOpenAI

    body = (FIX / "openai_chat_tool_calls.json").read_bytes()
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, content=body, headers={"content-type": "application/json"})
    )
    model = OCIOpenAIModel(
        "openai.gpt-5.5",
        config_file=config,
        compartment_id=COMPARTMENT,
        http_client=httpx.AsyncClient(transport=transport),
    )
    sdk = AsyncOpenAI(
        api_key="x",
        base_url=model.base_url,
        max_retries=0,
        http_client=httpx.AsyncClient(transport=transport, auth=model.oci.auth),
        default_headers={"CompartmentId": COMPARTMENT, "opc-compartment-id": COMPARTMENT},
    )
    messages = [Message.user("Weather in Paris and Lyon?")]
    raw = [{"role": "user", "content": "Weather in Paris and Lyon?"}]

    async def ours() -> Any:
        return await model.complete(messages, tools=TOOLS)

    async def bare() -> Any:
        return await sdk.chat.completions.create(model="openai.gpt-5.5", messages=raw, tools=TOOLS)  # type: ignore[arg-type]

    return await _time(ours), await _time(bare)


class _Recorded(requests.adapters.BaseAdapter):
    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body

    def send(self, request: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response._content = self.body
        response.headers["content-type"] = "application/json"
        response.request = request
        response.url = request.url
        return response

    def close(self) -> None:
        pass


async def cohere_case(config_path: str) -> tuple[float, float]:
    import oci

    body = (FIX / "cohere_chat_tool_calls.json").read_bytes()
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, content=body, headers={"content-type": "application/json"})
    )
    model = OCICohereModel(
        "cohere.command-r-plus",
        config_file=config_path,
        compartment_id=COMPARTMENT,
        transport=transport,
    )
    config = oci.config.from_file(config_path)
    client = oci.generative_ai_inference.GenerativeAiInferenceClient(
        config, retry_strategy=oci.retry.NoneRetryStrategy()
    )
    client.base_client.session.mount("https://", _Recorded(body))
    models = oci.generative_ai_inference.models
    messages = [Message.user("Weather in Paris and Lyon?")]

    async def ours() -> Any:
        return await model.complete(messages, tools=TOOLS)

    async def bare() -> Any:
        details = models.ChatDetails(
            compartment_id=COMPARTMENT,
            serving_mode=models.OnDemandServingMode(model_id="cohere.command-r-plus"),
            chat_request=models.CohereChatRequest(
                message="Weather in Paris and Lyon?",
                is_stream=False,
                tools=[
                    models.CohereTool(
                        name="get_weather",
                        description="Weather",
                        parameter_definitions={
                            "city": models.CohereParameterDefinition(
                                type="str", description="city", is_required=True
                            )
                        },
                    )
                ],
            ),
        )
        return client.chat(details).data

    return await _time(ours), await _time(bare)


async def main() -> None:
    set_allow_model_requests(True)
    config = _config()
    rows = []
    for name, case in (
        ("openai-compatible chat + 2 tool calls", openai_case),
        ("native Cohere chat + 2 tool calls", cohere_case),
    ):
        ours, bare = await case(config)
        rows.append((name, f"{ours:.0f}", f"{bare:.0f}", f"{ours / bare:.2f}x"))
    print(f"locus-oci per-call overhead (recorded responses, signed, N={N})")
    print(table(rows, ("case", "locus µs/call", "SDK µs/call", "ratio")))


if __name__ == "__main__":
    asyncio.run(main())
