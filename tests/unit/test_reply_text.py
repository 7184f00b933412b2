"""Replies: injection attempts render literally; limits; tone rules; never a cut text."""

from __future__ import annotations

import pytest

from crisiswatch.config import CATEGORIES
from crisiswatch.rendering import render
from crisiswatch.replies.drafting import extract_reference, render_reply, variation
from crisiswatch.replies.limits import DM_LIMIT, PUBLIC_LIMIT, length_problem, weighted_length
from crisiswatch.replies.text import clean_name, strip_controls
from crisiswatch.replies.tone import tone_problems
from tests.replies_support import TEMPLATES, brand_config

INJECTIONS = [
    "{{ 7*7 }}",
    "{% include 'x' %}",
    "{{ self.__init__.__globals__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for x in range(10**9) %}x{% endfor %}",
    "**bold** [click](http://evil.example)",
    "<script>alert(1)</script> &amp; <b>",
]


def _reply(name: str, channel: str = "dm", lang: str = "en", **kw: object):
    args = dict(lang=lang, category="delivery_logistics", channel=channel, display_name=name, username="ana_l",
                case_ref="CW-1-2", reference="", within_hours=None, choices=variation(1, 2))
    brand = kw.pop("brand", None) or brand_config()
    args.update(kw)
    return render_reply(TEMPLATES, brand, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("channel", ["dm", "public"])
def test_person_text_renders_literally(payload: str, lang: str, channel: str) -> None:
    reply = _reply(payload, channel=channel, lang=lang)
    if channel == "dm":
        assert payload in reply.text
    assert "49" not in reply.text
    assert "__globals__" not in reply.text or payload in reply.text
    assert "<built-in" not in reply.text and "function" not in reply.text


def test_terminal_escapes_and_bidi_are_removed_the_rest_stays() -> None:
    name = "Ana\x1b[31m RED\x1b[0m\x07 \u202eevil\x1b]0;title\x07"
    reply = _reply(name)
    assert "\x1b" not in reply.text and "\x07" not in reply.text and "\u202e" not in reply.text
    assert "Ana RED evil" in reply.text
    assert strip_controls("a\nb\x00c") == "a\nbc"
    assert clean_name("x" * 30 + " " + "y" * 40, max_len=60) == "x" * 30


def test_reference_numbers_are_the_only_words_copied() -> None:
    assert extract_reference(["@acme my order #A12345 never arrived"]) == "A12345"
    assert extract_reference(["mi pedido número 778-991 no llegó"]) == "778-991"
    assert extract_reference(["@acme order {{ 7*7 }} never came"]) == ""
    assert extract_reference(["booking reference please, you are useless"]) == ""
    reply = _reply("Ana", reference="A12345")
    assert "A12345" in reply.text


def test_every_category_language_and_channel_renders_within_limits() -> None:
    for lang in ("es", "en"):
        for cat in CATEGORIES:
            for channel in ("dm", "public"):
                for cid in range(6):
                    r = render_reply(TEMPLATES, brand_config(), lang=lang, category=cat, channel=channel,
                                     display_name="María José de la Fuente Villanueva", username="a" * 15,
                                     case_ref="CW-123456-654321", reference="ABC-123456789" if channel == "dm" else "",
                                     within_hours=48, choices=variation(7, cid))
                    assert not r.flagged, (lang, cat, channel, r.flag_reason, r.text)
                    if channel == "public":
                        assert r.text.startswith("@" + "a" * 15 + " ")
                        assert weighted_length(r.text) <= PUBLIC_LIMIT
                    assert "{" not in r.text and "}" not in r.text


def test_spanish_and_english_wording() -> None:
    assert "Hola" in _reply("Ana", lang="es", choices={"opening": 0, "reported": 0, "empathy": 0, "next_step": 0, "closing": 0}).text
    assert "Hi" in _reply("Ana", lang="en", choices={"opening": 0, "reported": 0, "empathy": 0, "next_step": 0, "closing": 0}).text


def test_weighted_length_counts_like_x() -> None:
    assert weighted_length("hello") == 5
    assert weighted_length("café") == 4
    assert weighted_length("日本語") == 6
    assert weighted_length("ok 😀") == 5
    assert weighted_length("see https://example.com/a/very/long/path/that/goes/on/and/on") == 4 + 23
    assert weighted_length("e\u0301") == 1  # NFC: é


def test_limits_flag_instead_of_cutting() -> None:
    assert length_problem("x" * PUBLIC_LIMIT, "public") is None
    assert "over X's limit of 280" in (length_problem("x" * (PUBLIC_LIMIT + 1), "public") or "")
    assert length_problem("日" * 140, "public") is None
    assert length_problem("日" * 141, "public") is not None
    assert length_problem("x" * DM_LIMIT, "dm") is None
    assert length_problem("x" * (DM_LIMIT + 1), "dm") is not None
    assert length_problem("   ", "dm") == "the text is empty"


def test_public_reply_counts_the_handle_and_is_flagged_whole_when_too_long() -> None:
    long_signature = "Equipo de atención " * 14  # about 266 characters: cannot fit with the handle
    brand = brand_config(signature=long_signature.strip())
    # The compact wording (no greeting, no signature) still fits: preferred to a flag.
    fits = _reply("Ana", channel="public", brand=brand)
    assert not fits.flagged and long_signature.strip() not in fits.text and weighted_length(fits.text) <= PUBLIC_LIMIT
    # A text that cannot fit at all is flagged and kept whole, never cut mid-word.
    over = _reply("Ana", channel="dm", brand=brand_config(signature=("palabra " * 1300).strip()))
    assert over.flagged and "over X's limit of 10000" in over.flag_reason
    assert over.text.endswith("palabra") and len(over.text) > DM_LIMIT


def test_public_flag_when_even_the_compact_wording_is_too_long() -> None:
    template_dir = TEMPLATES
    # 23-character case references cannot be made that long by the product; simulate with a huge one.
    r = render_reply(template_dir, brand_config(), lang="es", category="other", channel="public", display_name="Ana",
                     username="ana", case_ref="REF-" + "9" * 300, choices=variation(1, 1))
    assert r.flagged and "280" in r.flag_reason
    assert r.text.endswith(").")  # whole, not cut


@pytest.mark.parametrize(
    "text",
    ["Lo sentimos, es nuestra culpa.", "Admitimos el error.", "We are liable for the delay.", "It was our fault.",
     "Sí, fue NUESTRA CULPA", "Our\u200b fault, sorry", "We're liable", "We accept full responsibility.",
     "Asumimos toda la responsabilidad", "we admit it"],
)
def test_liability_admissions_are_flagged(text: str) -> None:
    assert tone_problems(text), text


@pytest.mark.parametrize("text", ["Lamentamos lo ocurrido.", "We are sorry you went through this.", "Faultless service", "Responsabilidad social corporativa"])
def test_ordinary_apologies_pass(text: str) -> None:
    assert tone_problems(text) == []


def test_forbidden_words_whole_words_accent_and_case_insensitive() -> None:
    replies = brand_config(forbidden_words=["gratis", "compensación total"]).replies
    assert tone_problems("Te lo damos GRATIS", replies)
    assert tone_problems("Ofrecemos una compensacion   total", replies)
    assert tone_problems("gratisimo", replies) == []


def test_templates_never_produce_forbidden_or_liability_words() -> None:
    brand = brand_config(forbidden_words=["gratis", "free", "refund", "reembolso"])
    for lang in ("es", "en"):
        for cat in CATEGORIES:
            for channel in ("dm", "public"):
                for cid in range(40):
                    r = render_reply(TEMPLATES, brand, lang=lang, category=cat, channel=channel, display_name="Ana",
                                     username="ana", case_ref="CW-1-1", within_hours=4, choices=variation(3, cid))
                    assert not r.flagged, (lang, cat, channel, r.flag_reason)
                    assert "free" not in r.text.lower().split()


def test_render_keeps_sandbox() -> None:
    # The shared environment refuses unsafe attribute access even in our own templates' data path.
    out = render(TEMPLATES, "replies/en/other.dm.j2", person="{{ 7*7 }}", short_name="", handle="x", case_ref="R",
                 reference="", within_hours=None, signature="", brand_name="Acme", tone="warm",
                 v=variation(0, 0), compact=False)
    assert "{{ 7*7 }}" in out


def test_a_forbidden_word_in_the_persons_name_is_flagged_not_hidden() -> None:
    r = _reply("Free Stuff", brand=brand_config(forbidden_words=["free"]))
    assert r.flagged and "forbidden word 'free'" in r.flag_reason
    r = _reply("Ana", brand=brand_config(signature="It was our fault"))
    assert r.flagged and "admits liability" in r.flag_reason
