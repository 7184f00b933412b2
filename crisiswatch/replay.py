"""The replay format: JSONL, one X API v2 filtered-stream message per line.

A line is `{"data": {tweet}, "includes": {"users": [{user}]}, "matching_rules": [...]}`.
Unknown keys are kept (in the tweet/user dicts) and never fatal. A sandbox-only extension,
`"sandbox": {"dm_closed": true, "deleted": true, "withheld": true}`, marks the author as not
accepting DMs, or the post as deleted / withheld (the X sandbox then reports it in `errors`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from crisiswatch.errors import RejectedInput

log = logging.getLogger("crisiswatch.replay")


@dataclass(slots=True)
class ReplayPost:
    """One replay line: the tweet, the users it came with, and the sandbox marks."""

    tweet: dict[str, Any]
    users: list[dict[str, Any]] = field(default_factory=list)
    matching_rules: list[Any] = field(default_factory=list)
    dm_closed: bool = False
    deleted: bool = False
    withheld: bool = False
    lineno: int = 0

    @property
    def id(self) -> int:
        return int(self.tweet["id"])

    @property
    def author_id(self) -> int | None:
        a = self.tweet.get("author_id")
        return int(a) if a is not None else None

    @property
    def author(self) -> dict[str, Any] | None:
        """The included user who wrote the tweet, if present."""
        aid = self.tweet.get("author_id")
        for u in self.users:
            if str(u.get("id")) == str(aid):
                return u
        return None


def parse_time(value: str) -> datetime:
    """Parse an X timestamp (`2015-02-24T19:35:00.000Z`) into an aware UTC datetime."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def format_time(dt: datetime) -> str:
    """Format a datetime the way X does: `2015-02-24T19:35:00.000Z`."""
    dt = dt.astimezone(timezone.utc) if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


MAX_ID = 2**63 - 1  # X ids are stored as BIGINT


def _is_id(v: Any) -> bool:
    """A positive X id within BIGINT, as an int or a string of ASCII digits ('²' and '１２' are not ids)."""
    if isinstance(v, bool) or not isinstance(v, (str, int)):
        return False
    s = str(v)
    return s.isascii() and s.isdigit() and len(s) <= 19 and 0 < int(s) <= MAX_ID


def parse_replay_obj(obj: Any, lineno: int = 0) -> ReplayPost:
    """Validate one decoded replay message; raises RejectedInput saying what is wrong."""
    where = f"replay line {lineno}"
    if not isinstance(obj, dict):
        raise RejectedInput(f"{where}: expected a JSON object, got {type(obj).__name__}")
    data = obj.get("data")
    if not isinstance(data, dict):
        raise RejectedInput(f"{where}: missing \"data\" object (the tweet)")
    if not _is_id(data.get("id")):
        raise RejectedInput(f"{where}: data.id must be a numeric string, got {data.get('id')!r}")
    if not isinstance(data.get("text"), str):
        raise RejectedInput(f"{where}: data.text must be a string")
    created = data.get("created_at")
    if not isinstance(created, str):
        raise RejectedInput(f"{where}: data.created_at is required (ISO 8601, e.g. 2015-02-24T19:35:00.000Z)")
    try:
        parse_time(created)
    except (ValueError, OverflowError):
        raise RejectedInput(f"{where}: data.created_at {created!r} is not an ISO 8601 timestamp") from None
    if data.get("author_id") is not None and not _is_id(data.get("author_id")):
        raise RejectedInput(f"{where}: data.author_id must be a numeric string, got {data.get('author_id')!r}")
    includes = obj.get("includes") or {}
    if not isinstance(includes, dict):
        raise RejectedInput(f"{where}: \"includes\" must be an object")
    users = includes.get("users") or []
    if not isinstance(users, list):
        raise RejectedInput(f"{where}: includes.users must be a list")
    for u in users:
        if not isinstance(u, dict) or not _is_id(u.get("id")) or not isinstance(u.get("username"), str):
            raise RejectedInput(f"{where}: every includes.users entry needs a numeric id and a username")
    sandbox = obj.get("sandbox") or {}
    if not isinstance(sandbox, dict):
        raise RejectedInput(f"{where}: \"sandbox\" must be an object")
    rules = obj.get("matching_rules") or []
    return ReplayPost(
        tweet=data,
        users=users,
        matching_rules=rules if isinstance(rules, list) else [],
        dm_closed=bool(sandbox.get("dm_closed")),
        deleted=bool(sandbox.get("deleted")),
        withheld=bool(sandbox.get("withheld")),
        lineno=lineno,
    )


def parse_replay_line(line: str, lineno: int = 0) -> ReplayPost:
    """Parse one JSONL line; raises RejectedInput naming the line number and the problem."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RejectedInput(f"replay line {lineno}: not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})") from None
    except RecursionError:
        raise RejectedInput(f"replay line {lineno}: JSON nested too deeply") from None
    return parse_replay_obj(obj, lineno)


def read_replay(path: Path | str, *, lenient: bool = False) -> Iterator[ReplayPost]:
    """Yield every post of a JSONL replay file; blank lines are skipped.

    Strict (default): the first bad line raises RejectedInput. Lenient: bad lines are skipped
    with a warning on logger `crisiswatch.replay` giving the reason.
    """
    path = Path(path)
    if not path.is_file():
        raise RejectedInput(f"replay file {path} does not exist")
    with path.open(encoding="utf-8", errors="surrogateescape") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield parse_replay_line(line, lineno)
            except RejectedInput as exc:
                if not lenient:
                    raise RejectedInput(f"{path}: {exc}") from None
                log.warning("skipped %s: %s", path.name, exc)


def make_post(
    id: int,
    text: str,
    *,
    author_id: int,
    username: str,
    created_at: datetime | str,
    lang: str = "en",
    name: str | None = None,
    verified: bool = False,
    followers: int = 100,
    in_reply_to_user_id: int | None = None,
    conversation_id: int | None = None,
    referenced_tweets: list[dict[str, Any]] | None = None,
    retweets: int = 0,
    likes: int = 0,
    dm_closed: bool = False,
    deleted: bool = False,
    withheld: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """Build one replay line (a dict; `json.dumps` it) in X API v2 shape. Extra kwargs go into the tweet."""
    created = created_at if isinstance(created_at, str) else format_time(created_at)
    tweet: dict[str, Any] = {
        "id": str(id),
        "text": text,
        "created_at": created,
        "author_id": str(author_id),
        "lang": lang,
        "conversation_id": str(conversation_id or id),
        "edit_history_tweet_ids": [str(id)],
        "public_metrics": {"retweet_count": retweets, "reply_count": 0, "like_count": likes, "quote_count": 0},
    }
    if in_reply_to_user_id is not None:
        tweet["in_reply_to_user_id"] = str(in_reply_to_user_id)
    if referenced_tweets:
        tweet["referenced_tweets"] = referenced_tweets
    tweet.update(extra)
    user = {
        "id": str(author_id),
        "username": username,
        "name": name or username,
        "verified": verified,
        "public_metrics": {"followers_count": followers, "following_count": 10, "tweet_count": 1000, "listed_count": 0},
    }
    line: dict[str, Any] = {"data": tweet, "includes": {"users": [user]}, "matching_rules": []}
    marks = {k: True for k, v in (("dm_closed", dm_closed), ("deleted", deleted), ("withheld", withheld)) if v}
    if marks:
        line["sandbox"] = marks
    return line


def write_replay(path: Path | str, lines: Iterable[dict[str, Any]]) -> Path:
    """Write replay lines (dicts from make_post) as JSONL; returns the path."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path
