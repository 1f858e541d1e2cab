"""Ingest: an essay's bytes -> decoded text -> title + clean paragraphs.

Two public functions, both pure:

    decode(raw, name)  bytes -> (text, encoding), mojibake repaired
    clean(raw, name)   bytes -> CleanText(title, paragraphs, encoding, text)

Cleaning removes markup and fixes whitespace, nothing else: the words of the
essay are never changed. Angle-bracket text that is not one of the few known
formatting tags (``<script>``, ``<img ...>``, ``a < b``) is kept verbatim as
literal text; the renderer escapes it.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from .errors import SeedError
from .invisible import remove_invisible
from .models import CleanText
from .sentences import SENTENCE_OPENERS

# --- decoding --------------------------------------------------------------------

# Bytes that are not UTF-8 are guessed among these only, most likely first; the
# order also breaks ties when several decode the bytes equally well. cp1252 is
# what Windows editors write for Western text and is a superset of the printable
# part of Latin-1; gb18030 (a superset of GBK/GB2312) is what Chinese Windows
# writes, and the essays are translations of Chinese originals; big5 covers
# traditional-Chinese sources. Latin-1 is not listed: it differs from cp1252
# only in 0x80-0x9F, where Latin-1 has control characters no prose uses, so
# cp1252 reads every real Latin-1 file the same. Shift-JIS, KOI8 and the rest
# are left out on purpose: each extra candidate is one more way for a short
# text to be decoded wrongly without notice (GB18030 bytes of "小而美" read as
# Big5 give "苤奧藝"), and a file in them gets an error asking for UTF-8.
LEGACY_ENCODINGS = ("cp1252", "gb18030", "big5")
MAX_CHAOS = 0.1  # charset-normalizer's "mess" ratio; above it a guess is not trusted
MAX_CONTROL_SHARE = 0.01  # prose has (almost) no control characters

BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

SAVE_AS_UTF8 = "open it in a text editor and save it as UTF-8 text (.txt or .md)"

# Repair mojibake ("â€œ" -> "“") and nothing else: quotes stay curly, full-width
# CJK punctuation and ligatures stay as written, HTML entities are left for
# ``clean`` and line breaks for the paragraph splitter. NFC only composes
# accents, which changes no visible character.
FTFY_OPTIONS = dict(
    unescape_html=False,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,
    normalization="NFC",
    explain=False,
)


# ftfy and charset-normalizer are imported when an essay is first cleaned, not
# by every build: they made the build hook's imports 36-40 ms slower, and a
# build whose essays all come from the cache cleans none.
@cache
def _ftfy() -> tuple[Any, Any]:
    import ftfy

    return ftfy.fix_text, ftfy.TextFixerConfig(**FTFY_OPTIONS)


# C0 controls other than tab, newlines and form feed. C1 controls (0x80-0x9F)
# are not counted: text mis-decoded as Latin-1 is full of them, and ftfy repairs it.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """Decode an essay's bytes and repair mojibake; return ``(text, encoding)``.

    UTF-8 (with or without a BOM) and UTF-16 are read as such; anything else is
    guessed among ``LEGACY_ENCODINGS`` and accepted only when the guess is
    clean. Raises ``SeedError`` naming the file for empty, binary or
    undecodable bytes.
    """
    if not raw:
        raise SeedError(name, "the file is empty", fix="write the essay into it, or remove the file")
    if not raw.strip():
        raise SeedError(name, "holds only white space", fix="write the essay into it, or remove the file")
    text, encoding = _decode_bom(raw) or _decode_utf16_without_bom(raw) or _decode_plain(raw, name)
    _reject_non_text(text, name)
    text = remove_invisible(text)
    if not text.strip():
        raise SeedError(name, "holds only white space", fix="write the essay into it, or remove the file")
    return _fix_mojibake(_fix_gbk_read_as_latin1(text)), encoding


# CJK ideographs, kana, hangul, and CJK and full-width punctuation
CJK_CHAR = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
# A run of Latin-1 characters with at least a few above ASCII: what GBK bytes
# look like when an editor opened them as Latin-1 (or cp1252) and saved as UTF-8.
LATIN1_RUN = re.compile(r"[\x20-\xff\u20ac\u201a-\u2122\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]{4,}")


def _fix_gbk_read_as_latin1(text: str) -> str:
    """Repair Chinese text that went GBK -> Latin-1 (or cp1252) -> UTF-8: "Ð¡¶øÃÀ" -> "小而美".

    ftfy repairs UTF-8 read as Latin-1, not GBK. A run is repaired only when
    its bytes are valid GB18030 and come out as mostly CJK, which real
    accented Latin text ("déjà vu", "Ærø") never does.
    """
    if text.isascii():
        return text
    return LATIN1_RUN.sub(_repair_gbk_run, text)


def _repair_gbk_run(found: re.Match[str]) -> str:
    run = found.group(0)
    high = sum(1 for c in run if ord(c) > 0x7F)
    if high < 4 or high < 0.4 * len(run.replace(" ", "")):
        return run
    for legacy in ("latin-1", "cp1252"):
        try:
            repaired = run.encode(legacy).decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(CJK_CHAR.findall(repaired)) >= 0.6 * sum(1 for c in repaired if not c.isascii()) > 0:
            return repaired
    return run


def _fix_mojibake(text: str) -> str:
    """ftfy on the lines that can hold mojibake: those with a non-ASCII character.

    ftfy works line by line at some 0.1 ms a line; skipping pure-ASCII lines,
    which cannot be mojibake, keeps a long file with many short lines fast.
    """
    if text.isascii():
        return text
    lines = text.splitlines(keepends=True)
    fix_text, config = _ftfy()
    return "".join(line if line.isascii() else fix_text(line, config=config) for line in lines)


def _decode_bom(raw: bytes) -> tuple[str, str] | None:
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding.removesuffix("-sig")), encoding
            except UnicodeDecodeError:
                return None
    return None


def _decode_utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: English text in it has a NUL in every other byte."""
    if len(raw) % 2 or b"\x00" not in raw:
        return None
    for encoding, zeros in (("utf-16-le", raw[1::2]), ("utf-16-be", raw[0::2])):
        if zeros.count(0) >= 0.5 * len(zeros):
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    return None


