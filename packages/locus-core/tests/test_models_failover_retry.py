"""Failover classification, the retry policy, and the model-request guard."""

from __future__ import annotations

import email.utils
import time

import pytest

from locus.core.errors import (
    ModelAuthError,
    ModelError,
    ModelResponseError,
    ModelThrottledError,
)
from locus.models.failover import FailoverReason, classify, reason_for_status
from locus.models.guard import (
    ModelRequestsForbiddenError,
    allow_model_requests,
    check_allow_model_requests,
    override_allow_model_requests,
)
from locus.models.retry import RetryPolicy, parse_retry_after, retry_async


@pytest.mark.parametrize(
    ("status", "message", "reason"),
    [
        (429, "", FailoverReason.RATE_LIMIT),
        (401, "", FailoverReason.AUTH),
        (403, "", FailoverReason.AUTH),
        (503, "", FailoverReason.OVERLOADED),
        (529, "", FailoverReason.OVERLOADED),
        (500, "", FailoverReason.SERVER_ERROR),
        (408, "", FailoverReason.TIMEOUT),
        (400, "This model's maximum context length is 8192 tokens", FailoverReason.CONTEXT_LENGTH),
        (413, "", FailoverReason.CONTEXT_LENGTH),
        (400, "bad tool schema", FailoverReason.BAD_REQUEST),
        (404, "", FailoverReason.BAD_REQUEST),
    ],
)
def test_reason_for_status(status: int, message: str, reason: FailoverReason) -> None:
    assert reason_for_status(status, message) is reason


def test_only_transient_reasons_are_retryable() -> None:
    retryable = {r for r in FailoverReason if r.retryable}
    assert retryable == {
        FailoverReason.RATE_LIMIT,
        FailoverReason.OVERLOADED,
        FailoverReason.SERVER_ERROR,
        FailoverReason.TIMEOUT,
        FailoverReason.CONNECTION,
        FailoverReason.EMPTY_RESPONSE,  # raised only by ModelRetryHook(retry_on_empty=True)
    }


class FakeSDKError(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__(f"status {status_code}")
        self.status_code = status_code


class ReadTimeout(Exception):
    pass


def test_classify_reads_sdk_status_codes_and_type_names() -> None:
    assert classify(FakeSDKError(429)) is FailoverReason.RATE_LIMIT
    assert classify(ReadTimeout("slow")) is FailoverReason.TIMEOUT
    assert classify(ConnectionRefusedError()) is FailoverReason.CONNECTION
    assert classify(ValueError("nope")) is FailoverReason.UNKNOWN
    assert classify(None, status=502) is FailoverReason.SERVER_ERROR


def test_classify_prefers_an_explicit_reason_then_the_locus_error_type() -> None:
    assert classify(ModelError("x", reason=FailoverReason.OVERLOADED)) is FailoverReason.OVERLOADED
    assert classify(ModelThrottledError("slow down")) is FailoverReason.RATE_LIMIT
    assert classify(ModelAuthError("bad key")) is FailoverReason.AUTH
    assert classify(ModelResponseError("junk")) is FailoverReason.MALFORMED_RESPONSE


def test_retry_after_parsing() -> None:
    assert parse_retry_after({"Retry-After": "7"}) == 7.0
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (parse_retry_after({"Retry-After": future}) or 0) <= 31
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after(None) is None


def test_policy_delay_honours_retry_after_and_caps_it() -> None:
    policy = RetryPolicy(initial_delay=1, max_delay=10, jitter=False)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [1, 2, 4, 8, 10]
    assert policy.delay(1, retry_after=3.5) == 3.5
    assert policy.delay(1, retry_after=99) == 10


def test_jittered_delay_stays_within_the_backoff() -> None:
    policy = RetryPolicy(initial_delay=2, max_delay=100)
    assert all(0 <= policy.delay(3) <= 8 for _ in range(200))


async def test_retry_async_retries_transient_failures_waiting_the_servers_delay() -> None:
    waits: list[float] = []
    attempts = 0

    async def call() -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise ModelThrottledError("429", retry_after=4.0)
        return "ok"

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    assert await retry_async(call, RetryPolicy(max_attempts=5), sleep=sleep) == "ok"
    assert attempts == 3
    assert waits == [4.0, 4.0]


async def test_retry_async_gives_up_after_max_attempts() -> None:
    attempts = 0

    async def call() -> str:
        nonlocal attempts
        attempts += 1
        raise FakeSDKError(503)

    async def sleep(seconds: float) -> None:
        return None

    with pytest.raises(FakeSDKError):
        await retry_async(call, RetryPolicy(max_attempts=3), sleep=sleep)
    assert attempts == 3


async def test_retry_async_never_retries_auth_or_bad_requests() -> None:
    attempts = 0

    async def call() -> str:
        nonlocal attempts
        attempts += 1
        raise FakeSDKError(401)

    with pytest.raises(FakeSDKError):
        await retry_async(call, RetryPolicy(max_attempts=5))
    assert attempts == 1


def test_guard_blocks_real_requests_when_forbidden() -> None:
    with override_allow_model_requests(False):
        assert allow_model_requests() is False
        with pytest.raises(ModelRequestsForbiddenError, match="model='test'"):
            check_allow_model_requests("openai")
    with override_allow_model_requests(True):
        check_allow_model_requests("openai")
