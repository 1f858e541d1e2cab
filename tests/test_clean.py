"""Ingest: bytes in, exact title and paragraphs out.

Fixtures in tests/fixtures/ingest/ are small and made up; the Wikinews one
only copies the shape of the export, not its text.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import SEEDS, SHARED
from kb.clean import clean, decode
from kb.errors import SeedError
from kb.models import CleanText

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
CORPUS = SHARED / "corpus" / "wikinews-economy" / "articles"


def fixture(name: str) -> CleanText:
    return clean((FIXTURES / name).read_bytes(), name)


# --- seeds and their debris ------------------------------------------------------


def test_paragraph_debris_in_the_shape_of_seed_001() -> None:
    result = fixture("debris.txt")
    assert result.title == "Five trends that small shops must see"
    assert result.paragraphs == (
        "Every shop owner dreams of growth. Few get it.",
        "therefore, small shops must ride on large platforms.",
        "in the 1990s, Ka stores came into being.",
        "for example, fruit, etc. need the mall to survive.",
    )
    assert result.encoding == "utf-8"


def test_seed_001_title_and_its_21_paragraphs() -> None:
    # Counted by hand: 19 "< / P > < p >" and one "< p > < p >" split the body in 21.
    result = clean((SEEDS / "001_f40635d0f4808210.txt").read_bytes(), "001_f40635d0f4808210.txt")
    assert result.title == (
        "In the next 5-10 years, if small and micro enterprises want to develop, "
        "they must recognize these six major trends"
    )
    assert len(result.paragraphs) == 21
    assert result.paragraphs[0].startswith("Every entrepreneur has the dream of establishing a great enterprise")
    assert result.paragraphs[0].endswith("people like Ma Yun and enterprises like Alibaba are rare.")
    assert result.paragraphs[1].startswith("therefore, if small and micro enterprises want to survive")
    assert result.paragraphs[-1].startswith("after obtaining the information data of users")
    assert not any("<" in p or ">" in p for p in result.paragraphs)


def test_seed_000_one_paragraph_per_line_and_no_title() -> None:
    result = clean((SEEDS / "000_b324af7ecf30e8c5.txt").read_bytes(), "000_b324af7ecf30e8c5.txt")
    assert result.title is None
    assert len(result.paragraphs) == 7
    assert result.paragraphs[1] == (
        "It is not optimistic to hold on to “small and beautiful”. I want to climb through this stage "
        "desperately and dare not be satisfied with the so-called “small and beautiful” stage. At least we "
        "must expand the scale quickly. Even if we cannot reach strong, we must accumulate a certain scale "
        "and complete the initial talent and technology reserves."
    )


# --- Wikinews export ---------------------------------------------------------------


def test_wikinews_wrapper_entities_and_wiki_markup() -> None:
    result = fixture("wikinews.txt")
    assert result.title == "Acme & Sons to buy Widget Corp. for US$1.1 million"
    assert result.paragraphs == (
        "Acme & Sons announced on Monday that it will buy Widget Corp. for US$1.1 million, a 4.48% premium.",
        '"This is a good day," said Mr. Jane Doe, the chief executive.',
        "The U.S. regulator must approve the deal.",
        "Shares rose 3% – the most since May.",
        "Analysts were surprised.",
    )


WIKI = '<title>T</title>\n<text xml:space="preserve" bytes="1">'


@pytest.mark.parametrize(
    ("body", "paragraphs"),
    [
        # a sentence end and two spaces before a capital: a paragraph break
        ("It rose.  Then it fell.", ("It rose.", "Then it fell.")),
        # before a lower-case word: only a removed link
        ("It rose 5 p.c.  after a week.", ("It rose 5 p.c. after a week.",)),
        # "U.S.  House": a link after an abbreviation, not a break ...
        ("The U.S.  House voted.", ("The U.S. House voted.",)),
        # ... unless a sentence opener follows, or the gap is wider
        ("He moved to the U.S.  The firm followed.", ("He moved to the U.S.", "The firm followed.")),
        ("Sold to Acme Inc.   Shares rose.", ("Sold to Acme Inc.", "Shares rose.")),
        # a dangling link space before punctuation, and before a possessive
        ("Lockheed , Northrop and Japan 's banks ( and Boeing ) paid .", ("Lockheed, Northrop and Japan's banks ( and Boeing) paid.",)),
        # template names before the first paragraph, image parameters, bullets
        ("Economy and business  The bank cut rates.  right  It said so.", ("The bank cut rates.", "It said so.")),
        ("Australian news   Mr Smith resigned.", ("Mr Smith resigned.",)),
        ("The United States  House of Representatives  passed it.", ("The United States House of Representatives passed it.",)),
        ("Shares were: *Acme *Widget Corp.", ("Shares were: Acme Widget Corp.",)),
        # wiki emphasis, headings, tables, comments, external links, double escapes
        ("''The Guardian'''s '''bold''' view.", ("The Guardian's bold view.",)),
        ("Intro.  == Background ==  Text here.", ("Intro.", "Background", "Text here.")),
        ("A.  {| class=&quot;wikitable&quot; |- | 1 | 2 |} B.", ("A.", "B.")),
        ("A &lt;!-- note --&gt;b [http://x.example/y the site] c.", ("A b the site c.",)),
        # the export escaped the wikitext, whose own entities render too
        ("380&amp;ndash;34 &amp;amp; more", ("380–34 & more",)),
    ],
)
def test_wikinews_rules(body: str, paragraphs: tuple[str, ...]) -> None:
    assert clean((WIKI + body).encode(), "ID1.txt").paragraphs == paragraphs


def test_wikinews_file_without_text_is_an_error() -> None:
    with pytest.raises(SeedError) as error:
        clean(b"<title>Category:Stock market</title>\n", "ID2.txt")
    assert error.value.path == "ID2.txt"
    assert "no text" in error.value.message


# --- encodings ---------------------------------------------------------------------


def test_cp1252_bytes_are_decoded_and_crlf_handled() -> None:
    result = fixture("cp1252.txt")
    assert result.encoding == "cp1252"
    assert result.title == "Café owners"
    assert result.paragraphs == ("The café’s “crème brûlée” costs 5 €. It sells well.",)
    assert result.text == "Café owners\r\n\r\nThe café’s “crème brûlée” costs 5 €.\r\nIt sells well.\r\n"


def test_gb18030_bytes_are_decoded() -> None:
    result = fixture("gb18030.txt")
    assert result.encoding == "gb18030"
    assert result.title == "小而美的六大趋势"
    assert result.paragraphs == ("小而美的企业需要认识六大趋势。电子商务平台越来越完善！", "第二段：直播和短视频。")


def test_short_gb18030_with_english_is_not_read_as_big5() -> None:
    # Big5 also decodes these bytes cleanly (as "苤奧藝"); the tie goes to gb18030.
    assert decode("Small and beautiful 小而美 is popular.".encode("gb18030"), "x.txt") == (
        "Small and beautiful 小而美 is popular.",
        "gb18030",
    )


def test_utf8_bom_is_stripped_and_crlf_wrapping_joined() -> None:
    result = fixture("bom_crlf.txt")
    assert result.encoding == "utf-8-sig"
    assert result.title == "Small and beautiful"
    assert result.paragraphs == ("First paragraph, wrapped over two lines.", "Second paragraph.")
    assert not result.text.startswith("\ufeff")


def test_utf16_with_bom() -> None:
    result = fixture("utf16.txt")
    assert (result.encoding, result.title, result.paragraphs) == ("utf-16-le", "Small and beautiful", ("A UTF-16 essay.",))


def test_utf16_without_bom() -> None:
    assert decode("An essay in UTF-16.".encode("utf-16-be"), "x.txt") == ("An essay in UTF-16.", "utf-16-be")


def test_mojibake_is_repaired_and_curly_quotes_kept() -> None:
    assert "â€" in (FIXTURES / "mojibake.txt").read_text(encoding="utf-8")
    result = fixture("mojibake.txt")
    assert result.paragraphs == ("The “small and beautiful” era isn’t over. Café owners agree.",)
    assert result.text == "The “small and beautiful” era isn’t over. Café owners agree.\n"


def test_quotes_dashes_and_full_width_punctuation_are_not_normalised() -> None:
    text = "“Small” ‘and’ beautiful — ﬁne… 小而美，好！ ＡＢＣ"
    assert decode(text.encode("utf-8"), "x.txt") == (text, "utf-8")


# --- bad files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("binary.txt", "contains NUL bytes, so it is a binary file (a PDF, Word document or image?), not text"),
        ("empty.txt", "the file is empty"),
        ("blank.txt", "holds only white space"),
    ],
)
def test_bad_files_raise_seed_error_naming_the_file(name: str, message: str) -> None:
    with pytest.raises(SeedError) as error:
        fixture(name)
    assert error.value.path == name
    assert error.value.message == message
    assert error.value.fix


def test_undecodable_bytes_raise_seed_error() -> None:
    with pytest.raises(SeedError) as error:
        clean(bytes(range(0x80, 0x100)) * 4, "noise.txt")
    assert error.value.path == "noise.txt"
    assert "cannot be read" in error.value.message
    assert "UTF-8" in (error.value.fix or "")


def test_control_characters_mean_binary() -> None:
    with pytest.raises(SeedError) as error:
        clean(b"text\x01\x02\x03\x04\x05\x06 with controls", "ctl.txt")
    assert "binary" in error.value.message


# --- markup ------------------------------------------------------------------------------


def test_unknown_angle_brackets_stay_literal_and_known_tags_go() -> None:
    result = fixture("script.txt")
    assert result.paragraphs == (
        "Keep <script>alert(1)</script> and <img src=x onerror=alert(1)> as text.",
        "It is bold and linked.",
        "A < b > c stays.",
    )


def test_escaped_script_becomes_literal_text() -> None:
    result = clean(b"Say &lt;script&gt;alert(1)&lt;/script&gt; to AT&T and R&D, a&nothing &amp; &eacute;.", "e.txt")
    assert result.paragraphs == ("Say <script>alert(1)</script> to AT&T and R&D, a&nothing & é.",)


@pytest.mark.parametrize(
    "tag",
    ["< / P > < p >", "<p>", "</p>", "<br>", "<br/>", "< BR / >", "&lt;br&gt;", '<div class="x">', "</div>", "<li>", "<h2>"],
)
def test_paragraph_tags_in_any_spelling_break_paragraphs(tag: str) -> None:
    assert clean(f"One. {tag} Two.".encode(), "t.txt").paragraphs == ("One.", "Two.")


def test_markdown_is_reduced_to_text_in_md_files() -> None:
    result = fixture("essay.md")
    assert result.title == "Small and beautiful"
    assert result.paragraphs == (
        "See the report and grow fast. A snake_case name and 5 * 3 stay.",
        "Six trends",
        "Live streaming",
        "Community e-commerce",
    )


def test_markdown_front_matter_is_dropped() -> None:
    result = clean(b"---\ntitle: Meta\n---\n# Real title\n\nBody *here*.\n\n---\n\nMore.", "a.md")
    assert (result.title, result.paragraphs) == ("Real title", ("Body here.", "More."))


def test_markdown_syntax_in_a_txt_file_is_kept() -> None:
    result = fixture("markdown.txt")
    assert result.title == "Markdown in a txt file"
    assert result.paragraphs == ("See [the report](https://example.com) and **grow**.",)


# --- titles and paragraphs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "paragraphs"),
    [
        ("A short title\n\nBody.", "A short title", ("Body.",)),
        ("A first line that ends with a period.\n\nBody.", None, ("A first line that ends with a period.", "Body.")),
        ("Only one paragraph here", None, ("Only one paragraph here",)),
        ("x" * 161 + "\n\nBody.", None, ("x" * 161, "Body.")),
        ("A wrapped first\nparagraph goes on.\n\nBody.", None, ("A wrapped first paragraph goes on.", "Body.")),
        ("Lines without blank lines\nthat wrap mid-sentence.\nA new paragraph.", None,
         ("Lines without blank lines that wrap mid-sentence.", "A new paragraph.")),
        ("Tabs\tand   spaces  .\n\n* * *\n\nEnd .", None, ("Tabs and spaces.", "End.")),
    ],
)
def test_title_and_paragraph_rules(text: str, title: str | None, paragraphs: tuple[str, ...]) -> None:
    result = clean(text.encode(), "t.txt")
    assert (result.title, result.paragraphs) == (title, paragraphs)


def test_clean_is_deterministic_and_keeps_the_decoded_text() -> None:
    raw = (FIXTURES / "wikinews.txt").read_bytes()
    assert clean(raw, "a.txt") == clean(raw, "a.txt")
    assert clean(raw, "a.txt").text == raw.decode("utf-8")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.md", "**a _b [c](" * 40_000),
        ("a.txt", "&lt;p a=y " * 40_000),
        ("a.txt", WIKI + "<ref>x [[Image:y| {| [http://z " * 40_000),
        ("a.txt", "a\n" * 40_000),
        ("a.txt", "x" * 400_000 + "."),
    ],
)
def test_adversarial_input_is_cleaned_in_linear_time(name: str, text: str) -> None:
    # Each is ~400 kB; a quadratic pattern would take minutes, linear takes well under a second.
    started = time.perf_counter()
    clean(text.encode(), name)
    assert time.perf_counter() - started < 5


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_wikinews_corpus_sample_is_clean() -> None:
    # Real Wikinews articles (CC BY 2.5), read in place and never copied.
    for path in sorted(CORPUS.glob("*.txt"))[:200]:
        try:
            result = clean(path.read_bytes(), path.name)
        except SeedError as error:
            assert "no text" in error.message, path.name  # stubs: a title and no article
            continue
        assert result.title, path.name
        for paragraph in result.paragraphs:
            for debris in ("&quot;", "&amp;", "''", "  ", "<text", "[[", " ,", " ."):
                assert debris not in paragraph, (path.name, debris, paragraph)
