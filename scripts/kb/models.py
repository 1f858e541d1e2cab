"""The data model: what each stage takes and returns.

Everything is a frozen dataclass holding tuples, so a stage cannot change
what an earlier stage made and the same input always gives the same output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .garble import is_garbled

Label = Literal["trend", "strategy", "risk", "context"]
Category = Literal["trend", "strategy", "risk"]

LABELS: tuple[Label, ...] = ("trend", "strategy", "risk", "context")
CATEGORIES: tuple[Category, ...] = ("trend", "strategy", "risk")


# --- seeds: what an editor puts in seeds/ ----------------------------------


@dataclass(frozen=True)
class SeedFile:
    """An essay file as found in ``seeds/``."""

    name: str  # file name inside seeds/, e.g. "000_b324af7ecf30e8c5.txt"
    raw: bytes  # the exact bytes, kept so the original is always recoverable


@dataclass(frozen=True)
class EssayMeta:
    """What an editor wrote about one essay in ``seeds/essays.yml`` (all optional)."""

    title: str | None = None
    date: str | None = None  # approximate, free text: "2017", "around 2020"
    source: str | None = None  # where the essay came from
    summary: str | None = None  # a curated summary replaces the automatic one
    announces: tuple[str, ...] = ()  # topic ids of the items an essay announces ("six major trends")
    short_title: str | None = None  # for citations: "Six trends, ¶4"
    updated: str | None = None  # ISO date the editors last changed the essay's entry: the feed's date
    readings: tuple[tuple[str, str], ...] = ()  # (phrase as the essay writes it, the editors' plain-English reading)


@dataclass(frozen=True)
class Topic:
    """A trend, strategy or risk from ``seeds/topics.yml``."""

    id: str  # slug, also the page's file name: "live-streaming"
    title: str
    category: Category
    synonyms: tuple[str, ...]  # words and phrases that mark a mention
    summary: str  # curated, 2-4 sentences
    related: tuple[str, ...] = ()  # topic ids
    answered_by: tuple[str, ...] = ()  # for risks: ids of strategies that answer it
    also_match: tuple[str, ...] = ()  # regular expressions for mentions a phrase cannot express
    names: tuple[str, ...] = ()  # other names readers know it by, shown as "also called" (synonyms only match)
    answer_reasons: tuple[tuple[str, str], ...] = ()  # risks: (strategy id, why it answers the risk)
    order: int = 0  # the editors' order of importance within the category: its place in topics.yml

    def answer_reason(self, strategy_id: str) -> str:
        return dict(self.answer_reasons).get(strategy_id, "")


@dataclass(frozen=True)
class GlossaryTerm:
    """A term from ``seeds/glossary.yml``, explained on hover site-wide."""

    term: str  # how the site writes it: "KA store"
    definition: str  # the explanation shown on hover and on the glossary page
    variants: tuple[str, ...] = ()  # how the essays write it: "Ka store", "Ka stores"
    normalise: bool = False  # show ``term`` in place of a variant (the original stays on hover)


@dataclass(frozen=True)
class SearchWords:
    """``seeds/search.yml``: the words readers type, used by the search box only."""

    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (topic id, words readers use for it), sorted by id
    ignore: tuple[str, ...] = ()  # words that only make a question: "how", "should", "my"

    def words_for(self, topic_id: str) -> tuple[str, ...]:
        return dict(self.topics).get(topic_id, ())


@dataclass(frozen=True)
class Cue:
    """One entry of the cue lexicon in ``seeds/cues.yml``."""

    label: Label
    pattern: str  # a regular expression matched case-insensitively on word boundaries
    weight: float
    name: str  # what the page shows as the reason: usually the phrase itself


@dataclass(frozen=True)
class Curation:
    """All curated knowledge, validated, as loaded from the YAML files."""

    topics: tuple[Topic, ...]
    glossary: tuple[GlossaryTerm, ...]
    cues: tuple[Cue, ...]
    essays: tuple[tuple[str, EssayMeta], ...]  # (file stem, metadata), sorted
    overrides: tuple[tuple[str, Label], ...] = ()  # (sentence text, label): curation only
    threshold: float = 1.0  # minimum cue score for a non-context label
    warnings: tuple[str, ...] = ()  # problems worth fixing that do not stop a build by themselves

    def meta_for(self, stem: str) -> EssayMeta | None:
        return dict(self.essays).get(stem)


# --- ingest: text the analysis works on --------------------------------------


@dataclass(frozen=True)
class CleanText:
    """One essay after decoding and cleaning, before any analysis."""

    title: str | None  # a title found in the text itself, if any
    paragraphs: tuple[str, ...]  # cleaned paragraphs, in order, none empty
    encoding: str  # the encoding the bytes were decoded with
    text: str  # the decoded text before cleaning (fixed for mojibake only)


# --- analysis -----------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """A sentence with its label and the reasons for it."""

    id: str  # "<essay id>-p<n>-s<m>", unique in the knowledge base
    text: str  # as in the cleaned essay (the original wording)
    label: Label
    cues: tuple[str, ...]  # names of the cues that decided the label
    topics: tuple[str, ...]  # ids of the topics it mentions, sorted
    score: float = 0.0  # strength of the winning label
    readings: tuple[tuple[str, str], ...] = ()  # editors' plain-English readings of garbled phrases in it
    # whether it reads as garbled (kb.garble): decided once, as the sentence is made, and
    # cached with it, since every build's quote choices on every page ask again
    garbled: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "garbled", is_garbled(self.text))


@dataclass(frozen=True)
class Paragraph:
    id: str  # "<essay id>-p<n>"
    anchor: str  # "p<n>": the HTML id on the essay page
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class EssayTerms:
    """What the steps that look across essays count in one essay, counted once as it is analysed.

    Analysis is cached per essay, so a build that changes one essay counts one
    essay's words, not the collection's.
    """

    # Each one string: 1,000 cached essays loaded in 0.05 s so, 0.18 s with tuples of strings.
    words: str  # kb.relate: its words but function words, in text order, space-separated
    phrases: str  # kb.report: each sentence's two- and three-word phrases, once per sentence, a line each


@dataclass(frozen=True)
class Essay:
    id: str  # slug of the file stem: stable across edits of the title
    source: str  # file name in seeds/
    title: str
    title_is_curated: bool
    date: str | None
    source_note: str | None
    summary: str
    summary_is_curated: bool
    paragraphs: tuple[Paragraph, ...]
    encoding: str
    word_count: int
    short_title: str = ""  # for citations; the title when the editors gave none
    updated: str | None = None  # ISO date from essays.yml: the feed's and the page's "last updated"
    repairs: tuple[str, ...] = ()  # what cleaning changed, in words for the reader
    # derived from the text, so left out of repr (the essay page's cache key) and of comparisons
    terms: EssayTerms | None = field(default=None, repr=False, compare=False)
    # the hash of all the analysis read (kb.pipeline.analysis_inputs, the file, its metadata):
    # equal hashes, equal essays, so the essay page's cache key needs no repr of the whole essay
    analysed_from: str | None = field(default=None, repr=False, compare=False)

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for p in self.paragraphs for s in p.sentences)


@dataclass(frozen=True)
class Evidence:
    """A sentence quoted as evidence, with where it lives."""

    sentence: Sentence
    essay_id: str
    essay_title: str
    anchor: str  # paragraph anchor on the essay page


@dataclass(frozen=True)
class Relation:
    """A link to another topic or essay, and why it is there."""

    target: str  # topic id or essay id
    reason: str  # "shares 3 topics: a, b, c"
    weight: float = 0.0


@dataclass(frozen=True)
class TopicReport:
    """Everything the site says about one topic."""

    topic: Topic
    evidence: tuple[Evidence, ...]  # every mention, best first
    highlights: tuple[Evidence, ...]  # the 2-3 most representative
    essays: tuple[tuple[str, int], ...]  # (essay id, mentions), most first
    related: tuple[Relation, ...]


@dataclass(frozen=True)
class EssayReport:
    essay: Essay
    topics: tuple[tuple[str, int], ...]  # (topic id, mentions), most first
    key_points: tuple[tuple[Category, tuple[Sentence, ...]], ...]
    related: tuple[Relation, ...]
    announced: tuple[str, ...] = ()  # items an essay announces, e.g. its "six major trends"


@dataclass(frozen=True)
class MatrixCell:
    """Evidence that a strategy answers a risk."""

    risk: str
    strategy: str
    curated: bool  # the risk lists the strategy in ``answered_by``
    evidence: tuple[Evidence, ...]  # sentences that mention both, or the same paragraph


@dataclass(frozen=True)
class KnowledgeBase:
    essays: tuple[EssayReport, ...]  # sorted by essay id
    topics: tuple[TopicReport, ...]  # by category, then in the editors' order of importance
    glossary: tuple[GlossaryTerm, ...]
    matrix: tuple[MatrixCell, ...] = ()
    # for the curator's report: frequent phrases no topic covers (None: not counted yet)
    candidate_phrases: tuple[tuple[str, int], ...] | None = None
    timings: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    warnings: tuple[str, ...] = ()  # from the curated YAML: the build log shows them

    def topic(self, topic_id: str) -> TopicReport:
        for report in self.topics:
            if report.topic.id == topic_id:
                return report
        raise KeyError(topic_id)
