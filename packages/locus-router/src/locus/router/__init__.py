"""The cognitive router: describe the task; locus picks the protocol and runs it.

A request becomes a typed :class:`GoalFrame` (an extractor
``Agent(output_schema=GoalFrame)``), the :class:`ProtocolRegistry` keeps or
drops each :class:`Protocol` by readable rules and picks one, the
:class:`PolicyGate` judges it, and the :class:`CognitiveCompiler` builds it
on locus primitives (Agent, SequentialPipeline, ParallelPipeline, LoopAgent,
Debate, an approval interrupt, an A2A client). :class:`Router` ties it up:
``await router.dispatch(text)``. See docs/router.md.
"""

from locus.router._gate import ApprovalCallback, ApprovalRequest, GatedRunnable
from locus.router._plugins import plugin_protocols
from locus.router.capability import HUMAN_SENTINEL, Capability, CapabilityIndex
from locus.router.compiler import CognitiveCompiler, RoutingDecision
from locus.router.goal_frame import Complexity, GoalFrame, Risk, TaskType
from locus.router.picker import LLMProtocolPicker, PickedProtocol, PickerError
from locus.router.policy import PolicyDeniedError, PolicyGate, PolicyVerdict
from locus.router.protocol import (
    BuilderContext,
    CandidateReport,
    NoMatchingProtocolError,
    Protocol,
    ProtocolRegistry,
    builtin_protocols,
)
from locus.router.runnable import (
    A2ARunnable,
    AgentRunnable,
    DebateRunnable,
    PipelineRunnable,
    Runnable,
    RunnableResult,
)
from locus.router.runtime import DispatchResult, FrameExtractionError, Router
from locus.router.skill_index import SkillIndex, SkillLike

__all__ = [
    "HUMAN_SENTINEL",
    "A2ARunnable",
    "AgentRunnable",
    "ApprovalCallback",
    "ApprovalRequest",
    "BuilderContext",
    "CandidateReport",
    "Capability",
    "CapabilityIndex",
    "CognitiveCompiler",
    "Complexity",
    "DebateRunnable",
    "DispatchResult",
    "FrameExtractionError",
    "GatedRunnable",
    "GoalFrame",
    "LLMProtocolPicker",
    "NoMatchingProtocolError",
    "PickedProtocol",
    "PickerError",
    "PipelineRunnable",
    "PolicyDeniedError",
    "PolicyGate",
    "PolicyVerdict",
    "Protocol",
    "ProtocolRegistry",
    "Risk",
    "Router",
    "RoutingDecision",
    "Runnable",
    "RunnableResult",
    "SkillIndex",
    "SkillLike",
    "TaskType",
    "builtin_protocols",
    "plugin_protocols",
]
