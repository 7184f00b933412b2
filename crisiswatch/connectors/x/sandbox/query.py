"""A practical subset of X's search query syntax, compiled to a predicate over stored posts.

Supported: bare terms (case-insensitive word match), "quoted phrases", implicit AND, OR,
parentheses, -negation, #hashtag, @mention, from:user, to:user (username or id), lang:xx,
is:retweet, is:reply, is:quote, has:hashtags, has:mentions, has:links.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from crisiswatch.connectors.x.sandbox.store import PostStore, StoredPost

Predicate = Callable[[StoredPost], bool]


class QueryError(ValueError):
    """The query cannot be parsed; the message is what X would say is wrong."""


def tokenize(query: str) -> list[tuple[str, str, bool]]:
    """Split a query into (kind, value, negated) tokens; kinds: ( ) OR word phrase."""
    out: list[tuple[str, str, bool]] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
            continue
        neg = False
        if c == "-" and i + 1 < n and not query[i + 1].isspace():
            neg, i = True, i + 1
            c = query[i]
        if c in "()":
            if c == ")" and neg:
                raise QueryError("a '-' must be followed by a term, not ')'")
            out.append((c, c, neg))
            i += 1
        elif c == '"':
            j = query.find('"', i + 1)
            if j < 0:
                raise QueryError(f"unterminated quoted phrase at position {i}")
            out.append(("phrase", query[i + 1 : j], neg))
            i = j + 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in '()"':
                j += 1
            word = query[i:j]
            out.append(("OR" if word == "OR" and not neg else "word", word, neg))
            i = j
    return out


def _phrase(text: str) -> Predicate:
    needle = text.lower().strip()
    if re.fullmatch(r"\w+", needle):
        return lambda p: needle in p.words
    rx = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in needle.split()) + r"(?!\w)")
    return lambda p: rx.search(p.text_lower) is not None


def _operator(word: str, store: PostStore) -> Predicate:
    name, _, value = word.partition(":")
    v = value.lower().lstrip("@")
    if not v:
        raise QueryError(f"operator {name}: needs a value")
    if name in ("from", "to"):
        def user_is(uid: int | None) -> bool:
            if uid is None:
                return False
            if v.isdigit() and str(uid) == v:
                return True
            u = store.users.get(uid)
            return u is not None and u["username"].lower() == v
        if name == "from":
            return lambda p: user_is(p.author_id)
        return lambda p: user_is(p.in_reply_to)
    if name == "lang":
        return lambda p: p.lang == v
    if name == "is":
        if v == "retweet":
            return lambda p: p.is_retweet
        if v == "reply":
            return lambda p: p.is_reply
        if v == "quote":
            return lambda p: any(isinstance(r, dict) and r.get("type") == "quoted" for r in p.tweet.get("referenced_tweets") or [])
        raise QueryError(f"unknown is: operator value {value!r}")
    if name == "has":
        if v == "hashtags":
            return lambda p: bool(p.hashtags)
        if v == "mentions":
            return lambda p: bool(p.mentions)
        if v == "links":
            return lambda p: "http://" in p.text_lower or "https://" in p.text_lower
        raise QueryError(f"unknown has: operator value {value!r}")
    raise QueryError(f"unknown operator {name}:")


def _atom(kind: str, value: str, store: PostStore) -> Predicate:
    if kind == "phrase":
        return _phrase(value)
    if value.startswith("#") and len(value) > 1:
        tag = value[1:].lower()
        return lambda p: tag in p.hashtags
    if value.startswith("@") and len(value) > 1:
        handle = value[1:].lower()
        return lambda p: handle in p.mentions
    if ":" in value and re.match(r"^[a-z_]+:", value):
        return _operator(value, store)
    return _phrase(value)


def compile_query(query: str, store: PostStore) -> Predicate:
    """Parse `query` into a predicate; raises QueryError on bad syntax."""
    tokens = tokenize(query)
    if not tokens:
        raise QueryError("query must not be empty")
    pos = 0

    def parse_or() -> Predicate:
        nonlocal pos
        parts = [parse_and()]
        while pos < len(tokens) and tokens[pos][0] == "OR":
            pos += 1
            parts.append(parse_and())
        return parts[0] if len(parts) == 1 else (lambda p: any(f(p) for f in parts))

    def parse_and() -> Predicate:
        nonlocal pos
        parts: list[Predicate] = []
        while pos < len(tokens) and tokens[pos][0] not in ("OR", ")"):
            parts.append(parse_unary())
        if not parts:
            raise QueryError("OR and ')' need a term on each side")
        return parts[0] if len(parts) == 1 else (lambda p: all(f(p) for f in parts))

    def parse_unary() -> Predicate:
        nonlocal pos
        kind, value, neg = tokens[pos]
        pos += 1
        if kind == "(":
            inner = parse_or()
            if pos >= len(tokens) or tokens[pos][0] != ")":
                raise QueryError("unbalanced parentheses")
            pos += 1
            f = inner
        else:
            f = _atom(kind, value, store)
        return (lambda p: not f(p)) if neg else f

    pred = parse_or()
    if pos != len(tokens):
        raise QueryError("unbalanced parentheses")
    return pred
