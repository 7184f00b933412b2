"""analyse_case against the store: what it reads, what it writes, and that re-running duplicates nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from crisiswatch.config import parse_config
from crisiswatch.db.models import Author, Brand, BrandPost, Case, CaseEvent, Complainant, Mention, Score
from crisiswatch.db.session import session_scope
from crisiswatch.errors import RejectedInput
from crisiswatch.origin.store import analyse_case

BRAND = parse_config(
    {"slug": "acme", "name": "Acme", "handle": "acme", "user_id": 42, "queries": ["acme", "#acme"], "replies": {"unanswered_after_hours": 12}}
).brands[0]
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
CAMPAIGN = 5000


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


class Timeline:
    """Inserts a brand, authors, mentions with scores and brand posts straight into the store."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        with session_scope(db_url) as s:
            brand = Brand(slug="acme", name="Acme", handle="acme", x_user_id=42)
            s.add(brand)
            s.flush()
            self.brand_id = brand.id
        self.authors: dict[int, int] = {}

    def mention(self, x_id: int, author: int, hours: float, text: str, *, negative: bool = True, category: str = "customer_service",
                refs: list[tuple[str, int]] = (), conversation: int | None = None, followers: int = 100, lang: str = "es") -> None:
        with session_scope(self.db_url) as s:
            if author not in self.authors:
                row = Author(x_id=author, username=f"user{author}", followers=followers)
                s.add(row)
                s.flush()
                self.authors[author] = row.id
            m = Mention(
                brand_id=self.brand_id, x_id=x_id, author_id=self.authors[author], author_x_id=author, text=text, lang=lang,
                created_at=at(hours), conversation_id=conversation or x_id, referenced=[{"type": t, "id": str(i)} for t, i in refs],
                metrics={"retweet_count": 1}, raw={"id": str(x_id), "text": text}, source="mentions", direct=True,
            )
            s.add(m)
            s.flush()
            s.add(Score(mention_id=m.id, lang=lang, sentiment="negative" if negative else "neutral", sentiment_score=-0.8 if negative else 0.0,
                        category=category, reach=float(followers)))

    def brand_post(self, x_id: int, hours: float, text: str, *, reply_to: int | None = None, to_user: int | None = None) -> None:
        with session_scope(self.db_url) as s:
            s.add(BrandPost(brand_id=self.brand_id, x_id=x_id, text=text, created_at=at(hours), conversation_id=reply_to or x_id,
                            in_reply_to_user_id=to_user, referenced=[{"type": "replied_to", "id": str(reply_to)}] if reply_to else []))

    def case(self) -> int:
        with session_scope(self.db_url) as s:
            c = Case(brand_id=self.brand_id, level="crisis", first_signal_at=T0, declared_at=at(0.5))
            s.add(c)
            s.flush()
            return c.id


def build(db_url: str) -> tuple[Timeline, int]:
    tl = Timeline(db_url)
    tl.mention(10, 7, -100, "@acme viejo comentario fuera de la ventana")  # before the 72 h lookback
    tl.mention(1, 7, -20, "@acme mi pedido no llega desde hace una semana y nadie responde", category="delivery_logistics")
    tl.brand_post(CAMPAIGN, -8, "¡Nuestra nueva campaña! Cena sorpresa")
    for i in range(12):
        tl.mention(100 + i, 200 + i, 0.05 * i, f"@acme increíble, ignoran a sus clientes {i}", refs=[("quoted", 1)], followers=1000 + i,
                   category="customer_service")
    for i in range(4):
        tl.mention(300 + i, 400 + i, 0.5 + 0.1 * i, f"@acme esta campaña es de muy mal gusto, número {i}", refs=[("replied_to", CAMPAIGN)],
                   conversation=CAMPAIGN, category="marketing_misunderstanding", lang="en")
    tl.mention(500, 600, 1.0, "@acme gracias por todo", negative=False)
    tl.brand_post(9000, 1.5, "@user7 lo sentimos, te escribimos por DM", reply_to=1, to_user=7)  # too late: 21.5 h after
    return tl, tl.case()


