"""The casebook: every past crisis with its post-mortem, lessons and origin; list, search, similar, index."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import String, cast, func, or_, select

from crisiswatch.db.models import Brand, Case, PostMortem
from crisiswatch.db.session import session_scope
from crisiswatch.errors import RejectedInput
from crisiswatch.postmortem.escape import inline

INDEX_NAME = "README.md"
_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    "para pero como esta este esto estos estas porque cuando donde desde hasta sobre entre tiene tienen hace "
    "nada todo todos muchas mucho muchos their there these those which would could should about after before "
    "with from that this have been were what when where they them into over more than your ours".split()
)
# what a search term counts for in each field
_WEIGHTS = {"lessons": 3, "resolution": 2, "origin": 2, "category": 2, "brand": 2, "postmortem": 1}


@dataclass(slots=True)
class CaseSummary:
    """One case as the casebook shows it."""

    case_id: int
    brand_slug: str
    brand_name: str
    declared_at: datetime
    resolved_at: datetime | None
    level: str
    status: str
    category: str
    origin_type: str
    explanation: str
    patient_zero_text: str
    resolution: str
    lessons: str
    postmortem_path: str = ""
    postmortem_final: bool = False
    postmortem_markdown: str = ""

    @property
    def has_lessons(self) -> bool:
        return bool(self.lessons.strip())

    def summary_text(self) -> str:
        """The words the case is compared by: origin, its explanation, patient zero, resolution, lessons."""
        return " ".join((self.category, self.origin_type, self.explanation, self.patient_zero_text, self.resolution, self.lessons))


@dataclass(slots=True)
class SimilarCase:
    case: CaseSummary
    score: float
    reasons: list[str] = field(default_factory=list)  # same_brand, same_category, same_origin, similar_text


@dataclass(slots=True)
class SearchHit:
    case: CaseSummary
    score: int
    fields: list[str]
    snippet: str


def fold(text: str) -> str:
    """Lowercase without accents: 'Atención' and 'atencion' compare equal."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def tokens(text: str) -> set[str]:
    """Content words of a text (accents folded, stop words dropped, cut to 6 letters as a crude stem)."""
    return {w[:6] for w in _WORD.findall(fold(text)) if len(w) >= 4 and not w.isdigit() and w not in _STOP}


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the content words of two texts (0..1)."""
    ta, tb = tokens(a), tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _summary(case: Case, brand: Brand, pm: PostMortem | None, with_markdown: bool = False) -> CaseSummary:
    origin = case.origin or {}
    pz = origin.get("patient_zero") or {}
    return CaseSummary(
        case_id=case.id, brand_slug=brand.slug, brand_name=brand.name, declared_at=case.declared_at,
        resolved_at=case.resolved_at, level=case.level, status=case.status, category=case.category or "other",
        origin_type=str(origin.get("type") or ""), explanation=str(origin.get("explanation") or ""),
        patient_zero_text=str(pz.get("text") or ""), resolution=case.resolution or "", lessons=case.lessons or "",
        postmortem_path=pm.path if pm else "", postmortem_final=bool(pm and pm.final),
        postmortem_markdown=(pm.markdown if pm and with_markdown else ""),
    )


def _query():  # type: ignore[no-untyped-def]
    return (select(Case, Brand, PostMortem).join(Brand, Brand.id == Case.brand_id)
            .outerjoin(PostMortem, PostMortem.case_id == Case.id))


def list_cases(db_url: str, *, brand_slug: str | None = None, status: str | None = None) -> list[CaseSummary]:
    """Every case, newest first (optionally of one brand or one status)."""
    q = _query().order_by(Case.declared_at.desc(), Case.id.desc())
    if brand_slug:
        q = q.where(Brand.slug == brand_slug)
    if status:
        q = q.where(Case.status == status)
    with session_scope(db_url) as s:
        return [_summary(c, b, pm) for c, b, pm in s.execute(q).all()]


def get_case(db_url: str, case_id: int) -> CaseSummary:
    """One case with its post-mortem's Markdown."""
    with session_scope(db_url) as s:
        row = s.execute(_query().where(Case.id == case_id)).first()
        if row is None:
            raise RejectedInput(f"no case {case_id} in the casebook; `crisiswatch casebook list` shows them")
        return _summary(*row, with_markdown=True)


