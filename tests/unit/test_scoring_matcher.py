"""The phrase gate: alternatives unfolded for the trie, matches only at word starts, the first fitting pattern wins."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from crisiswatch.scoring.matcher import PhraseSet, TokenIndex, expand_leading_group, split_alternatives

ENTRIES = [
    (r"(?:gate |ticket |desk )?agents?\b", "staff"),
    (r"\bad\b|\bads\b", "advert"),
    (r"on hold|hold\b", "hold"),
    (r"no (me )?(contestan|responden)", "unanswered"),
    (r"\d+ ?(hours?|hrs?)\b", "hours"),
    (r"\$\d+", "money"),
]


def test_optional_leading_group_unfolds_into_each_choice_and_none() -> None:
    assert expand_leading_group(r"(?:gate |desk )?agents?\b") == [r"gate agents?\b", r"desk agents?\b", r"agents?\b"]
    assert expand_leading_group(r"(?:a|b)c") == ["ac", "bc"]


def test_leading_word_boundary_dropped_only_before_a_letter() -> None:
    assert expand_leading_group(r"\bad\b") == [r"ad\b"]
    assert expand_leading_group(r"\b\d+") == [r"\b\d+"]
    assert expand_leading_group(r"(?:a|b)*c") == [r"(?:a|b)*c"]


def test_phrases_are_found_at_word_starts_only() -> None:
    phrases = PhraseSet(ENTRIES)
    assert phrases.find("the gate agent put me on hold for 3 hours") == ["staff", "hold", "hours"]
    assert phrases.find("bad ads, sad agents, reagents") == ["advert", "staff"]
    assert phrases.find("no me contestan y pague $300") == ["unanswered", "money"]
    assert phrases.find("shadow threshold padded") == []


WORDS = ["gate", "ticket", "desk", "agent", "agents", "ad", "ads", "bad", "on", "hold", "holding", "no", "me",
         "contestan", "3", "hours", "hrs", "$5", "x", "reagent"]


@given(st.lists(st.sampled_from(WORDS), max_size=12), st.sampled_from([" ", ", ", "  ", "!"]))
def test_gate_finds_what_the_unfolded_patterns_find(words: list[str], sep: str) -> None:
    """The folded, unfolded-group gate names the same phrases as a plain alternation of the patterns as written."""
    text = sep.join(words)
    alternatives = [a for p, _ in ENTRIES for a in split_alternatives(re.sub(r"\((?!\?)", "(?:", p))]
    plain = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")")
    patterns = [(re.compile(p), v) for p, v in ENTRIES]
    expected = [next(v for rx, v in patterns if rx.fullmatch(m)) for m in plain.findall(text)]
    assert PhraseSet(ENTRIES).find(text) == expected


def test_token_index_prefers_the_word_then_the_longest_prefix_then_a_suffix() -> None:
    index: TokenIndex[str] = TokenIndex({"cancel": "word"}, {"cancel": "short", "cancela": "long"}, {"fail": "tag"})
    assert index.lookup("cancel") == "word"
    assert index.lookup("cancelaron") == "long"
    assert index.lookup("cancelled") == "short"
    assert index.lookup("epicfail") == "tag"
    assert index.lookup("fail") is None  # a suffix needs a few letters before it
    assert index.lookup("can") is None and index.lookup("xyz") is None


def test_token_index_added_and_reindexed_entries_are_found_even_after_a_miss() -> None:
    index: TokenIndex[int] = TokenIndex()
    assert index.lookup("retrasado") is None
    index.add("retras*", 1)
    index.add("*fail", 2)
    index.add("bien", 3)
    assert [index.lookup(t) for t in ("retrasado", "bigfail", "bien")] == [1, 2, 3]
    index.prefixes["demor"] = 4
    index.reindex()
    assert index.lookup("demorado") == 4


def test_alternatives_and_groups_ignore_escapes_and_character_classes() -> None:
    assert split_alternatives(r"a[|(]b|c\|d|(e|f)") == [r"a[|(]b", r"c\|d", r"(e|f)"]
    assert expand_leading_group(r"(?:[(]x|y)z") == [r"[(]xz", "yz"]
