"""SSE frame decoding shared by the streaming providers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from locus.core.errors import ModelResponseError
from locus.models.failover import FailoverReason
from locus.models.sse import iter_sse_data, iter_sse_json


async def _lines(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def _collect(it: AsyncIterator[object]) -> list[object]:
    return [item async for item in it]


async def test_data_fields_join_and_other_fields_are_ignored() -> None:
    lines = _lines(": keep-alive", "event: delta", "id: 7", "data: a", "data:b", "", "data: c", "")
    assert await _collect(iter_sse_data(lines)) == ["a\nb", "c"]


async def test_done_sentinel_ends_the_stream() -> None:
    lines = _lines('data: {"x": 1}', "", "data: [DONE]", "", 'data: {"x": 2}', "")
    assert await _collect(iter_sse_json(lines, provider="p")) == [{"x": 1}]


async def test_last_event_without_blank_line_is_delivered() -> None:
    assert await _collect(iter_sse_data(_lines("data: tail"))) == ["tail"]


@pytest.mark.parametrize("payload", ["{not json", "[1, 2]"])
async def test_malformed_payload_is_a_typed_error(payload: str) -> None:
    with pytest.raises(ModelResponseError, match="acme sent a stream event") as err:
        await _collect(iter_sse_json(_lines(f"data: {payload}", ""), provider="acme"))
    assert err.value.reason is FailoverReason.MALFORMED_RESPONSE
