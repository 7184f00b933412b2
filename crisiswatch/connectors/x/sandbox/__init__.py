"""A local X API v2 sandbox: replays a JSONL timeline over the real wire protocol (see server.XSandbox)."""

from crisiswatch.connectors.x.sandbox.server import XSandbox

__all__ = ["XSandbox"]
