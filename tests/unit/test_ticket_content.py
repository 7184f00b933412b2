"""Ticket content: people's text stays data in every format; ADF is well-formed."""

from __future__ import annotations

from crisiswatch.connectors.tickets.adf import markdown_to_adf
from crisiswatch.tickets.content import escape_markdown, escape_slack, format_number, post_url
from tests.integration.ticket_servers import adf_problems


def test_post_url() -> None:
    assert post_url("maria_g", 123) == "https://x.com/maria_g/status/123"
    assert post_url(None, 123) == "https://x.com/i/web/status/123"


def test_markdown_escape_defuses_markup_links_and_mentions() -> None:
    text = "@acme **gratis** [clic](http://evil.example) #12 <b>\n`x`"
    esc = escape_markdown(text)
    assert "\n" not in esc and "@acme" not in esc and "#12" not in esc
    assert "\\*\\*gratis\\*\\*" in esc and "\\[clic\\](http://evil.example)" in esc and "\\<b\\>" in esc
    adf = markdown_to_adf(f"- {esc}")
    item = adf["content"][0]["content"][0]["content"][0]["content"]
    assert all("marks" not in n for n in item)  # no bold, no link came from the tweet
    assert "".join(n["text"] for n in item).replace("\u200b", "") == " ".join(text.split())


def test_slack_escape_defuses_links_and_broadcasts() -> None:
    esc = escape_slack("<!channel> mira <http://evil|aquí> & *ya*")
    assert "<" not in esc and ">" not in esc and "&lt;!channel&gt;" in esc and "&amp;" in esc
    assert "*ya*" not in esc


def test_adf_structure() -> None:
    md = "# Title\n\n**Bold:** value · [link](https://x.com/a/status/1)\nsecond line\n\n## List\n\n- one\n- two [x](https://example.com)\n\n> quoted \\[text\\]\n"
    doc = markdown_to_adf(md)
    assert adf_problems(doc) == []
    types = [b["type"] for b in doc["content"]]
    assert types == ["heading", "paragraph", "heading", "bulletList", "blockquote"]
    para = doc["content"][1]["content"]
    assert para[0] == {"type": "text", "text": "Bold:", "marks": [{"type": "strong"}]}
    assert {"type": "hardBreak"} in para
    assert any(n.get("marks") == [{"type": "link", "attrs": {"href": "https://x.com/a/status/1"}}] for n in para)
    assert doc["content"][4]["content"][0]["content"][0]["text"] == "quoted [text]"


def test_numbers_per_language() -> None:
    assert format_number(1234, "en") == "1,234" and format_number(1234, "es") == "1.234"
    assert format_number(1.2e6, "en") == "1.2M" and format_number(1.2e6, "es") == "1,2 M"
