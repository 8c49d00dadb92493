"""The app the worker processes of the tests run (``locus worker dbos_app:orders``).

Every model call and every tool effect is appended to files under
``$LOCUS_DBOS_TEST_DIR`` so the test can count them across processes.
"""

from __future__ import annotations

import asyncio
import os
import time

from locus import Agent, tool
from locus.core.messages import Role, ToolCall
from locus.dbos import DBOSAgent
from locus.models import FunctionModel


def note(name: str, line: str) -> None:
    path = os.path.join(os.environ["LOCUS_DBOS_TEST_DIR"], name)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{line}\n".encode())
    finally:
        os.close(fd)


@tool
async def charge(order: str) -> str:
    """Charge an order.

    Args:
        order: Order id.
    """
    note("effects", f"charge {order}")
    return f"charged {order}"


@tool(idempotent=True)
async def ship(order: str) -> str:
    """Ship an order (idempotent: one shipment per order).

    Args:
        order: Order id.
    """
    note("effects", f"ship-start {order}")
    if os.environ.get("LOCUS_DBOS_BLOCK_IN") == "ship":
        note("ready", str(os.getpid()))
        await asyncio.sleep(3600)
    note("effects", f"ship {order}")
    return f"shipped {order}"


async def model(messages, tools):
    prompt = next(m.content for m in messages if m.role is Role.USER)
    turn = sum(1 for m in messages if m.role is Role.TOOL)
    note("model", f"{prompt} {turn} {os.getpid()}")
    if turn == 0:
        note("spans", f"begin {prompt} {os.getpid()} {time.time()}")
    if os.environ.get("LOCUS_DBOS_BLOCK_IN") == f"model{turn}":
        note("ready", str(os.getpid()))
        await asyncio.sleep(3600)
    await asyncio.sleep(float(os.environ.get("LOCUS_DBOS_MODEL_DELAY", "0")))
    if turn == 0:
        return [ToolCall(id="c1", name="charge", arguments={"order": prompt})]
    if turn == 1:
        return [ToolCall(id="c2", name="ship", arguments={"order": prompt})]
    note("spans", f"end {prompt} {os.getpid()} {time.time()}")
    return f"done {prompt}"


orders = DBOSAgent(
    Agent(model=FunctionModel(model), tools=[charge, ship], name="orders"), queue="orders"
)
