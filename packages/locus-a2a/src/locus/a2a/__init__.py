"""locus-a2a: the Agent2Agent protocol on the official ``a2a-sdk``.

Serve a locus agent to any A2A client, or call any A2A agent from locus::

    from locus.a2a import A2AClient, A2AServer

    A2AServer(agent, name="billing", api_key="...").run(port=9000)

    async with A2AClient("http://billing:9000", api_key="...") as billing:
        card = await billing.get_agent_card()
        answer = await billing.invoke("Refund order ORD-42")
        tool = billing.as_tool()  # give it to an Agent

The models exported here are the A2A JSON models (:mod:`locus.a2a.spec`);
the SDK's v1.0 protobuf types are in :mod:`locus.a2a.types`. See ``docs/a2a.md``.
"""

from __future__ import annotations

from locus.a2a.protocol import A2AClient, A2AMessage, A2ARequest, A2AResponse, A2AServer
from locus.a2a.spec import (
    AgentCapabilities,
    AgentCard,
    AgentProvider,
    AgentSkill,
    Artifact,
    DataPart,
    FilePart,
    FileWithBytes,
    FileWithUri,
    JsonRpcError,
    JsonRpcErrorResponse,
    JsonRpcRequest,
    JsonRpcSuccessResponse,
    Message,
    MessageSendConfiguration,
    MessageSendParams,
    Part,
    PushNotificationAuthenticationInfo,
    PushNotificationConfig,
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

__all__ = [
    "A2AClient",
    "A2AMessage",
    "A2ARequest",
    "A2AResponse",
    "A2AServer",
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
