"""The A2A JSON models (protocol v0.3, camelCase pydantic) and JSON-RPC error codes.

These are the official ``a2a-sdk``'s own v0.3 models
(``a2a.compat.v0_3.types``), under the names locus has always used
(``JsonRpcError`` is the SDK's ``JSONRPCError``...). :class:`~locus.a2a.A2AClient`
returns them (``Task``, ``Message``, ``AgentCard``...), and they read and write
the JSON of any v0.3 A2A agent. The v1.0 protobuf types the SDK speaks
internally are in :mod:`locus.a2a.types`.
"""

from __future__ import annotations

from a2a.compat.v0_3.types import (
    AgentCapabilities,
    AgentCard,
    AgentProvider,
    AgentSkill,
    Artifact,
    DataPart,
    FilePart,
    FileWithBytes,
    FileWithUri,
    Message,
    MessageSendConfiguration,
    MessageSendParams,
    Part,
    PushNotificationAuthenticationInfo,
    PushNotificationConfig,
    Role,
    Task,
    TaskArtifactUpdateEvent,
    TaskIdParams,
    TaskPushNotificationConfig,
    TaskQueryParams,
    TaskState,
    TaskStatus,
    TaskStatusUpdateEvent,
    TextPart,
)
from a2a.compat.v0_3.types import JSONRPCError as JsonRpcError
from a2a.compat.v0_3.types import JSONRPCErrorResponse as JsonRpcErrorResponse
from a2a.compat.v0_3.types import JSONRPCRequest as JsonRpcRequest
from a2a.compat.v0_3.types import JSONRPCSuccessResponse as JsonRpcSuccessResponse

__all__ = [
    "AUTHENTICATED_EXTENDED_CARD_NOT_CONFIGURED",
    "CONTENT_TYPE_NOT_SUPPORTED",
    "INTERNAL_ERROR",
    "INVALID_AGENT_RESPONSE",
    "INVALID_PARAMS",
    "INVALID_REQUEST",
    "METHOD_NOT_FOUND",
    "PARSE_ERROR",
    "PUSH_NOTIFICATION_NOT_SUPPORTED",
    "TASK_NOT_CANCELABLE",
    "TASK_NOT_FOUND",
    "UNSUPPORTED_OPERATION",
    "AgentCapabilities",
    "AgentCard",
    "AgentProvider",
    "AgentSkill",
    "Artifact",
    "DataPart",
    "FilePart",
    "FileWithBytes",
    "FileWithUri",
    "JsonRpcError",
    "JsonRpcErrorResponse",
    "JsonRpcRequest",
    "JsonRpcSuccessResponse",
    "Message",
    "MessageSendConfiguration",
    "MessageSendParams",
    "Part",
    "PushNotificationAuthenticationInfo",
    "PushNotificationConfig",
    "Role",
    "Task",
    "TaskArtifactUpdateEvent",
    "TaskIdParams",
    "TaskPushNotificationConfig",
    "TaskQueryParams",
    "TaskState",
    "TaskStatus",
    "TaskStatusUpdateEvent",
    "TextPart",
]

# JSON-RPC 2.0 error codes, and those the A2A protocol adds
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
TASK_NOT_FOUND = -32001
TASK_NOT_CANCELABLE = -32002
PUSH_NOTIFICATION_NOT_SUPPORTED = -32003
UNSUPPORTED_OPERATION = -32004
CONTENT_TYPE_NOT_SUPPORTED = -32005
INVALID_AGENT_RESPONSE = -32006
AUTHENTICATED_EXTENDED_CARD_NOT_CONFIGURED = -32007
