"""The browser playground, driven in Debian's Chromium (headless) by Playwright.

Runs in the ``playground`` nox session (which installs Playwright and sets
``LOCUS_REQUIRE_BROWSER=1``: a missing browser fails there). Elsewhere the
test is skipped when Playwright or Chromium is absent. No browser is ever
downloaded: Playwright launches ``/usr/bin/chromium``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from server_helpers import KEY, KEYS, LiveServer, refund, refund_model

from locus import Agent
from locus.core.messages import Message
from locus.models import FunctionModel

CHROMIUM = os.environ.get("LOCUS_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("LOCUS_REQUIRE_BROWSER") == "1"

if not REQUIRED:
    pytest.importorskip(
        "playwright.sync_api", reason="playwright is installed by the playground session"
    )
    if not shutil.which(CHROMIUM):
        pytest.skip(
            f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True
        )

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def playground_model(messages: list[Message], tools: Any) -> Any:
    """Refunds when asked ('refund ...'), else answers with the turn number."""
    last = messages[-1]
    if last.role.value == "user" and not (last.content or "").startswith("refund"):
        turns = sum(1 for m in messages if m.role.value == "user")
        return f"answer {turns}: {last.content}"
    return refund_model(messages, tools)


@contextlib.contextmanager
def open_page(target: Any) -> Iterator[Page]:
    from locus.server import AgentServer

    server = AgentServer(target, api_key=KEYS)
    with LiveServer(server.app) as live, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        tab = browser.new_page()
        tab.goto(f"{live.url}/")
        tab.fill("#key", KEY)
        yield tab
        browser.close()


@pytest.fixture
def page() -> Iterator[Page]:
    agent = Agent(model=FunctionModel(playground_model), tools=[refund], name="playground")
    with open_page(agent) as tab:
        yield tab


def ask(page: Page, text: str) -> None:
    page.fill("#prompt", text)
    page.click("#send")
    expect(page.locator("#status")).to_have_text("done")


def test_chat_streams_the_run_and_keeps_the_thread(page: Page) -> None:
    page.fill("#thread", "browser-1")
    ask(page, "hello")
    expect(page.locator("#chat .msg.agent").last).to_have_text("answer 1: hello")
    events = page.locator("#events li")
    expect(events.first).to_have_attribute("data-type", "agent.started")
    expect(events.last).to_have_attribute("data-type", "agent.terminate")
    expect(page.locator('#events li[data-type="agent.think"]')).to_have_count(1)
    ask(page, "again")
    expect(page.locator("#chat .msg.agent").last).to_have_text("answer 2: again")
    expect(page.locator("#history li.checkpoint")).not_to_have_count(0)


def test_tool_calls_show_and_a_paused_call_is_approved(page: Page) -> None:
    ask(page, "refund A7")
    started = page.locator('#events li[data-type="agent.tool.started"]')
    expect(started).to_contain_text('refund {"order":"A7","amount":10}')
    expect(page.locator('#events li[data-type="agent.interrupt"]')).to_contain_text(
        "Refund 10.0 EUR on A7?"
    )
    call = page.locator("#pending .pending-call")
    expect(call).to_have_count(1)
    call.locator("button.approve").click()
    expect(page.locator("#chat .msg.agent").last).to_have_text("done: refunded 10.0 on A7")
    expect(page.locator("#pending .pending-call")).to_have_count(0)


def test_time_travel_and_fork_from_an_early_checkpoint(page: Page) -> None:
    page.fill("#thread", "browser-tt")
    ask(page, "first")
    ask(page, "second")
    checkpoints = page.locator("#history li.checkpoint")
    oldest = checkpoints.last  # newest first: the last item is the first checkpoint
    oldest.locator("button.view").click()
    expect(page.locator("#snapshot .msg")).to_have_count(1)
    expect(page.locator("#snapshot .msg").first).to_have_text("first")
    # fork after the first answer: the new thread has turn 1 only, and goes on from there
    checkpoints.nth(checkpoints.count() - 2).locator("button.fork").click()
    expect(page.locator("#status")).to_contain_text("forked into")
    forked = page.input_value("#thread")
    assert forked != "browser-tt"
    expect(page.locator("#chat .msg")).to_have_count(2)
    ask(page, "branch")
    expect(page.locator("#chat .msg.agent").last).to_have_text("answer 2: branch")


def test_a_served_graph_pauses_is_approved_and_travels_in_time() -> None:
    from test_server_graph import refund_graph

    with open_page(refund_graph()) as tab:
        tab.fill("#thread", "browser-graph")
        ask(tab, "refund 30")
        expect(tab.locator('#events li[data-type="agent.interrupt"]')).to_contain_text(
            "Refund 30 EUR?"
        )
        call = tab.locator("#pending .pending-call")
        expect(call).to_contain_text("Approve review?")
        call.locator("button.approve").click()
        expect(tab.locator("#chat .msg.agent").last).to_have_text("refund 30: yes")
        expect(tab.locator("#pending .pending-call")).to_have_count(0)
        checkpoints = tab.locator("#history li.checkpoint")
        expect(checkpoints).not_to_have_count(0)
        checkpoints.last.locator("button.view").click()  # the oldest: before the pause
        expect(tab.locator("#snapshot h2")).to_contain_text("next: review")
        expect(tab.locator("#snapshot .msg.values")).to_contain_text('"amount": 30')
        # fork from the paused step: the new thread waits on the same question, with its
        # own token, and is approved from the page
        checkpoints.nth(checkpoints.count() - 2).locator("button.fork").click()
        expect(tab.locator("#status")).to_contain_text("forked into")
        assert tab.input_value("#thread") != "browser-graph"
        forked = tab.locator("#pending .pending-call")
        expect(forked).to_contain_text("Refund 30 EUR?")
        forked.locator("button.reject").click()
        expect(tab.locator("#chat .msg.agent").last).to_have_text("refund 30: no")
