"""Indenting stored envelope JSON for people, and taking the indentation back out exactly.

A checkpointer keeps a record's ``payload`` byte for byte: a delta's base is
recognised by the payload's length, and a delta by its ``{"d":`` prefix. So
:func:`indent` does not re-serialise the JSON (that would rewrite numbers and
escapes: ``1e20`` would come back ``1e+20``); it only inserts a newline and
spaces after ``{``, ``[`` and ``,``, before ``}`` and ``]``, and one space
after each key's ``:`` (the layout of ``json.dumps(..., indent=2)``), copying
every string, number and literal unchanged. :func:`compact` removes exactly
that whitespace: a raw newline never occurs inside a JSON string, and the
space it removes after a colon is the one following a whole key string at the
start of a line, so text inside strings is never touched.

:func:`indent` returns ``None`` for text it cannot indent losslessly (text
that already holds whitespace between tokens, or is not JSON); the caller
stores such a payload as it is.

Example:
    >>> text = '{"d":1,"ma":[],"fs":{"note":"a: b, [c]"}}'
    >>> print(indent(text))
    {
      "d": 1,
      "ma": [],
      "fs": {
        "note": "a: b, [c]"
      }
    }
    >>> compact(indent(text)) == text
    True
"""

from __future__ import annotations

import re

__all__ = ["compact", "indent"]

_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
# one token of compact JSON text: a whole string, a structural character, or a run of anything else
_TOKEN = re.compile(rf'{_STRING}|[{{}}\[\],:]|[^{{}}\[\],:"]+', re.DOTALL)
# whitespace ``indent`` inserts: a newline and the indentation, and after a key (always first
# on its line) the space that follows its colon
_INSERTED = re.compile(rf"\n *(?:({_STRING}:) )?", re.DOTALL)
_STEP = "  "


def indent(text: str) -> str | None:
    """``text`` with one value a line, indented two spaces a level.

    Returns ``None`` when :func:`compact` would not give ``text`` back
    (whitespace between its tokens, or not JSON text).
    """
    tokens: list[str] = _TOKEN.findall(text)
    out: list[str] = []
    append = out.append
    breaks = ["\n"]  # breaks[d]: a newline and the indentation of depth d
    depth = 0
    previous = ""
    for tok in tokens:
        if tok == "{" or tok == "[":
            append(tok)
            depth += 1
            if depth == len(breaks):
                breaks.append(breaks[-1] + _STEP)
            append(breaks[depth])
        elif tok == "}" or tok == "]":
            depth -= 1
            if previous == "{" or previous == "[":
                out.pop()  # an empty container stays "{}" / "[]"
            else:
                append(breaks[depth])
            append(tok)
        elif tok == ",":
            append(",")
            append(breaks[depth])
        elif tok == ":":
            append(": ")
        else:
            append(tok)
        previous = tok
    pretty = "".join(out)
    if depth != 0 or compact(pretty) != text:  # unbalanced, or whitespace between tokens
        return None
    return pretty


def compact(text: str) -> str:
    """Remove the whitespace :func:`indent` inserted, giving back its input exactly."""
    return _INSERTED.sub(r"\1", text)
