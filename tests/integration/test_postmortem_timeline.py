"""The timeline, why the case was declared and the origin's explanation are written in the post-mortem's language.

Producers store their English message beside the facts it was written from; a Spanish post-mortem says those facts
in Spanish, an English one in English, and an event without them (older data, an unknown kind) shows its stored
message, escaped as before.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from crisiswatch.db.models import CaseEvent, ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.postmortem.escape import inline
from crisiswatch.postmortem.publish import write_postmortem
from crisiswatch.settings import PROJECT_ROOT
from tests.integration.postmortem_case import RESOLUTION, event_messages, lived_case
from tests.integration.test_casebook import add_brand, add_case, brand_config
from tests.integration.test_postmortem_demo import section, table_rows

TEMPLATES = PROJECT_ROOT / "templates"
# words of the producers' English messages that no Spanish sentence uses, and the other way round
ENGLISH = re.compile(r"\b(the|and|at|of|from|to|risk|mentions|people|usual|Evidence|paused|opened|closed|written|approved|"
                     r"rejected|sent|replies|failed|thread|root|author|brand|spike|database|case)\b")
SPANISH = re.compile(r"\b(el|la|las|los|del|con|riesgo|nivel|menciones|personas|habitual|Evidencia|pausadas?|abierto|cerrado|"
                     r"escritos|aprobadas|enviadas|hilo|marca|pico|caso)\b")


def detail_by_kind(md: str, title: str) -> dict[str, list[str]]:
    """The timeline's Detail cells by the What column."""
    out: dict[str, list[str]] = {}
    for row in table_rows(section(md, title))[1:]:
        _, what, detail = row.strip("| ").split(" | ", 2)
        out.setdefault(what, []).append(detail)
    return out


def origin_paragraph(md: str, title: str) -> str:
    """The origin's explanation: the one line of its section that is no list item, quote or table row."""
    [line] = [x for x in section(md, title).splitlines() if x.strip() and not x.startswith(("- ", "  ", "|"))]
    return line


def assert_details(rows: dict[str, list[str]], expected: dict[str, list[str]], folded: str) -> None:
    """Every kind expected and no other; each detail matches one of its kind's patterns, each pattern some detail."""
    assert set(rows) == set(expected), rows
    for what, patterns in expected.items():
        matches = [[re.fullmatch(p + folded, d) for p in patterns] for d in rows[what]]
        assert all(any(m) for m in matches) and all(any(col) for col in zip(*matches)), (what, rows[what])


def lived_postmortem(db_url: str, ads_sandbox, tmp_path: Path, lang: str):  # type: ignore[no-untyped-def]  # noqa: ANN001
    """A case lived through every usual step in `lang`, its post-mortem an hour after it was resolved, and how many
    reply drafts it had and how many were sent."""
    case = lived_case(db_url, ads_sandbox, lang)
    md = write_postmortem(db_url, case.case_id, case.brand, casebook_dir=tmp_path, templates_dir=TEMPLATES,
                          now=case.resolved_at + timedelta(hours=1)).markdown
    with session_scope(db_url) as s:
        drafts = s.scalar(select(func.count()).select_from(ReplyDraft).where(ReplyDraft.case_id == case.case_id))
        sent = s.scalar(select(func.count()).select_from(ReplyDraft).where(ReplyDraft.case_id == case.case_id,
                                                                          ReplyDraft.sent_at.is_not(None)))
    return case, md, drafts or 0, sent or 0


def test_a_spanish_postmortem_says_every_usual_event_in_spanish(db_url: str, sandbox, tmp_path: Path) -> None:  # noqa: F811
    case, md, drafts, sent = lived_postmortem(db_url, sandbox, tmp_path, "es")
    rows = detail_by_kind(md, "Cronología")
    expected = {
        "crisis declarada": [r"alerta → crisis con riesgo \d+/100: \d+ menciones negativas, .+ veces lo habitual .+\. "
                             r"Evidencia: \d+ menciones negativas de \d+ personas\."],
        "el detector actualizó el caso": [r"riesgo \d+/100, nivel crisis"],
        "origen identificado": [r"un cliente que no fue escuchado; paciente cero @user7; 13 menciones y 13 personas afectadas"],
        "ticket abierto": [r"atencion\\_cliente: ticket CW-1 abierto en la cola de crisiswatch",
                           r"logistica: ticket CW-2 abierto en la cola de crisiswatch"],
        "anuncios pausados": [r"1 campaña pausada"],
        "borradores de respuesta": [rf"{drafts} borradores de respuesta escritos"],
        "decisión sobre las respuestas": [rf"lider@acme\.example: {drafts} aprobadas, 0 rechazadas, 0 editadas, 0 marcadas"],
        "envío de respuestas": [rf"{sent} respuestas enviadas"],
        "caso resuelto": [re.escape(RESOLUTION["es"].splitlines()[0])],
        "ticket cerrado": [r"atencion\\_cliente: ticket CW-1 cerrado al resolver el caso",
                           r"logistica: ticket CW-2 cerrado al resolver el caso"],
    }
    assert_details(rows, expected, folded=r"( \(\+\d+ actualizaciones más hasta .+\))?")

    # no English: neither a stored message nor its words, in the timeline, the reasons or the origin's explanation
    for kind, messages in event_messages(db_url, case.case_id).items():
        for message in messages:
            assert kind == "resolved" or inline(message, 300) not in md, message
    why = re.search(r"^Por qué se declaró: (.+)$", md, re.M)
    assert why and why.group(1).startswith("alerta → crisis con riesgo ")
    explanation = origin_paragraph(md, "Origen")
    assert explanation.startswith("La publicación de @user7 del ") and explanation.endswith("Tipo de origen: un cliente que no fue escuchado.")
    for text in [*(d for ds in rows.values() for d in ds), why.group(1), explanation]:
        assert not ENGLISH.search(text), text
    assert "not_needed" not in md and f"innecesario {drafts - sent}" in md  # public drafts a sent DM made unnecessary


