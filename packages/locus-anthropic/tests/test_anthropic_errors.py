"""Error mapping, retries, the request guard and credentials, over recorded HTTP responses."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from locus.anthropic import AnthropicModel
from locus.core.errors import (
    ModelAuthError,
    ModelError,
    ModelResponseError,
    ModelThrottledError,
    ValidationError,
)
from locus.core.messages import Message
from locus.models.failover import FailoverReason
from locus.models.guard import ModelRequestsForbiddenError, override_allow_model_requests

HELLO = [Message.user("hello")]


def make_model(recorder: Any, fake_sleep: Any = None, **kwargs: Any) -> AnthropicModel:
    return AnthropicModel(
        "claude-sonnet-4-6",
        api_key="sk-ant-test",
        http_client=recorder.client(),
        sleep=fake_sleep,
        **kwargs,
    )


async def test_401_is_an_auth_error_and_not_retried(recorder: Any, fake_sleep: Any) -> None:
    recorder.add("error_401.json", status=401)
    with pytest.raises(ModelAuthError) as info:
        await make_model(recorder, fake_sleep).complete(HELLO)
    assert info.value.reason is FailoverReason.AUTH
    assert "invalid x-api-key" in str(info.value)
    assert "Agent(model='test')" in str(info.value)
    assert len(recorder.requests) == 1


async def test_429_waits_the_servers_retry_after_then_succeeds(
    recorder: Any, fake_sleep: Any, sleeps: list[float]
) -> None:
    recorder.add("error_429.json", status=429, headers={"retry-after": "7"})
    recorder.add("message_text.json")
    response = await make_model(recorder, fake_sleep).complete(HELLO)
    assert response.text == "Paris is the capital of France."
    assert sleeps == [7.0]
    assert len(recorder.requests) == 2


async def test_429_exhausted_is_a_throttled_error_with_retry_after(
    recorder: Any, fake_sleep: Any, sleeps: list[float]
) -> None:
    for _ in range(3):
        recorder.add("error_429.json", status=429, headers={"retry-after": "2"})
    with pytest.raises(ModelThrottledError) as info:
        await make_model(recorder, fake_sleep, max_retries=2).complete(HELLO)
    assert info.value.retry_after == 2.0
    assert info.value.reason is FailoverReason.RATE_LIMIT
    assert "rate_limit_error" in str(info.value)
    assert sleeps == [2.0, 2.0]
    assert len(recorder.requests) == 3


async def test_500_then_success(recorder: Any, fake_sleep: Any, sleeps: list[float]) -> None:
    recorder.add("error_500.json", status=500).add("message_text.json")
    response = await make_model(recorder, fake_sleep).complete(HELLO)
    assert response.stop_reason == "stop"
    assert len(sleeps) == 1
    assert len(recorder.requests) == 2


async def test_529_overloaded_is_retried_then_reported(
    recorder: Any, fake_sleep: Any, sleeps: list[float]
) -> None:
    for _ in range(4):
        recorder.add("error_529.json", status=529)
    with pytest.raises(ModelError) as info:
        await make_model(recorder, fake_sleep).complete(HELLO)
    assert info.value.reason is FailoverReason.OVERLOADED
    assert "overloaded_error" in str(info.value)
    assert len(recorder.requests) == 4  # max_retries=3 by default: bounded
    assert len(sleeps) == 3


async def test_prompt_too_long_is_context_length_and_not_retried(
    recorder: Any, fake_sleep: Any
) -> None:
    recorder.add("error_400_context.json", status=400)
    with pytest.raises(ModelError) as info:
        await make_model(recorder, fake_sleep).complete(HELLO)
    assert info.value.reason is FailoverReason.CONTEXT_LENGTH
    assert len(recorder.requests) == 1


async def test_timeout_is_retried_then_a_timeout_error(
    fake_sleep: Any, sleeps: list[float]
) -> None:
    attempts: list[int] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        attempts.append(1)
        raise httpx2.ReadTimeout("read timed out", request=request)

    client = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    model = AnthropicModel(
        "claude-sonnet-4-6", api_key="k", http_client=client, sleep=fake_sleep, max_retries=1
    )
    with pytest.raises(ModelError) as info:
        await model.complete(HELLO)
    assert info.value.reason is FailoverReason.TIMEOUT
    assert len(attempts) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    "body", ["<html>502 Bad Gateway</html>", '{"id": "msg_1", "type": "message"}']
)
async def test_malformed_body_is_a_response_error(body: str, fake_sleep: Any) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": "application/json"})

    client = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    model = AnthropicModel("claude-sonnet-4-6", api_key="k", http_client=client, sleep=fake_sleep)
    with pytest.raises(ModelResponseError) as info:
        await model.complete(HELLO)
    assert info.value.reason is FailoverReason.MALFORMED_RESPONSE


async def test_missing_content_fixture_is_a_response_error(recorder: Any) -> None:
    recorder.add("message_no_content.json")
    with pytest.raises(ModelResponseError, match="malformed"):
        await make_model(recorder).complete(HELLO)


def test_missing_key_says_where_to_put_one_and_how_to_try_offline() -> None:
    with pytest.raises(ModelAuthError) as info:
        AnthropicModel("claude-sonnet-4-6")
    message = str(info.value)
    assert "ANTHROPIC_API_KEY" in message
    assert "Agent(model='test')" in message


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/anthropic")
    model = AnthropicModel()
    assert model.api_key == "sk-ant-env"
    assert str(model.client.base_url).startswith("http://127.0.0.1:9/anthropic")
    assert model.client.max_retries == 0  # ours are the only retries


async def test_base_url_is_where_requests_go(recorder: Any) -> None:
    recorder.add("message_text.json")
    model = make_model(recorder, base_url="http://127.0.0.1:8080/proxy")
    await model.complete(HELLO)
    assert str(recorder.requests[0].url) == "http://127.0.0.1:8080/proxy/v1/messages"


async def test_the_guard_blocks_real_requests(recorder: Any) -> None:
    recorder.add("message_text.json")
    model = make_model(recorder)
    with override_allow_model_requests(False), pytest.raises(ModelRequestsForbiddenError):
        await model.complete(HELLO)
    assert recorder.requests == []


def test_a_plain_httpx_client_is_refused_with_the_fix() -> None:
    httpx = pytest.importorskip("httpx")  # not a dependency of locus-anthropic
    with pytest.raises(ValidationError, match="httpx2"):
        AnthropicModel("claude-sonnet-4-6", api_key="k", http_client=httpx.AsyncClient())


def test_bad_constructor_arguments() -> None:
    with pytest.raises(ValidationError):
        AnthropicModel("", api_key="k")
    with pytest.raises(ValidationError):
        AnthropicModel("claude-sonnet-4-6", api_key="k", max_retries=-1)
    with pytest.raises(ValidationError):
        AnthropicModel("claude-sonnet-4-6", api_key="k", structured_output="magic")


async def test_sdk_refusal_before_sending_is_a_validation_error(recorder: Any) -> None:
    # without a timeout the SDK refuses non-streaming calls that may outlast 10 minutes
    model = make_model(recorder, timeout=None, max_tokens=128_000)
    with pytest.raises(ValidationError, match="stream"):
        await model.complete(HELLO)
    assert recorder.requests == []