def _like(term: str) -> str:
    """A LIKE pattern for a folded term: wildcards in it literal, letters that carry accents in Spanish any one character
    (so 'atencion' finds 'Atención'; the exact ranking is done on the folded text afterwards)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%" + re.sub(r"[aeioun]", "_", escaped) + "%"


def _fields(c: CaseSummary) -> dict[str, str]:
    return {
        "lessons": c.lessons, "resolution": c.resolution, "origin": f"{c.origin_type} {c.explanation} {c.patient_zero_text}",
        "category": c.category, "brand": f"{c.brand_slug} {c.brand_name}", "postmortem": c.postmortem_markdown,
    }


def _snippet(c: CaseSummary, terms: list[str], width: int = 160) -> str:
    for name in ("lessons", "resolution", "origin", "postmortem"):
        for line in _fields(c)[name].splitlines():
            folded = fold(line)
            hit = next((folded.find(t) for t in terms if t in folded), -1)
            if hit >= 0:
                start = max(0, hit - width // 3)
                return " ".join(line[start : start + width].split())
    return ""


def search(db_url: str, text: str, limit: int = 20) -> list[SearchHit]:
    """Cases whose post-mortem, lessons, resolution, origin, category or brand mention the words; best first."""
    terms = [fold(t) for t in _WORD.findall(text) if len(t) >= 2]
    if not terms:
        raise RejectedInput("search for at least one word of two letters or more")
    columns = [PostMortem.markdown, Case.resolution, Case.lessons, Case.category, cast(Case.origin, String), Brand.name, Brand.slug]
    cond = or_(*(func.lower(col).like(_like(t), escape="\\") for col in columns for t in set(terms)))
    with session_scope(db_url) as s:
        rows = s.execute(_query().where(cond)).all()
        cases = [_summary(c, b, pm, with_markdown=True) for c, b, pm in rows]
    hits = []
    for c in cases:
        score, matched = 0, []
        for name, value in _fields(c).items():
            n = sum(fold(value).count(t) for t in terms)
            if n:
                score += _WEIGHTS[name] * n
                matched.append(name)
        if score:
            hits.append(SearchHit(c, score, matched, _snippet(c, terms)))
    hits.sort(key=lambda h: (-h.score, -h.case.declared_at.timestamp(), -h.case.case_id))
    return hits[:limit]


def similar_cases(db_url: str, case_id: int, limit: int = 3) -> list[SimilarCase]:
    """Past cases like this one (same brand, category, origin type, similar summary): resolved ones with lessons first."""
    with session_scope(db_url) as s:
        row = s.execute(_query().where(Case.id == case_id)).first()
        if row is None:
            raise RejectedInput(f"no case {case_id} in the database")
        me = _summary(*row)
        others = [_summary(c, b, pm) for c, b, pm in
                  s.execute(_query().where(Case.id != case_id, Case.declared_at <= me.declared_at)).all()]
    out = []
    for o in others:
        reasons, score = [], 0.0
        if o.brand_slug == me.brand_slug:
            reasons.append("same_brand")
            score += 1
        if o.category == me.category and me.category != "other":
            reasons.append("same_category")
            score += 2
        if o.origin_type and o.origin_type == me.origin_type and me.origin_type != "other":
            reasons.append("same_origin")
            score += 3
        sim = text_similarity(me.summary_text(), o.summary_text())
        if sim >= 0.1:
            reasons.append("similar_text")
            score += 4 * sim
        if reasons:
            out.append(SimilarCase(o, round(score, 3), reasons))
    out.sort(key=lambda x: (not (x.case.status == "resolved" and x.case.has_lessons), -x.score, -x.case.declared_at.timestamp()))
    return out[:limit]


def postmortem_name(declared_at: datetime, brand_slug: str, case_id: int) -> str:
    """The file stem of a case's post-mortem: 2026-03-06-cosechaya-case-1."""
    return f"{declared_at:%Y-%m-%d}-{brand_slug}-case-{case_id}"


def write_text(path: Path, text: str) -> None:
    """Write a file whole or not at all (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def index_markdown(cases: list[CaseSummary]) -> str:
    """The casebook's index page: one row per case, newest first, linking each post-mortem."""
    lines = [
        "# Casebook / Manual de crisis",
        "",
        "Every crisis crisiswatch handled, newest first; each post-mortem says what happened, how it was solved "
        "and what we learned. / Cada crisis atendida, la más reciente primero: qué pasó, cómo se resolvió y qué aprendimos.",
        "",
        "Search it with `crisiswatch casebook search WORDS`.",
        "",
        "| date / fecha | case / caso | brand / marca | level / nivel | origin / origen | category / categoría | status / estado | lessons / lecciones | post-mortem |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in cases:
        name = Path(c.postmortem_path).name if c.postmortem_path else ""
        doc = f"[{inline(name)}]({name})" if name else "—"  # names are date-slug-case-id.md: safe as a path
        lines.append(
            f"| {c.declared_at:%Y-%m-%d} | {c.case_id} | {inline(c.brand_name)} | {inline(c.level)} | {inline(c.origin_type or '—')} "
            f"| {inline(c.category)} | {inline(c.status)}{' (final)' if c.postmortem_final else ''} | {'✓' if c.has_lessons else '—'} | {doc} |"
        )
    if not cases:
        lines.append("| — | — | — | — | — | — | — | — | — |")
    return "\n".join(lines) + "\n"


def write_index(db_url: str, casebook_dir: Path) -> Path:
    """Regenerate casebook_dir/README.md from the database."""
    path = Path(casebook_dir) / INDEX_NAME
    write_text(path, index_markdown(list_cases(db_url)))
    return path

