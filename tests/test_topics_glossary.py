"""Topic mentions and glossary terms found in text."""

from __future__ import annotations

from kb.glossary import build_glossary_matcher
from kb.models import GlossaryTerm, Topic
from kb.topics import build_matcher, phrase_pattern


def topic(id: str, *synonyms: str) -> Topic:
    return Topic(id=id, title=id, category="trend", synonyms=synonyms, summary="s")


def test_longest_phrase_wins_and_plurals_match() -> None:
    matcher = build_matcher((topic("social", "social e-commerce"), topic("ecom", "e-commerce"), topic("live", "live broadcast")))
    text = "Social e-commerce grows; e-commerce too; live broadcasts everywhere."
    mentions = matcher.mentions(text)
    assert [(text[m.start:m.end], m.topic_ids) for m in mentions] == [
        ("Social e-commerce", ("social",)), ("e-commerce", ("ecom",)), ("live broadcasts", ("live",))]
    assert matcher.topics_in(text) == ("ecom", "live", "social")


def test_whole_words_only_and_hyphen_space_equivalent() -> None:
    matcher = build_matcher((topic("ai", "AI"), topic("ecom", "e commerce")))
    assert matcher.topics_in("The chain said so.") == ()
    assert matcher.topics_in("Use AI in e-commerce.") == ("ai", "ecom")


def test_a_synonym_with_an_apostrophe_matches_either_apostrophe() -> None:
    matcher = build_matcher((topic("women", "women's shops"), topic("dont", "don’t settle")))
    assert matcher.topics_in("Many women's shops; women’s shops too.") == ("women",)
    assert matcher.topics_in("Don't settle, they said.") == ("dont",)
    assert phrase_pattern("don't") == "don['’]t"


def test_glossary_normalises_and_keeps_the_original() -> None:
    terms = (GlossaryTerm("5G", "Fifth-generation mobile networks.", ("5g",), True),
             GlossaryTerm("we media", "Self-media.", (), False))
    matcher = build_glossary_matcher(terms)
    uses = matcher.uses("With 5g, we media grew; a 5gx is not it.")
    assert [(u.original, u.shown) for u in uses] == [("5g", "5G"), ("we media", "we media")]
