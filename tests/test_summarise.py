"""Summaries: garbled and duplicate sentences avoided, 80 words at most."""

from __future__ import annotations

from kb.models import Sentence
from kb.summarise import essay_summary, is_garbled, near_duplicate, word_count


def s(i: int, text: str, label: str = "context", score: float = 0.0, topics: tuple[str, ...] = ()) -> Sentence:
    return Sentence(id=f"e-p1-s{i}", text=text, label=label, cues=(), topics=topics, score=score)  # type: ignore[arg-type]


def test_garbled_repetitions_are_detected_but_idioms_are_not() -> None:
    assert is_garbled("At the same time, “e-commerce” and “e-commerce” can activate the content of e-commerce.")
    assert is_garbled("Community e-commerce, social e-commerce and social e-commerce are replaced.")
    assert not is_garbled("The platform is becoming more and more perfect.")
    assert not is_garbled("Living space may become narrower and narrower.")


def test_near_duplicates() -> None:
    assert near_duplicate("Small sellers must expand their scale quickly.", "Small sellers must quickly expand their scale.")
    assert not near_duplicate("Small sellers must expand quickly.", "Live broadcast changes content output.")


def test_summary_takes_one_of_each_label_in_order_within_80_words() -> None:
    sentences = (
        s(1, "Some background about the market that is long enough to count here.", "context"),
        s(2, "Large sellers will crush small sellers on price in every link.", "risk", 3),
        s(3, "Live broadcast is becoming the main way that goods are sold now.", "trend", 2),
        s(4, "“e-commerce” and “e-commerce” can activate the content of e-commerce today.", "trend", 9),
        s(5, "Sellers should build a brand and expand the product line quickly.", "strategy", 2),
    )
    summary = essay_summary(sentences)
    assert summary == " ".join(x.text for x in (sentences[1], sentences[2], sentences[4]))
    assert word_count(summary) <= 80


def test_summary_without_labels_uses_the_lead() -> None:
    sentences = (s(1, "The company reported results for the third quarter on Monday in Paris."), s(2, "Other things happened later."))
    assert essay_summary(sentences) == sentences[0].text


def test_cut_quotations_are_not_used_and_the_lead_fills_in() -> None:
    sentences = (
        s(1, "The agency said on Monday that the housing waiting list had grown again."),
        s(2, 'That speaks volumes about the urgency." "National wants a tougher line taken," he said.', "strategy", 5),
        s(3, "Prices for state homes are expected to rise further next year in the capital.", "trend", 2),
    )
    assert essay_summary(sentences) == sentences[0].text + " " + sentences[2].text
