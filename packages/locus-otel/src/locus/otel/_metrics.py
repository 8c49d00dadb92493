"""The metric instruments: token usage, operation duration, tool errors."""

from __future__ import annotations

from opentelemetry.metrics import Counter, Histogram, Meter

__all__ = ["Instruments"]

# bucket bounds the GenAI conventions advise for these two histograms
_TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304)
_DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48)


class Instruments:
    """The instruments locus records on one meter.

    Attributes:
        token_usage: ``gen_ai.client.token.usage`` (``{token}``), per model
            call and ``gen_ai.token.type`` (``input`` / ``output``).
        operation_duration: ``gen_ai.client.operation.duration`` (seconds)
            of model calls (``chat``) and agent runs (``invoke_agent``).
        tool_duration: ``gen_ai.execute_tool.duration`` (seconds) per tool call.
        tool_errors: ``locus.tool.errors`` (``{error}``): tool calls that
            failed, by ``gen_ai.tool.name`` and ``error.type``.
    """

    def __init__(self, meter: Meter) -> None:
        self.token_usage: Histogram = meter.create_histogram(
            "gen_ai.client.token.usage",
            unit="{token}",
            description="Tokens used per model call, by token type.",
            explicit_bucket_boundaries_advisory=list(_TOKEN_BUCKETS),
        )
        self.operation_duration: Histogram = meter.create_histogram(
            "gen_ai.client.operation.duration",
            unit="s",
            description="Duration of model calls and agent runs.",
            explicit_bucket_boundaries_advisory=list(_DURATION_BUCKETS),
        )
        self.tool_duration: Histogram = meter.create_histogram(
            "gen_ai.execute_tool.duration",
            unit="s",
            description="Duration of tool calls.",
            explicit_bucket_boundaries_advisory=list(_DURATION_BUCKETS),
        )
        self.tool_errors: Counter = meter.create_counter(
            "locus.tool.errors",
            unit="{error}",
            description="Tool calls that failed (exception, timeout, validation, cancelled).",
        )
