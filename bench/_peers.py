"""Shared benchmark helpers: peer environments and subprocess timing.

The original locus (``locus-sdk==0.2.0b16``) also imports as ``locus``, so it
lives in its own virtual environment under ``.bench-venvs/`` and is measured
by running the same script with that interpreter.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("LOCUS_BENCH_ROOT", Path(__file__).resolve().parents[1]))
VENVS = ROOT / ".bench-venvs"
ORIGINAL_LOCUS = "locus-sdk==0.2.0b16"


def original_locus_python() -> str | None:
    """The interpreter of a venv holding the original locus, created on first use.

    Returns None (and says why) when it cannot be installed.
    """
    env = VENVS / "locus-original"
    python = env / "bin" / "python"
    if python.exists():
        return str(python)
    uv = shutil.which("uv")
    try:
        if uv:
            subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(env)], check=True)
            subprocess.run(
                [uv, "pip", "install", "-q", "--python", str(python), ORIGINAL_LOCUS], check=True
            )
        else:
            subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "-q", ORIGINAL_LOCUS], check=True)
    except subprocess.CalledProcessError as exc:
        print(f"(original locus unavailable: {exc})")
        return None
    return str(python)


def run_python(python: str, code: str) -> str:
    """Run ``code`` in a fresh interpreter (no bytecode writes, isolated cwd); return stdout."""
    proc = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, cwd=str(VENVS.parent)
    )
    return proc.stdout


def median(values: list[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """A plain-text table."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(out)


def replay_chat_model(respond: Any) -> Any:
    """A LangChain chat model answering call ``i`` (0, 1, ...) with ``respond(i)``, instantly.

    ``bind_tools`` returns the model itself, so LangGraph's prebuilt agents accept it.
    """
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.outputs import ChatGeneration, ChatResult

    class Replay(BaseChatModel):
        i: int = 0

        @property
        def _llm_type(self) -> str:
            return "replay"

        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
            return self

        def _generate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            message = respond(self.i)
            self.i += 1
            return ChatResult(generations=[ChatGeneration(message=message)])

        async def _agenerate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            return self._generate(messages, stop, run_manager, **kwargs)

    return Replay()
