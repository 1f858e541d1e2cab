"""KnowledgeBase -> Markdown pages (path -> text). No file I/O.

Pages are plain Markdown with YAML front matter, made from the templates in
``templates/``, one per page type:

    home.md.j2      index.md                 what this is, topics at a glance
    section.md.j2   trends.md, strategies.md, risks.md
    topic.md.j2     topics/<id>.md           summary, quotes, related, essays
    essays.md.j2    essays/index.md, essays/page-<n>.md   (paged)
    essay.md.j2     essays/<id>.md           summary, key points, full text
    glossary.md.j2  glossary.md

Essay text is always escaped: whatever an essay contains is shown as text.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Protocol

import yaml
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .cache import code_version, digest
from .escape import front_matter as front_matter_text
from .escape import html_attribute, markdown_text, markdown_url
from .feed import atom_feed
from .parallel import map_in_order
from .glossary import GlossaryMatcher, build_glossary_matcher, definition_parts, plain_definition
from .models import CATEGORIES, EssayReport, Evidence, GlossaryTerm, KnowledgeBase, MatrixCell, Sentence, Topic, TopicReport
from .slugs import unique_slugs
from .summarise import shorten, unclear
from .report import curator_report
from .topicmap import edges, topic_map_svg
from .topics import TopicMatcher, build_matcher

TEMPLATES = Path(__file__).parent / "templates"
ESSAYS_PER_PAGE = 100
QUOTES_PER_TOPIC = 25  # a topic page stays the same size however many essays quote it
ESSAYS_PER_TOPIC = 25
QUOTE_CHARS = 400  # a longer sentence is quoted up to here, with "…"; the link leads to all of it
SECTION_TITLES = {"trend": "Trends", "strategy": "Strategies", "risk": "Risks"}
SECTION_PAGES = {"trend": "trends.md", "strategy": "strategies.md", "risk": "risks.md"}
LABEL_NAMES = {"trend": "Trend", "strategy": "Strategy", "risk": "Risk", "context": "Context"}
# what a sentence of each kind does, in a reader's words: "Six trends, ¶4, observes: …"
QUOTE_VERBS = {"trend": "observes", "strategy": "recommends", "risk": "warns", "context": "says"}
WORDS_PER_MINUTE = 200  # reading time: a common estimate for plain English prose
SECTION_ORDER = ("trend", "risk", "strategy")  # what is changing, what threatens, what to do


# --- escaping: scripts/kb/escape.py holds one function per target --------------------

# Templates escape every value for Markdown by default (``_finalize``): a
# value that is already Markdown must say so by being ``Markup``. So a new
# field in a template is text unless a renderer made it Markdown on purpose.


def escape_md(text: str) -> Markup:
    """Text as Markdown that shows exactly that text (already-made Markdown passes through)."""
    return text if isinstance(text, Markup) else Markup(markdown_text(text))


def escape_attr(text: str) -> Markup:
    return Markup(html_attribute(text))


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return markdown_text(value)


def front_matter(data: dict[str, Any]) -> Markup:
    data = {k: front_matter_text(v) if k in ("title", "description") and isinstance(v, str) else v for k, v in data.items()}
    return Markup("---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000) + "---\n")


# --- links ---------------------------------------------------------------------------


def link(from_page: str, to_page: str, anchor: str = "") -> Markup:
    """A relative link between two pages' Markdown files, as MkDocs expects."""
    target = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return Markup(target + (f"#{anchor}" if anchor else ""))  # built from slugs: nothing to escape


def topic_path(topic_id: str) -> str:
    return f"topics/{topic_id}.md"


def essay_path(essay_id: str) -> str:
    return f"essays/{essay_id}.md"


# --- inline text with glossary and topic links ---------------------------------------------


