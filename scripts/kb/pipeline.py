"""The whole flow, top to bottom: seeds folder in, knowledge base out.

    load -> ingest (clean, split) -> analyse (label, match, summarise) -> relate

Each stage is timed; the timings travel with the result so a build can say
where its time went. Ingest and analysis are per essay: they run on every
core, and with a cache an unchanged essay is not analysed again.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from . import load
from .cache import Cache, code_version, digest
from .clean import clean, repairs_made
from .errors import SeedError
from .glossary import GlossaryMatcher, build_glossary_matcher
from .labels import Labeller, build_labeller
from .parallel import in_background, map_in_order
from .models import (
    CATEGORIES,
    CleanText,
    Curation,
    Essay,
    EssayMeta,
    EssayTerms,
    EssayReport,
    Evidence,
    MatrixCell,
    KnowledgeBase,
    Paragraph,
    Sentence,
    SeedFile,
    Topic,
    TopicReport,
)
from .report import candidate_phrases, sentence_phrases
from .relate import cooccurrence, essay_words, essay_relations, risk_strategy_matrix, topic_relations
from .sentences import split_sentences
from .slugs import slugify as make_slug
from .summarise import shorten, essay_summary, highlights, rank_evidence, word_count
from .topics import TopicMatcher, build_matcher

KEY_POINTS_PER_CATEGORY = 5
TITLE_WORDS = 12
TITLE_CHARS = 90


@dataclass
class Timer:
    """Wall time per stage, in the order the stages ran."""

    stages: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.stages.append((name, round(time.perf_counter() - start, 4)))


@dataclass(frozen=True)
class Analysers:
    """The matchers built once per build from the curated YAML."""

    labeller: Labeller
    topics: TopicMatcher
    glossary: GlossaryMatcher
    overrides: dict[str, str]


def build_knowledge_base(seeds_dir: Path, use_overrides: bool = True, cache: Cache | None = None) -> KnowledgeBase:
    timer = Timer()
    with timer("load"):
        files = load.find_essays(seeds_dir)
        ids = _essay_ids(seeds_dir, files)
        curation = load.load_curation(seeds_dir, {load.essay_stem(f.name) for f in files})
    with timer("ingest+analyse"):
        essays = analyse_essays(files, ids, curation, use_overrides, cache)
    with timer("relate"):
        kb = relate_all(essays, curation)
    return replace(kb, timings=tuple(timer.stages), warnings=curation.warnings)


def _essay_ids(seeds_dir: Path, files: tuple[SeedFile, ...]) -> list[str]:
    ids: dict[str, str] = {}
    for f in files:
        essay_id = slugify(load.essay_stem(f.name))
        if essay_id in ids:
            raise SeedError(seeds_dir / f.name, f"has the same name as {ids[essay_id]} once made into a page address ('{essay_id}')",
                            fix="rename one of the two files")
        ids[essay_id] = f.name
    return list(ids)


def slugify(text: str) -> str:
    return make_slug(text, fallback="essay")


def build_analysers(curation: Curation, use_overrides: bool = True) -> Analysers:
    return Analysers(
        labeller=build_labeller(curation.cues, curation.threshold),
        topics=build_matcher(curation.topics),
        glossary=build_glossary_matcher(curation.glossary),
        overrides=dict(curation.overrides) if use_overrides else {},
    )


# --- analyse every essay: cached, on every core ------------------------------------


def analyse_essays(files: tuple[SeedFile, ...], ids: list[str], curation: Curation, use_overrides: bool,
                   cache: Cache | None) -> tuple[Essay, ...]:
    """Each essay cleaned and analysed, in file order; unchanged essays come from the cache."""
    jobs = [(f, essay_id, curation.meta_for(load.essay_stem(f.name))) for f, essay_id in zip(files, ids)]
    if cache is None:
        return tuple(map_in_order(_ingest_and_analyse, [(*job, None) for job in jobs], _analyser, (curation, use_overrides, None)))
    shared = analysis_inputs(curation, use_overrides)
    keys = [digest(shared, f.name, essay_id, repr(meta), f.raw) for f, essay_id, meta in jobs]
    found = cache.get_many("essays", keys)
    missing = [i for i, essay in enumerate(found) if essay is None]
    # each worker stores the essays it analyses: on this core, storing 3,000 took about a second
    fresh = map_in_order(_ingest_and_analyse, [(*jobs[i], keys[i]) for i in missing], _analyser, (curation, use_overrides, cache))
    for i, essay in zip(missing, fresh):
        found[i] = essay
    return tuple(found)


def analysis_inputs(curation: Curation, use_overrides: bool) -> str:
    """The hash of all an essay's analysis depends on besides its own file and metadata.

    That is the code, and the curated data the analysers are built from:
    cues and their threshold, topics, and label overrides (see
    ``analyse_sentence``). The glossary is not among them: it matters only
    when pages are rendered, so editing it keeps every analysis cached.
    """
    overrides = curation.overrides if use_overrides else ()
    return digest(code_version(), repr(curation.cues), repr(curation.threshold), repr(curation.topics), repr(overrides))


def _analyser(curation: Curation, use_overrides: bool, cache: Cache | None) -> tuple[Analysers, Cache | None]:
    """A worker's state: the matchers, and the cache it stores each essay in."""
    return build_analysers(curation, use_overrides), cache


