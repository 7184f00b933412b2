"""Write a case's post-mortem: Markdown and chart files in the casebook, the PostMortem row, the index."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crisiswatch import clock
from crisiswatch.config import BrandConfig
from crisiswatch.db.models import PostMortem
from crisiswatch.db.session import session_scope
from crisiswatch.errors import RejectedInput
from crisiswatch.postmortem.casebook import postmortem_name, similar_cases, write_index, write_text
from crisiswatch.postmortem.chart import ChartLabels, alt_text, render_svg
from crisiswatch.postmortem.context import chart_marks, chart_points, load_case, template_context
from crisiswatch.postmortem.formats import local, reader_zone, zone_label
from crisiswatch.rendering import render

TEMPLATE = "postmortem.md.j2"
MAX_EMBEDDED_CHART = 512_000  # bytes of SVG embedded in the Prefect artifact as a data URI
CHART_LABELS = {
    "es": ChartLabels(title="", volume="menciones por ventana", negative="proporción negativa (%)", risk="riesgo (0-100)",
                      right_axis="% / riesgo", time_axis="hora ({zone})", no_data="sin ventanas registradas en este periodo"),
    "en": ChartLabels(title="", time_axis="time ({zone})"),
}
CHART_TITLE = {"es": "Caso {id} · {brand}: volumen, negatividad y riesgo", "en": "Case {id} · {brand}: volume, negativity and risk"}
ALT = {"es": "pico de {volume} menciones el {at}, riesgo máximo {risk}", "en": "peak of {volume} mentions at {at}, max risk {risk}"}
MARKS = {
    "es": {"first_signal": "primera señal", "declared": "declarada", "resolved": "resuelta", "watch": "alerta", "crisis": "crisis"},
    "en": {"first_signal": "first signal", "declared": "declared", "resolved": "resolved", "watch": "watch", "crisis": "crisis"},
}


@dataclass(slots=True)
class PostMortemResult:
    """What writing one post-mortem produced."""

    case_id: int
    lang: str
    final: bool
    markdown: str
    path: Path
    chart_path: Path
    index_path: Path
    similar: list[dict[str, Any]] = field(default_factory=list)

    def artifact_markdown(self) -> str:
        """The Markdown with its chart embedded (a data URI), for places where the file beside it is not reachable."""
        svg = self.chart_path.read_bytes()
        if len(svg) > MAX_EMBEDDED_CHART:
            return self.markdown
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        return self.markdown.replace(f"]({self.chart_path.name})", f"]({uri})")


def _save_row(db_url: str, case_id: int, markdown: str, path: str, final: bool, now: datetime) -> bool:
    """Insert or update the case's PostMortem row; returns the final flag stored (once final, always final)."""
    for _ in range(2):
        try:
            with session_scope(db_url) as s:
                row = s.scalar(select(PostMortem).where(PostMortem.case_id == case_id).with_for_update())
                if row is None:
                    row = PostMortem(case_id=case_id, markdown=markdown)
                    s.add(row)
                row.markdown, row.path, row.final, row.updated_at = markdown, path, bool(final or row.final), now
                s.flush()
                return row.final
        except IntegrityError:  # written at the same moment by another run: update theirs
            continue
    raise RejectedInput(f"could not store the post-mortem of case {case_id}: another run keeps writing it")


def stored_final(db_url: str, case_id: int) -> bool:
    with session_scope(db_url) as s:
        return bool(s.scalar(select(PostMortem.final).where(PostMortem.case_id == case_id)))


def write_postmortem(db_url: str, case_id: int, brand: BrandConfig, *, casebook_dir: Path, templates_dir: Path,
                     final: bool = False, now: datetime | None = None, similar_limit: int = 3) -> PostMortemResult:
    """Render the case's post-mortem in the brand's first language and publish it to files, the row and the index."""
    now = now or clock.now()
    data = load_case(db_url, case_id, now)
    if data.brand.slug != brand.slug:
        raise RejectedInput(f"case {case_id} belongs to brand {data.brand.slug!r}, not {brand.slug!r}")
    final = final or stored_final(db_url, case_id)
    lang = brand.languages[0]
    stem = postmortem_name(data.case.declared_at, brand.slug, case_id)
    casebook_dir = Path(casebook_dir)
    md_path, chart_path = casebook_dir / f"{stem}.md", casebook_dir / f"{stem}-chart.svg"

    similar = similar_cases(db_url, case_id, limit=similar_limit)
    with reader_zone(brand.timezone):  # every time on the brand's clock, with its offset from UTC
        points = [replace(p, start=local(p.start), end=local(p.end)) for p in chart_points(data)]
        words = MARKS[lang]
        labels = CHART_LABELS[lang]
        svg = render_svg(
            points,
            replace(labels, title=CHART_TITLE[lang].format(id=case_id, brand=brand.name),
                    time_axis=labels.time_axis.format(zone=zone_label(data.case.declared_at))),
            [replace(m, at=local(m.at)) for m in chart_marks(data, words)],
            thresholds=[(brand.thresholds.watch, words["watch"]), (brand.thresholds.crisis, words["crisis"])],
        )
        context = template_context(data, brand, lang=lang, chart_file=chart_path.name, chart_alt=alt_text(points, ALT[lang]),
                                   final=final, similar=similar)
    markdown = render(templates_dir, TEMPLATE, **context)

    write_text(chart_path, svg)
    write_text(md_path, markdown)
    final = _save_row(db_url, case_id, markdown, str(md_path.resolve()), final, now)
    index = write_index(db_url, casebook_dir)
    return PostMortemResult(
        case_id=case_id, lang=lang, final=final, markdown=markdown, path=md_path, chart_path=chart_path, index_path=index,
        similar=[{"case_id": sc.case.case_id, "brand": sc.case.brand_slug, "score": sc.score, "reasons": sc.reasons,
                  "status": sc.case.status, "has_lessons": sc.case.has_lessons} for sc in similar],
    )
