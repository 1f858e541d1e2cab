"""Rendering: escaping, links, glossary tooltips."""

from __future__ import annotations

import markdown

from kb.glossary import build_glossary_matcher
from kb.models import GlossaryTerm, Topic
from kb.render import InlineRenderer, description, escape_md, link
from kb.topics import build_matcher

EXTENSIONS = ["abbr", "attr_list", "md_in_html", "tables", "admonition"]


def html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def test_escaped_text_renders_as_the_same_text() -> None:
    for text in [
        "<script>alert(1)</script>",
        "[click](http://example.com) and ![img](x.png)",
        "*not bold* _not italic_ `not code` a|b {: #id }",
        "# not a heading",
        "- not a list",
        "1. not a list",
        "&amp; stays &amp; and AT&T",
        "back\\slash",
    ]:
        rendered = html(escape_md(text))
        assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
        inner = rendered[3:-4]
        import html as h

        assert h.unescape(inner) == text, (text, rendered)
        assert "<script" not in rendered and "<a " not in rendered and "<img" not in rendered


def test_relative_links() -> None:
    assert link("topics/a.md", "essays/b.md", "p3") == "../essays/b.md#p3"
    assert link("index.md", "topics/a.md") == "topics/a.md"
    assert link("essays/x.md", "essays/y.md") == "y.md"


def test_inline_marks_glossary_and_links_first_topic_mention() -> None:
    inline = InlineRenderer(
        build_glossary_matcher((GlossaryTerm("5G", "Fifth-generation mobile networks.", ("5g",), True),)),
        build_matcher((Topic("live", "Live", "trend", ("live broadcast",), "s"),)),
    )
    done: set[str] = set()
    out = inline.linked("With 5g, live broadcast <b>grew</b>; live broadcast again.", "essays/e.md", done)
    assert done == {"live"} and "](../topics" not in inline.linked("More live broadcast.", "essays/e.md", done)
    assert out.count("](../topics/live.md)") == 1
    # the essay's spelling stays on the page (quotes are verbatim); the usual one is in the tooltip
    assert '<abbr title="5G (the essay writes “5g”): Fifth-generation mobile networks.">5g</abbr>' in out
    rendered = html(out)
    assert "&lt;b&gt;grew&lt;/b&gt;" in rendered and '<a href="../topics/live.md">live broadcast</a>' in rendered


def test_description_cuts_at_a_word() -> None:
    assert description("a" * 10) == "a" * 10
    cut = description("word " * 100, 40)
    assert len(cut) <= 40 and cut.endswith("…") and "wor…" not in cut


def test_front_matter_title_and_description_are_safe_in_attributes() -> None:
    from kb.render import front_matter

    text = front_matter({"title": 'A <script>"x"</script>', "description": "ok", "tags": ["<b>"]})
    assert "<script>" not in text and '"x"' not in text
    assert "title: A ‹script›“x”‹/script›" in text


def test_published_urls_for_raw_html_follow_the_url_style() -> None:
    from kb.render import SiteInfo

    directory, files = SiteInfo("n", "d", True), SiteInfo("n", "d", False)
    assert directory.url("map.md", "topics/x.md") == "../topics/x/"
    assert files.url("map.md", "topics/x.md") == "topics/x.html"
    assert files.url("topics/y.md", "index.md") == "../index.html"
    assert directory.url("essays/index.md", "topics/x.md") == "../topics/x/"


def test_a_term_gets_its_tooltip_once_per_page() -> None:
    from kb.render import first_tooltips_only

    page = '<abbr title="5G: x">5G</abbr> and <abbr title="5G: x">5G</abbr>, <abbr title="WeChat: y">WeChat</abbr>'
    assert first_tooltips_only(page) == '<abbr title="5G: x">5G</abbr> and 5G, <abbr title="WeChat: y">WeChat</abbr>'