def _decode_utf16_cjk(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM holding CJK text: no NUL bytes, so the test above misses it.

    Tried only on bytes that are not UTF-8. Accepted when nearly every
    character is a CJK character, CJK punctuation, ASCII or white space; bytes
    in another encoding decode as UTF-16 to rare characters and surrogates.
    """
    if len(raw) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        cjk = len(CJK_CHAR.findall(text))
        common = cjk + sum(1 for c in text if c.isascii() and (c.isprintable() or c.isspace()))
        if cjk >= 0.3 * len(text) and common >= 0.97 * len(text):
            return text, encoding
    return None


def _decode_plain(raw: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in raw and (utf16 := _decode_utf16_cjk(raw)) is not None:
        return utf16
    if b"\x00" in raw:
        raise SeedError(
            name,
            "contains NUL bytes, so it is a binary file (a PDF, Word document or image?), not text",
            fix=SAVE_AS_UTF8,
        )
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guessed = _decode_utf16_cjk(raw) or _guess_legacy(raw)
    if guessed is None:
        raise SeedError(
            name,
            "is neither UTF-8 nor clearly one of " + ", ".join(LEGACY_ENCODINGS) + ", so its characters cannot be read",
            fix=SAVE_AS_UTF8,
        )
    return guessed


def _guess_legacy(raw: bytes) -> tuple[str, str] | None:
    """The cleanest decoding among the candidates, or None if none is clean."""
    from charset_normalizer import from_bytes  # see _ftfy

    matches = [m for m in from_bytes(raw, cp_isolation=list(LEGACY_ENCODINGS)) if m.chaos <= MAX_CHAOS]
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    tied = {m.encoding for m in matches if m.chaos == least}
    encoding = next(e for e in LEGACY_ENCODINGS if e in tied)
    return raw.decode(encoding), encoding


def _reject_non_text(text: str, name: str) -> None:
    controls = len(CONTROL_CHARS.findall(text))
    if "\x00" in text or controls > MAX_CONTROL_SHARE * len(text):
        raise SeedError(
            name,
            f"is mostly not text ({controls} control characters in {len(text)}), so it looks like a binary file",
            fix=SAVE_AS_UTF8,
        )


# --- cleaning: shared steps ---------------------------------------------------------

BREAK = "\n\n"  # how every kind of paragraph marker is written before splitting

# Tags that mark paragraphs, also HTML-escaped and with any spacing or case inside
# the brackets: "< / P >", "&lt;br&gt;", '<div class="x">'. Attributes must look
# like name=value so that "if a < p and q > r" stays text.
_OPEN = r"(?:<|&lt;)"
_CLOSE = r"(?:>|&gt;)"
# Attribute text stops at the next bracket, escaped or not, so a run of unclosed
# tags is scanned in linear time.
_ATTRS = r"(?:\s+[a-z:-]+\s*=(?:[^<>&]|&(?!lt;|gt;)){0,300}?)?\s*/?\s*"
BLOCK_TAG = re.compile(
    _OPEN + r"\s*/?\s*(?:p|br|div|li|ul|ol|h[1-6]|blockquote|tr|table)\b" + _ATTRS + _CLOSE,
    re.IGNORECASE,
)
# Purely inline formatting: the tag goes, its inner text stays. The name must
# follow the bracket directly ("<b>", "</b>") so that "a < b > c" stays text.
INLINE_NAMES = "b|i|em|strong|span|font|u|a|sub|sup|small|big|tt|code|s|strike|del|ins|mark|cite|abbr"
INLINE_TAG = re.compile(_OPEN + r"/?(?:" + INLINE_NAMES + r")\b" + _ATTRS + _CLOSE, re.IGNORECASE)
# Only entities closed by ";": html.unescape alone would also turn "&not" in
# "a&nothing" into "¬", changing the words.
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
HAS_WORD = re.compile(r"\w")
WRAPPED_LINE = re.compile(r"(?<![.!?:;。！？\"'”’)\]])\n(?=[a-z])")
BLANK_LINE = re.compile(r"\n[ \t\u00a0\u3000]*\n\s*")
# Stray control characters count as space: they are not words.
SPACES = re.compile(r"[ \t\x00-\x08\x0b-\x1f\x7f\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# A space left before punctuation by a removed link: "Lockheed ," and "Bank )".
# Only before punctuation that ends a word, so "Microsoft .NET" is kept.
SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?)\]]+)(?=\s|$|[\"'”’])")
NOT_A_TITLE_END = re.compile(r"[.,;:。，；：][\"'”’)\]]*$")
INNER_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)\]]*\s+\S")
MAX_TITLE_CHARS = 160


def _unescape(text: str) -> str:
    """Replace HTML entities that end with ';' by their characters."""
    return ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def _to_paragraphs(text: str) -> tuple[str, ...]:
    """Markup-free text with BREAKs -> whitespace-normalised, non-empty paragraphs."""
    text = _unescape(INLINE_TAG.sub("", BLOCK_TAG.sub(BREAK, text)))
    blocks = (_normalise_space(block) for block in BLANK_LINE.split(text))
    # A block without a letter or digit ("* * *", "—") is a separator, not a paragraph.
    return tuple(block for block in blocks if HAS_WORD.search(block))


def _normalise_space(block: str) -> str:
    """One paragraph: line breaks and runs of spaces become one space."""
    block = SPACES.sub(" ", block.replace("\n", " ")).strip()
    return SPACE_BEFORE_PUNCT.sub(r"\1", block)


def _is_title(first: str, rest: tuple[str, ...]) -> bool:
    """A short first paragraph that is not a sentence, with text after it."""
    return (
        bool(rest)
        and len(first) <= MAX_TITLE_CHARS
        and not NOT_A_TITLE_END.search(first)
        and not INNER_SENTENCE_END.search(first)
    )


def _split_title(paragraphs: tuple[str, ...], text: str) -> tuple[str | None, tuple[str, ...]]:
    """Take the first paragraph as the title if it was one line and reads like one."""
    first_block = BLANK_LINE.split(text, maxsplit=1)[0]
    if not paragraphs or "\n" in first_block.strip() or not _is_title(paragraphs[0], paragraphs[1:]):
        return None, paragraphs
    return paragraphs[0], paragraphs[1:]


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", BREAK).replace("\u2028", "\n")


def _paragraph_per_line(text: str) -> str:
    """Mark every line as a paragraph when no line is blank (as in seed 000).

    With blank lines, a single newline is only wrapping inside a paragraph;
    without, a line that stops mid-sentence before a lowercase word is wrapped.
    """
    text = text.strip()
    if BLANK_LINE.search(text) is not None:
        return text
    return WRAPPED_LINE.sub(" ", text).replace("\n", BREAK)


# --- plain text ----------------------------------------------------------------------


def _clean_plain(text: str) -> tuple[str | None, tuple[str, ...]]:
    """A .txt essay: paragraphs on blank lines (or lines), a short first line as title."""
    text = _paragraph_per_line(text)
    return _split_title(_to_paragraphs(text), text)


# --- Markdown ---------------------------------------------------------------------

# YAML front matter is metadata for a site generator, not part of the essay.
MD_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
MD_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
MD_SETEXT = re.compile(r"^(.+)\n[ ]{0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
MD_RULE = re.compile(r"^[ ]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$", re.MULTILINE)
MD_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+", re.MULTILINE)
MD_QUOTE = re.compile(r"^[ ]{0,3}>[ \t]?", re.MULTILINE)
MD_FENCE = re.compile(r"^[ ]{0,3}(?:```|~~~).*$", re.MULTILINE)
# Link text and URLs never hold "[" or "(" (one level of parentheses in a URL
# aside), so every scan stops at the next bracket and a run of unclosed links
# costs linear time, not quadratic.
MD_LINK = re.compile(
    r"!?\[([^\[\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+(?:\"[^\"\n]{0,300}\"|'[^'\n]{0,300}'))?\)"
)
MD_REF_LINK = re.compile(r"!?\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")
MD_REF_DEF = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]+\S+.*$", re.MULTILINE)
# Emphasis markers are removed where they open or close a word, without
# pairing them up: pairing costs quadratic time on unclosed markers, and a
# stray marker is markup all the same. "snake_case" and "5 * 3" stay.
MD_EMPHASIS_OPEN = re.compile(r"(?<![^\s(\[\"'“‘])(?:\*{1,3}|_{1,3})(?=[^\s*_])")
MD_EMPHASIS_CLOSE = re.compile(r"(?<=[^\s*_])(?:\*{1,3}|_{1,3})(?![^\s.,;:!?)\]\"'”’])")
MD_CODE = re.compile(r"`([^`\n]+)`")


def _clean_markdown(text: str) -> tuple[str | None, tuple[str, ...]]:
    """A .md essay: syntax reduced to its text; a leading ``# Heading`` is the title."""
    text = _paragraph_per_line(MD_FRONT_MATTER.sub("", text.strip()))
    heading = MD_HEADING.match(text)
    if heading is None:
        return _split_title(_to_paragraphs(_markdown_to_text(text)), text)
    title = _to_paragraphs(_markdown_inline(heading.group(1)))
    return (title[0] if title else None), _to_paragraphs(_markdown_to_text(text[heading.end() :]))


def _markdown_to_text(text: str) -> str:
    """Block syntax becomes paragraph breaks, inline syntax its text."""
    text = MD_REF_DEF.sub("", MD_FENCE.sub("", text))
    text = MD_SETEXT.sub(lambda m: BREAK + m.group(1) + BREAK, text)
    text = MD_HEADING.sub(lambda m: BREAK + m.group(1) + BREAK, text)
    text = MD_RULE.sub(BREAK, text)
    text = MD_BULLET.sub(BREAK, MD_QUOTE.sub("", text))
    return _markdown_inline(text)


def _markdown_inline(text: str) -> str:
    text = MD_REF_LINK.sub(r"\1", MD_LINK.sub(r"\1", text))
    text = MD_EMPHASIS_OPEN.sub("", MD_CODE.sub(r"\1", text))
    return MD_EMPHASIS_CLOSE.sub("", text)


# --- Wikinews export ------------------------------------------------------------------

# A Wikinews export: a <title> line, a <text ...> wrapper, or both.
WIKI_WRAPPER = re.compile(
    r"\A\s*(?:<title>(?P<title>.*?)</title>\s*(?:<text\b[^>]*>)?|<text\b[^>]*>)(?P<body>.*?)(?:</text>\s*)?\Z",
    re.DOTALL,
)
WIKI_DROP = re.compile(
    r"<!--.*?(?:-->|\Z)"  # editors' comments
    # captions, citations, charts; the content stops at the next tag of its kind
    # (possessively), so unclosed tags cannot make the scan quadratic
    r"|<(?P<block>gallery|ref|timeline)\b[^<>]*?(?:/>|>[^<]*+(?:<(?!/?(?P=block)\b)[^<]*+)*+</(?P=block)\s*>)"
    r"|</?(?:noinclude|includeonly|onlyinclude|nowiki)\s*/?>"
    r"|__[A-Z]+__",  # magic words: __NOTOC__
    re.DOTALL | re.IGNORECASE,
)
# The export lost the links' brackets but not images: "[[File:x.jpg|thumb|left|A
# caption" often without its "]]", so it ends at the next paragraph-like gap.
WIKI_IMAGE = re.compile(r"\[\[(?:Image|File):[^\[\]]*?(?:\]\]|(?=\s{2})|\Z)", re.IGNORECASE)
# Tables are data, not prose. The scan stops at the next "{" so that unclosed
# tables cost linear time.
WIKI_TABLE = re.compile(r"\{\|(?:[^{|]++|\|(?!\})|\{(?!\|))*+\|\}")
# List bullets: the export joined "\n* item" into " * item". The bullet goes and
# the items stay in their paragraph, read as one run ("as follows: Nokia, ...").
WIKI_BULLET = re.compile(r"(?:^|(?<=\s))\*+#*[ \t]*(?=[^\s*])")
# A link just before a possessive: "[[Japan]]'s" came out as "Japan 's".
WIKI_POSSESSIVE = re.compile(r"(?<=\w) (['’]s)\b")
WIKI_EXTERNAL = re.compile(r"\[(?:https?:|ftp:|//)[^\s\[\]]*(?:\s+([^\[\]]*))?\]")
# ''italic'', '''bold''', '''''both'''''; in "''The Guardian'''s" the three
# marks are an italic close and the apostrophe of a possessive.
WIKI_EMPHASIS = re.compile(r"('{2,5})(s\b)?")
WIKI_ORPHAN_BRACKETS = re.compile(r"\[\[|\]\]")  # left of image captions the export cut
WIKI_HEADING = re.compile(r"(={2,6})\s*([^=]+?)\s*\1")
# Image parameters left alone between gaps: "sex.  right  Yell is".
WIKI_IMAGE_PARAM = re.compile(r"(?:^|(?<=\s\s)|(?<=\n))(?:right|left|center|centre|thumb|none)(?=\s{2}|\s*\Z|\n)")
# Template and category names before the first paragraph: "Australian news   In",
# "Economy and business  The". Two spaces can also follow a link ("The United
# States  House"), so then only a word that opens sentences confirms a label.
WIKI_LEAD_LABEL = re.compile(r"\A\s*[^\s.!?,;:]+(?: [^\s.!?,;:]+){0,5}(?P<gap> {2,})(?=(?P<after>\S+))")
# The export turned each newline into a space, so a paragraph break is a sentence
# end followed by two or more spaces and a capital, digit, quote or markup.
WIKI_GAP = re.compile(r"[.!?][\"'”’)\]]*(?P<gap> {2,})(?=(?P<after>\S+))")
PARAGRAPH_START = re.compile(r"[A-Z0-9\"“‘'(\[*=<&$£€]")
# After these a two-space gap is usually a removed link ("U.S.  House"), so it is
# a break only before a word that typically opens a sentence.
ABBREVIATION = re.compile(r"(?:\b[A-Za-z]\.){2,}$|\b(?:Inc|Corp|Co|Ltd|Jr|Sr|Mr|Mrs|Ms|Dr|St|No|vs|etc)\.$")
LOOK_BACK = 40  # characters before a gap that hold the word it follows


def _clean_wikinews(body: str) -> tuple[str, ...]:
    """The wikitext body of a Wikinews export -> paragraphs."""
    # The body is XML-escaped wikitext that may hold entities of its own
    # ("&amp;ndash;"): one layer is unescaped here, the second in _to_paragraphs.
    body = WIKI_EMPHASIS.sub(_wiki_emphasis, WIKI_TABLE.sub(BREAK, WIKI_DROP.sub(" ", _unescape(body))))
    body = WIKI_EXTERNAL.sub(lambda m: m.group(1) or "", WIKI_IMAGE.sub("", body))
    body = WIKI_ORPHAN_BRACKETS.sub(" ", body)
    body = WIKI_HEADING.sub(lambda m: BREAK + m.group(2) + BREAK, body)
    body = WIKI_BULLET.sub(" ", BLOCK_TAG.sub(BREAK, body))
    body = WIKI_LEAD_LABEL.sub(_lead_label, WIKI_IMAGE_PARAM.sub("", body))
    return _to_paragraphs(WIKI_POSSESSIVE.sub(r"\1", WIKI_GAP.sub(_wiki_gap, body)))


def _wiki_emphasis(found: re.Match[str]) -> str:
    marks, possessive = found.groups()
    if possessive and len(marks) in (3, 4):
        return "'" + possessive
    return possessive or ""


def _lead_label(found: re.Match[str]) -> str:
    """Drop a template name before the first paragraph, keep real text."""
    after = found.group("after").lstrip("\"“'‘(")
    return "" if len(found.group("gap")) > 2 or after in SENTENCE_OPENERS else found.group(0)


def _wiki_gap(found: re.Match[str]) -> str:
    """A gap after a sentence end: a paragraph break, or just a removed link."""
    start = found.start("gap")
    # The word is looked for in a bounded window so a long run without spaces
    # cannot make this quadratic.
    before = found.string[max(0, start - LOOK_BACK) : start].rsplit(" ", 1)[-1]
    is_break = _is_paragraph_gap(before, found.group("gap"), found.group("after"))
    return found.string[found.start() : start] + (BREAK if is_break else " ")


def _is_paragraph_gap(before: str, gap: str, after: str) -> bool:
    if not PARAGRAPH_START.match(after):
        return False
    if ABBREVIATION.search(before.rstrip("\"'”’)]")):
        return len(gap) > 2 or after.strip("\"“'‘(") in SENTENCE_OPENERS
    return True


# --- the whole step -------------------------------------------------------------------


def clean(raw: bytes, name: str) -> CleanText:
    """Decode an essay and reduce it to a title and plain-text paragraphs.

    Handles Wikinews exports (``<title>``/``<text>`` wrapper, entities, wiki
    emphasis), HTML paragraph debris such as ``< / P > < p >``, and Markdown in
    ``.md`` files. Raises ``SeedError`` if the bytes cannot be decoded or no
    text is left.
    """
    text, encoding = decode(raw, name)
    title, paragraphs = _clean_text(_normalise_newlines(text), name)
    if not paragraphs:
        raise SeedError(name, "has no text left once markup is removed", fix="check that the file holds the essay")
    return CleanText(title=title, paragraphs=paragraphs, encoding=encoding, text=text)


def _clean_text(text: str, name: str) -> tuple[str | None, tuple[str, ...]]:
    wrapped = WIKI_WRAPPER.match(text)
    if wrapped is not None:
        title = _to_paragraphs(wrapped.group("title") or "")
        return (title[0] if title else None), _clean_wikinews(wrapped.group("body"))
    if name.lower().endswith((".md", ".markdown")):
        return _clean_markdown(text)
    return _clean_plain(text)


def repairs_made(cleaned: CleanText) -> tuple[str, ...]:
    """What cleaning changed in an essay, in words a reader of its page understands.

    The essay page says so: a reader comparing it with the original file
    should know why the two differ.
    """
    repairs = []
    tags = len(BLOCK_TAG.findall(cleaned.text)) + len(INLINE_TAG.findall(cleaned.text))
    if tags:
        repairs.append(f"{tags} leftover HTML tag{'s' if tags != 1 else ''} (paragraph marks left by the translation) turned into paragraph breaks")
    if cleaned.encoding not in ("utf-8", "ascii"):
        repairs.append(f"decoded from {cleaned.encoding}")
    return tuple(repairs)
