"""``locus.core.structured.parse_partial`` and ``ConversationManagerProtocol`` (original names)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from locus.core.messages import Message
from locus.core.protocols import ConversationManagerProtocol
from locus.core.structured import parse_partial
from locus.memory.conversation import SlidingWindowManager


class Incident(BaseModel):
    title: str
    severity: int
    tags: list[str] = []


def test_parse_partial_validates_a_complete_reply() -> None:
    done = parse_partial('```json\n{"title": "db down", "severity": 2}\n```', Incident)
    assert done == Incident(title="db down", severity=2)


def test_parse_partial_builds_the_fields_valid_so_far() -> None:
    partial = parse_partial('{"title": "db do', Incident)
    assert isinstance(partial, Incident)
    assert partial.title == "db do"
    assert "severity" not in partial.model_fields_set
    growing = parse_partial('{"title": "db down", "severity": 2, "tags": ["ne', Incident)
    assert growing is not None
    assert (growing.severity, growing.tags) == (2, ["ne"])


def test_parse_partial_is_none_until_a_field_is_valid() -> None:
    assert parse_partial("", Incident) is None
    assert parse_partial("Thinking...", Incident) is None
    assert parse_partial('{"severity": "hi', Incident) is None  # not an int yet
    assert parse_partial('{"severity": tr', Incident) is None


def test_conversation_managers_satisfy_the_protocol() -> None:
    manager = SlidingWindowManager(2)
    assert isinstance(manager, ConversationManagerProtocol)
    assert not isinstance(object(), ConversationManagerProtocol)
    messages = [Message.user(str(i)) for i in range(5)]
    assert [m.content for m in manager.apply(messages)] == ["3", "4"]


def test_url_safety_refuses_non_public_hosts() -> None:
    from locus.core.errors import ValidationError
    from locus.tools.url_safety import is_safe_url, validate_url

    assert is_safe_url("https://8.8.8.8/dns")  # an IP literal: no lookup needed
    assert not is_safe_url("http://127.0.0.1:8080/admin")
    assert not is_safe_url("http://169.254.169.254/latest/meta-data")  # cloud metadata
    assert not is_safe_url("http://[::ffff:10.0.0.1]/")
    assert not is_safe_url("http://localhost/")
    assert not is_safe_url("ftp://8.8.8.8/file")
    assert is_safe_url("http://127.0.0.1:8080/admin", allow_private=True)
    assert not is_safe_url("file:///etc/passwd", allow_private=True)
    validate_url("https://8.8.8.8/")
    with pytest.raises(ValidationError, match="non-public address"):
        validate_url("http://10.1.2.3/")
