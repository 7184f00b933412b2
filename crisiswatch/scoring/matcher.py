"""Fast matching of word lists and phrase patterns: memoised token lookups and one gate regex."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
_NONCAPTURING = re.compile(r"\((?!\?)")
_SIMPLE = re.compile(r"^(\w+?(?:'\w+)?)(\\w\*)?(\\b)?$")
_MEMO_LIMIT = 200_000
_NO = object()


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """Each `(`, `)` and `|` of a regular expression that is not escaped nor in a `[...]` class, with the group depth
    it stands at (a group's own parentheses at the depth inside it)."""
    depth, escaped, in_class = 0, False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            yield i, ch, depth
        elif ch == ")":
            yield i, ch, depth
            depth -= 1
        elif ch == "|":
            yield i, ch, depth


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (`a|b(c|d)` -> `a`, `b(c|d)`)."""
    cuts = [i for i, ch, depth in _structure(pattern) if ch == "|" and depth == 0]
    return [pattern[i + 1 : j] for i, j in zip([-1, *cuts], [*cuts, len(pattern)])]


_PLAIN_START = re.compile(r"[a-z0-9 ](?![?*+{])")
_LETTER_START = re.compile(r"[a-z0-9](?![?*+{])")


def _close(pattern: str) -> int:
    """The index of the `)` closing the group that opens the pattern (-1 if it is never closed)."""
    return next((i for i, ch, depth in _structure(pattern) if ch == ")" and depth == 1), -1)


def expand_leading_group(alt: str) -> list[str]:
    """`(?:a|b)c` -> `ac`, `bc` and `(?:a|b)?c` -> `ac`, `bc`, `c` (recursively), and a leading `\\b` before a letter
    dropped (the gate's own look-behind already asks for it), so that every alternative starts with a letter the trie
    can fold. A group with another quantifier after it, or anything else, is left as it is."""
    if alt.startswith("\\b") and _LETTER_START.match(alt, 2):
        return expand_leading_group(alt[2:])
    if not alt.startswith("(?:"):
        return [alt]
    end = _close(alt)
    quantifier = alt[end + 1 : end + 2]
    if end < 0 or quantifier in ("*", "+", "{"):
        return [alt]
    rest = alt[end + 2 :] if quantifier == "?" else alt[end + 1 :]
    out = [x for inner in split_alternatives(alt[3:end]) for x in expand_leading_group(inner + rest)]
    return out + expand_leading_group(rest) if quantifier == "?" else out


def _factor(alts: list[str]) -> str:
    """Alternatives folded into a trie by their plain leading letters (`ab|ac|x` -> `a(?:b|c)|x`, recursively): the
    regex engine then follows one branch per letter instead of trying every alternative. Same matches, same order
    of preference (alternatives are sorted)."""
    rest: list[str] = []
    groups: dict[str, list[str]] = {}
    for a in alts:
        if _PLAIN_START.match(a):
            groups.setdefault(a[0], []).append(a[1:])
        else:
            rest.append(a)
    folded = [c + tails[0] if len(tails) == 1 else f"{c}(?:{_factor(tails)})" for c, tails in groups.items()]
    return "|".join(rest + folded)


class _Memo(dict):  # type: ignore[type-arg]
    """A dict that fills itself: a miss resolves the token through its index (hits stay C-level look-ups)."""

    __slots__ = ("resolve",)

    def __missing__(self, token: str) -> object:
        value = self.resolve(token)
        if len(self) > _MEMO_LIMIT:
            self.clear()
        self[token] = value
        return value


class TokenIndex(Generic[T]):
    """Maps a token to a value by exact word, else by its longest listed prefix, else by a listed suffix; memoised.

    `lookup` is the memo's own `__getitem__`: `map(index.lookup, tokens)` reads a whole text at C speed. A token
    seen for the first time is resolved once; most are in no list, and a set of the prefixes' first three letters
    and one `str.endswith` over the suffixes turn those away without trying every prefix length.
    """

    def __init__(self, words: dict[str, T] | None = None, prefixes: dict[str, T] | None = None,
                 suffixes: dict[str, T] | None = None) -> None:
        self.words: dict[str, T] = dict(words or {})
        self.prefixes: dict[str, T] = dict(prefixes or {})
        self.suffixes: dict[str, T] = dict(suffixes or {})
        self.memo = _Memo()
        self.memo.resolve = self._resolve
        self.lookup = self.memo.__getitem__
        self.reindex()

    def add(self, token: str, value: T) -> None:
        """Add a word; a trailing `*` makes it a prefix, a leading `*` a suffix (hashtags: `*fail`)."""
        if token.startswith("*") and len(token) > 1:
            self.suffixes[token[1:]] = value
        elif token.endswith("*"):
            self.prefixes[token[:-1]] = value
        else:
            self.words[token] = value
        self.reindex()

    def reindex(self) -> None:
        """Forget what was looked up after words, prefixes or suffixes changed (`add` does it; call it after changing
        those dicts directly): the look-up state derived from them is rebuilt once, at the next new token."""
        self.memo.clear()
        self._stale = True

    def _derive(self) -> None:
        self._max = max((len(p) for p in self.prefixes), default=0)
        self._heads = frozenset(p[:3] for p in self.prefixes)
        self._suffix_ends = tuple(self.suffixes)
        self._stale = False

    def _resolve(self, token: str) -> T | None:
        if self._stale:
            self._derive()
        v = self.words.get(token)
        if v is None and token[:3] in self._heads:
            for k in range(min(len(token), self._max), 2, -1):
                v = self.prefixes.get(token[:k])
                if v is not None:
                    break
        if v is None and self._suffix_ends and token.endswith(self._suffix_ends):
            for suf, sv in self.suffixes.items():
                if len(token) > len(suf) + 2 and token.endswith(suf):
                    v = sv
                    break
        return v


class PhraseSet(Generic[T]):
    """Patterns searched in one pass: a gate regex finds candidates, the first fitting pattern names each."""

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        pairs = [(_NONCAPTURING.sub("(?:", p), v) for p, v in entries]
        self.patterns = [(re.compile(p), v) for p, v in pairs]
        alts = sorted({x for p, _ in pairs for a in split_alternatives(p) for x in expand_leading_group(a)})
        self.gate = re.compile(r"(?<!\w)(?:" + _factor(alts) + ")") if alts else None
        self._memo = _Memo()
        self._memo.resolve = self._value

    def _value(self, candidate: str) -> object:
        """The value of the first pattern the gate's candidate fits, or _NO."""
        return next((v for rx, v in self.patterns if rx.fullmatch(candidate)), _NO)

    def find(self, text: str) -> list[T]:
        if self.gate is None:
            return []
        values = map(self._memo.__getitem__, self.gate.findall(text))
        return [v for v in values if v is not _NO]  # type: ignore[misc]


def index_patterns(entries: Iterable[tuple[str, T]]) -> tuple[TokenIndex[T], list[tuple[str, T]]]:
    """Split (regex, value) entries: single words and `word\\w*` prefixes go to a TokenIndex, the rest stay regexes."""
    index: TokenIndex[T] = TokenIndex()
    complex_: list[tuple[str, T]] = []
    for pattern, value in entries:
        for alt in split_alternatives(pattern):
            m = _SIMPLE.match(alt)
            if m:
                word = m.group(1)
                if m.group(2):
                    index.prefixes.setdefault(word, value)
                else:
                    index.words.setdefault(word, value)
            else:
                complex_.append((alt, value))
    index.reindex()
    return index, complex_
