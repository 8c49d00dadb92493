"""``locus serve module:agent`` and ``uvicorn locus.server:run`` start a working server."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_helpers import free_port

from locus.core.errors import ConfigError
from locus.plugins import get_plugin_manager
from locus.server import load_target

APP = textwrap.dedent(
    """
    from locus import Agent
    from locus.models import FunctionModel

    agent = Agent(model=FunctionModel(lambda messages, tools: "pong"), name="pinger")

    def make_agent():
        return agent
    """
)


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "pingapp.py").write_text(APP)
    return tmp_path


def _serve(args: list[str], cwd: Path, env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    full_env = {**os.environ, "LOCUS_SERVER_API_KEY": "cli-key", **env}
    process = subprocess.Popen(
        [*args, "--port", str(port)],
        cwd=cwd,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                raise AssertionError(f"server did not start: {output}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_locus_serve_is_registered_by_the_plugin() -> None:
    registered: list[str] = []
    get_plugin_manager().hook.locus_register_commands(
        register=lambda name, *a, **k: registered.append(name)
    )
    assert "serve" in registered


def test_locus_serve_module_agent(app_dir: Path) -> None:
    for url in _serve([sys.executable, "-m", "locus.cli", "serve", "pingapp:agent"], app_dir, {}):
        reply = httpx.post(
            f"{url}/invoke", json={"prompt": "ping"}, headers={"Authorization": "Bearer cli-key"}
        )
        assert reply.json()["message"] == "pong"
        assert httpx.post(f"{url}/invoke", json={"prompt": "ping"}).status_code == 401


def test_uvicorn_locus_server_run_serves_the_env_target(app_dir: Path) -> None:
    args = [sys.executable, "-m", "uvicorn", "locus.server:run"]
    for url in _serve(args, app_dir, {"LOCUS_SERVER_AGENT": "pingapp:make_agent"}):
        assert httpx.get(f"{url}/health").json()["agent"] == "pinger"
        reply = httpx.post(
            f"{url}/invoke", json={"prompt": "ping"}, headers={"Authorization": "Bearer cli-key"}
        )
        assert reply.json()["message"] == "pong"


def test_load_target_errors_say_what_is_wrong() -> None:
    with pytest.raises(ConfigError, match="module:attribute"):
        load_target("no-colon")
    with pytest.raises(ConfigError, match="cannot import"):
        load_target("no_such_module_xyz:agent")
    with pytest.raises(ConfigError, match="no attribute"):
        load_target("locus:no_such_name")
