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
