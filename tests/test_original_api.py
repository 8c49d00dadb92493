"""Programs written for the original locus import and run here unchanged.

``/work/shared/reference/original-api.md`` (copied to
``tests/data/original-api.md``) lists the original's public modules, names and
signatures. This test walks it and reports, per module, how many listed names
resolve here: the module imports, the name is present, and for classes the
listed pydantic fields / constructor parameters (and enum members) exist.

The report is ``docs/original-api-coverage.md``; regenerate it with
``LOCUS_WRITE_COVERAGE=1 pytest tests/test_original_api.py``. A module the
committed report marks ``full`` that no longer resolves fully fails the test.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LISTING = Path(__file__).parent / "data" / "original-api.md"
REPORT = ROOT / "docs" / "original-api-coverage.md"

# areas another distribution provides (counted, owned there)
OWNERS = {
    "a2a": "locus-a2a",
    "deepagent": "locus-deepagent",
    "rag": "locus-rag",
    "router": "locus-router",
    "server": "locus-server",
}


@dataclass
class Entry:
    name: str
    kind: str  # class | def | enum | value
    members: list[str] = field(default_factory=list)  # fields, params or enum members


@dataclass
class Outcome:
    module: str
    listed: int = 0
    resolved: int = 0
    missing: list[str] = field(default_factory=list)
    error: str = ""
    # (name, absent fields / parameters / members): empty tuple when the name is absent
    gaps: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return not self.error and self.resolved == self.listed


def _params(signature: str) -> list[str]:
    """Parameter names of ``(a: 'x' = 1, *, b: 'y')`` (not ``*args``/``**kw``)."""
    inner = signature[1 : signature.rfind(")")]
    # drop quoted annotations and defaults so commas inside them do not split
    inner = re.sub(r"'[^']*'|\"[^\"]*\"", "''", inner)
    names = []
    for part in re.split(r",\s*", inner):
        part = part.strip()
        if not part or part.startswith(("*", "/", "...")):
            continue
        name = re.split(r"[:=]", part, maxsplit=1)[0].strip()
        if name.isidentifier():
            names.append(name)
    return names


def parse_listing(text: str) -> dict[str, list[Entry]]:
    modules: dict[str, list[Entry]] = {}
    current: list[Entry] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = modules.setdefault(line[3:].strip(), [])
            continue
        if current is None or not line.startswith("- "):
            continue
        body = re.sub(r"\s+\(from [\w.]+\)$", "", line[2:])
        if body.startswith("class "):
            rest = body[6:]
            name = re.match(r"\w+", rest).group(0)  # type: ignore[union-attr]
            tail = rest[len(name) :]
            members: list[str] = []
            if tail.startswith(" fields: "):
                fields_part = tail[len(" fields: ") :].split("  bases:")[0]
                members = [f.strip() for f in fields_part.split(",") if f.strip()]
            elif tail.startswith("("):
                members = _params(tail.split(" -> ")[0].split("  bases:")[0])
            current.append(Entry(name, "class", members))
        elif body.startswith("def "):
            current.append(Entry(re.match(r"def (\w+)", body).group(1), "def"))  # type: ignore[union-attr]
        elif body.startswith("enum "):
            name, _, members_part = body[5:].partition(":")
            members = [m.strip() for m in members_part.split(",") if m.strip()]
            current.append(Entry(name.strip(), "enum", members))
        else:
            current.append(Entry(body.split(":")[0].strip(), "value"))
    return modules


def _has_member(obj: object, member: str) -> bool:
    model_fields = getattr(obj, "model_fields", None)
    if isinstance(model_fields, dict) and member in model_fields:
        return True
    if isinstance(model_fields, dict) and member in {
        getattr(f, "alias", None) for f in model_fields.values()
    }:
        return True
    if isinstance(obj, type) and isinstance(model_fields, dict) and not hasattr(obj, member):
        # a pydantic model's fields are authoritative: its signature is ``**data``
        # until the (deferred) schema is built, which would accept any name
        return False
    if dataclasses.is_dataclass(obj) and member in {f.name for f in dataclasses.fields(obj)}:
        return True
    if isinstance(obj, type) and issubclass(obj, enum.Enum):
        return member in obj.__members__
    if hasattr(obj, member):
        return True
    try:
        params = inspect.signature(obj).parameters  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    if member in params:
        return True
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def check_module(module_name: str, entries: list[Entry]) -> Outcome:
    outcome = Outcome(module_name, listed=len(entries))
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        outcome.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:120]
        outcome.missing = [e.name for e in entries]
        outcome.gaps = [(e.name, ()) for e in entries]
        return outcome
    for entry in entries:
        try:
            obj = getattr(module, entry.name)
        except Exception:
            outcome.missing.append(entry.name)
            outcome.gaps.append((entry.name, ()))
            continue
        absent = [m for m in entry.members if not _has_member(obj, m)]
        if absent:
            shown = ", ".join(absent[:4]) + (", ..." if len(absent) > 4 else "")
            outcome.missing.append(f"{entry.name} ({shown})")
            outcome.gaps.append((entry.name, tuple(absent)))
        else:
            outcome.resolved += 1
    return outcome


# issue 20's Phase 1: each of these areas resolves fully or docs/migrating.md explains its gaps
PHASE1_AREAS = frozenset(
    {
        "(root)",
        "agent",
        "core",
        "hooks",
        "loop",
        "memory",
        "models",
        "multiagent",
        "observability",
        "providers",
        "reasoning",
        "tools",
    }
)
MIGRATING = ROOT / "docs" / "migrating.md"


def _words(text: str) -> set[str]:
    spans = re.findall(r"`([^`]+)`", text)
    words = {w for span in spans for w in re.findall(r"[A-Za-z_][\w.]*", span)}
    # a dotted span names the module and each of its parts (`SteeringAction.INTERRUPT`)
    return words | {part for w in words for part in w.split(".") if part}


def _blocks(markdown: str) -> list[set[str]]:
    """Identifiers inside backticks, per table row or prose paragraph (code blocks skipped)."""
    blocks: list[set[str]] = []
    paragraph: list[str] = []
    in_code = False
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        if not line.strip() or line.startswith("|"):
            blocks.append(_words(" ".join(paragraph)))
            paragraph = []
            if line.startswith("|"):
                blocks.append(_words(line))
        else:
            paragraph.append(line)
    return [b for b in blocks if b]


def unexplained_gaps(outcome: Outcome, blocks: list[set[str]]) -> list[str]:
    """The gaps of ``outcome`` that no row or paragraph of the migration guide names.

    A module that does not import is explained by a block naming it in backticks
    (``locus.x.y``, or ``.y`` beside its parent); an absent name by a block naming
    it; an absent field of a present class by a block naming the class and the field.
    """
    mentioned = set().union(*blocks) if blocks else set()
    if outcome.error:
        parent, _, last = outcome.module.rpartition(".")
        named = any(
            outcome.module in b
            or (last in b and any(w == parent or w.startswith(parent + ".") for w in b))
            for b in blocks
        )
        return [] if named else [f"{outcome.module} (module)"]
    left = []
    for name, absent in outcome.gaps:
        if not absent:
            if name not in mentioned:
                left.append(name)
            continue
        fields = [f for f in absent if not any(name in b and f in b for b in blocks)]
        if fields:
            left.append(f"{name} ({', '.join(fields)})")
    return left


def _area(module_name: str) -> str:
    parts = module_name.split(".")
    return parts[1] if len(parts) > 1 else "(root)"


def render(outcomes: list[Outcome]) -> str:
    areas: dict[str, list[Outcome]] = {}
    for o in outcomes:
        areas.setdefault(_area(o.module), []).append(o)
    lines = [
        "# Original locus API coverage",
        "",
        "Generated by `tests/test_original_api.py` from the original locus's listing",
        "(`tests/data/original-api.md`); regenerate with",
        "`LOCUS_WRITE_COVERAGE=1 pytest tests/test_original_api.py` in an environment with",
        "every distribution installed. A name resolves when its module imports and it is",
        "present with the listed fields / constructor parameters / enum members. Deliberate",
        "differences are in [migrating.md](migrating.md).",
        "",
        "## Per area",
        "",
        "| area | owner | modules | full | names listed | names resolving |",
        "|---|---|---|---|---|---|",
    ]
    total_listed = total_resolved = 0
    for area, items in areas.items():
        listed = sum(o.listed for o in items)
        resolved = sum(o.resolved for o in items)
        total_listed += listed
        total_resolved += resolved
        full = sum(o.full for o in items)
        owner = OWNERS.get(area, "locus-core")
        lines.append(f"| {area} | {owner} | {len(items)} | {full} | {listed} | {resolved} |")
    lines.append(
        f"| **total** | | {len(outcomes)} | {sum(o.full for o in outcomes)} "
        f"| {total_listed} | {total_resolved} |"
    )
    lines += [
        "",
        "## Per module",
        "",
        "| module | status | resolving | missing |",
        "|---|---|---|---|",
    ]
    for o in outcomes:
        status = "full" if o.full else ("import error" if o.error else "partial")
        missing = o.error or ", ".join(o.missing)
        missing = missing.replace("|", "\\|")
        lines.append(f"| `{o.module}` | {status} | {o.resolved}/{o.listed} | {missing} |")
    return "\n".join(lines) + "\n"


def committed_full_modules(report: str) -> set[str]:
    return set(re.findall(r"^\| `([\w.]+)` \| full \|", report, flags=re.MULTILINE))


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    modules = parse_listing(LISTING.read_text(encoding="utf-8"))
    return [check_module(name, entries) for name, entries in modules.items()]


def test_listing_parses_every_name() -> None:
    modules = parse_listing(LISTING.read_text(encoding="utf-8"))
    listed = sum(1 for line in LISTING.read_text().splitlines() if line.startswith("- "))
    assert sum(len(v) for v in modules.values()) == listed
    config = {e.name: e for e in modules["locus.agent.config"]}
    assert "max_iterations" in config["AgentConfig"].members
    a2a = {e.name: e for e in modules["locus.a2a.protocol"]}
    assert a2a["A2AClient"].members == ["url", "api_key"]


def test_no_fully_resolved_module_regresses(outcomes: list[Outcome]) -> None:
    if os.environ.get("LOCUS_WRITE_COVERAGE") == "1":
        REPORT.write_text(render(outcomes), encoding="utf-8")
    before = committed_full_modules(REPORT.read_text(encoding="utf-8"))
    now = {o.module: o for o in outcomes}
    regressed = {m: now[m].error or now[m].missing for m in before if m in now and not now[m].full}
    assert not regressed, f"modules that resolved fully no longer do: {regressed}"


def test_phase1_gaps_are_explained_in_the_migration_guide(outcomes: list[Outcome]) -> None:
    blocks = _blocks(MIGRATING.read_text(encoding="utf-8"))
    unexplained = {
        o.module: gaps
        for o in outcomes
        if _area(o.module) in PHASE1_AREAS and (gaps := unexplained_gaps(o, blocks))
    }
    assert not unexplained, f"resolve these or explain them in docs/migrating.md: {unexplained}"


def test_gap_check_needs_the_name_and_each_field() -> None:
    blocks = _blocks(
        "| `AgentState` `agent_id` | why |\n"
        "| `locus.loop.router` | gone |\n\n"
        "Prose naming `Thing`\nover two lines with `ThingConfig(size=...)`.\n"
    )
    gone = Outcome("locus.loop.router", error="ModuleNotFoundError: x")
    assert unexplained_gaps(gone, blocks) == []
    other = Outcome("locus.loop.other", error="ModuleNotFoundError: x")
    assert unexplained_gaps(other, blocks) == ["locus.loop.other (module)"]
    partial = Outcome("locus.core.state")
    partial.gaps = [
        ("AgentState", ("agent_id", "max_iterations")),
        ("Thing", ()),
        ("ThingConfig", ("size",)),
        ("Other", ()),
    ]
    assert unexplained_gaps(partial, blocks) == ["AgentState (max_iterations)", "Other"]


def test_star_import_and_dir_resolve() -> None:
    import locus

    namespace: dict[str, object] = {}
    exec("from locus import *", namespace)
    for name in locus.__all__:
        assert name in namespace
    for name in dir(locus):
        getattr(locus, name)
    assert "Any" not in dir(locus)
    assert not hasattr(locus, "Any")


def test_unknown_names_are_attribute_errors() -> None:
    import locus.memory.backends

    assert not hasattr(locus.memory.backends, "Nope")
    with pytest.raises(AttributeError):
        locus.memory.backends.Nope  # noqa: B018


def test_openai_providers_and_oci_embeddings_at_their_original_paths() -> None:
    import locus
    import locus.oci
    import locus.openai
    import locus.providers
    from locus.providers.image import OpenAIImageProvider
    from locus.providers.speech import OpenAISpeechProvider
    from locus.providers.web_search import OpenAISearchPreviewProvider

    assert OpenAIImageProvider is locus.openai.OpenAIImageProvider
    assert OpenAISpeechProvider is locus.openai.OpenAISpeechProvider
    assert OpenAISearchPreviewProvider is locus.openai.OpenAISearchPreviewProvider
    assert locus.providers.OpenAIImageProvider is OpenAIImageProvider
    assert "OpenAISpeechProvider" in dir(locus.providers)
    assert "make_web_search_tool" in dir(locus.providers)
    assert not hasattr(locus.providers, "AnthropicImageProvider")
    images = OpenAIImageProvider(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    assert images.model == "gpt-image-1"
    assert locus.OCIEmbeddings is locus.oci.OCIEmbeddings
    assert "OCIEmbeddings" in locus.__all__


def test_native_models_build_the_provider_distributions_models() -> None:
    from locus.anthropic import AnthropicModel as OurAnthropic
    from locus.models.native.anthropic import AnthropicConfig, AnthropicModel
    from locus.models.native.openai import OpenAIConfig, OpenAIModel
    from locus.openai import OpenAIModel as OurOpenAI

    model = OpenAIModel(config=OpenAIConfig(model="gpt-4.1-mini", api_key="sk-test", max_retries=1))
    assert isinstance(model, OurOpenAI)
    assert model.model == "gpt-4.1-mini"
    claude = AnthropicModel(config=AnthropicConfig(api_key="test", request_timeout=5.0))
    assert isinstance(claude, OurAnthropic)


@pytest.mark.redis
async def test_redis_checkpointer_adapter_persists_a_thread() -> None:
    import uuid

    from locus import Agent
    from locus.memory.backends.adapters import redis_checkpointer

    prefix = f"locus-test-compat:{uuid.uuid4().hex[:10]}:"
    saver = redis_checkpointer("redis://127.0.0.1:6379/0", prefix=prefix)
    try:
        await Agent(model="test", checkpointer=saver).invoke("one", thread_id="t")
        state = await saver.load("t")
        assert state is not None
        assert state.messages[0].content == "one"
    finally:
        await saver.delete_thread("t")
        await saver.aclose()


@pytest.mark.postgres
async def test_postgresql_checkpointer_adapter_persists_a_thread() -> None:
    import uuid

    import psycopg

    from locus import Agent
    from locus.checkpoint.postgres.testing import local_dsn
    from locus.memory.backends.adapters import postgresql_checkpointer

    schema = f"locus_test_compat_{uuid.uuid4().hex[:10]}"
    saver = postgresql_checkpointer(dsn=local_dsn(), schema=schema)
    try:
        await Agent(model="test", checkpointer=saver).invoke("one", thread_id="t")
        state = await saver.load("t")
        assert state is not None
        assert state.messages[0].content == "one"
    finally:
        await saver.aclose()
        with psycopg.connect(local_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
