"""X API v2 response bodies: tweet pages (fast, from pre-serialised fragments), problems, malformed pages."""

from __future__ import annotations

import json
from typing import Any

from crisiswatch.connectors.x.sandbox.store import PostStore, StoredPost

PROBLEM_TITLES = {
    400: "Invalid Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable",
}


def problem(status: int, detail: str | None = None, *, type_: str = "about:blank", title: str | None = None, **extra: Any) -> bytes:
    """X's JSON problem shape: {"title","detail","type","status"}."""
    title = title or PROBLEM_TITLES.get(status, "Error")
    body = {"title": title, "detail": detail or title, "type": type_, "status": status, **extra}
    return json.dumps(body).encode()


def invalid_request(message: str, parameters: dict[str, list[str]]) -> bytes:
    body = {
        "errors": [{"parameters": parameters, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }
    return json.dumps(body).encode()


def not_found_error(resource_type: str, parameter: str, value: str) -> dict[str, Any]:
    return {
        "value": value,
        "detail": f"Could not find {resource_type} with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": resource_type,
        "parameter": parameter,
        "resource_id": value,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def post_error(p: StoredPost) -> dict[str, Any]:
    """The `errors` entry for a deleted or withheld post."""
    if p.deleted:
        return not_found_error("tweet", "id", str(p.id))
    return {
        "value": str(p.id),
        "detail": f"Sorry, you are not authorized to see the Tweet with id: [{p.id}].",
        "title": "Authorization Error",
        "resource_type": "tweet",
        "parameter": "id",
        "resource_id": str(p.id),
        "section": "data",
        "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
    }


def _meta(posts: list[StoredPost], result_count: int, next_token: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if posts:
        meta["newest_id"] = str(posts[0].id)
        meta["oldest_id"] = str(posts[-1].id)
    meta["result_count"] = result_count
    if next_token:
        meta["next_token"] = next_token
    return meta


def _author_ids(posts: list[StoredPost]) -> list[int]:
    seen: dict[int, None] = {}
    for p in posts:
        if p.author_id is not None and not (p.deleted or p.withheld):
            seen.setdefault(p.author_id, None)
    return list(seen)


def tweet_page(
    store: PostStore,
    posts: list[StoredPost],
    *,
    tweet_fields: tuple[str, ...],
    user_fields: tuple[str, ...],
    expand_author: bool,
    next_token: str | None,
) -> bytes:
    """A page of posts built by joining cached JSON fragments (no per-request dumps of tweets)."""
    frags = [p.fragment(tweet_fields) for p in posts if not (p.deleted or p.withheld)]
    parts = []
    if frags:
        parts.append('"data":[' + ",".join(frags) + "]")
        if expand_author:
            users = [f for f in (store.user_fragment(u, user_fields) for u in _author_ids(posts)) if f]
            if users:
                parts.append('"includes":{"users":[' + ",".join(users) + "]}")
    errors = [post_error(p) for p in posts if p.deleted or p.withheld]
    if errors:
        parts.append('"errors":' + json.dumps(errors))
    parts.append('"meta":' + json.dumps(_meta(posts, len(frags), next_token)))
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def _mutate(tweet: dict[str, Any], kind: str) -> None:
    text = str(tweet.get("text", ""))
    if kind == "long_text":
        tweet["text"] = (text + " " + "x" * 20_000)[:20_000]
    elif kind == "invalid_surrogates":
        tweet["text"] = text + " broken \ud800 surrogate \udfff"
    elif kind == "rtl":
        tweet["text"] = "\u200fشكوى عاجلة: " + text + " \u202bעברית\u202c"
    elif kind == "emoji":
        tweet["text"] = text + " 😡🔥✈️ 👨‍👩‍👧 🏳️‍🌈"
    elif kind == "unknown_fields":
        tweet["x_future_field"] = {"nested": [1, {"deep": None}]}
        tweet["note_tweet"] = {"text": text, "entities": {}}
    elif kind == "garbage_fields":
        tweet["created_at"] = "yesterday-ish"
        tweet["public_metrics"] = "lots"
        tweet["author_id"] = {"oops": True}
        tweet["lang"] = 42


def malformed_page(
    store: PostStore,
    posts: list[StoredPost],
    mutations: tuple[str, ...],
    *,
    tweet_fields: tuple[str, ...],
    user_fields: tuple[str, ...],
    expand_author: bool,
    next_token: str | None,
) -> bytes:
    """The same page with each post-level mutation applied to a different post (cycling)."""
    visible = [p for p in posts if not (p.deleted or p.withheld)]
    data = [json.loads(p.fragment(tweet_fields)) for p in visible]
    post_level = [m for m in mutations if m != "missing_includes"]
    if data:
        for i, kind in enumerate(post_level):
            _mutate(data[i % len(data)], kind)
    body: dict[str, Any] = {}
    if data:
        body["data"] = data
        if expand_author and "missing_includes" not in mutations:
            users = [json.loads(f) for f in (store.user_fragment(u, user_fields) for u in _author_ids(posts)) if f]
            body["includes"] = {"users": users, "x_unknown_include": [{"id": "1"}]}
    errors = [post_error(p) for p in posts if p.deleted or p.withheld]
    if errors:
        body["errors"] = errors
    body["meta"] = _meta(posts, len(data), next_token)
    body["meta"]["x_unknown_meta"] = "ignored"
    return json.dumps(body, ensure_ascii=True).encode("ascii")
