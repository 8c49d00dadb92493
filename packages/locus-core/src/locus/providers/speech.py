"""Original import path of the speech protocol and results (vendor providers: locus.openai)."""

from __future__ import annotations

from locus.providers._types import BaseSpeechProvider, SpeechTranscript, SynthesizedAudio

__all__ = ["BaseSpeechProvider", "SpeechTranscript", "SynthesizedAudio"]
