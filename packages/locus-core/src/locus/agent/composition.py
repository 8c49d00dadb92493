"""Composition: chain, fan out and loop agents; every pipeline is itself agent-like.

A step is anything agent-like: an :class:`~locus.agent.Agent`, a compiled
graph, another pipeline, or a plain function ``str -> str`` (sync or async).
Pipelines have ``run`` (events, ending with a ``TerminateEvent``), ``invoke``
(an :class:`~locus.agent.AgentResult`), ``run_sync`` and ``as_tool``, and emit
``composition.*`` events on the EventBus.

```python
from locus.agent.composition import LoopAgent, ParallelPipeline, SequentialPipeline

upper = SequentialPipeline([str.strip, str.upper])
assert upper.run_sync("  hi ").text == "HI"

both = ParallelPipeline([str.upper, str.lower], merge=lambda outs: " | ".join(outs))
assert both.run_sync("Ab").text == "AB | ab"

attempts = iter(["FAIL", "still FAIL", "PASS"])
loop = LoopAgent(lambda prompt: next(attempts), until="PASS", max_loops=5)
result = loop.run_sync("write code")
assert result.text == "PASS" and result.iterations == 3
```
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any

from locus.core.errors import ValidationError
from locus.core.events import preview

if TYPE_CHECKING:
    from locus.agent.result import AgentResult
    from locus.core.events import LocusEvent
    from locus.tools import Tool

__all__ = ["LoopAgent", "ParallelPipeline", "SequentialPipeline", "loop", "parallel", "sequential"]


def _name_of(step: Any) -> str:
    return str(
        getattr(step, "name", None) or getattr(step, "__name__", None) or type(step).__name__
    )


async def _ask(step: Any, prompt: str) -> str:
    """Run one agent-like step on ``prompt`` and return its text answer."""
    if hasattr(step, "invoke_agent"):
        return str((await step.invoke_agent(prompt)).message)
    invoke = getattr(step, "invoke", None)
    if callable(invoke) and not inspect.isfunction(step):
        result = await invoke(prompt)
        return str(getattr(result, "message", result))
    if callable(step):
        value = step(prompt)
        if inspect.isawaitable(value):
            value = await value
        return str(getattr(value, "message", value))
    raise ValidationError(f"a pipeline step must be an Agent, a graph or a function, got {step!r}")


def _emit(event_type: str, **data: Any) -> None:
    from locus.observability import emit

    emit(event_type, data)  # a no-op outside run_context()


class _Composite:
    """The Agent surface shared by every pipeline."""

    name: str

    async def _execute(self, prompt: str) -> tuple[str, int, str]:
        """(final text, iterations, stop reason)."""
        raise NotImplementedError

    async def run(self, prompt: Any, *, thread_id: str | None = None) -> AsyncIterator[LocusEvent]:
        """Run the pipeline; yields a ``TerminateEvent`` with the final text."""
        from locus.core.events import TerminateEvent

        text, iterations, reason = await self._execute(str(prompt))
        yield TerminateEvent(reason=reason, final_message=text, iterations=iterations)

    async def invoke(self, prompt: Any, *, thread_id: str | None = None) -> AgentResult:
        """Run the pipeline and return an :class:`~locus.agent.AgentResult`."""
        from locus.agent.result import AgentResult

        text, iterations, reason = await self._execute(str(prompt))
        return AgentResult(
            message=text, stop_reason=reason, iterations=iterations, thread_id=thread_id
        )

    def run_sync(self, prompt: Any, *, thread_id: str | None = None) -> AgentResult:
        """Blocking :meth:`invoke`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.invoke(prompt, thread_id=thread_id))

    def as_tool(self, name: str | None = None, description: str | None = None) -> Tool:
        """This pipeline as a tool another agent can call with a ``prompt``."""
        from locus.tools import Tool

        pipeline = self

        async def run_pipeline(prompt: str) -> str:
            """Delegate a task.

            Args:
                prompt: The task, in plain language, with everything needed.
            """
            return (await pipeline.invoke(prompt)).message

        return Tool(
            run_pipeline, name=name or self.name, description=description or f"Run {self.name}."
        )