def _ingest_and_analyse(state: tuple[Analysers, Cache | None], job: tuple[SeedFile, str, EssayMeta | None, str | None]) -> Essay:
    (analysers, cache), (file, essay_id, meta, key) = state, job
    essay = replace(analyse_essay(file, essay_id, clean(file.raw, file.name), meta, analysers), analysed_from=key)
    if cache is not None and key is not None:
        cache.put("essays", key, essay)
    return essay


# --- analyse one essay ------------------------------------------------------------


def analyse_sentence(sentence_id: str, text: str, analysers: Analysers) -> Sentence:
    override = analysers.overrides.get(" ".join(text.split()))
    if override is not None:
        label, cues, score = override, ("curated label",), 10.0
    else:
        decision = analysers.labeller.label(text)
        label, cues, score = decision.label, decision.cues, decision.score
    return Sentence(
        id=sentence_id, text=text, label=label, cues=cues, topics=analysers.topics.topics_in(text), score=score  # type: ignore[arg-type]
    )


def analyse_essay(file: SeedFile, essay_id: str, text: CleanText, meta: EssayMeta | None, analysers: Analysers) -> Essay:
    meta = meta or EssayMeta()
    paragraphs = []
    for p, paragraph in enumerate(text.paragraphs, start=1):
        sentences = tuple(
            with_readings(analyse_sentence(f"{essay_id}-p{p}-s{s}", sentence, analysers), meta.readings)
            for s, sentence in enumerate(split_sentences(paragraph), start=1)
        )
        if sentences:
            paragraphs.append(Paragraph(id=f"{essay_id}-p{p}", anchor=f"p{p}", sentences=sentences))
    all_sentences = tuple(s for p in paragraphs for s in p.sentences)
    _check_readings(file.name, meta.readings, all_sentences)
    title = meta.title or (shorten(text.title, TITLE_CHARS) if text.title else None) or derive_title(all_sentences, file.name)
    essay = Essay(
        id=essay_id,
        source=file.name,
        title=title,
        title_is_curated=bool(meta.title),
        date=meta.date,
        source_note=meta.source,
        summary=meta.summary or essay_summary(all_sentences),
        summary_is_curated=bool(meta.summary),
        paragraphs=tuple(paragraphs),
        encoding=text.encoding,
        word_count=sum(word_count(s.text) for s in all_sentences),
        short_title=meta.short_title or title,
        updated=meta.updated,
        repairs=repairs_made(text),
    )
    return replace(essay, terms=EssayTerms(words=essay_words(essay), phrases=sentence_phrases(essay)))


def with_readings(sentence: Sentence, readings: tuple[tuple[str, str], ...]) -> Sentence:
    """The editors' readings of phrases this sentence contains travel with it to every page that quotes it."""
    found = tuple((phrase, reading) for phrase, reading in readings if phrase in " ".join(sentence.text.split()))
    return replace(sentence, readings=found) if found else sentence


def _check_readings(file_name: str, readings: tuple[tuple[str, str], ...], sentences: tuple[Sentence, ...]) -> None:
    used = {phrase for s in sentences for phrase, _ in s.readings}
    for phrase, _ in readings:
        if phrase not in used:
            raise SeedError(Path(load.ESSAYS_FILE), f"essay '{load.essay_stem(file_name)}': the reading for “{phrase}” matches no sentence of the essay",
                            fix="copy the phrase exactly as the essay writes it, within one sentence")


def derive_title(sentences: tuple[Sentence, ...], file_name: str) -> str:
    """No title anywhere: the first sentence, shortened at a word boundary."""
    if not sentences:
        return shorten(load.essay_stem(file_name), TITLE_CHARS)
    words = sentences[0].text.rstrip(".!?;:").split()
    title = " ".join(words) if len(words) <= TITLE_WORDS else " ".join(words[:TITLE_WORDS]) + " …"
    return shorten(title, TITLE_CHARS)


# --- relate the whole collection -------------------------------------------------------


