"""The sandbox's posts and users, indexed by id and by mentioned user, with JSON pre-serialised."""

from __future__ import annotations

import json
import re
import threading
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from crisiswatch.replay import ReplayPost, parse_time

MENTION_RE = re.compile(r"(?<![\w@])@(\w{1,15})")
HASHTAG_RE = re.compile(r"(?<![\w#])#(\w+)")
WORD_RE = re.compile(r"(?<![\w@#])\w+")  # words; @mentions and #hashtags have their own operators
DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")
DEFAULT_USER_FIELDS = ("id", "name", "username")


def _dumps(obj: Any) -> str:
    """Compact JSON; falls back to \\u escapes when the data holds lone surrogates (not UTF-8)."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = json.dumps(obj, ensure_ascii=True, separators=(",", ":"))
    return s


def _fields_key(requested: str | None, defaults: tuple[str, ...]) -> tuple[str, ...]:
    extra = tuple(f for f in (requested or "").split(",") if f and f not in defaults)
    return defaults + tuple(sorted(set(extra)))


@dataclass(slots=True, eq=False)
class StoredPost:
    id: int
    created: float
    author_id: int | None
    tweet: dict[str, Any]
    text_lower: str
    mentions: frozenset[str]
    hashtags: frozenset[str]
    in_reply_to: int | None
    lang: str
    is_retweet: bool
    is_reply: bool
    deleted: bool = False
    withheld: bool = False
    _words: frozenset[str] | None = None
    _frags: dict[tuple[str, ...], str] = field(default_factory=dict)

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            self._words = frozenset(WORD_RE.findall(self.text_lower))
        return self._words

    def fragment(self, fields: tuple[str, ...]) -> str:
        """The tweet as JSON with only `fields` (cached per field set)."""
        frag = self._frags.get(fields)
        if frag is None:
            frag = _dumps({k: self.tweet[k] for k in fields if k in self.tweet})
            self._frags[fields] = frag
        return frag


def _stored(rp: ReplayPost) -> StoredPost:
    t = rp.tweet
    text = t["text"]
    lower = text.lower()
    mentions = {m.lower() for m in MENTION_RE.findall(text)}
    for m in (t.get("entities") or {}).get("mentions") or []:
        if isinstance(m, dict) and isinstance(m.get("username"), str):
            mentions.add(m["username"].lower())
    refs = t.get("referenced_tweets") or []
    ref_types = {r.get("type") for r in refs if isinstance(r, dict)}
    irt = t.get("in_reply_to_user_id")
    return StoredPost(
        id=int(t["id"]),
        created=parse_time(t["created_at"]).timestamp(),
        author_id=int(t["author_id"]) if t.get("author_id") is not None else None,
        tweet=t,
        text_lower=lower,
        mentions=frozenset(mentions),
        hashtags=frozenset(h.lower() for h in HASHTAG_RE.findall(text)),
        in_reply_to=int(irt) if irt is not None and str(irt).isdigit() else None,
        lang=str(t.get("lang") or "und"),
        is_retweet="retweeted" in ref_types or text.startswith("RT @"),
        is_reply="replied_to" in ref_types or irt is not None,
        deleted=rp.deleted,
        withheld=rp.withheld,
    )


class PostStore:
    """All posts sorted by id, a mention index per handle, and the users."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.posts: dict[int, StoredPost] = {}
        self.ids: list[int] = []
        self.by_mention: dict[str, list[int]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.user_ids_by_name: dict[str, int] = {}
        self.dm_closed: set[int] = set()
        self.monotone = True  # created_at never decreases with id: lets visibility be a bisect
        self._user_frags: dict[tuple[int, tuple[str, ...]], str] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def add_user(self, user: dict[str, Any]) -> None:
        uid = int(user["id"])
        with self.lock:
            old = self.users.get(uid)
            if old is None or len(user) > len(old):
                self.users[uid] = user
                if old is not None:
                    self._user_frags = {k: v for k, v in self._user_frags.items() if k[0] != uid}
            self.user_ids_by_name[user["username"].lower()] = uid

    def add(self, posts: Iterable[ReplayPost]) -> int:
        """Add posts (duplicates by id are ignored); returns how many were new."""
        n = 0
        with self.lock:
            for rp in posts:
                for u in rp.users:
                    self.add_user(u)
                if rp.dm_closed and rp.author_id is not None:
                    self.dm_closed.add(rp.author_id)
                sp = _stored(rp)
                if sp.id in self.posts:
                    continue
                self.posts[sp.id] = sp
                n += 1
                if not self.ids or sp.id > self.ids[-1]:
                    if self.ids and sp.created < self.posts[self.ids[-1]].created:
                        self.monotone = False
                    self.ids.append(sp.id)
                else:
                    insort(self.ids, sp.id)
                    self.monotone = False
                keys = set(sp.mentions)
                if sp.in_reply_to is not None:
                    u = self.users.get(sp.in_reply_to)
                    keys.add(u["username"].lower() if u else f"id:{sp.in_reply_to}")
                for k in keys:
                    lst = self.by_mention.setdefault(k, [])
                    if not lst or sp.id > lst[-1]:
                        lst.append(sp.id)
                    else:
                        insort(lst, sp.id)
        return n

    def mention_ids(self, user_id: int) -> list[int]:
        """Sorted ids of posts mentioning or replying to user_id."""
        user = self.users.get(user_id)
        by_name = self.by_mention.get(user["username"].lower(), []) if user else []
        by_id = self.by_mention.get(f"id:{user_id}")
        if not by_id:
            return by_name
        return sorted(set(by_name) | set(by_id))

    def user_fragment(self, uid: int, fields: tuple[str, ...]) -> str | None:
        key = (uid, fields)
        frag = self._user_frags.get(key)
        if frag is None:
            user = self.users.get(uid)
            if user is None:
                return None
            frag = _dumps({k: user[k] for k in fields if k in user})
            self._user_frags[key] = frag
        return frag

    def select(
        self,
        candidates: list[int],
        *,
        now: float,
        limit: int,
        since_id: int | None = None,
        until_id: int | None = None,
        start: float | None = None,
        end: float | None = None,
        predicate: Callable[[StoredPost], bool] | None = None,
    ) -> tuple[list[StoredPost], bool]:
        """Newest-first visible posts of `candidates` in the id/time range; and whether more exist."""
        posts = self.posts
        hi = len(candidates) if until_id is None else bisect_left(candidates, until_id)
        if self.monotone:
            hi = min(hi, bisect_right(candidates, now, key=lambda i: posts[i].created))
        lo = 0 if since_id is None else bisect_right(candidates, since_id)
        out: list[StoredPost] = []
        for idx in range(hi - 1, lo - 1, -1):
            p = posts[candidates[idx]]
            if p.created > now or (end is not None and p.created >= end):
                continue
            if start is not None and p.created < start:
                if self.monotone:
                    break
                continue
            if predicate is not None and not predicate(p):
                continue
            if len(out) == limit:
                return out, True
            out.append(p)
        return out, False