class SequentialPipeline(_Composite):
    """Run agents one after another; each one's answer is the next one's prompt.

    Args:
        agents: The steps, in order (at least one).
        name: Pipeline name (events, tool name).
        prompt_template: Prompt of each step after the first, with ``{input}``
            standing for the previous step's answer (default: the answer itself).
    """

    def __init__(
        self,
        agents: Sequence[Any],
        *,
        name: str = "sequential",
        prompt_template: str | None = None,
    ) -> None:
        if not agents:
            raise ValidationError("SequentialPipeline needs at least one agent")
        self.agents = list(agents)
        self.name = name
        self.prompt_template = prompt_template

    async def _execute(self, prompt: str) -> tuple[str, int, str]:
        _emit("composition.sequential.started", pipeline=self.name, steps=len(self.agents))
        text = prompt
        for index, agent in enumerate(self.agents):
            if index and self.prompt_template is not None:
                text = _fill(self.prompt_template, text)
            text = await _ask(agent, text)
            _emit(
                "composition.sequential.step",
                pipeline=self.name,
                index=index,
                agent=_name_of(agent),
                output_preview=preview(text),
            )
        _emit(
            "composition.sequential.completed",
            pipeline=self.name,
            steps=len(self.agents),
            final_message_preview=preview(text),
        )
        return text, len(self.agents), "pipeline_completed"


class ParallelPipeline(_Composite):
    """Give the same prompt to several agents at once, then merge their answers.

    Args:
        agents: The branches (at least one).
        merge: ``fn(outputs: list[str]) -> str`` (sync or async), or an agent
            that receives the answers in one prompt; default: answers joined
            by blank lines.
        name: Pipeline name.
        fail_fast: Raise the first branch error (default); with ``False`` a
            failed branch contributes ``"[error] ..."`` and the others are kept.
        merge_strategy: The original locus's argument; only ``"concatenate"``
            (the default merge) is accepted.
        separator: What the default merge puts between answers.
    """

    def __init__(
        self,
        agents: Sequence[Any],
        merge: Callable[[list[str]], Any] | Any = None,
        *,
        name: str = "parallel",
        fail_fast: bool = True,
        merge_strategy: str = "concatenate",
        separator: str = "\n\n",
    ) -> None:
        if not agents:
            raise ValidationError("ParallelPipeline needs at least one agent")
        if merge_strategy != "concatenate":
            raise ValidationError(
                f"merge_strategy {merge_strategy!r} is not supported: pass merge=fn(outputs) "
                "or an agent that merges the answers"
            )
        self.agents = list(agents)
        self.merge = merge
        self.merge_strategy = merge_strategy
        self.separator = separator
        self.name = name
        self.fail_fast = fail_fast

    async def _execute(self, prompt: str) -> tuple[str, int, str]:
        _emit("composition.parallel.started", pipeline=self.name, branches=len(self.agents))
        results = await asyncio.gather(
            *(_ask(a, prompt) for a in self.agents), return_exceptions=True
        )
        outputs: list[str] = []
        failed = 0
        for index, (agent, result) in enumerate(zip(self.agents, results, strict=True)):
            error = None
            if isinstance(result, BaseException):
                if self.fail_fast:
                    raise result
                failed += 1
                error = repr(result)
                result = f"[error] {result}"
            outputs.append(result)
            _emit(
                "composition.parallel.branch.completed",
                pipeline=self.name,
                index=index,
                agent=_name_of(agent),
                output_preview=preview(result),
                error=error,
            )
        text = await self._merge(prompt, outputs)
        _emit(
            "composition.parallel.completed",
            pipeline=self.name,
            branches=len(self.agents),
            failed=failed,
        )
        return text, len(self.agents), "pipeline_completed"

    async def _merge(self, prompt: str, outputs: list[str]) -> str:
        merge = self.merge
        if merge is None:
            return self.separator.join(outputs)
        if hasattr(merge, "invoke") or hasattr(merge, "invoke_agent"):
            numbered = "\n\n".join(f"Answer {i + 1}:\n{o}" for i, o in enumerate(outputs))
            return await _ask(
                merge, f"Task: {prompt}\n\nMerge these answers into one:\n\n{numbered}"
            )
        value = merge(outputs)
        if inspect.isawaitable(value):
            value = await value
        return str(value)


