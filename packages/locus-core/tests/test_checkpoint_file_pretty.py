"""``FileCheckpointer(pretty=True)``: indented files a person can read, loaded back byte for byte."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from locus.checkpoint import BaseCheckpointer
from locus.checkpoint._delta import is_delta
from locus.checkpoint._pretty import compact, indent
from locus.checkpoint.file import FileCheckpointer
from locus.core.messages import Message
from locus.core.state import AgentState
from locus.testing import CheckpointerConformance

# text that looks like the whitespace pretty printing inserts, inside strings
TRICKY = 'a: b, [c] {"d": 1}\n  indented\t"quoted" \\ ü 🙂'


class TestPrettyFileConformance(CheckpointerConformance):
    race_options = {"fsync": False}

    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        return FileCheckpointer(tmp_path / "ckpts", pretty=True, **options)


def _turn(state: AgentState) -> AgentState:
    i = state.iteration
    state.messages.append(Message.user(f"{TRICKY} {i}"))
    state.messages.append(Message.assistant(f"answer {i}"))
    state.iteration += 1
    return state


def _state(turns: int) -> AgentState:
    state = AgentState(
        run_id="r",
        started_at=1700000000.25,
        thread_id="t",
        messages=[Message.system("Be terse. " * 500)],  # large enough that a turn saves a delta
        metadata={"big": 1e20, "small": 1e-7, "n": [], "o": {}},
    )
    for _ in range(turns):
        _turn(state)
    return state


def _body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n", 1)[1]


async def _save_two(cp: FileCheckpointer) -> list[Path]:
    state = _state(1)
    await cp.save(state, "t")
    await cp.save(_turn(state), "t")  # builds on the first: a delta
    return sorted(cp.root.rglob("*.ckpt"))


async def test_pretty_files_are_indented_and_compact_files_are_not(tmp_path: Path) -> None:
    pretty = FileCheckpointer(tmp_path / "pretty", pretty=True, fsync=False)
    plain = FileCheckpointer(tmp_path / "plain", fsync=False)
    snapshot, delta = await _save_two(pretty)
    assert _body(snapshot).startswith('{\n  "v": ')
    assert _body(delta).startswith('{\n  "d": 1,\n  "v": ')
    assert '\n      {\n        "role": "system",\n' in _body(snapshot)
    json.loads(_body(snapshot))  # a reader's JSON tool opens it
    for path in await _save_two(plain):
        assert "\n" not in _body(path)
        assert _body(path).startswith(('{"v":', '{"d":1,'))


async def test_both_load_back_equal_and_a_delta_stays_a_delta(tmp_path: Path) -> None:
    pretty = FileCheckpointer(tmp_path / "pretty", pretty=True, fsync=False)
    plain = FileCheckpointer(tmp_path / "plain", fsync=False)
    await _save_two(pretty)
    await _save_two(plain)
    for root in ("pretty", "plain"):
        fresh = FileCheckpointer(tmp_path / root, fsync=False)  # no cached base: reads the files
        loaded = await fresh.load("t")
        assert loaded is not None
        assert loaded.model_dump() == _state(2).model_dump()
        assert loaded.messages[1].content == f"{TRICKY} 0"
        assert loaded.metadata["big"] == 1e20
    record = await pretty._read("t", None)
    assert record is not None
    assert is_delta(record.payload)
    assert "\n" not in record.payload  # the payload as encoded, not the file's indentation
    assert pretty._bases["t"].matches(record)  # the saved size is the loaded size


async def test_a_pretty_thread_continues_with_a_compact_checkpointer(tmp_path: Path) -> None:
    await _save_two(FileCheckpointer(tmp_path, pretty=True, fsync=False))
    plain = FileCheckpointer(tmp_path, fsync=False)
    state = await plain.load("t")
    assert state is not None
    state.messages.append(Message.user("third"))
    await plain.save(state, "t")
    again = await FileCheckpointer(tmp_path, pretty=True).load("t")
    assert again is not None
    assert [m.content for m in again.messages][-1] == "third"
    assert len(again.messages) == 6


def test_indent_keeps_every_token_and_refuses_what_it_cannot_undo() -> None:
    text = '{"a":[1e20,-0.0,true,null,"x: y,\\n[z]"],"b":{},"c":[],"d":{"e":[{}]}}'
    pretty = indent(text)
    assert pretty is not None
    assert "1e20" in pretty  # numbers are copied, not re-serialised (json.dumps writes 1e+20)
    assert compact(pretty) == text
    assert json.loads(pretty) == json.loads(text)
    assert indent('{"a": 1, "b": [ 2 ]}') is None  # already has whitespace between tokens
    assert indent('{"a":"unterminated') is None


def test_the_original_path_defaults_to_pretty(tmp_path: Path) -> None:
    from locus.memory.backends.file import FileCheckpointer as Original

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Original(base_dir=tmp_path).pretty is True
        assert Original(base_dir=tmp_path, pretty=False).pretty is False
    assert Original().root == Path(".locus_checkpoints")
    assert FileCheckpointer(tmp_path).pretty is False
