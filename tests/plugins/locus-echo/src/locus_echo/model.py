"""EchoModel: answers with the last user message."""

from locus.core.events import ModelChunkEvent
from locus.core.messages import Message, Role
from locus.models import ModelResponse


class EchoModel:
    def __init__(self, name: str = "", **options):
        self.name = name or "echo"
        self.prefix = options.get("prefix", "echo: ")

    def _answer(self, messages):
        last = next((m for m in reversed(messages) if m.role is Role.USER), None)
        return self.prefix + (last.content if last and last.content else "")

    async def complete(self, messages, tools=None, **kwargs):
        text = self._answer(messages)
        return ModelResponse(
            message=Message.assistant(text),
            usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            stop_reason="stop",
            model=self.name,
        )

    async def stream(self, messages, tools=None, **kwargs):
        for word in self._answer(messages).split(" "):
            yield ModelChunkEvent(content=word + " ")
        yield ModelChunkEvent(done=True, stop_reason="stop")