@dataclass(frozen=True)
class InlineRenderer:
    """Escapes text and marks glossary terms (hover) and, on request, topic mentions (links)."""

    glossary: GlossaryMatcher
    topics: TopicMatcher

    def text(self, text: str) -> Markup:
        """Escaped text with glossary terms explained on hover."""
        out, last = [], 0
        for use in self.glossary.uses(text):
            out.append(escape_md(text[last : use.start]))
            title = plain_definition(use.term.definition)
            if not use.original.startswith(use.term.term):  # a different spelling, not just a plural
                title = f"{use.term.term} (the essay writes “{use.original}”): {title}"
            else:
                title = f"{use.term.term}: {title}"
            # the essay's own spelling stays on the page: normalisations live in the tooltip only
            out.append(f'<abbr title="{escape_attr(title)}">{escape_md(use.original)}</abbr>')
            last = use.end
        out.append(escape_md(text[last:]))
        return Markup("".join(out))

    def linked(self, text: str, page: str, done: set[str]) -> Markup:
        """Like ``text``, and the first mention of each topic not in ``done`` links to its page."""
        out, last = [], 0
        for mention in self.topics.mentions(text):
            target = next((t for t in mention.topic_ids if t not in done), None)
            if target is None or mention.start < last:
                continue
            done.add(target)
            out.append(self.text(text[last : mention.start]))
            out.append(f"[{self.text(text[mention.start : mention.end])}]({link(page, topic_path(target))})")
            last = mention.end
        out.append(self.text(text[last:]))
        return Markup("".join(out))


# --- pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteInfo:
    name: str
    description: str
    directory_urls: bool = True  # MkDocs' use_directory_urls: "topics/x/" or "topics/x.html"
    site_url: str = "http://127.0.0.1:8000/"  # absolute addresses, for the feed

    def published(self, page: str) -> str:
        """Where MkDocs publishes a page's Markdown file, relative to the site root ("" for the home page)."""
        stem = page[: -len(".md")] if page.endswith(".md") else page
        if not page.endswith(".md"):
            return page  # a file copied as it is (feed.xml)
        if not self.directory_urls:
            return stem + ".html"
        return "" if stem == "index" else (stem[: -len("index")] if stem.endswith("/index") else stem + "/")

    def absolute(self, page: str) -> str:
        """The full published address of ``page``, as a feed reader needs it."""
        return self.site_url.rstrip("/") + "/" + self.published(page)

    def url(self, from_page: str, to_page: str) -> str:
        """The published address of ``to_page`` relative to ``from_page``, for raw HTML that MkDocs leaves alone."""
        base = self.published(from_page)
        folder = base if base.endswith("/") or base == "" else posixpath.dirname(base)
        target = self.published(to_page)
        return posixpath.relpath(target or ".", folder or ".") + ("/" if target.endswith("/") else "")


