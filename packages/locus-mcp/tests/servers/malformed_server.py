"""A broken MCP server speaking raw JSON-RPC over stdio: valid handshake and
listing, malformed tool results. No SDK: the point is answers the SDK would
never produce."""

from __future__ import annotations

import json
import sys

TOOLS = [
    {"name": "not_a_list", "description": "content is a string", "inputSchema": {"type": "object"}},
    {"name": "bad_block", "description": "unknown block type", "inputSchema": {"type": "object"}},
    {"name": "good", "description": "a valid answer", "inputSchema": {"type": "object"}},
]

RESULTS = {
    "not_a_list": {"content": "this should be a list", "isError": False},
    "bad_block": {"content": [{"type": "hologram", "frames": 3}]},
    "good": {"content": [{"type": "text", "text": "fine"}]},
}


def reply(request_id: object, result: object) -> None:
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": request_id, "result": result}) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    message = json.loads(line)
    method, request_id = message.get("method"), message.get("id")
    if request_id is None:
        continue  # a notification
    if method == "initialize":
        reply(
            request_id,
            {
                "protocolVersion": message["params"]["protocolVersion"],
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "malformed", "version": "0"},
            },
        )
    elif method == "tools/list":
        reply(request_id, {"tools": TOOLS})
    elif method == "tools/call":
        reply(request_id, RESULTS[message["params"]["name"]])
    else:
        sys.stdout.write(
            json.dumps(
                {"jsonrpc": "2.0", "id": request_id, "error": {"code": -32601, "message": "no"}}
            )
            + "\n"
        )
        sys.stdout.flush()
