"""The sandbox's X query parser."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crisiswatch.connectors.x.sandbox.query import QueryError, compile_query, tokenize
from crisiswatch.connectors.x.sandbox.store import PostStore
from crisiswatch.replay import make_post, parse_replay_obj

T0 = datetime(2025, 3, 1, tzinfo=timezone.utc)
POSTS = {
    1: ("Acme lost my bag #Fail @AcmeHelp", "ann", "en", None),
    2: ("RT @ann: Acme lost my bag", "bob", "en", None),
    3: ("acme: el vuelo se retrasó", "cat", "es", None),
    4: ("the acme-air app crashed again", "ann", "en", None),
    5: ("@AcmeHelp still waiting", "dan", "en", 99),
}


@pytest.fixture(scope="module")
def store():
    st = PostStore()
    st.add_user({"id": "99", "username": "AcmeHelp"})
    st.add(parse_replay_obj(make_post(i, text, author_id=10 + i, username=user, created_at=T0, lang=lang,
                                      in_reply_to_user_id=irt)) for i, (text, user, lang, irt) in POSTS.items())
    return st


def matches(store, query):
    pred = compile_query(query, store)
    return {pid for pid, p in store.posts.items() if pred(p)}


@pytest.mark.parametrize("query, expected", [
    ("acme", {1, 2, 3, 4}),
    ("ACME bag", {1, 2}),
    ('"lost my bag"', {1, 2}),
    ('"acme-air"', {4}),
    ("acme -bag", {3, 4}),
    ("acme -is:retweet", {1, 3, 4}),
    ("#fail", {1}),
    ("@acmehelp", {1, 5}),
    ("is:reply", {5}),
    ("to:acmehelp OR to:99", {5}),
    ("from:ann", {1, 4}),
    ("acme -from:ann", {2, 3}),
    ("lang:es OR crashed", {3, 4}),
    ("(bag OR crashed) -from:bob", {1, 4}),
    ("acme (vuelo OR app) -(lang:es)", {4}),
    ("waiting OR (lost -is:retweet)", {1, 5}),
])
def test_queries(store, query, expected):
    assert matches(store, query) == expected


@pytest.mark.parametrize("query, message", [
    ("", "must not be empty"),
    ('"open', "unterminated"),
    ("(a OR b", "unbalanced"),
    ("a )", "unbalanced"),
    ("a OR", "need a term"),
    ("is:weird", "unknown is:"),
    ("bogus:x", "unknown operator"),
])
def test_bad_queries(store, query, message):
    with pytest.raises(QueryError, match=message):
        compile_query(query, store)


def test_tokenize_keeps_negation_and_phrases():
    assert tokenize('-"a b" OR -(c)') == [("phrase", "a b", True), ("OR", "OR", False), ("(", "(", True),
                                          ("word", "c", False), (")", ")", False)]
