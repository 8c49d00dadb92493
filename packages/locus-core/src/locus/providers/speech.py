"""Original import path of the speech protocol and results (vendor providers: locus.openai)."""

from __future__ import annotations

from locus.integrations._facade import serve
from locus.providers._types import BaseSpeechProvider, SpeechTranscript, SynthesizedAudio

__all__ = ["BaseSpeechProvider", "SpeechTranscript", "SynthesizedAudio"]

# served by locus-openai (ImportError naming it when it is not installed)
OPENAI_NAMES = ("OpenAISpeechProvider",)
__getattr__, _served = serve("openai", __name__, OPENAI_NAMES)


def __dir__() -> list[str]:
    return sorted({*__all__, *_served()})
