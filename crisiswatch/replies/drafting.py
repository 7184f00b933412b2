"""Reply drafts, one per complainant and channel: DM first, a short public acknowledgement if allowed.

A draft is built from the brand's templates (templates/replies/<lang>/<category>.<channel>.j2):
the person's name or handle, what they reported (category wording plus the order/ticket number
they gave, never their own words), the case reference, the next step and the brand's signature.
Wording varies deterministically with the case and the person. A draft that breaks a length
limit or a tone rule is stored with status 'flagged' and the reason, for a person to fix.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crisiswatch.config import CATEGORIES, BrandConfig
from crisiswatch.db.models import Author, Case, CaseEvent, Complainant, Mention, ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.errors import RejectedInput
from crisiswatch.rendering import render
from crisiswatch.replies.limits import length_problem
from crisiswatch.replies.text import clean_name, tidy
from crisiswatch.replies.tone import tone_problems

LANGUAGES = ("es", "en")
CHANNELS = ("dm", "public")
_VARIATION_PARTS = ("opening", "reported", "empathy", "next_step", "closing")
_TONE_ATTEMPTS = 12

# A keyword that introduces a customer's reference number, then the number itself (letters,
# digits and dashes, at least one digit). Only such a token is ever copied from their words.
_REFERENCE = re.compile(
    r"(?:order|pedido|orden|ticket|booking|reserva|reservation|confirmation|confirmaci[oó]n|localizador|"
    r"invoice|factura|tracking|seguimiento|env[ií]o|shipment|case|caso|incidencia|account|cuenta|claim|reclamaci[oó]n)"
    r"(?:\s+(?:number|no\.?|n[º°o]\.?|num\.?|n[uú]mero|id|code|c[oó]digo|de))*\s*[:#]?\s*#?([A-Za-z0-9][A-Za-z0-9-]{3,23})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class RenderedReply:
    text: str
    flag_reason: str = ""

    @property
    def flagged(self) -> bool:
        return bool(self.flag_reason)


def idempotency_key(case_id: int, complainant_id: int, channel: str) -> str:
    return f"case-{case_id}-complainant-{complainant_id}-{channel}"


def case_reference(case_id: int, complainant_id: int) -> str:
    """The reference a person can quote: the case and their place in it."""
    return f"CW-{case_id}-{complainant_id}"


def variation(case_id: int, complainant_id: int) -> dict[str, int]:
    """Deterministic choice numbers, one per variable part of a reply."""
    out = {}
    for part in _VARIATION_PARTS:
        digest = hashlib.sha256(f"{case_id}:{complainant_id}:{part}".encode()).digest()
        out[part] = int.from_bytes(digest[:4], "big")
    return out


def extract_reference(texts: list[str]) -> str:
    """The first order/ticket/booking number a person gave (letters, digits, dashes), or ''."""
    for text in texts:
        for m in _REFERENCE.finditer(text):
            token = m.group(1)
            if any(c.isdigit() for c in token):
                return token
    return ""


def reply_language(lang: str, brand: BrandConfig) -> str:
    """The complainant's language when there are templates for it, else the brand's first."""
    lang = (lang or "").lower()[:2]
    if lang in LANGUAGES:
        return lang
    return next((x for x in brand.languages if x in LANGUAGES), "en")


def response_hours(brand: BrandConfig, category: str) -> int | None:
    """The shortest SLA among the departments this category is routed to, in whole hours."""
    names = {d for rule in brand.routing if category in rule.categories for d in rule.departments}
    hours = [brand.department(n).sla_hours for n in names]
    return math.ceil(min(hours)) if hours else None


def render_reply(
    templates_dir: Path,
    brand: BrandConfig,
    *,
    lang: str,
    category: str,
    channel: str,
    display_name: str,
    username: str,
    case_ref: str,
    reference: str = "",
    within_hours: int | None = None,
    choices: dict[str, int] | None = None,
) -> RenderedReply:
    """Render one reply and check it; everything the person wrote is passed as data only."""
    if channel not in CHANNELS:
        raise RejectedInput(f"unknown reply channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    category = category if category in CATEGORIES else "other"
    handle = re.sub(r"[^\w]", "", username)[:15]
    name = clean_name(display_name) or (f"@{handle}" if handle else "")
    first = name.split(" ", 1)[0] if name else ""
    short_name = first if len(first) <= 20 and any(c.isalpha() for c in first) and not first.startswith("@") else ""
    signature = tidy(clean_name(brand.replies.signature, max_len=10_000))
    ctx = dict(
        person=name,
        short_name=short_name,
        handle=handle,
        case_ref=case_ref,
        reference=reference,
        within_hours=within_hours,
        signature=signature,
        brand_name=brand.name,
        tone=brand.replies.tone,
        v=choices or variation(0, 0),
        compact=False,
    )
    name_of = f"replies/{lang}/{category}.{channel}.j2"
    base = ctx["v"]
    first: RenderedReply | None = None
    # Other phrasings when one breaks a brand's tone rule (a forbidden word in a stock sentence).
    for attempt in range(_TONE_ATTEMPTS):
        ctx["v"] = {part: n + attempt for part, n in base.items()}
        reply = _render_checked(templates_dir, name_of, ctx, channel, brand)
        if not reply.flagged:
            return reply
        first = first or reply
    assert first is not None
    return first


def _render_checked(templates_dir: Path, name_of: str, ctx: dict[str, object], channel: str, brand: BrandConfig) -> RenderedReply:
    text = tidy(render(templates_dir, name_of, **ctx))
    problem = length_problem(text, channel)
    if problem and channel == "public":
        # A shorter wording first (no greeting, no signature); never a cut text.
        text = tidy(render(templates_dir, name_of, **{**ctx, "compact": True}))
        problem = length_problem(text, channel)
    problems = ([problem] if problem else []) + tone_problems(text, brand.replies)
    return RenderedReply(text, "; ".join(problems))


def _latest_mention(session: Session, complainant: Complainant) -> Mention | None:
    ids = [int(i) for i in complainant.mention_ids or []]
    if not ids:
        return None
    return session.scalars(
        select(Mention).where(Mention.id.in_(ids)).order_by(Mention.created_at.desc(), Mention.id.desc()).limit(1)
    ).first()


def _mention_texts(session: Session, complainant: Complainant) -> list[str]:
    ids = [int(i) for i in complainant.mention_ids or []]
    if not ids:
        return []
    return list(session.scalars(select(Mention.text).where(Mention.id.in_(ids)).order_by(Mention.created_at, Mention.id)))


def draft_replies(db_url: str, case_id: int, brand: BrandConfig, templates_dir: Path) -> list[int]:
    """Create the missing drafts of a case (DM, plus public if allowed); return every draft id of it."""
    channels = ["dm", "public"] if brand.replies.allow_public_ack else ["dm"]
    created = flagged = 0
    with session_scope(db_url) as session:
        if session.get(Case, case_id) is None:
            raise RejectedInput(f"no case {case_id} in the database; list cases with `crisiswatch cases`")
        complainants = list(session.scalars(select(Complainant).where(Complainant.case_id == case_id).order_by(Complainant.id)))
        existing = set(session.scalars(select(ReplyDraft.idempotency_key).where(ReplyDraft.case_id == case_id)))
        for c in complainants:
            wanted = [ch for ch in channels if idempotency_key(case_id, c.id, ch) not in existing]
            if not wanted:
                continue
            latest = _latest_mention(session, c)
            if latest is None:
                continue  # nothing to reply to: a complainant without mentions
            author = session.get(Author, c.author_id)
            lang = reply_language(c.lang, brand)
            for channel in wanted:
                reply = render_reply(
                    Path(templates_dir),
                    brand,
                    lang=lang,
                    category=c.category,
                    channel=channel,
                    display_name=author.name if author else "",
                    username=author.username if author else "",
                    case_ref=case_reference(case_id, c.id),
                    reference=extract_reference(_mention_texts(session, c)) if channel == "dm" else "",
                    within_hours=response_hours(brand, c.category),
                    choices=variation(case_id, c.id),
                )
                draft = ReplyDraft(
                    case_id=case_id,
                    complainant_id=c.id,
                    mention_id=latest.id,
                    lang=lang,
                    channel=channel,
                    text=reply.text,
                    status="flagged" if reply.flagged else "pending",
                    flag_reason=reply.flag_reason,
                    idempotency_key=idempotency_key(case_id, c.id, channel),
                )
                try:
                    with session.begin_nested():
                        session.add(draft)
                except IntegrityError:
                    continue  # another run created it meanwhile: keep theirs
                created += 1
                flagged += reply.flagged
        if created:
            session.add(
                CaseEvent(
                    case_id=case_id,
                    kind="replies_drafted",
                    message=f"{created} reply drafts written ({flagged} flagged for a person)",
                    data={"created": created, "flagged": flagged},
                )
            )
        session.flush()
        return list(session.scalars(select(ReplyDraft.id).where(ReplyDraft.case_id == case_id).order_by(ReplyDraft.id)))
