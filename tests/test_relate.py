"""Relations between essays and topics, with the reasons shown."""

from __future__ import annotations

from collections import Counter

from kb.models import Essay, Paragraph, Sentence, Topic
from kb.relate import cooccurrence, essay_relations, topic_relations


def essay(eid: str, *paragraphs: tuple[str, tuple[str, ...]]) -> Essay:
    paras = tuple(
        Paragraph(f"{eid}-p{i}", f"p{i}", (Sentence(f"{eid}-p{i}-s1", text, "context", (), topics),))
        for i, (text, topics) in enumerate(paragraphs, start=1)
    )
    return Essay(eid, f"{eid}.txt", eid.upper(), False, None, None, "s", False, paras, "utf-8", 10)


A = essay("a", ("Live streaming sellers grow fan pools with short video.", ("live", "fans")), ("Price wars crush small sellers.", ("price",)))
B = essay("b", ("Short video and live streaming help sellers grow fan pools.", ("live", "fans")))
C = essay("c", ("Central banks raised interest rates in Europe.", ()))
TITLES = {"live": "Live streaming", "fans": "Fan pool", "price": "Price war"}


def test_essays_sharing_topics_and_words_are_related_with_the_reason() -> None:
    related = essay_relations((A, B, C), TITLES)
    assert [r.target for r in related["a"]][:1] == ["b"]
    assert related["a"][0].reason.startswith("shares 2 topics: Fan pool, Live streaming")
    assert "c" not in [r.target for r in related["a"]]
    assert related["c"] == ()


def test_topics_mentioned_together_are_related() -> None:
    together = cooccurrence((A, B))
    assert together == Counter({("fans", "live"): 2})
    topics = tuple(Topic(t, TITLES[t], "trend", (t,), "s") for t in sorted(TITLES))
    relations = topic_relations(topics, together)
    assert [(r.target, r.reason) for r in relations["live"]] == [("fans", "mentioned together in 2 paragraphs")]
    assert relations["price"] == ()


def test_words_and_phrases_counted_at_analysis_give_what_counting_the_text_gives(tmp_path) -> None:
    # Analysis counts each essay's words and phrases once (EssayTerms, cached with the essay);
    # the relations and the report's candidate phrases must be what counting the text gives.
    import shutil
    from dataclasses import replace

    import pytest
    from conftest import SEEDS, SHARED
    from kb.clean import clean
    from kb.errors import SeedError
    from kb.pipeline import build_knowledge_base
    from kb.relate import _tokens
    from kb.report import _WORD, _inner_grams, candidate_phrases

    corpus = sorted((SHARED / "corpus" / "wikinews-economy" / "articles").glob("*.txt"))[:150]
    if not corpus:
        pytest.skip("needs ../shared/corpus")
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    for path in corpus:
        try:
            clean(path.read_bytes(), path.name)
        except SeedError:
            continue  # empty once its markup is gone: refused, as bench_scale.py skips it
        shutil.copy2(path, seeds / path.name)
    kb = build_knowledge_base(seeds)
    counted = tuple(r.essay for r in kb.essays)
    assert len(counted) > 100
    for e in counted:  # what was stored is what the whole text holds, sentence by sentence
        assert e.terms and Counter(e.terms.words.split()) == Counter(_tokens(" ".join(s.text for s in e.sentences)))
        phrases = Counter(g for s in e.sentences for g in _inner_grams(_WORD.findall(s.text.lower())))
        assert Counter(filter(None, e.terms.phrases.split("\n"))) == phrases
    bare = tuple(replace(e, terms=None) for e in counted)
    titles = {r.topic.id: r.topic.title for r in kb.topics}
    topics = tuple(r.topic for r in kb.topics)
    related = essay_relations(counted, titles)
    assert related == essay_relations(bare, titles)
    assert sum(len(r) for r in related.values()) > 300
    phrases = candidate_phrases(counted, topics)
    assert phrases == candidate_phrases(bare, topics) and len(phrases) == 50


def test_the_strongest_are_the_largest_weights_with_names_breaking_ties() -> None:
    import heapq
    import random

    from kb.relate import _strongest

    rng = random.Random(7)
    for _ in range(2000):
        n, k = rng.randint(0, 40), rng.randint(1, 8)
        # few distinct weights, so that ties at the k-th place are common
        weights = {f"e{rng.randint(0, 999)}": rng.choice([0.1, 0.2, 0.25, 0.5, rng.random()]) for _ in range(n)}
        expected = heapq.nsmallest(k, weights.items(), key=lambda item: (-item[1], item[0]))
        assert _strongest(weights, k) == expected, (weights, k)
