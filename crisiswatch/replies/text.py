"""Making text people wrote safe to place in a reply or show on a terminal."""

from __future__ import annotations

import re
import unicodedata

# Bidi overrides and isolates can make a name display as something else.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u061c\u200e\u200f]")
# ANSI/VT escape sequences (CSI, OSC) as a whole, so no half sequence survives.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x1b[@-_]")


def strip_controls(text: str, *, keep_newlines: bool = True) -> str:
    """Remove terminal escape sequences, control characters and bidi overrides; keep everything else."""
    text = _BIDI.sub("", _ANSI.sub("", text))
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) == "Cc":
            continue
        else:
            out.append(ch)
    return "".join(out)


def clean_name(text: str, *, max_len: int = 60) -> str:
    """A display name on one line, controls removed, at most `max_len` characters (cut between words)."""
    text = " ".join(strip_controls(text, keep_newlines=False).split())
    if len(text) <= max_len:
        return text
    cut = text[:max_len].rsplit(" ", 1)[0]
    return cut if cut else ""


def tidy(text: str) -> str:
    """Trailing spaces off every line, at most one blank line in a row, no blank start or end."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
