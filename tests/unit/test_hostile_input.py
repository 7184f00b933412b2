"""Hostile and malformed input, property-based: replay lines, X pages, brand configs, templates.

Each parser may refuse its input only with its own error (RejectedInput, ConfigError) carrying a
message a person can act on; anything it accepts must be usable downstream (ids fit BIGINT,
times are aware UTC datetimes). Text people wrote renders literally in every template.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crisiswatch.config import CrisiswatchConfig, parse_config
from crisiswatch.connectors.x.parsing import parse_page
from crisiswatch.errors import ConfigError, RejectedInput
from crisiswatch.rendering import render
from crisiswatch.replay import make_post, parse_replay_line
from crisiswatch.replies.drafting import render_reply, variation
from crisiswatch.tickets.content import ticket_context
from tests.replies_support import TEMPLATES, brand_config

BIGINT = 2**63 - 1
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Strings that look like ids, times and template code, mixed into arbitrary text.
TRICKY = st.sampled_from([
    "", "0", "-1", "²", "１２", "99999999999999999999", "9223372036854775808", "9223372036854775807", "1e3", " 12",
    "2026-03-02T05:00:00.000Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-13-45T99:99:99Z",
    "{{ 7*7 }}", "{% include 'x' %}", "{{ ''.__class__ }}", "'; DROP TABLE mention; --", "\x00", "\ud800", "\u202e",
    "\x1b[31m", "NaN", "null",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30), TRICKY)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.one_of(st.text(max_size=12), TRICKY), inner, max_size=5)),
                    max_leaves=25)
TWEET_KEYS = ("id", "text", "created_at", "author_id", "lang", "conversation_id", "in_reply_to_user_id",
              "referenced_tweets", "public_metrics")
USER_KEYS = ("id", "username", "name", "verified", "public_metrics")


def _shaped(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts with the real field names and hostile values: closer to a broken X answer than noise."""
    return st.dictionaries(st.sampled_from(keys), st.one_of(JSON, TRICKY, st.integers(min_value=-5, max_value=2**64)), max_size=len(keys))


TWEETS = st.one_of(_shaped(TWEET_KEYS), JSON)
PAGES = st.one_of(
    JSON,
    st.fixed_dictionaries({}, optional={
        "data": st.one_of(st.lists(TWEETS, max_size=4), JSON),
        "includes": st.one_of(st.fixed_dictionaries({"users": st.lists(st.one_of(_shaped(USER_KEYS), JSON), max_size=3)}), JSON),
        "meta": st.one_of(st.fixed_dictionaries({}, optional={"next_token": JSON, "result_count": JSON}), JSON),
        "errors": JSON,
    }),
)


def _usable_id(v: int | None) -> bool:
    return v is None or (isinstance(v, int) and 0 < v <= BIGINT)


@FAST
@given(PAGES)
@example({"data": [{"id": "²", "text": "x", "created_at": "2026-03-02T05:00:00Z"}]})
@example({"data": [{"id": "99999999999999999999", "text": "x", "created_at": "2026-03-02T05:00:00Z"}]})
@example({"data": [{"id": "5", "text": "x", "created_at": "0001-01-01T00:00:00+01:00"}]})
@example({"data": [], "errors": 5})
@example({"data": [{"id": "5", "text": "x", "created_at": "2026-03-02T05:00:00Z", "author_id": "7"}],
          "includes": {"users": [{"id": "7", "username": "a", "public_metrics": {"followers_count": 2**64}}]}})
def test_parse_page_never_raises_and_keeps_only_storable_values(payload: Any) -> None:
    page = parse_page(payload, where="hypothesis")
    assert _usable_id(page.max_id)
    for m in page.mentions:
        assert _usable_id(m.x_id) and m.x_id is not None
        assert _usable_id(m.author_x_id) and _usable_id(m.conversation_id) and _usable_id(m.in_reply_to_user_id)
        assert m.created_at.tzinfo is not None and m.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
        assert "\x00" not in m.text and not re.search("[\ud800-\udfff]", m.text)
        json.dumps(m.raw)  # the raw payload must be storable as JSON
        if m.author is not None:
            assert 0 <= m.author.followers <= BIGINT and 0 <= m.author.following <= BIGINT and 0 <= m.author.tweet_count <= BIGINT
    for reason in page.rejected:
        assert isinstance(reason, str) and reason


@FAST
@given(st.one_of(st.text(max_size=200), JSON.map(lambda v: json.dumps(v)),
                 st.fixed_dictionaries({"data": TWEETS}, optional={"includes": JSON, "sandbox": JSON, "matching_rules": JSON}).map(json.dumps)))
@example("[" * 50_000)
@example(json.dumps({"data": {"id": "²", "text": "x", "created_at": "2026-03-02T05:00:00Z"}}))
@example(json.dumps({"data": {"id": "1", "text": "x", "created_at": "9999-12-31T23:59:59-01:00"}}))
def test_parse_replay_line_raises_only_rejected_input_and_accepted_posts_are_usable(line: str) -> None:
    try:
        post = parse_replay_line(line, 7)
    except RejectedInput as exc:
        assert str(exc).startswith("replay line 7:")
        return
    assert 0 < post.id <= BIGINT
    assert _usable_id(post.author_id)
    # what the replay accepts, the sandbox serves and the X client parses: it must not be rejected there
    page = parse_page({"data": [post.tweet], "includes": {"users": post.users}}, where="replay")
    assert [m.x_id for m in page.mentions] == [post.id] or page.rejected


