"""The X API v2 endpoints the sandbox serves: each takes the sandbox and a request, returns (status, body)."""

from __future__ import annotations

import bisect
import json
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from crisiswatch.connectors.x.sandbox.pages import invalid_request, malformed_page, not_found_error, problem, tweet_page
from crisiswatch.connectors.x.sandbox.query import QueryError, compile_query
from crisiswatch.connectors.x.sandbox.store import DEFAULT_TWEET_FIELDS, DEFAULT_USER_FIELDS, _fields_key
from crisiswatch.replay import format_time, parse_time

if TYPE_CHECKING:
    from crisiswatch.connectors.x.sandbox.server import XSandbox

Reply = tuple[int, bytes]
SEARCH_WINDOW = 7 * 86400.0
GRANULARITY = {"minute": 60, "hour": 3600, "day": 86400}


class BadParam(Exception):
    def __init__(self, name: str, value: str, why: str) -> None:
        self.body = invalid_request(f"The `{name}` query parameter value [{value}] {why}", {name: [value]})
        super().__init__(why)


def _int(q: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = q.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise BadParam(name, raw, f"is not between {lo} and {hi}")
    return int(raw)


def _id(q: dict[str, str], name: str) -> int | None:
    raw = q.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise BadParam(name, raw, "is not a valid Tweet ID")
    return int(raw)


def _time(q: dict[str, str], name: str) -> float | None:
    raw = q.get(name)
    if raw is None:
        return None
    try:
        return parse_time(raw).timestamp()
    except ValueError:
        raise BadParam(name, raw, "is not a valid RFC 3339 timestamp (YYYY-MM-DDTHH:mm:ssZ)") from None


def _token(q: dict[str, str], name: str) -> int | None:
    raw = q.get(name)
    if raw is None:
        return None
    if not re.fullmatch(r"cw[0-9a-f]+", raw):
        raise BadParam(name, raw, "is not a valid pagination token")
    return int(raw[2:], 16)


def _page(sb: XSandbox, q: dict[str, str], candidates: list[int], *, max_lo: int, default: int, token_param: str,
          predicate: Any = None, floor: float | None = None, mutations: tuple[str, ...] = ()) -> Reply:
    limit = _int(q, "max_results", default, max_lo, 100)
    until = _id(q, "until_id")
    tok = _token(q, token_param)
    if tok is not None:
        until = tok if until is None else min(until, tok)
    start, end = _time(q, "start_time"), _time(q, "end_time")
    if floor is not None:
        start = floor if start is None else max(start, floor)
    posts, more = sb.store.select(candidates, now=sb.clock.timestamp(), limit=limit, since_id=_id(q, "since_id"),
                                  until_id=until, start=start, end=end, predicate=predicate)
    expansions = set((q.get("expansions") or "").split(","))
    kw = dict(
        tweet_fields=_fields_key(q.get("tweet.fields"), DEFAULT_TWEET_FIELDS),
        user_fields=_fields_key(q.get("user.fields"), DEFAULT_USER_FIELDS),
        expand_author="author_id" in expansions,
        next_token=f"cw{posts[-1].id:x}" if more else None,
    )
    if mutations:
        return 200, malformed_page(sb.store, posts, mutations, **kw)
    return 200, tweet_page(sb.store, posts, **kw)


def mentions(sb: XSandbox, q: dict[str, str], user_id: str, mutations: tuple[str, ...] = ()) -> Reply:
    uid = int(user_id)
    if uid not in sb.store.users:
        return 200, json.dumps({"errors": [not_found_error("user", "id", user_id)]}).encode()
    return _page(sb, q, sb.store.mention_ids(uid), max_lo=5, default=10, token_param="pagination_token", mutations=mutations)


def _query(sb: XSandbox, q: dict[str, str]) -> Any:
    query = q.get("query")
    if not query:
        raise BadParam("query", "", "is required")
    try:
        return compile_query(query, sb.store)
    except QueryError as exc:
        raise BadParam("query", query, f"is not a valid query: {exc}") from None


def search(sb: XSandbox, q: dict[str, str], mutations: tuple[str, ...] = ()) -> Reply:
    pred = _query(sb, q)
    floor = sb.clock.timestamp() - SEARCH_WINDOW
    return _page(sb, q, sb.store.ids, max_lo=10, default=10, token_param="next_token", predicate=pred, floor=floor,
                 mutations=mutations)


def counts(sb: XSandbox, q: dict[str, str]) -> Reply:
    pred = _query(sb, q)
    gran = q.get("granularity", "hour")
    if gran not in GRANULARITY:
        raise BadParam("granularity", gran, "is not one of [minute,hour,day]")
    step = GRANULARITY[gran]
    now = sb.clock.timestamp()
    end = min(_time(q, "end_time") or now, now)
    start = max(_time(q, "start_time") or end - SEARCH_WINDOW, now - SEARCH_WINDOW)
    if start >= end:
        raise BadParam("start_time", q.get("start_time", ""), "must be before end_time")
    posts, _ = sb.store.select(sb.store.ids, now=now, limit=10**9, since_id=_id(q, "since_id"),
                               until_id=_id(q, "until_id"), start=start, end=end, predicate=pred)
    edges = [start]
    t = (int(start) // step + 1) * step
    while t < end:
        edges.append(float(t))
        t += step
    edges.append(end)
    buckets = [0] * (len(edges) - 1)
    for p in posts:
        if not (p.deleted or p.withheld):
            buckets[bisect.bisect_right(edges, p.created) - 1] += 1

    def iso(ts: float) -> str:
        return format_time(datetime.fromtimestamp(ts, timezone.utc))

    data = [{"end": iso(edges[i + 1]), "start": iso(edges[i]), "tweet_count": c} for i, c in enumerate(buckets)]
    return 200, json.dumps({"data": data, "meta": {"total_tweet_count": sum(buckets)}}).encode()


def user(sb: XSandbox, q: dict[str, str], *, user_id: str | None = None, username: str | None = None) -> Reply:
    uid = int(user_id) if user_id else sb.store.user_ids_by_name.get((username or "").lower())
    fields = _fields_key(q.get("user.fields"), DEFAULT_USER_FIELDS)
    frag = sb.store.user_fragment(uid, fields) if uid is not None else None
    if frag is None:
        err = not_found_error("user", "id" if user_id else "username", user_id or username or "")
        return 200, json.dumps({"errors": [err]}).encode()
    return 200, ('{"data":' + frag + "}").encode()


def create_tweet(sb: XSandbox, body: dict[str, Any], auth: str) -> Reply:
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return 400, invalid_request("text: a post needs text", {"text": [str(text)]})
    reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
    new_id = sb.new_id()
    record = {"id": str(new_id), "text": text, "in_reply_to_tweet_id": reply_to,
              "created_at": format_time(sb.clock.now()), "auth": auth}
    sb.record_sent("posts", record)
    return 201, json.dumps({"data": {"id": str(new_id), "text": text, "edit_history_tweet_ids": [str(new_id)]}}).encode()


def create_dm(sb: XSandbox, body: dict[str, Any], participant_id: str, auth: str) -> Reply:
    pid = int(participant_id)
    if pid in sb.store.dm_closed:
        return 403, problem(403, "You cannot send messages to this user.",
                            type_="https://api.twitter.com/2/problems/not-authorized-for-resource")
    if pid not in sb.store.users:
        return 400, invalid_request(f"participant_id: user [{participant_id}] does not exist", {"participant_id": [participant_id]})
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return 400, invalid_request("text: a direct message needs text", {"text": [str(text)]})
    me = sb.account_id or 0
    conv = f"{min(me, pid)}-{max(me, pid)}"
    event_id = str(sb.new_id())
    sb.record_sent("dms", {"dm_conversation_id": conv, "dm_event_id": event_id, "participant_id": participant_id,
                           "text": text, "created_at": format_time(sb.clock.now()), "auth": auth})
    return 201, json.dumps({"data": {"dm_conversation_id": conv, "dm_event_id": event_id}}).encode()
