"""The X sandbox HTTP server: auth, rate limits and faults around the endpoints in api.py, plus /_sandbox/."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from crisiswatch.connectors.x.sandbox import api
from crisiswatch.connectors.x.sandbox.clock import SimClock
from crisiswatch.connectors.x.sandbox.control import Budget, Fault, FaultQueue, RateLimiter
from crisiswatch.connectors.x.sandbox.pages import problem
from crisiswatch.connectors.x.sandbox.store import PostStore
from crisiswatch.replay import ReplayPost, parse_replay_line, parse_replay_obj, parse_time, read_replay

log = logging.getLogger("crisiswatch.x.sandbox")

# (method, pattern, handler, rate-limit endpoint, auth: "app" = bearer only, "user" = OAuth only, "any")
ROUTES: list[tuple[str, re.Pattern[str], str, str, str]] = [
    ("GET", re.compile(r"/2/users/(\d+)/mentions"), "mentions", "mentions", "any"),
    ("GET", re.compile(r"/2/tweets/search/recent"), "search", "search", "any"),
    ("GET", re.compile(r"/2/tweets/counts/recent"), "counts", "counts", "app"),
    ("GET", re.compile(r"/2/users/by/username/(\w{1,50})"), "user_by_name", "users", "any"),
    ("GET", re.compile(r"/2/users/(\d+)"), "user_by_id", "users", "any"),
    ("POST", re.compile(r"/2/tweets"), "create_tweet", "create_tweet", "user"),
    ("POST", re.compile(r"/2/dm_conversations/with/(\d+)/messages"), "dm", "dm", "user"),
]
OAUTH_KEY_RE = re.compile(r'oauth_consumer_key="([^"]*)"')


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sandbox: XSandbox

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection from %s ended abruptly", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle + delayed ACK add ~40 ms a request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch("DELETE")

    def _send(self, status: int, body: bytes, budget: Budget | None = None) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        if budget is not None:
            self.send_header("x-rate-limit-limit", str(budget.limit))
            self.send_header("x-rate-limit-remaining", str(budget.remaining))
            self.send_header("x-rate-limit-reset", str(budget.reset))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> Any:
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        return raw.decode("utf-8") if raw else ""

    def _dispatch(self, method: str) -> None:
        sb = self.server.sandbox
        url = urlsplit(self.path)
        q = dict(parse_qsl(url.query, keep_blank_values=True))
        text = self._body() if method != "GET" else ""
        try:
            if url.path.startswith("/_sandbox/"):
                status, body = sb.admin(method, url.path[len("/_sandbox/"):], q, text)
                self._send(status, body)
                return
            for m, pattern, handler, endpoint, auth_kind in ROUTES:
                match = pattern.fullmatch(url.path)
                if match and m == method:
                    self._api(sb, handler, endpoint, auth_kind, match.groups(), q, text)
                    return
            self._send(404, problem(404, f"no route for {method} {url.path}"))
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away during %s %s", method, url.path)

    def _auth(self, sb: XSandbox, auth_kind: str) -> tuple[str | None, bytes | None, int]:
        header = self.headers.get("authorization") or ""
        if header.startswith("Bearer "):
            if header[7:] != sb.bearer_token:
                return None, problem(401), 401
            if auth_kind == "user":
                return None, problem(403, "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
                                     "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
                                     title="Unsupported Authentication",
                                     type_="https://api.twitter.com/2/problems/unsupported-authentication"), 403
            return "bearer:" + header[7:], None, 200
        if header.startswith("OAuth "):
            key = OAUTH_KEY_RE.search(header)
            if not key or (sb.consumer_key is not None and key.group(1) != sb.consumer_key):
                return None, problem(401), 401
            if auth_kind == "app":
                return None, problem(403, "Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  "
                                     "Supported authentication types are [OAuth 2.0 Application-Only].",
                                     title="Unsupported Authentication",
                                     type_="https://api.twitter.com/2/problems/unsupported-authentication"), 403
            return "oauth:" + key.group(1), None, 200
        return None, problem(401), 401

    def _api(self, sb: XSandbox, handler: str, endpoint: str, auth_kind: str, groups: tuple[str, ...], q: dict[str, str], text: str) -> None:
        sb.count_request(endpoint)
        token, err, status = self._auth(sb, auth_kind)
        if token is None:
            self._send(status, err or b"")
            return
        fault = sb.faults.pop(endpoint)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.cut:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault.status is not None:
                budget = sb.limiter.peek(endpoint, token)
                if fault.status == 429:
                    budget = Budget(False, budget.limit, 0, budget.reset)
                self._send(fault.status, problem(fault.status), budget)
                return
        budget = sb.limiter.take(endpoint, token)
        if not budget.allowed:
            self._send(429, problem(429), budget)
            return
        mutations = fault.malformed if fault else ()
        try:
            status, body = self._call(sb, handler, groups, q, text, token, mutations)
        except api.BadParam as exc:
            status, body = 400, exc.body
        if fault is not None and fault.truncated:
            body = body[: len(body) // 2]
        self._send(status, body, budget)

    @staticmethod
    def _call(sb: XSandbox, handler: str, groups: tuple[str, ...], q: dict[str, str], text: str, token: str,
              mutations: tuple[str, ...]) -> tuple[int, bytes]:
        if handler == "mentions":
            return api.mentions(sb, q, groups[0], mutations)
        if handler == "search":
            return api.search(sb, q, mutations)
        if handler == "counts":
            return api.counts(sb, q)
        if handler == "user_by_id":
            return api.user(sb, q, user_id=groups[0])
        if handler == "user_by_name":
            return api.user(sb, q, username=groups[0])
        try:
            body = json.loads(text or "{}")
        except json.JSONDecodeError:
            return 400, problem(400, "request body is not valid JSON")
        auth = token.split(":", 1)[0]
        if handler == "create_tweet":
            return api.create_tweet(sb, body, auth)
        return api.create_dm(sb, body, groups[0], auth)


class XSandbox:
    """A local X API v2 server replaying a timeline; a context manager running it in a daemon thread."""

    def __init__(
        self,
        timeline: Path | str | Iterable[dict[str, Any]] | None = None,
        *,
        bearer_token: str = "sandbox-token",
        consumer_key: str | None = None,
        account: str | None = None,
        users: Iterable[dict[str, Any]] = (),
        start: datetime | str | None = None,
        speed: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limits: dict[str, tuple[int, float]] | None = None,
        lenient: bool = False,
    ) -> None:
        self.bearer_token = bearer_token
        self.consumer_key = consumer_key  # None: any OAuth 1.0a consumer key is accepted
        self.account = account
        self.store = PostStore()
        for u in users:
            self.store.add_user(u)
        if isinstance(timeline, (str, Path)):
            self.store.add(read_replay(timeline, lenient=lenient))
        elif timeline is not None:
            self.store.add(parse_replay_obj(obj, i) for i, obj in enumerate(timeline, 1))
        if isinstance(start, str):
            start = parse_time(start)
        if start is None and self.store.ids:
            start = datetime.fromtimestamp(min(p.created for p in self.store.posts.values()), timezone.utc)
        self.clock = SimClock(start, speed)
        self.limiter = RateLimiter(rate_limits)
        self.faults = FaultQueue()
        self._lock = threading.Lock()
        self._sent: dict[str, list[dict[str, Any]]] = {"posts": [], "dms": []}
        self._requests: dict[str, int] = {}
        self._last_id = 0
        self._server = _Server((host, port), _Handler)
        self._server.sandbox = self
        self._thread: threading.Thread | None = None

    # -- lifecycle
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> XSandbox:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="x-sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> XSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test and CLI API
    def inject_fault(self, endpoint: str, *, status: int | None = None, delay: float = 0.0, cut: bool = False,
                     malformed: bool | Iterable[str] = (), truncated: bool = False, count: int = 1) -> None:
        """Queue a fault for the next `count` requests of `endpoint` (mentions, search, counts, users, create_tweet, dm)."""
        from crisiswatch.connectors.x.sandbox.control import MALFORMATIONS

        kinds = MALFORMATIONS if malformed is True else tuple(malformed or ())
        self.faults.push(endpoint, Fault(status=status, delay=delay, cut=cut, malformed=kinds, truncated=truncated), count)

    def set_rate_limit(self, endpoint: str, limit: int, window_seconds: float | None = None) -> None:
        self.limiter.set(endpoint, limit, window_seconds)

    def add_posts(self, lines: Iterable[dict[str, Any] | str]) -> int:
        """Append posts live (replay line dicts or JSON strings); returns how many were new."""
        posts: list[ReplayPost] = []
        for i, line in enumerate(lines, 1):
            posts.append(parse_replay_line(line, i) if isinstance(line, str) else parse_replay_obj(line, i))
        return self.store.add(posts)

    def sent(self) -> dict[str, list[dict[str, Any]]]:
        """Posts and DMs created through the API so far."""
        with self._lock:
            return {k: list(v) for k, v in self._sent.items()}

    def requests(self, endpoint: str) -> int:
        """How many API requests `endpoint` received (any outcome)."""
        with self._lock:
            return self._requests.get(endpoint, 0)

    # -- used by the handlers
    @property
    def account_id(self) -> int | None:
        return self.store.user_ids_by_name.get(self.account.lower()) if self.account else None

    def count_request(self, endpoint: str) -> None:
        with self._lock:
            self._requests[endpoint] = self._requests.get(endpoint, 0) + 1

    def new_id(self) -> int:
        """A snowflake-like id after every id seen so far."""
        snow = (int(self.clock.timestamp() * 1000) - 1288834974657) << 22
        with self._lock:
            self._last_id = max(self._last_id + 1, snow, (self.store.ids[-1] + 1) if self.store.ids else 0)
            return self._last_id

    def record_sent(self, kind: str, record: dict[str, Any]) -> None:
        with self._lock:
            self._sent[kind].append(record)

    def admin(self, method: str, path: str, q: dict[str, str], text: str) -> tuple[int, bytes]:
        """The /_sandbox/ admin API: clock, faults, sent, posts, rate_limits, stats."""
        from crisiswatch.connectors.x.sandbox.admin import handle

        return handle(self, method, path, q, text)
