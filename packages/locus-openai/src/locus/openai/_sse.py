"""SSE decoding for OpenAI-style streams: core's decoder (kept importable here)."""

from locus.models.sse import iter_sse_json

__all__ = ["iter_sse_json"]
