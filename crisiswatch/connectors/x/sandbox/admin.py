"""The sandbox's admin API under /_sandbox/ (no auth, no rate limit): clock, faults, sent, posts, rate_limits."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from crisiswatch.connectors.x.sandbox.pages import problem
from crisiswatch.errors import RejectedInput
from crisiswatch.replay import format_time, parse_time

if TYPE_CHECKING:
    from crisiswatch.connectors.x.sandbox.server import XSandbox


def _json(obj: Any, status: int = 200) -> tuple[int, bytes]:
    return status, json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _clock(sb: XSandbox) -> tuple[int, bytes]:
    return _json({"now": format_time(sb.clock.now()), "speed": sb.clock.speed})


def handle(sb: XSandbox, method: str, path: str, q: dict[str, str], text: str) -> tuple[int, bytes]:
    try:
        body: Any = json.loads(text) if text and path != "posts" else {}
    except json.JSONDecodeError as exc:
        return 400, problem(400, f"body is not valid JSON: {exc.msg}")
    try:
        if path == "clock" and method == "GET":
            return _clock(sb)
        if path == "clock" and method == "POST":
            if "now" in body:
                sb.clock.set(parse_time(body["now"]), body.get("speed"))
            elif "advance" in body:
                sb.clock.advance(float(body["advance"]))
            elif "speed" in body:
                sb.clock.set(sb.clock.now(), float(body["speed"]))
            return _clock(sb)
        if path == "faults" and method == "POST":
            sb.inject_fault(body["endpoint"], status=body.get("status"), delay=float(body.get("delay", 0)),
                            cut=bool(body.get("cut")), malformed=body.get("malformed") or (),
                            truncated=bool(body.get("truncated")), count=int(body.get("count", 1)))
            return _json({"queued": int(body.get("count", 1))})
        if path == "faults" and method == "DELETE":
            sb.faults.clear()
            return _json({"cleared": True})
        if path == "sent" and method == "GET":
            return _json(sb.sent())
        if path == "posts" and method == "POST":
            stripped = text.strip()
            if stripped.startswith("["):
                added = sb.add_posts(json.loads(stripped))
            else:
                added = sb.add_posts([ln for ln in stripped.splitlines() if ln.strip()])
            return _json({"added": added, "total": len(sb.store)})
        if path == "rate_limits" and method == "POST":
            sb.set_rate_limit(body["endpoint"], int(body["limit"]), body.get("window_seconds"))
            return _json({"endpoint": body["endpoint"], "limit": body["limit"]})
        if path == "stats" and method == "GET":
            return _json({"posts": len(sb.store), "users": len(sb.store.users),
                          "requests": {e: sb.requests(e) for e in sb.limiter.limits}})
    except (KeyError, ValueError, TypeError, RejectedInput) as exc:
        return 400, problem(400, f"{type(exc).__name__}: {exc}")
    return 404, problem(404, f"no admin route {method} /_sandbox/{path}")
