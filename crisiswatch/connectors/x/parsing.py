"""Robust parsing of X API v2 pages into MentionRecords: a bad post is rejected with a reason, never a crash."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from crisiswatch.records import AuthorRecord, MentionRecord

log = logging.getLogger("crisiswatch.x")

MAX_TEXT_CHARS = 25_000  # X's longest post; longer text is truncated (logged), the post kept
MAX_ID = 2**63 - 1  # ids and counts are stored as BIGINT: anything larger is not a real X value
_BAD_CHARS = re.compile("[\ud800-\udfff\x00]")  # lone surrogates (not encodable) and NUL (PostgreSQL refuses it)


def sanitize(value: Any) -> tuple[Any, int]:
    """Replace lone surrogates and NUL with U+FFFD in every string of a JSON value; returns (value, replacements)."""
    if isinstance(value, str):
        cleaned, n = _BAD_CHARS.subn("\ufffd", value)
        return cleaned, n
    if isinstance(value, list):
        total = 0
        out = []
        for v in value:
            c, n = sanitize(v)
            out.append(c)
            total += n
        return out, total
    if isinstance(value, dict):
        total = 0
        d = {}
        for k, v in value.items():
            ck, n1 = sanitize(k)
            cv, n2 = sanitize(v)
            d[ck] = cv
            total += n1 + n2
        return d, total
    return value, 0


def _id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    # ASCII digits only: str.isdigit() also accepts '²' and '１２', which int() refuses or misreads
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19 and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def _int(value: Any) -> int:
    """A public metric: a non-negative int within BIGINT, else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID else 0


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved out of range by its offset
        return None


def parse_author(user: Any) -> AuthorRecord | None:
    """An included user as an AuthorRecord, or None if it has no usable id/username."""
    if not isinstance(user, dict) or _id(user.get("id")) is None or not isinstance(user.get("username"), str):
        return None
    pm = user.get("public_metrics") if isinstance(user.get("public_metrics"), dict) else {}
    return AuthorRecord(
        x_id=int(user["id"]),
        username=user["username"],
        name=user["name"] if isinstance(user.get("name"), str) else "",
        verified=user.get("verified") is True,
        followers=_int(pm.get("followers_count")),
        following=_int(pm.get("following_count")),
        tweet_count=_int(pm.get("tweet_count")),
    )


class PostRejected(ValueError):
    """One post cannot be used; the message says why."""


def parse_tweet(tweet: Any, authors: dict[int, AuthorRecord]) -> MentionRecord:
    """One tweet dict as a MentionRecord; raises PostRejected with the reason."""
    if not isinstance(tweet, dict):
        raise PostRejected(f"not a JSON object ({type(tweet).__name__})")
    x_id = _id(tweet.get("id"))
    if x_id is None:
        raise PostRejected(f"id {tweet.get('id')!r} is not a numeric X id")
    text = tweet.get("text")
    if not isinstance(text, str):
        raise PostRejected("text is missing or not a string")
    created = parse_time(tweet.get("created_at"))
    if created is None:
        raise PostRejected(f"created_at {tweet.get('created_at')!r} is not an ISO 8601 timestamp")
    raw_author = tweet.get("author_id")
    author_id = _id(raw_author)
    if raw_author is not None and author_id is None:
        raise PostRejected(f"author_id {raw_author!r} is not a numeric X id")
    if len(text) > MAX_TEXT_CHARS:
        log.warning("X post %s: text of %d characters truncated to %d", x_id, len(text), MAX_TEXT_CHARS)
        text = text[:MAX_TEXT_CHARS]
    lang = tweet.get("lang") if isinstance(tweet.get("lang"), str) and tweet.get("lang") else "und"
    metrics = tweet.get("public_metrics")
    if metrics is not None and not isinstance(metrics, dict):
        log.warning("X post %s: public_metrics %r is not an object; metrics dropped", x_id, metrics)
        metrics = {}
    refs = tweet.get("referenced_tweets")
    referenced = [r for r in refs if isinstance(r, dict)] if isinstance(refs, list) else []
    return MentionRecord(
        x_id=x_id,
        text=text,
        created_at=created,
        author_x_id=author_id,
        lang=lang,
        conversation_id=_id(tweet.get("conversation_id")),
        in_reply_to_user_id=_id(tweet.get("in_reply_to_user_id")),
        referenced=referenced,
        metrics=metrics or {},
        raw=tweet,
        author=authors.get(author_id) if author_id is not None else None,
    )


@dataclass
class ParsedPage:
    mentions: list[MentionRecord] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    max_id: int | None = None  # over every post with a readable id, rejected ones included
    next_token: str | None = None


def parse_page(payload: Any, *, where: str) -> ParsedPage:
    """Parse one page (the decoded JSON body); every unusable post lands in `rejected` with a logged reason."""
    out = ParsedPage()
    if not isinstance(payload, dict):
        out.rejected.append(f"{where}: page is not a JSON object")
        log.warning("X page from %s rejected: not a JSON object", where)
        return out
    meta = payload.get("meta") if isinstance(payload.get("meta"), dict) else {}
    token = meta.get("next_token")
    out.next_token = token if isinstance(token, str) and token else None
    includes = payload.get("includes") if isinstance(payload.get("includes"), dict) else {}
    users = includes.get("users") if isinstance(includes.get("users"), list) else []
    users, _ = sanitize(users)
    authors = {a.x_id: a for a in (parse_author(u) for u in users) if a is not None}
    data = payload.get("data")
    if data is None:
        data = []
    if not isinstance(data, list):
        out.rejected.append(f"{where}: data is not a list")
        log.warning("X page from %s: data is %s, not a list; page skipped", where, type(data).__name__)
        data = []
    if data and not users:
        log.warning("X page from %s has no includes.users: %d posts kept without author details", where, len(data))
    for tweet in data:
        tweet, replaced = sanitize(tweet)
        raw_id = tweet.get("id") if isinstance(tweet, dict) else None
        x_id = _id(raw_id)
        if x_id is not None:
            out.max_id = x_id if out.max_id is None else max(out.max_id, x_id)
        try:
            m = parse_tweet(tweet, authors)
        except PostRejected as exc:
            out.rejected.append(f"{raw_id if raw_id is not None else '?'}: {exc}")
            log.warning("rejected X post %s from %s: %s", raw_id, where, exc)
            continue
        if replaced:
            log.warning("X post %s: replaced %d invalid character(s) (lone surrogates or NUL) with U+FFFD", x_id, replaced)
        out.mentions.append(m)
    errors = payload.get("errors")
    for err in errors if isinstance(errors, list) else []:
        if not isinstance(err, dict):
            continue
        err, _ = sanitize(err)
        rid = err.get("resource_id") or err.get("value")
        if err.get("resource_type") == "tweet" or err.get("parameter") in ("id", "ids"):
            reason = f"{rid}: not available ({err.get('title', 'error')}: {err.get('detail', '')})"
            out.rejected.append(reason)
            log.warning("rejected X post %s from %s", reason, where)
            rid_int = _id(rid)
            if rid_int is not None:
                out.max_id = rid_int if out.max_id is None else max(out.max_id, rid_int)
    return out
