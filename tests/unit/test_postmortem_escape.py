"""Text people wrote stays literal text in the post-mortem, whatever Markdown it holds (parsed with markdown-it)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from crisiswatch.postmortem.escape import ZWSP, code, inline, lines, link, safe_url

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
HOSTILE = [
    "# Heading\n## another",
    "Title\n=====",
    "[click me](https://evil.example/phish) and [ref][1]\n\n[1]: https://evil.example",
    "![tracker](https://evil.example/pixel.png)",
    "<script>alert('x')</script> <img src=x onerror=alert(1)> <!-- c -->",
    "| a | b |\n|---|---|\n| c | d |",
    "```python\nimport os\n```",
    "~~~\ncode\n~~~",
    "`code` and ``more``",
    "{{ 7*7 }} {% if true %}x{% endif %}",
    "*bold* __under__ ~~strike~~",
    "> quoted\n- item\n+ item\n1. first\n2) second",
    "    indented code",
    "---",
    "&lt;b&gt; &amp; &#x41; &copy;",
    "line one  \nline two\\\nthree",
    "<https://autolink.example> <user@example.com>",
    "@CosechaYa #BoicotCosechaYa $x$ $$y$$",
    "\u202eevil\u202c \x00\x1b[31mred\x07 \u2028next\u2029para \x85nel",
]


def paragraph_text(source: str) -> tuple[list[str], str]:
    """The block token types of `source`, and the plain text of its inline children."""
    tokens = MD.parse(source)
    blocks = [t.type for t in tokens]
    inline_tokens = [t for t in tokens if t.type == "inline"]
    kinds = {c.type for t in inline_tokens for c in t.children or []}
    assert kinds <= {"text", "text_special"}, f"markup came out of the text: {kinds} in {source!r}"
    return blocks, "".join(c.content for t in inline_tokens for c in t.children or [])


def normalised(text: str) -> str:
    from crisiswatch.postmortem.escape import _clean

    return _clean(text)


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("prefix", ["", "- ", "> ", "1. ", "  > "])
def test_hostile_text_is_one_literal_paragraph(text: str, prefix: str) -> None:
    blocks, plain = paragraph_text(prefix + inline(text))
    assert "heading_open" not in blocks and "fence" not in blocks and "code_block" not in blocks
    assert "table_open" not in blocks and "hr" not in blocks and "html_block" not in blocks
    assert blocks.count("paragraph_open") == 1
    assert plain.replace(ZWSP, "") == normalised(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_in_its_table_cell(text: str) -> None:
    source = f"| who | text |\n| --- | --- |\n| @x | {inline(text)} |\n"
    tokens = MD.parse(source)
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 2
    body = [t for t in tokens if t.type == "inline"][-1]
    assert {c.type for c in body.children or []} <= {"text", "text_special"}
    assert "".join(c.content for c in body.children or []).replace(ZWSP, "") == normalised(text)


def test_html_never_reaches_the_output_and_mentions_are_defused() -> None:
    html = MD.render("- " + inline("<script>alert(1)</script> hola @CosechaYa"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "@\u200bCosechaYa" in inline("@CosechaYa")
    assert inline("@CosechaYa", defuse_mentions=False) == "@CosechaYa"


def test_template_braces_are_literal() -> None:
    assert inline("{{ 7*7 }}") == "\\{\\{ 7\\*7 \\}\\}"


def test_limit_cuts_before_escaping() -> None:
    out = inline("[" * 50, limit=10)
    assert out == "\\[" * 9 + "…"


def test_links_only_for_http_addresses() -> None:
    assert link("post", "https://x.com/a/status/1") == "[post](https://x.com/a/status/1)"
    assert link("x", "javascript:alert(1)") == "x"
    assert link("[x](y)", "https://e.com/a b)c") == "[\\[x\\](y)](https://e.com/a%20b%29c)"
    assert safe_url("data:text/html,<b>") == ""
    tokens = MD.parseInline(link("x", "https://e.com/a b)c<d>"))[0].children
    assert [t.type for t in tokens] == ["link_open", "text", "link_close"]


def test_lines_keep_one_item_per_line_without_markup() -> None:
    assert lines("- Responder en 1 h\n\n* # No culpar al cliente\n3. [x](y)") == [
        "Responder en 1 h", "\\# No culpar al cliente", "\\[x\\](y)"]


def test_code_span_cannot_be_closed_from_inside() -> None:
    s = code("a ``` b ` c")
    tokens = MD.parseInline(s)[0].children
    assert [t.type for t in tokens] == ["code_inline"] and tokens[0].content == "a ``` b ` c"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), st.sampled_from(["", "- ", "> ", "| a | "]))
def test_any_text_renders_as_exactly_itself(text: str, prefix: str) -> None:
    escaped = inline(text)
    assert "\n" not in escaped and "\r" not in escaped
    if not normalised(text):
        return
    if prefix == "| a | ":
        source = f"| h | t |\n| --- | --- |\n{prefix}{escaped} |\n"
        body = [t for t in MD.parse(source) if t.type == "inline"][-1]
        plain = "".join(c.content for c in body.children or [])
        assert {c.type for c in body.children or []} <= {"text", "text_special"}
    else:
        blocks, plain = paragraph_text(prefix + escaped)
        assert blocks.count("paragraph_open") == 1
    assert plain.replace(ZWSP, "") == normalised(text).replace(ZWSP, "")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#*_[]()!<>|`~{}\\-+=.:1 \nax&;@$")), max_size=80))
def test_markdown_heavy_text_renders_as_exactly_itself(text: str) -> None:
    blocks, plain = paragraph_text("- " + inline(text)) if normalised(text) else ([], "")
    assert plain.replace(ZWSP, "") == normalised(text)