def relate_all(essays: tuple[Essay, ...], curation: Curation) -> KnowledgeBase:
    """Everything that looks across essays.

    The essay-to-essay relations, the largest part, are computed on the other
    core while this one relates the topics and reports on each essay.
    """
    topics = curation.topics
    with in_background(essay_relations, essays, {t.id: t.title for t in topics}) as relations:
        topic_reports, matrix = _topic_reports(topics, essays)
        announces = {load.essay_stem(e.source): m.announces for e in essays if (m := curation.meta_for(load.essay_stem(e.source)))}
        per_essay = [(_count_topics(e), key_points(e), announces.get(load.essay_stem(e.source)) or announced_topics(e, topics))
                     for e in essays]
        phrases = candidate_phrases(essays, topics)
        essay_links = relations.result()
    essay_reports = tuple(
        EssayReport(essay=e, topics=counts, key_points=points, related=essay_links[e.id], announced=announced)
        for e, (counts, points, announced) in zip(essays, per_essay)
    )
    return KnowledgeBase(essays=essay_reports, topics=topic_reports, glossary=curation.glossary, matrix=matrix,
                         candidate_phrases=phrases)


def _topic_reports(topics: tuple[Topic, ...], essays: tuple[Essay, ...]) -> tuple[tuple[TopicReport, ...], tuple[MatrixCell, ...]]:
    """Each topic's ranked evidence and related topics, and the risk-strategy matrix."""
    evidence = gather_evidence(essays, topics)
    ranked = {t.id: rank_evidence(t, evidence.get(t.id, [])) for t in topics}
    topic_links = topic_relations(topics, cooccurrence(essays))
    reports = tuple(
        TopicReport(
            topic=t,
            evidence=tuple(ranked[t.id]),
            highlights=highlights(ranked[t.id]),
            essays=_count_by_essay(ranked[t.id]),
            related=topic_links[t.id],
        )
        for t in sorted(topics, key=lambda t: (CATEGORIES.index(t.category), t.order, t.title.lower()))
    )
    return reports, risk_strategy_matrix(topics, ranked)


def gather_evidence(essays: tuple[Essay, ...], topics: tuple[Topic, ...]) -> dict[str, list[Evidence]]:
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for essay in essays:
        for paragraph in essay.paragraphs:
            for sentence in paragraph.sentences:
                for topic_id in sentence.topics:
                    evidence[topic_id].append(Evidence(sentence, essay.id, essay.title, paragraph.anchor))
    return evidence


def _count_by_essay(evidence: list[Evidence]) -> tuple[tuple[str, int], ...]:
    counts = Counter(e.essay_id for e in evidence)
    return tuple(sorted(counts.items(), key=lambda x: (-x[1], x[0])))


def _count_topics(essay: Essay) -> tuple[tuple[str, int], ...]:
    counts = Counter(t for s in essay.sentences for t in s.topics)
    return tuple(sorted(counts.items(), key=lambda x: (-x[1], x[0])))


def key_points(essay: Essay) -> tuple[tuple[str, tuple[Sentence, ...]], ...]:
    """The essay's clearest trend, strategy and risk statements, in essay order."""
    out = []
    for category in CATEGORIES:
        candidates = [s for s in essay.sentences if s.label == category and not s.garbled]
        best = sorted(candidates, key=lambda s: (-(s.score + 0.5 * len(s.topics)), s.id))[:KEY_POINTS_PER_CATEGORY]
        order = {s.id: i for i, s in enumerate(essay.sentences)}
        out.append((category, tuple(sorted(best, key=lambda s: order[s.id]))))
    return tuple(out)


_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_ANNOUNCE = re.compile(
    r"(?i)\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?:\w+\s+)?(?P<kind>trends|strategies|risks)\b"
)
_KIND = {"trends": "trend", "strategies": "strategy", "risks": "risk"}


def announced_topics(essay: Essay, topics: tuple[Topic, ...]) -> tuple[str, ...]:
    """An essay that announces "six major trends" gets those trends listed.

    The announcement is looked for in the title and first paragraph; the
    items are the topics of that kind the essay mentions, in order of first
    mention, as many as announced.
    """
    head = essay.title + " " + (essay.paragraphs[0].text if essay.paragraphs else "")
    match = _ANNOUNCE.search(head)
    if not match:
        return ()
    n = _NUMBERS.get(match.group("n").lower()) or int(match.group("n"))
    kind = _KIND[match.group("kind").lower()]
    category = {t.id: t.category for t in topics}
    seen: list[str] = []
    for sentence in essay.sentences:
        for topic_id in sentence.topics:
            if category.get(topic_id) == kind and topic_id not in seen:
                seen.append(topic_id)
    return tuple(seen[:n])
