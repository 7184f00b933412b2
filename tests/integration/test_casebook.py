"""The casebook: hostile text stays text, similar past cases bring their lessons, list/show/search/index from the CLI."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from sqlalchemy import select
from typer.testing import CliRunner

from crisiswatch.cli.main import app
from crisiswatch.config import BrandConfig, parse_config
from crisiswatch.db.models import (
    AdAction,
    Author,
    Brand,
    Case,
    CaseEvent,
    Complainant,
    Mention,
    PostMortem,
    ReplyDraft,
    Ticket,
    Window,
)
from crisiswatch.db.session import session_scope
from crisiswatch.postmortem.casebook import list_cases, search, similar_cases
from crisiswatch.postmortem.closing import close_case
from crisiswatch.postmortem.publish import write_postmortem
from crisiswatch.settings import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"
T0 = datetime(2026, 1, 10, 15, 0, tzinfo=timezone.utc)
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
HOSTILE = ("# PWNED\n[click](javascript:alert(1)) ![img](https://evil.example/x.png) <script>alert(1)</script> "
           "| x | y |\n|---|---|\n```\nfence\n``` `tick` {{ 7*7 }} {% raw %} <b>bold</b> @everyone")
SHORT = "# x\n[a](javascript:1) ![i](https://e.example/i.png) <b>|`{{ 1 }}"  # for columns of 64 characters


def brand_config(slug: str, languages: list[str] | None = None) -> BrandConfig:
    return parse_config({"slug": slug, "name": slug.title(), "handle": slug, "languages": languages or ["en", "es"],
                         "google_ads": {"pause": "none"}}).brands[0]


def add_brand(db_url: str, slug: str) -> int:
    with session_scope(db_url) as s:
        b = Brand(slug=slug, name=slug.title(), handle=slug)
        s.add(b)
        s.flush()
        return b.id


def add_case(db_url: str, brand_id: int, declared: datetime, *, origin_type: str, category: str, explanation: str,
             pz_text: str = "they charged me twice", author: str = "ana", **extra: Any) -> int:
    origin = {"type": origin_type, "explanation": explanation, "spike_at": declared.isoformat(), "thread_count": 1, "threads": [],
              "complainants": 1, "patient_zero": {"x_id": "1", "author": author, "text": pz_text, "created_at": (declared - timedelta(hours=2)).isoformat(),
                                                  "url": f"https://x.com/{author}/status/1", "brand_post": False}}
    with session_scope(db_url) as s:
        c = Case(brand_id=brand_id, level="crisis", risk=80, category=category, first_signal_at=declared - timedelta(minutes=30),
                 declared_at=declared, origin=origin, magnitude={"mentions": 120, "unique_authors": 80, "negative_share": 0.9}, **extra)
        s.add(c)
        s.flush()
        s.add(CaseEvent(case_id=c.id, at=declared, kind="declared", message="normal -> crisis"))
        return c.id


def test_hostile_text_everywhere_cannot_break_the_postmortem(db_url: str, tmp_path: Path) -> None:
    bid = add_brand(db_url, "acme")
    case_id = add_case(db_url, bid, T0, origin_type="unheard_customer", category="customer_service", explanation=HOSTILE,
                       pz_text=HOSTILE, author="x](https://evil.example) # <b>", factors={"explanation": HOSTILE})
    with session_scope(db_url) as s:
        author = Author(x_id=5, username="evil_<i>|`", name=HOSTILE)
        s.add(author)
        s.flush()
        m = Mention(brand_id=bid, x_id=9, author_id=author.id, text=HOSTILE, created_at=T0, source="mentions")
        s.add(m)
        s.flush()
        comp = Complainant(case_id=case_id, author_id=author.id, mention_ids=[m.id])
        s.add(comp)
        s.flush()
        s.add_all([
            CaseEvent(case_id=case_id, at=T0 + timedelta(minutes=1), kind="<img src=x>", message=HOSTILE),
            Ticket(case_id=case_id, department="soporte", backend="jira", idempotency_key="k1", external_key=SHORT,
                   url="javascript:alert(1)", status="open", created_at=T0 + timedelta(minutes=2), error=HOSTILE),
            AdAction(case_id=case_id, customer_id="1", campaign_id="2", campaign_name=SHORT, action="pause", previous_status="ENABLED",
                     new_status="PAUSED", state="applied", applied_at=T0 + timedelta(minutes=3)),
            ReplyDraft(case_id=case_id, complainant_id=comp.id, mention_id=m.id, lang="en", channel="dm", text=HOSTILE, status="sent",
                       approver=SHORT, approved_at=T0 + timedelta(minutes=4), sent_at=T0 + timedelta(minutes=5),
                       idempotency_key="d1", external_id="<b>1</b>"),
            Window(brand_id=bid, start=T0, end=T0 + timedelta(minutes=15), volume=10, negative=9, risk=80),
        ])
        s.get(Case, case_id).lessons = HOSTILE
        s.get(Case, case_id).resolution = HOSTILE
    res = write_postmortem(db_url, case_id, brand_config("acme"), casebook_dir=tmp_path, templates_dir=TEMPLATES,
                           now=T0 + timedelta(hours=1))
    tokens = MD.parse(res.markdown)

    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["Post-mortem: case 1 · Acme (@acme)", "Summary", "Times", "Timeline", "Origin", "Magnitude",
                        "Volume, negativity and risk", "Actions", "Personal replies", "Open follow-ups", "Resolution",
                        "Lessons learned", "Similar cases from the casebook"]
    children = [c for t in tokens if t.type == "inline" for c in t.children or []]
    assert not [t for t in tokens + children if t.type in ("html_block", "html_inline", "fence", "code_block")]
    assert [c.attrs["src"] for c in children if c.type == "image"] == [res.chart_path.name]
    links = [c.attrs["href"] for c in children if c.type == "link_open"]
    assert links and all(h.startswith("https://x.com/") for h in links), links
    # every table row has as many cells as its header
    rows = [t for t in tokens if t.type == "tr_open"]
    cells_per_table: dict[int, set[int]] = {}
    table = 0
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            table += 1
        if t.type == "tr_open":
            j, n = i + 1, 0
            while tokens[j].type != "tr_close":
                n += tokens[j].type in ("th_open", "td_open")
                j += 1
            cells_per_table.setdefault(table, set()).add(n)
    assert rows and all(len(v) == 1 for v in cells_per_table.values())
    assert "49" not in res.markdown and "\\{\\{ 7\\*7 \\}\\}" in res.markdown
    html = MD.render(res.markdown)
    assert "<script>" not in html and "<b>" not in html and "&lt;script&gt;" in html


def test_similar_resolved_cases_bring_their_lessons_to_the_next_postmortem(db_url: str, tmp_path: Path) -> None:
    acme, other = add_brand(db_url, "acme"), add_brand(db_url, "globex")
    billing = "customer charged twice for an order that never arrived; nobody from the brand answered for a day"
    past = add_case(db_url, acme, T0, origin_type="unheard_customer", category="billing_payments", explanation=billing)
    close_case(db_url, past, resolution="Refunded both charges and called her.",
               lessons="- Answer every billing complaint within 1 hour\n- Refund first, explain after", now=T0 + timedelta(days=1))
    plain = add_case(db_url, acme, T0 + timedelta(days=5), origin_type="unheard_customer", category="delivery_logistics",
                     explanation="orders late in the north of the city")
    close_case(db_url, plain, resolution="Courier replaced.", lessons="", now=T0 + timedelta(days=6))
    unrelated = add_case(db_url, other, T0 + timedelta(days=7), origin_type="ethics_legal", category="ethics_legal",
                         explanation="an advert called classist by a columnist", pz_text="this advert is classist", author="columnist")
    close_case(db_url, unrelated, resolution="Advert withdrawn.", lessons="Review adverts with the legal team", now=T0 + timedelta(days=8))
    new = add_case(db_url, acme, T0 + timedelta(days=30), origin_type="unheard_customer", category="billing_payments",
                   explanation="a customer charged twice was ignored for hours and the thread went viral")

    similar = similar_cases(db_url, new)
    assert [s.case.case_id for s in similar] == [past, plain]
    assert set(similar[0].reasons) >= {"same_brand", "same_category", "same_origin"}

    res = write_postmortem(db_url, new, brand_config("acme", ["es"]), casebook_dir=tmp_path, templates_dir=TEMPLATES,
                           now=T0 + timedelta(days=30, hours=2))
    part = res.markdown.split("## Casos similares del manual", 1)[1]
    assert part.index(f"### caso {past} ") < part.index(f"### caso {plain} ")
    assert "- Answer every billing complaint within 1 hour" in part and "- Refund first, explain after" in part
    assert "**Cómo se resolvió:** Refunded both charges and called her." in part
    assert "sin lecciones escritas" in part and "Review adverts" not in part
    assert [s["case_id"] for s in res.similar] == [past, plain]


def test_casebook_cli_list_show_search_and_index(db_url: str, tmp_path: Path) -> None:
    acme, other = add_brand(db_url, "acme"), add_brand(db_url, "globex")
    first = add_case(db_url, acme, T0, origin_type="unheard_customer", category="billing_payments",
                     explanation="double charge, no answer from the brand")
    close_case(db_url, first, resolution="Refunds within the day.", lessons="Atención: responder cada cobro doble en 1 hora", now=T0 + timedelta(days=1))
    second = add_case(db_url, other, T0 + timedelta(days=3), origin_type="marketing_misunderstanding", category="marketing_misunderstanding",
                      explanation="the new advert was read as mocking farmers", pz_text="so farmers are a joke to you?", author="rural")
    casebook = tmp_path / "casebook"
    for cid, slug in ((first, "acme"), (second, "globex")):
        write_postmortem(db_url, cid, brand_config(slug), casebook_dir=casebook, templates_dir=TEMPLATES, now=T0 + timedelta(days=4))
    runner = CliRunner()
    env = {"CRISISWATCH_DATABASE_URL": db_url, "COLUMNS": "250"}

    listed = runner.invoke(app, ["casebook", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    lines = [l for l in listed.output.splitlines() if re.match(r"^│\s*\d+\s*│", l)]
    assert [int(re.match(r"^│\s*(\d+)", l).group(1)) for l in lines] == [second, first]  # newest first
    assert "resolved" in lines[1] and "open" in lines[0]

    shown = runner.invoke(app, ["casebook", "show", str(first), "--raw"], env=env)
    assert shown.exit_code == 0
    with session_scope(db_url) as s:
        assert shown.output == s.scalar(select(PostMortem.markdown).where(PostMortem.case_id == first))

    found = runner.invoke(app, ["casebook", "search", "cobro doble"], env=env)
    assert found.exit_code == 0 and str(first) in found.output and "lessons" in found.output
    hits = search(db_url, "advert farmers")
    assert [h.case.case_id for h in hits] == [second]
    assert [h.case.case_id for h in search(db_url, "ATENCION")] == [first]  # accents and case folded
    assert [h.case.case_id for h in search(db_url, "double charge")] == [first]
    assert search(db_url, "double_charge") == []  # LIKE wildcards in the words are literal

    missing = runner.invoke(app, ["casebook", "show", "999"], env=env)
    assert missing.exit_code == 2 and "casebook list" in missing.output

    (casebook / "README.md").unlink()
    made = runner.invoke(app, ["casebook", "index", "--casebook-dir", str(casebook)], env=env)
    assert made.exit_code == 0
    index = (casebook / "README.md").read_text(encoding="utf-8")
    rows = [l for l in index.splitlines() if re.match(r"^\| \d{4}-", l)]
    assert len(rows) == len(list_cases(db_url)) == 2
    assert rows[0].startswith(f"| 2026-01-13 | {second} | Globex | crisis | marketing\\_misunderstanding |")
    assert "| resolved | ✓ |" in rows[1] and f"2026-01-10-acme-case-{first}.md" in rows[1]