class LoopAgent(_Composite):
    """Run an agent repeatedly, feeding each answer back, until a condition holds.

    Args:
        agent: The agent-like step.
        until: A text the answer must contain (``"PASS"``), a termination
            condition from :mod:`locus.core.termination` (checked against a
            state holding the answer as the last assistant message and the
            iteration count), or a predicate ``fn(text) -> bool``.
        max_loops: Upper bound on iterations.
        name: Loop name.
        condition: The original locus's name for a predicate ``until``.
        loop_prompt: Prompt of each iteration after the first, with ``{input}``
            standing for the previous answer (default: the answer itself).
    """

    def __init__(
        self,
        agent: Any,
        until: Any = None,
        *,
        max_loops: int = 5,
        name: str = "loop",
        condition: Callable[[str], bool] | None = None,
        loop_prompt: str | None = None,
    ) -> None:
        if condition is not None:
            if until is not None:
                raise ValidationError("pass until= or condition= (the original's name), not both")
            until = condition
        if max_loops < 1:
            raise ValidationError(f"max_loops must be >= 1, got {max_loops}")
        if until is not None and not (
            isinstance(until, str) or callable(getattr(until, "check", None)) or callable(until)
        ):
            raise ValidationError(
                f"until must be a text, a termination condition or a predicate, got {until!r}"
            )
        self.agent = agent
        self.until = until
        self.condition = condition
        self.loop_prompt = loop_prompt
        self.max_loops = max_loops
        self.name = name

    def _stop(self, text: str, iteration: int) -> str | None:
        until = self.until
        if until is None:
            return None
        if isinstance(until, str):
            return f"TextMention({until!r})" if until in text else None
        check = getattr(until, "check", None)
        if callable(check):
            from locus.core.messages import Message
            from locus.core.state import AgentState

            state = AgentState(messages=[Message.assistant(text)], iteration=iteration)
            reason = check(state)
            return None if reason is None else str(reason)
        return "until" if until(text) else None

    async def _execute(self, prompt: str) -> tuple[str, int, str]:
        text = prompt
        reason = f"max_loops({self.max_loops})"
        iteration = 0
        for iteration in range(1, self.max_loops + 1):
            if iteration > 1 and self.loop_prompt is not None:
                text = _fill(self.loop_prompt, text)
            text = await _ask(self.agent, text)
            _emit(
                "composition.loop.iteration",
                loop=self.name,
                iteration=iteration,
                output_preview=preview(text),
            )
            stop = self._stop(text, iteration)
            if stop is not None:
                reason = stop
                break
        _emit("composition.loop.completed", loop=self.name, iterations=iteration, reason=reason)
        return text, iteration, reason


def _fill(template: str, text: str) -> str:
    """``template`` with ``{input}`` replaced by the previous step's output."""
    return template.replace("{input}", text)


def sequential(*agents: Any, prompt_template: str | None = None) -> SequentialPipeline:
    """``SequentialPipeline(list(agents), prompt_template=...)``."""
    return SequentialPipeline(list(agents), prompt_template=prompt_template)


def parallel(*agents: Any, merge_strategy: str = "concatenate") -> ParallelPipeline:
    """``ParallelPipeline(list(agents), merge_strategy=...)``."""
    return ParallelPipeline(list(agents), merge_strategy=merge_strategy)


def loop(
    agent: Any,
    condition: Callable[[str], bool],
    max_loops: int = 5,
    loop_prompt: str | None = None,
) -> LoopAgent:
    """``LoopAgent(agent, until=condition, max_loops=..., loop_prompt=...)``."""
    return LoopAgent(agent, condition, max_loops=max_loops, loop_prompt=loop_prompt)
