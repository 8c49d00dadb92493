"""RetryPolicy.retry_delay: the one retry decision graph nodes and @task share."""

from __future__ import annotations

from locus.multiagent.graph import RetryPolicy


def test_retry_delay_backs_off_then_stops_at_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3, initial_interval=1.0, backoff_factor=2.0)
    assert policy.retry_delay(ValueError(), 1) == 1.0
    assert policy.retry_delay(ValueError(), 2) == 2.0
    assert policy.retry_delay(ValueError(), 3) is None


def test_retry_delay_none_for_exceptions_outside_retry_on() -> None:
    policy = RetryPolicy(retry_on=KeyError)
    assert policy.retry_delay(ValueError(), 1) is None
    assert policy.retry_delay(KeyError(), 1) == policy.initial_interval
