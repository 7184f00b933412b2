"""Tweet text aimed at SQL and at terminals: stored and read back unchanged on SQLite and PostgreSQL
(NUL and lone surrogates, which PostgreSQL cannot hold, become U+FFFD on both); the CLIs print what
people wrote literally, without escape sequences, bidi overrides or Rich markup taking effect."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timezone

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from crisiswatch.cli.main import app
from crisiswatch.config import parse_config
from crisiswatch.connectors.x.parsing import MAX_TEXT_CHARS, parse_page
from crisiswatch.db.models import Author, Brand, Case, Complainant, Mention, ReplyDraft, Ticket
from crisiswatch.db.session import session_scope
from crisiswatch.ingest import MENTIONS, ensure_brand, store_pages
from crisiswatch.records import FetchedPage

BRAND = parse_config({"slug": "acme", "name": "Acme", "handle": "acme", "user_id": 42}).brands[0]
SQL = ["'; DROP TABLE mention; --", "Robert'); DROP TABLE author;--", "\" OR 1=1 --", "\\'; SELECT pg_sleep(5); --",
       "%s %(x)s ?, :name $1", "E'\\x00'", "NUL\x00inside", "\x00", "lone \ud83d surrogate", "\u202eevil\u202c",
       "\x1b[31mred\x1b[0m", "tab\tnew\nline\r\n", "ñandú ☕ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩🏽‍💻", "{{ 7*7 }}", "x" * (MAX_TEXT_CHARS + 5)]
HOSTILE = st.one_of(st.sampled_from(SQL), st.text(max_size=300),
                    st.builds(lambda a, b: a + b, st.sampled_from(SQL), st.text(max_size=40)))
_ids = itertools.count(10**15)
_BAD = re.compile("[\ud800-\udfff\x00]")


def _sanitized(text: str) -> str:
    return _BAD.sub("\ufffd", text)


def _expected(text: str) -> str:
    return _sanitized(text)[:MAX_TEXT_CHARS]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=HOSTILE, username=st.sampled_from(["ana", "o'brien", "x'; DROP TABLE author; --", "\x00nul", "\u202eeva"]),
       name=HOSTILE)
@example(text="'; DROP TABLE mention; --", username="ana", name="Robert'); DROP TABLE author;--")
@example(text="NUL\x00inside \ud83d", username="\x00nul", name="\x00")
def test_hostile_text_round_trips_through_parse_and_store(db_url: str, text: str, username: str, name: str) -> None:
    x_id, author_id = next(_ids), next(_ids)
    payload = {"data": [{"id": str(x_id), "text": text, "created_at": "2026-03-02T05:00:00.000Z", "author_id": str(author_id),
                         "lang": "es'--", "hostile_extra": {text[:50]: [text[:50], None, 1.5]}}],
               "includes": {"users": [{"id": str(author_id), "username": username, "name": name}]}}
    page = parse_page(payload, where="hostile")
    assert [m.x_id for m in page.mentions] == [x_id]
    brand_id = ensure_brand(db_url, BRAND)
    result = store_pages(db_url, brand_id, BRAND, [FetchedPage(MENTIONS, "", page.mentions, x_id)], brand_user_id=42)
    assert result.stored == 1
    with session_scope(db_url) as s:
        m = s.scalar(select(Mention).where(Mention.x_id == x_id))
        a = s.scalar(select(Author).where(Author.x_id == author_id))
        assert m is not None and a is not None
        assert m.text == _expected(text), (len(m.text), len(text))
        # raw keeps the payload as received (only what no database can hold replaced), long text included
        assert m.raw["text"] == _sanitized(text) and m.raw["hostile_extra"] == {_sanitized(text[:50]): [_sanitized(text[:50]), None, 1.5]}
        assert m.lang == "es'--"
        assert a.username == _expected(username)[:64] and a.name == _expected(name)[:200]
        # the tables the payloads name are all still there
        assert s.scalar(select(Brand.slug).where(Brand.id == brand_id)) == "acme"


TERMINAL = "\x1b[2J\x1b]0;pwned\x07\x1b[31mred\x1b[0m \u202egnp.exe\u202c [bold red]markup[/] [link=http://evil.example]x[/link] \x07"


def _seed_case(db_url: str) -> tuple[int, int]:
    with session_scope(db_url) as s:
        brand = Brand(slug="acme", name="Acme")
        s.add(brand)
        s.flush()
        author = Author(x_id=77, username="eva" + TERMINAL[:20], name=TERMINAL)
        s.add(author)
        s.flush()
        mention = Mention(brand_id=brand.id, x_id=78, author_id=author.id, author_x_id=77, text=TERMINAL, lang="es",
                          created_at=datetime(2026, 3, 2, tzinfo=timezone.utc), source="mentions")
        case = Case(brand_id=brand.id, level="crisis")
        s.add_all([mention, case])
        s.flush()
        comp = Complainant(case_id=case.id, author_id=author.id, mention_ids=[mention.id])
        s.add(comp)
        s.flush()
        s.add(ReplyDraft(case_id=case.id, complainant_id=comp.id, mention_id=mention.id, channel="dm", lang="es",
                         text="Hola " + TERMINAL, status="uncertain", error=TERMINAL, idempotency_key="hostile-dm"))
        s.add(Ticket(case_id=case.id, department="soporte \x1b[31m[b]x[/b]\u202e", backend="database", idempotency_key="case-x-hostile",
                     status="open", severity="high", title="Acme: " + TERMINAL, body="# Evidencia\n\n- " + TERMINAL,
                     external_key="CW-1" + TERMINAL, url="https://x.example/" + TERMINAL))
        s.flush()
        ticket_id = s.scalar(select(Ticket.id).where(Ticket.idempotency_key == "case-x-hostile"))
        return case.id, ticket_id  # type: ignore[return-value]


def _clean(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output, repr(output[:400])
    assert "\u202e" not in output and "\u202c" not in output


def test_cli_prints_hostile_text_literally(db_url: str) -> None:
    case_id, ticket_id = _seed_case(db_url)
    runner = CliRunner()
    env = {"CRISISWATCH_DATABASE_URL": db_url, "COLUMNS": "400"}
    for args in (["tickets", "list"], ["tickets", "show", str(ticket_id)], ["approve", str(case_id), "--list", "--database-url", db_url]):
        res = runner.invoke(app, args, env=env)
        assert res.exit_code == 0, (args, res.output)
        _clean(res.output)
        flat = " ".join(res.output.replace("│", " ").replace("┃", " ").split())
        assert "[bold red]markup[/]" in flat, (args, res.output[:1500])  # Rich markup shown, not applied
