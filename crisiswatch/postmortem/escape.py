"""Text people wrote (posts, names) made safe to drop into Markdown: it stays text, whatever it holds.

`inline` turns any string into one line of literal text for a paragraph, a list item, a quote or
a table cell: no heading, list, quote, code block, link, image, HTML tag, table cell break,
emphasis or entity can come out of it. `link` builds a link only for http(s) addresses.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

ZWSP = "\u200b"
# the ASCII punctuation that means something inline anywhere in a line (a backslash makes it
# literal): code, emphasis, links and images (no link without [), table cells, strikethrough,
# GitHub math, template braces; & < > become entities so that no renderer sees a tag or entity
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~$])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# what means something only where a block starts: a list item or a thematic break
_BLOCK_START = re.compile(r"^(\d{1,9}(?=[.)])|[-+=])")
# bidi overrides and isolates can make a line display other than it reads
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))


def _clean(text: str) -> str:
    """One line: every run of whitespace (line breaks included) one space; control and bidi characters gone."""
    text = str(text).translate(_BIDI)
    text = "".join(ch if not unicodedata.category(ch).startswith("C") or ch.isspace() or ch == ZWSP else " " for ch in text)
    return " ".join(text.split())


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters of one-line text, an ellipsis marking the cut."""
    text = _clean(text)
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def inline(text: object, limit: int | None = None, *, defuse_mentions: bool = True) -> str:
    """Literal one-line Markdown for untrusted text (optionally cut to `limit` characters first).

    @names get a zero-width space after the @ so that GitHub does not notify the person when
    the casebook lives in a repository.
    """
    s = _clean("" if text is None else str(text))
    if limit is not None:
        s = truncate(s, limit)
    s = "".join(_ENTITIES.get(ch, ch) for ch in _INLINE_SPECIAL.sub(r"\\\1", s))
    # "1. ", "- " or "+ " at the start would begin a list where the text starts a block
    s = _BLOCK_START.sub(lambda m: f"{m.group(1)}\\" if m.group(1)[0].isdigit() else f"\\{m.group(1)}", s)
    if defuse_mentions:
        s = s.replace("@", "@" + ZWSP)
    return s


def lines(text: object) -> list[str]:
    """Each non-empty line of a note (lessons, a resolution) as literal inline text, list markers dropped."""
    out = []
    for raw in str(text or "").splitlines():
        item = re.sub(r"^\s*(?:[-*+•·]|\d{1,9}[.)])\s+", "", raw).strip()
        if item:
            out.append(inline(item, defuse_mentions=False))
    return out


def safe_url(url: object) -> str:
    """The address percent-encoded for a Markdown link destination; empty unless http or https."""
    s = str(url or "").strip()
    try:
        parts = urlsplit(s)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return quote(s, safe=":/?#@!$&'*+,;=%~-._[]")


def link(text: object, url: object) -> str:
    """`[text](url)` with the text escaped; the bare escaped text when the address is not http(s)."""
    label = inline(text) or "link"
    target = safe_url(url)
    return f"[{label}]({target})" if target else label


def code(text: object) -> str:
    """An inline code span that no backtick inside can close (one line)."""
    s = _clean("" if text is None else str(text)).replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def key(value: object) -> str:
    """A stored code word (a status, a kind, a category) reduced to letters, digits, '-', '.' and inner '_'.

    Templates look these up in their word lists and print the key itself when it is unknown, so a
    key must be harmless as Markdown too.
    """
    return re.sub(r"[^A-Za-z0-9_.-]", "", str(value or "")).strip("_.-")[:64]