class PageStore(Protocol):
    """Where essay pages already made can be found again (the build passes one backed by its cache)."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, text: str) -> None: ...


def render_site(kb: KnowledgeBase, site: SiteInfo, store: PageStore | None = None,
                compiled_templates: Path | None = None) -> dict[str, str]:
    """Every generated page, keyed by its path under docs/.

    Essay pages found in ``store`` are not made again; the others are made on
    every core (they are most of the work of a first build). ``compiled_templates``:
    a folder where the page templates are kept compiled between builds.
    """
    env = _environment(compiled_templates)
    inline = InlineRenderer(build_glossary_matcher(kb.glossary), build_matcher(tuple(r.topic for r in kb.topics)))
    ctx = _Context(kb, inline, site, {r.topic.id: r.topic for r in kb.topics}, {r.essay.id: r.essay.title for r in kb.essays},
                   {r.essay.id: r.essay.short_title for r in kb.essays}, {(c.risk, c.strategy): c for c in kb.matrix},
                   {r.topic.id: r.evidence for r in kb.topics})
    pages: dict[str, str] = {}
    pages["index.md"] = env.get_template("home.md.j2").render(**ctx.home())
    for category in CATEGORIES:
        pages[SECTION_PAGES[category]] = env.get_template("section.md.j2").render(**ctx.section(category))
    for report in kb.topics:
        path = topic_path(report.topic.id)
        pages[path] = env.get_template("topic.md.j2").render(**ctx.topic(report, path))
    pages.update(essay_list_pages(kb, site, ctx, env, store))
    pages["glossary.md"] = env.get_template("glossary.md.j2").render(**ctx.glossary())
    pages["matrix.md"] = env.get_template("matrix.md.j2").render(**ctx.matrix())
    pages["map.md"] = env.get_template("map.md.j2").render(**ctx.map())
    pages["curator-report.md"] = env.get_template("curator-report.md.j2").render(**ctx.report())
    pages = {path: first_tooltips_only(text) for path, text in pages.items()}
    pages.update(essay_pages(kb, site, store, compiled_templates))
    pages["feed.xml"] = atom_feed(kb, site)
    return pages


def essay_pages(kb: KnowledgeBase, site: SiteInfo, store: PageStore | None,
                compiled_templates: Path | None) -> dict[str, str]:
    """path -> page of every essay: from the store, or made on every core (and stored)."""
    key_of = essay_page_inputs(kb, site)
    keys = [key_of(report) for report in kb.essays] if store else []
    found = [store.get(key) for key in keys] if store else [None] * len(kb.essays)
    titles = {r.essay.id: r.essay.title for r in kb.essays}
    missing = [i for i, text in enumerate(found) if text is None]
    jobs = [(kb.essays[i], {r.target: titles[r.target] for r in kb.essays[i].related}, keys[i] if store else None)
            for i in missing]
    # each worker stores the pages it makes: on this core, storing 3,000 pages took a second
    setup = (tuple(r.topic for r in kb.topics), kb.glossary, site, compiled_templates, store)
    for i, text in zip(missing, map_in_order(_render_essay_page, jobs, _EssayPageMaker, setup)):
        found[i] = text
    return {essay_path(report.essay.id): text for report, text in zip(kb.essays, found)}


class _EssayPageMaker:
    """What making one essay page needs, built once per worker: templates, matchers, topics."""

    def __init__(self, topics: tuple[Topic, ...], glossary: tuple[GlossaryTerm, ...], site: SiteInfo,
                 compiled_templates: Path | None, store: PageStore | None) -> None:
        self.template = _environment(compiled_templates).get_template("essay.md.j2")
        self.inline = InlineRenderer(build_glossary_matcher(glossary), build_matcher(topics))
        self.topics = {t.id: t for t in topics}
        self.site = site
        self.nothing = KnowledgeBase(essays=(), topics=(), glossary=glossary)
        self.store = store


def _render_essay_page(maker: _EssayPageMaker, job: tuple[EssayReport, dict[str, str], str | None]) -> str:
    report, related_titles, key = job
    ctx = _Context(maker.nothing, maker.inline, maker.site, maker.topics, related_titles, {}, {}, {})
    text = first_tooltips_only(maker.template.render(**ctx.essay(report, essay_path(report.essay.id))))
    if maker.store is not None and key is not None:
        maker.store.put(key, text)
    return text


def essay_list_pages(kb: KnowledgeBase, site: SiteInfo, ctx: "_Context", env: Environment,
                     store: PageStore | None) -> dict[str, str]:
    """path -> page of every list of essays; one whose essays and place are unchanged comes from ``store``.

    A list shows each essay's title, summary and dates, which its analysis hash
    stands for; one edited essay makes only its own list again (0.26 s of
    rendering at 3,000 essays when every list was made each build).
    """
    template = env.get_template("essays.md.j2")
    paths, chunks = essay_list_layout(kb.essays)
    shared = _shared_page_inputs(kb, site) if store else ""
    out = {}
    for number, (path, chunk) in enumerate(zip(paths, chunks), start=1):
        key = digest(shared, path, str(len(kb.essays)), *(r.essay.analysed_from or repr(r.essay) for r in chunk)) if store else ""
        text = store.get(key) if store else None
        if text is None:
            text = template.render(**ctx.essay_list(paths, number, chunk))
            if store:
                store.put(key, text)
        out[path] = text
    return out


def essay_list_layout(essays: tuple[EssayReport, ...]) -> tuple[list[str], list[tuple[EssayReport, ...]]]:
    """The lists of essays: their paths, and the essays on each."""
    chunks = [essays[i : i + ESSAYS_PER_PAGE] for i in range(0, len(essays), ESSAYS_PER_PAGE)] or [()]
    return ["essays/index.md"] + [f"essays/page-{n}.md" for n in range(2, len(chunks) + 1)], chunks


def _shared_page_inputs(kb: KnowledgeBase, site: SiteInfo) -> str:
    """What every page about essays reads besides the essays: the code and templates, the site, the glossary and topics."""
    return digest(code_version(), repr(site), repr(kb.glossary), repr(tuple(r.topic for r in kb.topics)))


def essay_page_inputs(kb: KnowledgeBase, site: SiteInfo) -> Callable[[Any], str]:
    """The key of an essay page: what ``_Context.essay`` reads, and the templates' and code's version.

    That is the essay's report, the topics and the glossary (links and
    tooltips in its text), the titles of the essays it relates to, and the site.
    Not the related essays' similarity scores, which the page does not show:
    one edited essay shifts the scores of many others.
    """
    shared = _shared_page_inputs(kb, site)
    titles = {r.essay.id: r.essay.title for r in kb.essays}

    def key(report: EssayReport) -> str:
        related = repr(tuple(replace(r, weight=0.0) for r in report.related))
        # the analysis hash stands for the essay and what is made from it alone (topic counts, key points)
        own = digest(report.essay.analysed_from, repr(report.announced)) if report.essay.analysed_from else \
            repr(replace(report, related=()))
        return digest(shared, own, related, *(titles[r.target] for r in report.related))
    return key


def _environment(compiled_templates: Path | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=FileSystemBytecodeCache(str(compiled_templates)) if compiled_templates else None,
        autoescape=False,  # Markdown, not HTML: _finalize escapes for Markdown instead
        finalize=_finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = escape_md
    env.filters["attr"] = escape_attr
    env.filters["sentence_case"] = lambda text: Markup(sentence_case(str(text))) if isinstance(text, Markup) else sentence_case(text)
    env.globals["front_matter"] = front_matter
    env.globals["link"] = link
    env.globals["LABEL_NAMES"] = LABEL_NAMES
    env.globals["SECTION_TITLES"] = SECTION_TITLES
    env.globals["QUOTE_VERBS"] = QUOTE_VERBS
    return env


_ABBR = re.compile(r'<abbr title="([^"]*)">(.*?)</abbr>')


def first_tooltips_only(page: str) -> str:
    """Keep a glossary tooltip on the first use of each term on a page only.

    A reader needs the explanation once; every tooltip costs the theme's
    script work on a phone (an essay page had some 85). Later uses keep the
    same text, without the markup.
    """
    seen: set[tuple[str, str]] = set()

    def keep_first(found: re.Match[str]) -> str:
        key = (found.group(1), found.group(2))
        if key in seen:
            return found.group(2)
        seen.add(key)
        return found.group(0)

    return _ABBR.sub(keep_first, page)


def definition_markdown(definition: str) -> Markup:
    """A glossary definition for its page: text escaped, an editor's web links as real links."""
    return Markup("").join(
        Markup(f"[{escape_md(text)}]({markdown_url(url)})") if url else escape_md(text)
        for text, url in definition_parts(definition)
    )