@given(st.text(max_size=80), st.integers(min_value=1, max_value=BIGINT))
@settings(max_examples=60, deadline=None)
def test_make_post_lines_round_trip(text: str, x_id: int) -> None:
    line = make_post(x_id, text, author_id=42, username="ana", created_at=datetime(2026, 3, 2, tzinfo=timezone.utc))
    post = parse_replay_line(json.dumps(line), 1)
    assert post.id == x_id and post.tweet["text"] == text


BRAND_KEYS = ("slug", "name", "handle", "user_id", "languages", "queries", "crisis_terms", "thresholds", "departments",
              "routing", "google_ads", "replies", "brands", "unknown")
VALID = {"slug": "acme", "name": "Acme", "handle": "acme"}


@FAST
@given(st.one_of(
    JSON,
    st.dictionaries(st.sampled_from(BRAND_KEYS), JSON, max_size=6),
    st.dictionaries(st.sampled_from(BRAND_KEYS), JSON, max_size=4).map(lambda d: {**VALID, **d}),
    st.fixed_dictionaries({"brands": st.lists(st.dictionaries(st.sampled_from(BRAND_KEYS), JSON, max_size=4).map(lambda d: {**VALID, **d}), max_size=3)}),
))
@example({**VALID, "thresholds": {"watch": 90, "crisis": 10}})
@example({**VALID, "google_ads": {"customer_ids": ["²"]}})
@example({**VALID, "routing": [{"departments": ["nobody"]}]})
@example([1, 2])
def test_parse_config_raises_only_config_error_naming_field_and_value(data: Any) -> None:
    try:
        cfg = parse_config(data, "hostile.yaml")
    except ConfigError as exc:
        msg = str(exc)
        assert msg.startswith("invalid brand config hostile.yaml")
        assert " = " in msg or "expected a mapping" in msg  # field = value: why
        return
    assert isinstance(cfg, CrisiswatchConfig) and cfg.brands
    for b in cfg.brands:
        assert all(c.isdigit() and c.isascii() for cid in b.google_ads.customer_ids for c in cid), b.google_ads.customer_ids


PAYLOADS = ["{{ 7*7 }}", "{% include 'replies/en/other.dm.j2' %}", "{{ ''.__class__ }}", "{{ self.__init__.__globals__ }}",
            "{% raw %}x{% endraw %}", "{#", "}}{{", "${7*7}", "#{7*7}"]
HOSTILE_TEXT = st.builds(lambda a, p, b: f"{a}{p}{b}", st.text(max_size=20), st.sampled_from(PAYLOADS), st.text(max_size=20))


def _no_evaluation(rendered: str, given_text: str) -> None:
    """Nothing the payloads ask for was evaluated: no 49, no class or function reprs, no included template."""
    rest = rendered
    for p in PAYLOADS:
        rest = rest.replace(p, "")
    assert "49" not in rest or "49" in given_text
    for leak in ("<class", "__globals__", "<built-in", "<function", "<bound method"):
        assert leak not in rest or leak in given_text, leak


@FAST
@given(HOSTILE_TEXT, st.text(max_size=30), st.sampled_from(["es", "en"]), st.sampled_from(["dm", "public"]))
def test_reply_rendering_keeps_hostile_names_literal(name: str, username: str, lang: str, channel: str) -> None:
    reply = render_reply(TEMPLATES, brand_config(), lang=lang, category="delivery_logistics", channel=channel,
                         display_name=name, username=username, case_ref="CW-1-2", choices=variation(1, 2))
    handle = re.sub(r"[^\w]", "", username)[:15]  # the @handle as a reply writes it ("4:9" -> "@49")
    _no_evaluation(reply.text, name + username + " " + handle)
    assert "\x1b" not in reply.text and "\u202e" not in reply.text


@FAST
@given(st.lists(HOSTILE_TEXT, min_size=1, max_size=3), HOSTILE_TEXT, st.sampled_from(["markdown", "slack"]))
def test_ticket_rendering_keeps_hostile_texts_literal(texts: list[str], author: str, fmt: str) -> None:
    case = SimpleNamespace(id=3, level="crisis", risk=88.0, category="delivery_logistics",
                           declared_at=datetime(2026, 3, 6, 12, tzinfo=timezone.utc), first_signal_at=None,
                           origin={"type": "unheard_customer", "patient_zero": {"author": author, "text": texts[0], "x_id": 5}},
                           magnitude={"mentions": 120})
    ctx = ticket_context(lang="en", fmt=fmt, brand_name="Acme {{ 7*7 }}", brand_handle="acme", case=case,  # type: ignore[arg-type]
                         department="logistics", sla_hours=4, sla_due_at=datetime(2026, 3, 6, 16, tzinfo=timezone.utc),
                         severity="high", categories=["delivery_logistics"],
                         evidence=[{"author": author, "text": t, "x_id": i + 1} for i, t in enumerate(texts)], idempotency_key="case-3-logistics")
    body = render(TEMPLATES, "tickets/ticket.md.j2" if fmt == "markdown" else "tickets/slack.j2", **ctx)
    title = render(TEMPLATES, "tickets/title.txt.j2", **ctx)
    given_text = "".join(texts) + author + "Acme {{ 7*7 }}"
    _no_evaluation(body, given_text)
    _no_evaluation(title, given_text)
    # every brace of the tweets is still there (escaped or not): nothing was consumed as template syntax
    plain = body.replace("\\", "").replace("\u200b", "")
    for t in texts:
        assert t.count("{") == 0 or "{" in plain
