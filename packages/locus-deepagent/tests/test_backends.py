"""File backends: same behaviour on both, and no path escapes FilesystemBackend's root."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from locus.deepagent import BackendError, FilesystemBackend, StateBackend
from locus.deepagent.backends import BackendProtocol

Factory = Callable[[Path], BackendProtocol]


@pytest.fixture(params=["state", "filesystem"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> BackendProtocol:
    if request.param == "state":
        return StateBackend()
    return FilesystemBackend(tmp_path / "root")


async def test_write_read_edit_ls_glob_grep(backend: BackendProtocol) -> None:
    await backend.write("/notes/a.md", "alpha\nbeta\n")
    await backend.write("notes/sub/b.md", "gamma beta\n")  # relative = from the root
    await backend.write("/top.txt", "top")
    assert await backend.read("/notes/a.md") == "alpha\nbeta\n"
    assert [(e.path, e.is_dir) for e in await backend.ls("/")] == [
        ("/notes", True),
        ("/top.txt", False),
    ]
    assert [(e.path, e.is_dir) for e in await backend.ls("/notes")] == [
        ("/notes/a.md", False),
        ("/notes/sub", True),
    ]
    assert await backend.glob("**/*.md") == ["/notes/a.md", "/notes/sub/b.md"]
    assert await backend.glob("*.md", "/notes") == ["/notes/a.md"]
    assert await backend.glob("*") == ["/top.txt"]
    hits = await backend.grep(r"beta")
    assert [(m.path, m.line, m.text) for m in hits] == [
        ("/notes/a.md", 2, "beta"),
        ("/notes/sub/b.md", 1, "gamma beta"),
    ]
    assert [m.path for m in await backend.grep("beta", glob="a.*")] == []  # glob is relative
    assert [m.path for m in await backend.grep("beta", glob="**/a.md")] == ["/notes/a.md"]
    assert await backend.edit("/notes/a.md", "beta", "BETA") == 1
    assert await backend.read("/notes/a.md") == "alpha\nBETA\n"
    assert await backend.exists("/notes")
    assert await backend.exists("/notes/a.md")
    assert not await backend.exists("/nope")


async def test_errors_are_typed_and_change_nothing(backend: BackendProtocol) -> None:
    await backend.write("/f.txt", "x x")
    cases = [
        (backend.read("/missing.txt"), "not_found"),
        (backend.read("/"), "is_directory"),
        (backend.ls("/f.txt"), "not_a_directory"),
        (backend.edit("/f.txt", "y", "z"), "no_match"),
        (backend.edit("/f.txt", "x", "z"), "ambiguous_match"),
        (backend.write("/f.txt/child", "no"), "not_a_directory"),
        (backend.grep("(unclosed"), "invalid_pattern"),
    ]
    for call, code in cases:
        with pytest.raises(BackendError) as info:
            await call
        assert info.value.code == code
        assert info.value.kind == "deepagent.backend"
    assert await backend.read("/f.txt") == "x x"
    assert await backend.edit("/f.txt", "x", "z", replace_all=True) == 2


@pytest.mark.parametrize("path", ["../escape.txt", "/a/../../escape.txt", "a/..", "..", "x\x00y"])
async def test_dotdot_and_nul_are_refused(backend: BackendProtocol, path: str) -> None:
    for op in (backend.read(path), backend.write(path, "x"), backend.ls(path)):
        with pytest.raises(BackendError) as info:
            await op
        assert info.value.code == "invalid_path"


async def test_absolute_paths_stay_inside_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("top secret")
    fs = FilesystemBackend(tmp_path / "root")
    # the agent's "/" is the root: an absolute host path is a path under it
    with pytest.raises(BackendError) as info:
        await fs.read(str(outside))
    assert info.value.code == "not_found"
    await fs.write(str(outside), "written inside")
    assert outside.read_text() == "top secret"
    inside = tmp_path / "root" / outside.relative_to("/")
    assert inside.read_text() == "written inside"
    with pytest.raises(BackendError):
        await fs.read("/etc/passwd")


async def test_symlinks_out_of_the_root_are_refused_and_hidden(tmp_path: Path) -> None:
    root = tmp_path / "root"
    secret_dir = tmp_path / "secrets"
    secret_dir.mkdir()
    (secret_dir / "key.txt").write_text("top secret")
    fs = FilesystemBackend(root)
    await fs.write("/ok.txt", "fine")
    os.symlink(secret_dir / "key.txt", root / "link.txt")
    os.symlink(secret_dir, root / "linkdir")
    os.symlink(root / "ok.txt", root / "inner_link.txt")  # stays inside: allowed
    for op in (
        fs.read("/link.txt"),
        fs.read("/linkdir/key.txt"),
        fs.write("/link.txt", "overwrite"),
        fs.write("/linkdir/new.txt", "plant"),
        fs.edit("/link.txt", "top", "x"),
        fs.ls("/linkdir"),
    ):
        with pytest.raises(BackendError) as info:
            await op
        assert info.value.code == "path_escape"
    assert (secret_dir / "key.txt").read_text() == "top secret"
    assert not (secret_dir / "new.txt").exists()
    assert [e.path for e in await fs.ls("/")] == ["/inner_link.txt", "/ok.txt"]
    assert await fs.glob("**") == ["/inner_link.txt", "/ok.txt"]
    assert [m.path for m in await fs.grep("secret")] == []
    assert await fs.read("/inner_link.txt") == "fine"
    assert not await fs.exists("/link.txt")


async def test_root_itself_is_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    os.symlink(real, tmp_path / "alias")
    fs = FilesystemBackend(tmp_path / "alias")
    await fs.write("/a.txt", "ok")
    assert (real / "a.txt").read_text() == "ok"


def test_state_backend_initial_files_and_copy() -> None:
    backend = StateBackend({"notes/a.md": "x"})
    files = backend.files
    files["/b"] = "not added"
    assert backend.files == {"/notes/a.md": "x"}
    with pytest.raises(BackendError):
        StateBackend({"../x": "y"})
