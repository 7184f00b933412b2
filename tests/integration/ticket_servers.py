"""Local HTTP servers that speak the ticket systems' wire protocols and CHECK what they receive.

Each answers like the real service (Jira Cloud REST v3, GitHub Issues REST, a Slack incoming
webhook) for the calls crisiswatch makes, records every request, and writes every protocol
violation to `violations` (also answered 400), so a test can assert the client spoke correctly.
Faults: `fail_next` (status codes answered to the next creates), `drop_after_create` (create
the issue, then cut the connection without answering).
"""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DROP = object()

JIRA_EMAIL = "bot@example.com"
JIRA_TOKEN = "jira-secret-token-123"
GITHUB_TOKEN = "ghp_secretgithubtoken456"
SLACK_PATH = "/services/T000/B000/slacksecret789"

ADF_BLOCKS = {"paragraph", "heading", "bulletList", "orderedList", "listItem", "blockquote", "rule", "codeBlock"}
ADF_MARKS = {"strong", "em", "code", "link", "strike", "underline"}


def adf_problems(node: Any, path: str = "doc") -> list[str]:
    """What is wrong with an Atlassian Document Format tree (the subset Jira accepts from crisiswatch)."""
    problems: list[str] = []
    if not isinstance(node, dict) or "type" not in node:
        return [f"{path}: not a node"]
    t = node["type"]
    if path == "doc":
        if t != "doc" or node.get("version") != 1 or not isinstance(node.get("content"), list):
            return ["doc: must be {type: doc, version: 1, content: [...]}"]
        for i, child in enumerate(node["content"]):
            if child.get("type") not in ADF_BLOCKS:
                problems.append(f"doc.content[{i}]: {child.get('type')!r} is not a block node")
            problems += adf_problems(child, f"doc.content[{i}]")
        return problems
    if t == "text":
        if not isinstance(node.get("text"), str) or not node["text"]:
            problems.append(f"{path}: text nodes need non-empty text")
        for m in node.get("marks", []):
            if m.get("type") not in ADF_MARKS:
                problems.append(f"{path}: unknown mark {m.get('type')!r}")
            if m.get("type") == "link" and not str(m.get("attrs", {}).get("href", "")).startswith(("http://", "https://")):
                problems.append(f"{path}: link mark without href")
        return problems
    if t == "hardBreak":
        return problems
    if t == "heading" and node.get("attrs", {}).get("level") not in range(1, 7):
        problems.append(f"{path}: heading level must be 1-6")
    content = node.get("content", [])
    if t in ("bulletList", "orderedList"):
        if not content or any(c.get("type") != "listItem" for c in content):
            problems.append(f"{path}: lists hold listItem nodes only")
    if t in ("listItem", "blockquote") and any(c.get("type") not in ADF_BLOCKS for c in content):
        problems.append(f"{path}: {t} holds block nodes only")
    if t in ("paragraph", "heading") and any(c.get("type") not in ("text", "hardBreak", "mention", "emoji") for c in content):
        problems.append(f"{path}: {t} holds inline nodes only")
    for i, child in enumerate(content):
        problems += adf_problems(child, f"{path}.content[{i}]")
    return problems


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeService(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.violations: list[str] = []
        self.creates: list[dict[str, Any]] = []  # every create that took effect
        self.fail_next: list[int] = []
        self.drop_after_create = 0
        self.fail_headers: dict[str, str] = {}
        self.delay = 0.0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeout tests) is expected; violations are recorded, not printed

    def violate(self, msg: str) -> Answer:
        self.violations.append(msg)
        return Answer(400, {"message": msg})

    def injected_failure(self) -> Answer | None:
        if self.fail_next:
            code = self.fail_next.pop(0)
            headers = {"Retry-After": "0"} if code == 429 else {}
            return Answer(code, {"message": f"injected {code}"}, {**headers, **self.fail_headers})
        return None

    def handle_request_(self, method: str, path: str, query: dict[str, list[str]], headers: Any, body: Any) -> Answer | object:
        raise NotImplementedError