def test_an_english_postmortem_says_every_usual_event_in_english(db_url: str, sandbox, tmp_path: Path) -> None:  # noqa: F811
    case, md, drafts, sent = lived_postmortem(db_url, sandbox, tmp_path, "en")
    rows = detail_by_kind(md, "Timeline")
    expected = {
        "crisis declared": [r"watch → crisis at risk \d+/100: \d+ negative mentions, .+x the usual .+\. "
                            r"Evidence: \d+ negative mentions from \d+ people\."],
        "the detector updated the case": [r"risk \d+/100 at level crisis"],
        "origin identified": [r"an unheard customer; patient zero @user7; 13 mentions and 13 affected people"],
        "ticket opened": [r"atencion\\_cliente: ticket CW-1 opened in the crisiswatch queue",
                          r"logistica: ticket CW-2 opened in the crisiswatch queue"],
        "ads paused": [r"1 campaign paused"],
        "reply drafts": [rf"{drafts} reply drafts written"],
        "reply decision": [rf"lider@acme\.example: {drafts} approved, 0 rejected, 0 edited, 0 flagged"],
        "replies sent": [rf"{sent} replies sent"],
        "case resolved": [re.escape(RESOLUTION["en"].splitlines()[0])],
        "ticket closed": [r"atencion\\_cliente: ticket CW-1 closed as the case was resolved",
                          r"logistica: ticket CW-2 closed as the case was resolved"],
    }
    assert_details(rows, expected, folded=r"( \(\+\d+ more updates until .+\))?")

    why = re.search(r"^Why it was declared: (.+)$", md, re.M)
    assert why and why.group(1).startswith("watch → crisis at risk ")
    explanation = origin_paragraph(md, "Origin")
    assert explanation.startswith("@user7's post of ") and explanation.endswith("Origin type: an unheard customer.")
    for text in [*(d for ds in rows.values() for d in ds), why.group(1), explanation]:
        assert not SPANISH.search(text), text


def test_events_without_their_facts_show_the_stored_message_escaped_as_before(db_url: str, tmp_path: Path) -> None:
    declared = datetime(2026, 1, 10, 15, 0, tzinfo=timezone.utc)
    old_reasons = "negative mentions 3.8x the usual <b>for this hour</b>"
    old_origin = "@ana's post is the root | of it all"
    case_id = add_case(db_url, add_brand(db_url, "acme"), declared, origin_type="unheard_customer", category="billing_payments",
                       explanation=old_origin, factors={"explanation": old_reasons, "risk": 80,
                                                        "top": [{"name": "negative_volume", "explanation": old_reasons}]})
    old = [
        ("ticket_opened", "legal: jira ticket OPS-1 | *urgent*", {}),  # an event from before the facts were stored
        ("ticket_close_elsewhere", "legal: close jira ticket OPS-1 there: https://jira.example/OPS-1", {"ticket_id": 1}),
        ("postmortem_shared", "# shared with <i>the board</i>", {"with": "board"}),  # a kind no sentence knows
        ("updated", "risk 85/100 at level crisis", {"risk": 85}),
    ]
    with session_scope(db_url) as s:
        s.add_all(CaseEvent(case_id=case_id, at=declared + timedelta(minutes=i + 1), kind=kind, message=message, data=data)
                  for i, (kind, message, data) in enumerate(old))
    md = write_postmortem(db_url, case_id, brand_config("acme", ["es"]), casebook_dir=tmp_path, templates_dir=TEMPLATES,
                          now=declared + timedelta(hours=1)).markdown

    rows = detail_by_kind(md, "Cronología")
    assert rows["crisis declarada"] == [inline("normal -> crisis", 300)]
    assert rows["ticket abierto"] == [inline("legal: jira ticket OPS-1 | *urgent*", 300)] == ["legal: jira ticket OPS-1 \\| \\*urgent\\*"]
    assert rows["ticket a cerrar en su sistema"] == [inline("legal: close jira ticket OPS-1 there: https://jira.example/OPS-1", 300)]
    assert rows["postmortem_shared"] == [inline("# shared with <i>the board</i>", 300)] == ["\\# shared with &lt;i&gt;the board&lt;/i&gt;"]
    assert rows["el detector actualizó el caso"] == [inline("risk 85/100 at level crisis", 300)]
    assert f"Por qué se declaró: {inline(old_reasons, 400)}" in md
    assert origin_paragraph(md, "Origen") == inline(old_origin)
