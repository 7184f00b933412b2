"""The post-mortem of the bundled demo crisis: origin, chart, every action with its database time, files, row, index."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crisiswatch.connectors.google_ads.sandbox import GoogleAdsSandbox
from crisiswatch.db.models import AdAction, Case, PostMortem, ReplyDraft, Ticket, Window
from crisiswatch.db.session import session_scope
from crisiswatch.postmortem.publish import write_postmortem
from crisiswatch.settings import PROJECT_ROOT
from tests.integration.google_ads_fixtures import sandbox_settings
from tests.integration.postmortem_demo import add_demo_campaigns, open_demo_case

TEMPLATES = PROJECT_ROOT / "templates"
NOW = datetime(2026, 3, 7, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def demo_sandbox() -> Iterator[GoogleAdsSandbox]:
    with GoogleAdsSandbox() as sb:
        add_demo_campaigns(sb)
        yield sb


def at(value: datetime) -> str:
    """A stored UTC time as the demo brand's post-mortem writes it: Medellín's clock, UTC-5 all year."""
    return f"{value - timedelta(hours=5):%Y-%m-%d %H:%M} UTC-5"


def section(markdown: str, title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.S | re.M)
    assert m, f"no section {title!r}"
    return m.group(1)


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| ---")]


def test_demo_postmortem_names_the_origin_links_the_chart_and_lists_every_action(db_url: str, demo_sandbox, tmp_path: Path) -> None:
    demo = open_demo_case(db_url, settings=sandbox_settings(demo_sandbox))
    pz = demo.truth["patient_zero"]
    res = write_postmortem(db_url, demo.case_id, demo.brand, casebook_dir=tmp_path / "casebook", templates_dir=TEMPLATES, now=NOW)
    md = res.markdown

    # files: named by date, brand and case; the chart beside the Markdown, linked from it
    assert res.path == tmp_path / "casebook" / f"2026-03-06-cosechaya-case-{demo.case_id}.md"
    assert res.path.read_text(encoding="utf-8") == md
    assert res.chart_path.name == f"2026-03-06-cosechaya-case-{demo.case_id}-chart.svg" and res.chart_path.is_file()
    assert re.search(rf"!\[[^\]]+\]\({re.escape(res.chart_path.name)}\)", md)
    svg = ET.fromstring(res.chart_path.read_text(encoding="utf-8"))
    with session_scope(db_url) as s:
        case = s.get(Case, demo.case_id)
        n_windows = s.scalar(select(func.count()).select_from(Window).where(
            Window.brand_id == demo.brand_id, Window.start >= case.first_signal_at - timedelta(hours=6), Window.start < NOW))
        ads = list(s.scalars(select(AdAction).where(AdAction.case_id == demo.case_id)))
        tickets = list(s.scalars(select(Ticket).where(Ticket.case_id == demo.case_id)))
        drafts = list(s.scalars(select(ReplyDraft).where(ReplyDraft.case_id == demo.case_id)))
        row = s.scalar(select(PostMortem).where(PostMortem.case_id == demo.case_id))
    assert n_windows > 40
    assert len(svg.findall(".//{http://www.w3.org/2000/svg}rect[@class='volume']")) == n_windows
    texts = ["".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "hora (UTC-5)" in texts  # the chart is on the brand's clock too
    assert f"declarada {case.declared_at - timedelta(hours=5):%H:%M}" in texts

    # in the brand's first language (Spanish): the unheard customer is the origin, patient zero named and linked
    origin = section(md, "Origen")
    assert "un cliente que no fue escuchado" in section(md, "Resumen")
    assert "**Tipo:** un cliente que no fue escuchado" in origin
    username = pz["username"].replace("_", "\\_")
    assert f"**Paciente cero:** @{username}" in origin
    assert f"(https://x.com/{pz['username']}/status/{pz['post_id']})" in origin

    # times: detection and first response from the database
    times = section(md, "Tiempos")
    assert "| Tiempo hasta detectar | 1 h 00 min |" in times
    first_ticket = min(t.created_at for t in tickets)
    assert f"| Tiempo hasta la primera respuesta | 3 min (ticket abierto, {at(first_ticket)}) |" in times

    # every action with the time the database holds
    actions = table_rows(section(md, "Acciones"))[1:]
    paused = [a for a in ads if a.action == "pause"]
    assert len(paused) == 5 and all(a.state == "applied" for a in paused)
    for a in paused:
        line = next(r for r in actions if f"{a.customer_id}/{a.campaign_id}" in r)
        assert line.startswith(f"| {at(a.applied_at)} | anuncio pausado |") and "| aplicado |" in line
    assert len(tickets) >= 2
    for t in tickets:
        line = next(r for r in actions if f"{t.department.replace('_', chr(92) + '_')} · database · {t.external_key}" in r)
        assert line.startswith(f"| {at(t.created_at)} | ticket abierto |")
    for d in drafts:
        if d.approved_at:
            assert any(r.startswith(f"| {at(d.approved_at)} | respuesta aprobada |") for r in actions)
        if d.sent_at:
            assert any(r.startswith(f"| {at(d.sent_at)} | respuesta enviada |") and d.external_id in r for r in actions)
    assert len(actions) == len(paused) + len(tickets) + sum(1 for d in drafts if d.approved_at) + sum(1 for d in drafts if d.sent_at)
    assert "5 borradores" in md and "3 aprobados, 2 enviados" in md

    # open follow-ups: tickets, drafts waiting or flagged, campaigns still paused
    follow = section(md, "Pendientes")
    assert follow.count("- [ ] Ticket abierto:") == len(tickets)
    assert "Borradores de respuesta por aprobar: 1" in follow and "Borradores marcados para revisión: 1" in follow
    assert follow.count("Campaña aún pausada por crisiswatch") == 5

    # the database row and the casebook index
    assert row.markdown == md and row.path == str(res.path.resolve()) and row.final is False
    index = res.index_path.read_text(encoding="utf-8")
    assert f"| 2026-03-06 | {demo.case_id} | Cosecha Ya | crisis | unheard\\_customer |" in index
    assert f"[{res.path.name}]({res.path.name})" in index

    # written again: one row, updated in place
    again = write_postmortem(db_url, demo.case_id, demo.brand, casebook_dir=tmp_path / "casebook", templates_dir=TEMPLATES,
                             now=NOW + timedelta(hours=1))
    with session_scope(db_url) as s:
        rows = list(s.scalars(select(PostMortem).where(PostMortem.case_id == demo.case_id)))
    assert len(rows) == 1 and rows[0].markdown == again.markdown and rows[0].updated_at == NOW + timedelta(hours=1)