class JiraServer(FakeService):
    """Jira Cloud REST v3: POST /rest/api/3/issue and GET /rest/api/3/search/jql."""

    def __init__(self, projects: tuple[str, ...] = ("OPS", "LEGAL"), email: str = JIRA_EMAIL, token: str = JIRA_TOKEN) -> None:
        super().__init__()
        self.projects = projects
        self.expected_auth = "Basic " + base64.b64encode(f"{email}:{token}".encode()).decode()
        self.issues: list[dict[str, Any]] = []

    def handle_request_(self, method, path, query, headers, body):  # type: ignore[no-untyped-def]
        if headers.get("Authorization") != self.expected_auth:
            return Answer(401, "Client must be authenticated to access this resource.")
        if method == "POST" and path == "/rest/api/3/issue":
            failure = self.injected_failure()
            if failure:
                return failure
            if "application/json" not in headers.get("Content-Type", ""):
                return self.violate("Content-Type must be application/json")
            fields = (body or {}).get("fields") if isinstance(body, dict) else None
            if not isinstance(fields, dict):
                return self.violate("body must be {fields: {...}}")
            key = (fields.get("project") or {}).get("key")
            if key not in self.projects:
                return Answer(400, {"errorMessages": [], "errors": {"project": "valid project is required"}})
            if (fields.get("issuetype") or {}).get("name") not in ("Task", "Bug"):
                return Answer(400, {"errorMessages": [], "errors": {"issuetype": "Specify a valid issue type"}})
            summary = fields.get("summary")
            if not isinstance(summary, str) or not summary or len(summary) > 255 or "\n" in summary:
                return self.violate(f"summary must be one line of 1-255 characters: {summary!r}")
            labels = fields.get("labels", [])
            if not all(isinstance(lb, str) and lb and " " not in lb for lb in labels):
                return self.violate(f"labels must be strings without spaces: {labels!r}")
            problems = adf_problems(fields.get("description"))
            if problems:
                return self.violate("description is not valid ADF: " + "; ".join(problems[:5]))
            with self.lock:
                n = sum(1 for i in self.issues if i["fields"]["project"]["key"] == key) + 1
                issue = {"id": str(10001 + len(self.issues)), "key": f"{key}-{n}", "fields": fields}
                self.issues.append(issue)
                self.creates.append(issue)
            if self.drop_after_create > 0:
                self.drop_after_create -= 1
                return DROP
            return Answer(201, {"id": issue["id"], "key": issue["key"], "self": f"{self.url}/rest/api/3/issue/{issue['id']}"})
        if method == "GET" and path == "/rest/api/3/search/jql":
            jql = query.get("jql", [""])[0]
            m = re.fullmatch(r'project = "([^"]+)" AND labels = "([^"]+)"', jql)
            if not m:
                return self.violate(f"unexpected JQL {jql!r}")
            project, label = m.groups()
            found = [i for i in self.issues if i["fields"]["project"]["key"] == project and label in i["fields"].get("labels", [])]
            limit = int(query.get("maxResults", ["50"])[0])
            return Answer(200, {"issues": [{"id": i["id"], "key": i["key"], "self": f"{self.url}/rest/api/3/issue/{i['id']}",
                                             "fields": {"summary": i["fields"]["summary"], "labels": i["fields"]["labels"]}}
                                            for i in found[:limit]], "isLast": True})
        return Answer(404, {"errorMessages": ["Not found"]})


