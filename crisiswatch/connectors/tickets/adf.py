"""Markdown (the subset ticket templates use) to Atlassian Document Format for Jira Cloud.

Supported: `#`..`######` headings, `- ` bullet items, `> ` quotes, paragraphs, `**bold**`,
`[text](url)` links and backslash escapes. Anything else is kept as plain text, so text people
wrote (already escaped by the renderer) never becomes markup.
"""

from __future__ import annotations

import re
from typing import Any

_INLINE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])|\*\*(.+?)\*\*|\[((?:\\.|[^\]\\])+)\]\((https?://[^\s)]+)\)")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def inline(text: str) -> list[dict[str, Any]]:
    """Text nodes with `strong` and `link` marks for one line of Markdown."""
    nodes: list[dict[str, Any]] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            nodes.append({"type": "text", "text": "".join(buf)})
            buf.clear()

    pos = 0
    for m in _INLINE.finditer(text):
        buf.append(text[pos : m.start()])
        if m.group(1) is not None:
            buf.append(m.group(1))
        elif m.group(2) is not None:
            flush()
            nodes.append({"type": "text", "text": _unescape(m.group(2)), "marks": [{"type": "strong"}]})
        else:
            flush()
            nodes.append({"type": "text", "text": _unescape(m.group(3)), "marks": [{"type": "link", "attrs": {"href": m.group(4)}}]})
        pos = m.end()
    buf.append(text[pos:])
    flush()
    return [n for n in nodes if n["text"]]


def _paragraph(lines: list[str]) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    for i, line in enumerate(lines):
        if i:
            content.append({"type": "hardBreak"})
        content.extend(inline(line))
    return {"type": "paragraph", "content": content}


def markdown_to_adf(markdown: str) -> dict[str, Any]:
    """An ADF `doc` (version 1) for `markdown`."""
    blocks: list[dict[str, Any]] = []
    para: list[str] = []
    items: list[dict[str, Any]] = []
    quote: list[str] = []

    def close() -> None:
        if para:
            blocks.append(_paragraph(para))
            para.clear()
        if items:
            blocks.append({"type": "bulletList", "content": list(items)})
            items.clear()
        if quote:
            blocks.append({"type": "blockquote", "content": [_paragraph(quote)]})
            quote.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if not line.strip():
            close()
        elif heading:
            close()
            blocks.append({"type": "heading", "attrs": {"level": len(heading.group(1))}, "content": inline(heading.group(2))})
        elif re.match(r"^\s*[-*]\s+", line):
            if para or quote:
                close()
            items.append({"type": "listItem", "content": [_paragraph([re.sub(r"^\s*[-*]\s+", "", line)])]})
        elif line.startswith(">"):
            if para or items:
                close()
            quote.append(line[1:].lstrip())
        else:
            if items or quote:
                close()
            para.append(line.strip())
    close()
    blocks = [b for b in blocks if b["type"] != "paragraph" or b["content"]]
    return {"type": "doc", "version": 1, "content": blocks}