def glossary_anchors(terms: tuple[GlossaryTerm, ...]) -> dict[str, str]:
    """term -> its anchor on the glossary page: unique, never empty, readable where it can be."""
    return unique_slugs([t.term for t in terms], fallback="term")


def sentence_case(text: str) -> str:
    """Capitalise a sentence's first letter for display ("secondly, …" -> "Secondly, …").

    The translation of one essay lost its capitals after every broken tag;
    the stored text keeps them as they were.
    """
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1 :] if char.islower() else text
    return text


def cue_names(cues: tuple[str, ...]) -> str:
    return ", ".join(c.replace("*", "…") for c in cues)


def _kind_of(topic_ids: tuple[str, ...], topics: dict[str, Topic]) -> str:
    """'trends', 'strategies', 'risks', or 'topics' for a mixed list."""
    kinds = {topics[t].category for t in topic_ids}
    return SECTION_TITLES[kinds.pop()].lower() if len(kinds) == 1 else "topics"


def number_word(n: int) -> str:
    return ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")[n] if n <= 10 else str(n)


def reading_minutes(words: int) -> int:
    return max(1, round(words / WORDS_PER_MINUTE))


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def description(text: str, limit: int = 160) -> str:
    """A meta description: whole words, at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class _Context:
    """Turns the knowledge base into the values each template needs."""

    kb: KnowledgeBase
    inline: InlineRenderer
    site: SiteInfo
    topics_by_id: dict[str, Topic]  # built once: a page must not cost a pass over the collection
    essay_titles: dict[str, str]
    short_titles: dict[str, str]  # essay id -> the short title citations use
    cells: dict[tuple[str, str], MatrixCell]  # (risk id, strategy id) -> evidence that one answers the other
    evidence: dict[str, tuple[Evidence, ...]]  # topic id -> its evidence, best first

    def _announced(self) -> dict[str, str]:
        """Topic id -> "no. 2 of the six trends in Six trends for small firms" for the topics an essay announces."""
        marks = {}
        for report in self.kb.essays:
            kind = _kind_of(report.announced, self.topics_by_id) if report.announced else ""
            for number, topic_id in enumerate(report.announced, start=1):
                marks.setdefault(topic_id, Markup(f"no. {number} of the {number_word(len(report.announced))} {kind} in *{escape_md(report.essay.short_title)}*"))
        return marks

    def _topic_row(self, report: TopicReport, page: str, marks: dict[str, str]) -> dict[str, Any]:
        return {
            "title": report.topic.title,
            "url": link(page, topic_path(report.topic.id)),
            "summary": self.inline.text(report.topic.summary),
            # plain text: an overview of every topic needs no tooltips (each costs the theme script work on a phone)
            "one_line": escape_md(first_sentence(report.topic.summary)),
            "quotes": len(report.evidence),
            "essays": len(report.essays),
            "mark": marks.get(report.topic.id, ""),
        }

    def home(self) -> dict[str, Any]:
        marks = self._announced()
        sections = []
        for category in SECTION_ORDER:
            rows = [self._topic_row(r, "index.md", marks) for r in self.kb.topics if r.topic.category == category]
            sections.append({"title": SECTION_TITLES[category], "url": SECTION_PAGES[category], "rows": rows})
        return {
            "site": self.site,
            "sections": sections,
            "essay_count": len(self.kb.essays),
            "topic_count": len(self.kb.topics),
            "sentence_count": sum(len(r.essay.sentences) for r in self.kb.essays),
            "description": description(self.site.description),
        }

    def section(self, category: str) -> dict[str, Any]:
        page = SECTION_PAGES[category]
        marks = self._announced()
        rows = [self._topic_row(r, page, marks) for r in self.kb.topics if r.topic.category == category]
        return {
            "title": SECTION_TITLES[category],
            "category": category,
            "rows": rows,
            "description": description(f"{SECTION_TITLES[category]} in small and micro e-commerce: " + ", ".join(r["title"] for r in rows)),
        }

    def _quote(self, item: Evidence, page: str) -> dict[str, Any]:
        return {
            "text": self.inline.text(sentence_case(shorten(item.sentence.text, QUOTE_CHARS))),
            "url": link(page, essay_path(item.essay_id), item.anchor),
            "cite": Markup(f"{escape_md(self.short_titles.get(item.essay_id, item.essay_title))}, ¶{item.anchor[1:]}"),
            "verb": QUOTE_VERBS[item.sentence.label],
            "readings": self._readings(item.sentence),
            "id": item.sentence.id,
        }

    def _readings(self, sentence: Sentence) -> list[dict[str, str]]:
        """The editors' readings beside a quote; a reading of (nearly) the whole sentence does not repeat it."""
        return [{"phrase": self.inline.text(phrase) if len(phrase) < 0.6 * len(sentence.text) else "",
                 "reading": escape_md(reading)} for phrase, reading in sentence.readings]

    def answer_quote(self, risk_id: str, strategy_id: str, used: set[str]) -> Evidence | None:
        """Where an essay says it: a sentence recommending the strategy, best one from a paragraph about the risk.

        Clear, short sentences first: a garbled one, or one the editors had to
        read for the reader, is quoted only when nothing else says it.
        """
        cell = self.cells.get((risk_id, strategy_id))
        near = {e.sentence.id for e in cell.evidence} if cell is not None else set()
        candidates = [e for e in self.evidence.get(strategy_id, ())
                      if e.sentence.label == "strategy" and e.sentence.id not in used]
        candidates.sort(key=lambda e: (unclear(e.sentence), e.sentence.id not in near, len(e.sentence.topics), e.sentence.id))
        return candidates[0] if candidates else None

    def topic(self, report: TopicReport, page: str) -> dict[str, Any]:
        topics = self.topics_by_id
        topic = report.topic
        used: set[str] = set()  # each quote once per page

        def topic_ref(topic_id: str, reason: str = "") -> dict[str, str]:
            return {"title": escape_md(topics[topic_id].title), "url": link(page, topic_path(topic_id)),
                    "reason": self.inline.text(reason), "category": topics[topic_id].category}

        answers = []
        for strategy_id in topic.answered_by:
            ref = topic_ref(strategy_id, topic.answer_reason(strategy_id))
            quote = self.answer_quote(topic.id, strategy_id, used)
            if quote is not None:
                used.add(quote.sentence.id)
            ref["quote"] = self._quote(quote, page) if quote is not None else None
            answers.append(ref)
        answered = [topic_ref(r.topic.id, r.topic.answer_reason(topic.id)) for r in self.kb.topics if topic.id in r.topic.answered_by]
        featured = [e for e in report.highlights if e.sentence.id not in used]
        rest = [e for e in report.evidence if e not in featured and e.sentence.id not in used]
        evidence = (featured + rest)[:QUOTES_PER_TOPIC]
        shown = len(used) + len(evidence)
        marks = self._announced()
        return {
            "topic": topic,
            "title": topic.title,
            "description": description(topic.summary),
            "category_name": LABEL_NAMES[topic.category],
            "section_url": link(page, SECTION_PAGES[topic.category]),
            "section_title": SECTION_TITLES[topic.category],
            "mark": marks.get(topic.id, ""),
            "summary": self.inline.text(topic.summary),
            "names": Markup(", ").join(escape_md(s) for s in topic.names),
            "synonyms": escape_attr(", ".join(topic.synonyms)),  # inside raw HTML: HTML-escaped
            "quotes": [self._quote(e, page) for e in evidence],
            "more_quotes": max(0, len(report.evidence) - shown),
            "quote_count": len(report.evidence),
            "answers": answers,
            "answered": answered,
            "related": [topic_ref(r.target, r.reason) for r in report.related],
            "essays": [{"title": escape_md(self.essay_titles[e]), "url": link(page, essay_path(e)), "mentions": n}
                       for e, n in report.essays[:ESSAYS_PER_TOPIC]],
            "more_essays": max(0, len(report.essays) - ESSAYS_PER_TOPIC),
            "essay_count": len(report.essays),
        }

    def essay_list(self, paths: list[str], number: int, chunk: tuple[EssayReport, ...]) -> dict[str, Any]:
        path = paths[number - 1]
        return {
            "path": path,
            "number": number,
            "page_count": len(paths),
            "total": len(self.kb.essays),
            "previous": link(path, paths[number - 2]) if number > 1 else None,
            "next": link(path, paths[number]) if number < len(paths) else None,
            "essays": [{"title": escape_md(r.essay.title), "url": link(path, essay_path(r.essay.id)),
                        "summary": self.inline.text(description(r.essay.summary, 220)),
                        "date": r.essay.date, "words": r.essay.word_count,
                        "minutes": reading_minutes(r.essay.word_count), "updated": r.essay.updated} for r in chunk],
        }

    def essay(self, report, page: str) -> dict[str, Any]:
        topics = self.topics_by_id
        essay = report.essay
        titles = self.essay_titles
        return {
            "essay": essay,
            "title": essay.title,
            "description": description(essay.summary),
            "summary": self.inline.text(essay.summary),
            "key_points": [
                {"title": SECTION_TITLES[category], "points": [
                    {"text": self.inline.text(sentence_case(shorten(s.text, QUOTE_CHARS))), "anchor": s.id.rsplit("-s", 1)[0].rsplit("-", 1)[1],
                     "readings": self._readings(s)}
                    for s in sentences]}
                for category, sentences in report.key_points if sentences
            ],
            "announced": [{"title": escape_md(topics[t].title), "url": link(page, topic_path(t))} for t in report.announced],
            "announced_kind": _kind_of(report.announced, topics),
            "topics": [{"title": escape_md(topics[t].title), "url": link(page, topic_path(t)), "mentions": n,
                        "category": LABEL_NAMES[topics[t].category]} for t, n in report.topics],
            "paragraphs": self._paragraphs(essay, page),
            "readings": [{"phrase": self.inline.text(ph), "reading": escape_md(r)}
                         for s in essay.sentences for ph, r in s.readings],
            "related": [{"title": escape_md(titles[r.target]), "url": link(page, essay_path(r.target)),
                         "reason": escape_md(r.reason)} for r in report.related],
            "source": escape_md(essay.source),
            "source_note": self.inline.text(essay.source_note) if essay.source_note else None,
            "date": escape_md(essay.date) if essay.date else None,
            "updated": escape_attr(essay.updated) if essay.updated else None,  # an ISO date, also inside an attribute
            "minutes": reading_minutes(essay.word_count),
            "repairs": [escape_md(r) for r in essay.repairs],
        }

    def matrix(self) -> dict[str, Any]:
        """A card per risk: the strategies that answer it, each with the editors' reason and the essays' words."""
        page = "matrix.md"
        topics = self.topics_by_id
        used: set[str] = set()  # each quote once on the page
        cards = []
        for report in self.kb.topics:
            risk = report.topic
            if risk.category != "risk":
                continue
            answers = []
            for strategy_id in risk.answered_by:
                quote = self.answer_quote(risk.id, strategy_id, used)
                if quote is not None:
                    used.add(quote.sentence.id)
                answers.append({"title": escape_md(topics[strategy_id].title), "url": link(page, topic_path(strategy_id)),
                                "reason": self.inline.text(risk.answer_reason(strategy_id)),
                                "quote": self._quote(quote, page) if quote is not None else None})
            together = sorted({c.strategy for (r, _), c in self.cells.items() if r == risk.id and not c.curated},
                              key=lambda t: topics[t].order)
            cards.append({
                "title": escape_md(risk.title), "url": link(page, topic_path(risk.id)),
                "one_line": self.inline.text(first_sentence(risk.summary)), "answers": answers,
                "together": [{"title": escape_md(topics[t].title), "url": link(page, topic_path(t))} for t in together],
            })
        return {
            "cards": cards,
            "description": "For each risk to a small online shop, the strategies the essays and editors give as answers, and why.",
        }

    def _paragraphs(self, essay, page: str) -> list[dict[str, str]]:
        linked: set[str] = set()  # each topic is linked at its first mention in the essay only
        return [{"anchor": p.anchor, "number": p.anchor[1:],
                 "text": self.inline.linked(" ".join(sentence_case(s.text) for s in p.sentences), page, linked)}
                for p in essay.paragraphs]

    def map(self) -> dict[str, Any]:
        page = "map.md"
        topics = self.topics_by_id
        # raw HTML is not rewritten by MkDocs: these are the published addresses
        urls = {t: self.site.url(page, topic_path(t)) for t in topics}
        links = edges(self.kb)
        words = []
        for report in self.kb.topics:
            t = report.topic
            answers = [topics[e.b] for e in links if e.kind == "answers" and e.a == t.id]
            related = [topics[e.b if e.a == t.id else e.a] for e in links if e.kind == "related" and t.id in (e.a, e.b)]
            words.append({
                "title": escape_md(t.title), "url": link(page, topic_path(t.id)), "category": LABEL_NAMES[t.category],
                "answers": [{"title": escape_md(x.title), "url": link(page, topic_path(x.id))} for x in answers],
                "related": [{"title": escape_md(x.title), "url": link(page, topic_path(x.id))} for x in related],
            })
        return {"svg": Markup(topic_map_svg(self.kb, urls)), "words": words,
                "description": "A map of the trends, risks and strategies and how they connect."}

    def report(self) -> dict[str, Any]:
        page = "curator-report.md"
        report = curator_report(self.kb)
        topics = self.topics_by_id
        titles = self.essay_titles
        return {
            "r": report,
            "unmatched": [{"text": self.inline.text(shorten(u.sentence.text, QUOTE_CHARS)), "essay": escape_md(titles[u.essay_id]),
                           "paragraph": u.anchor[1:], "url": link(page, essay_path(u.essay_id), u.anchor),
                           "label": u.sentence.label} for u in report.unmatched],
            "phrases": [(escape_md(p), n) for p, n in report.candidate_phrases],
            "thin": [{"title": escape_md(topics[t].title), "url": link(page, topic_path(t)), "count": n}
                     for t, n in report.thin_topics],
            "bare": [{"title": escape_md(titles[e]), "url": link(page, essay_path(e))} for e in report.essays_without_metadata],
        }

    def glossary(self) -> dict[str, Any]:
        anchors = glossary_anchors(self.kb.glossary)
        terms = [{"term": escape_md(t.term), "anchor": anchors[t.term],
                  "variants": Markup(", ").join(Markup(f"“{escape_md(v)}”") for v in t.variants),
                  "definition": definition_markdown(t.definition), "normalise": t.normalise} for t in self.kb.glossary]
        return {"terms": terms, "description": "Terms used in the essays, explained: machine-translated phrases, slang and abbreviations."}