def test_analyse_case_writes_origin_magnitude_complainants_and_an_event(db_url: str) -> None:
    tl, case_id = build(db_url)
    report = analyse_case(db_url, case_id, BRAND, until=at(6))
    assert report.origin_type == "unheard_customer"
    assert report.patient_zero is not None and report.patient_zero.x_id == 1
    campaign_thread = report.thread_of(CAMPAIGN)
    assert campaign_thread is not None and campaign_thread.type == "marketing_misunderstanding"
    assert campaign_thread is not report.patient_zero_thread
    with session_scope(db_url) as s:
        case = s.get(Case, case_id)
        origin, magnitude = case.origin, case.magnitude
        comp = {c.author_id: c for c in s.scalars(select(Complainant))}
        events = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)).all()
        mention_row = dict(s.execute(select(Mention.x_id, Mention.id)).all())
    assert origin["type"] == "unheard_customer"
    assert origin["patient_zero"]["url"] == "https://x.com/user7/status/1" and origin["patient_zero"]["author"] == "user7"
    by_root = {t["root"]: t for t in origin["threads"]}
    assert by_root[str(CAMPAIGN)]["type"] == "marketing_misunderstanding" and by_root[str(CAMPAIGN)]["size"] == 4
    assert by_root["1"]["type"] == "unheard_customer" and by_root["1"]["size"] == 13
    assert magnitude["mentions"] == 18 and magnitude["negative"] == 17 and magnitude["unique_authors"] == 18
    assert magnitude["languages"] == {"es": 14, "en": 4}
    assert len(comp) == 17  # the thankful author is no complainant
    assert comp[tl.authors[7]].mention_ids == [mention_row[1]]  # the old comment is outside the lookback
    assert comp[tl.authors[400]].category == "marketing_misunderstanding" and comp[tl.authors[400]].lang == "en"
    assert [e.kind for e in events] == ["origin_found"] and "unheard_customer" in events[0].message
    rows = report.table_rows()
    assert rows[0] == {"measure": "origin type", "value": "unheard_customer"}
    assert any(r["measure"].endswith("marketing_misunderstanding") for r in rows)


def test_rerunning_updates_and_never_duplicates(db_url: str) -> None:
    tl, case_id = build(db_url)
    analyse_case(db_url, case_id, BRAND, until=at(6))
    tl.mention(2, 7, 2, "@acme sigo sin respuesta", refs=[("replied_to", 1)], conversation=1)
    report = analyse_case(db_url, case_id, BRAND, until=at(6))
    analyse_case(db_url, case_id, BRAND, until=at(6))
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Complainant)) == 17
        ids = s.scalar(select(Complainant.mention_ids).where(Complainant.author_id == tl.authors[7]))
        assert len(ids) == 2 and ids == sorted(ids)
        assert s.scalar(select(func.count()).select_from(CaseEvent)) == 1  # same origin: no new event
    assert report.magnitude.mentions == 19


def test_a_customer_answered_in_time_is_not_the_unheard_origin(db_url: str) -> None:
    tl, case_id = build(db_url)
    tl.brand_post(9001, -19, "@user7 lo revisamos ya", reply_to=1, to_user=7)
    report = analyse_case(db_url, case_id, BRAND, until=at(6))
    assert report.patient_zero is not None and report.patient_zero.x_id == 1
    assert report.origin_type == "other" and "answered 1.0 h after" in report.explanation


def test_unknown_case_or_brand_is_refused(db_url: str) -> None:
    tl, case_id = build(db_url)
    with pytest.raises(RejectedInput, match="no case 999"):
        analyse_case(db_url, 999, BRAND)
    other = parse_config({"slug": "other", "name": "Other", "handle": "other"}).brands[0]
    with pytest.raises(RejectedInput, match="belongs to brand 'acme'"):
        analyse_case(db_url, case_id, other)


def test_the_origin_command_prints_the_table_and_refuses_an_unknown_case(sqlite_url: str, tmp_path) -> None:
    import yaml
    from typer.testing import CliRunner

    from crisiswatch.cli.main import app

    _, case_id = build(sqlite_url)
    config = tmp_path / "brand.yaml"
    config.write_text(yaml.safe_dump(BRAND.model_dump(mode="json")), encoding="utf-8")
    args = ["origin", "--brand", "acme", "--config", str(config), "--database-url", sqlite_url, "--until", "2026-03-02T18:00:00"]
    ok = CliRunner().invoke(app, [*args[:1], str(case_id), *args[1:]])
    assert ok.exit_code == 0, ok.output
    assert "unheard_customer" in ok.output and "marketing_misunderstanding" in ok.output
    bad = CliRunner().invoke(app, [*args[:1], "999", *args[1:]])
    assert bad.exit_code == 2 and "no case 999" in bad.output