class GitHubServer(FakeService):
    """GitHub REST: POST /repos/{owner}/{repo}/issues and GET /repos/{owner}/{repo}/issues?labels=."""

    def __init__(self, repos: tuple[str, ...] = ("acme/crisis",), token: str = GITHUB_TOKEN) -> None:
        super().__init__()
        self.repos = repos
        self.token = token
        self.issues: dict[str, list[dict[str, Any]]] = {r: [] for r in repos}

    def handle_request_(self, method, path, query, headers, body):  # type: ignore[no-untyped-def]
        if headers.get("Authorization") != f"Bearer {self.token}":
            return Answer(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
        if headers.get("X-GitHub-Api-Version") != "2022-11-28" or "application/vnd.github+json" not in headers.get("Accept", ""):
            return self.violate("missing X-GitHub-Api-Version 2022-11-28 or Accept application/vnd.github+json")
        m = re.fullmatch(r"/repos/([\w.-]+/[\w.-]+)/issues", path)
        if not m or m.group(1) not in self.repos:
            return Answer(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
        repo = m.group(1)
        if method == "POST":
            failure = self.injected_failure()
            if failure:
                return failure
            if not isinstance(body, dict) or not isinstance(body.get("title"), str) or not body["title"]:
                return self.violate("issue needs a non-empty string title")
            if not isinstance(body.get("body", ""), str):
                return self.violate("body must be a string")
            labels = body.get("labels", [])
            if not all(isinstance(lb, str) and 0 < len(lb) <= 50 for lb in labels):
                return self.violate(f"labels must be strings of 1-50 characters: {labels!r}")
            if set(body) - {"title", "body", "labels", "assignees", "milestone", "type"}:
                return self.violate(f"unknown fields {set(body)}")
            with self.lock:
                n = len(self.issues[repo]) + 1
                issue = {"id": 900 + n, "number": n, "title": body["title"], "body": body.get("body"), "state": "open",
                         "labels": [{"name": lb} for lb in labels], "html_url": f"https://github.com/{repo}/issues/{n}",
                         "url": f"{self.url}/repos/{repo}/issues/{n}"}
                self.issues[repo].append(issue)
                self.creates.append(issue)
            if self.drop_after_create > 0:
                self.drop_after_create -= 1
                return DROP
            return Answer(201, issue, {"Location": issue["url"]})
        if method == "GET":
            wanted = [x for x in query.get("labels", [""])[0].split(",") if x]
            state = query.get("state", ["open"])[0]
            found = [i for i in self.issues[repo] if all(w in {lb["name"] for lb in i["labels"]} for w in wanted)
                     and (state == "all" or i["state"] == state)]
            return Answer(200, found)
        return Answer(404, {"message": "Not Found"})


class SlackServer(FakeService):
    """A Slack incoming webhook: POST JSON {text, blocks} to the secret path, answered "ok"."""

    def __init__(self, path: str = SLACK_PATH) -> None:
        super().__init__()
        self.path = path
        self.revoked = False

    @property
    def webhook_url(self) -> str:
        return self.url + self.path

    def handle_request_(self, method, path, query, headers, body):  # type: ignore[no-untyped-def]
        if method != "POST" or path != self.path:
            return Answer(404, "no_service")
        if self.revoked:
            return Answer(403, "invalid_token")
        failure = self.injected_failure()
        if failure:
            return Answer(failure.status, "injected", failure.headers)
        if "application/json" not in headers.get("Content-Type", ""):
            return Answer(400, "invalid_payload")
        problems = slack_problems(body)
        if problems:
            self.violations.extend(problems)
            return Answer(400, "invalid_blocks")
        with self.lock:
            self.creates.append(body)
        return Answer(200, "ok")


def slack_problems(body: Any) -> list[str]:
    if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not isinstance(body.get("blocks"), list):
        return ["payload must have text and blocks"]
    blocks = body["blocks"]
    problems = [] if 0 < len(blocks) <= 50 else [f"{len(blocks)} blocks (1-50 allowed)"]
    for i, b in enumerate(blocks):
        t = b.get("type")
        if t == "header":
            if b["text"].get("type") != "plain_text" or not 0 < len(b["text"].get("text", "")) <= 150:
                problems.append(f"blocks[{i}]: header needs plain_text of 1-150 characters")
        elif t == "section":
            if b["text"].get("type") != "mrkdwn" or not 0 < len(b["text"].get("text", "")) <= 3000:
                problems.append(f"blocks[{i}]: section needs mrkdwn text of 1-3000 characters")
        elif t == "context":
            els = b.get("elements", [])
            if not 0 < len(els) <= 10 or any(e.get("type") not in ("mrkdwn", "plain_text", "image") for e in els):
                problems.append(f"blocks[{i}]: context needs 1-10 text elements")
        elif t != "divider":
            problems.append(f"blocks[{i}]: unexpected block type {t!r}")
    return problems


class _Handler(BaseHTTPRequestHandler):
    server: FakeService
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        if self.server.delay:
            time.sleep(self.server.delay)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
            self.server.violations.append(f"{method} {parts.path}: body is not JSON")
        self.server.requests.append({"method": method, "path": parts.path, "query": parse_qs(parts.query),
                                     "headers": dict(self.headers.items()), "body": body})
        answer = self.server.handle_request_(method, parts.path, parse_qs(parts.query), self.headers, body)
        if answer is DROP:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        assert isinstance(answer, Answer)
        if isinstance(answer.body, str):
            data, ctype = answer.body.encode(), "text/html"
        else:
            data, ctype = json.dumps(answer.body).encode(), "application/json"
        self.send_response(answer.status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in answer.headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")


@contextmanager
def running(server: FakeService) -> Iterator[FakeService]:
    """Serve on 127.0.0.1 (a free port) in a thread; shut down on exit."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
