"""Sentence labels from the cue lexicon."""

from __future__ import annotations

import re

import pytest
import yaml

from kb import labels as kb_labels
from kb.labels import build_labeller
from kb.load import load_cues
from kb.models import Cue
from conftest import ROOT, SEEDS


def cue(label: str, phrase: str, weight: float) -> Cue:
    from kb.load import cue_pattern

    return Cue(label=label, pattern=cue_pattern(phrase), weight=weight, name=phrase)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def real():
    cues, threshold = load_cues(SEEDS / "cues.yml")
    return build_labeller(cues, threshold)


# --- scoring ----------------------------------------------------------------


def test_highest_score_wins_and_keeps_its_cues() -> None:
    labeller = build_labeller((cue("strategy", "should", 2), cue("risk", "crush*", 2), cue("risk", "price", 1)), 1.0)
    decision = labeller.label("Big sellers crush you on price, so you should build a brand.")
    assert decision.label == "risk" and decision.cues == ("crush*", "price") and decision.score == 3.0


def test_below_threshold_is_context() -> None:
    labeller = build_labeller((cue("trend", "will", 0.5),), 1.0)
    assert labeller.label("It will rain.").label == "context"
    assert labeller.label("Nothing here.").cues == ()


def test_tie_prefers_risk_then_strategy() -> None:
    labeller = build_labeller((cue("strategy", "must", 1.5), cue("risk", "danger", 1.5), cue("trend", "era", 1.5)), 1.0)
    assert labeller.label("In this era of danger we must act.").label == "risk"
    assert labeller.label("In this era we must act.").label == "strategy"
    assert labeller.label("In this era of danger.").label == "risk"


def test_supporting_cues_need_a_main_cue() -> None:
    labeller = build_labeller((cue("trend", "market", 0.5), cue("trend", "percent", 0.5), cue("trend", "rose", 1)), 1.0)
    assert labeller.label("Nokia has 18 percent market share.").label == "context"
    decision = labeller.label("The market rose 3 percent.")
    assert decision.label == "trend" and decision.cues == ("market", "percent", "rose") and decision.score == 2.0


def test_negative_cues_pull_down_and_are_not_reasons() -> None:
    lexicon = (cue("strategy", "plans to", 1.5), cue("strategy", "invest", 1), cue("strategy", "government", -1.5))
    labeller = build_labeller(lexicon, 1.0)
    assert labeller.label("The government plans to buy aircraft.").label == "context"
    decision = labeller.label("The company plans to invest, the government said.")
    assert decision.label == "strategy" and decision.cues == ("plans to", "invest") and decision.score == 1.0


def test_word_starts_and_punctuated_cues_still_match() -> None:
    """The word index must not lose cues that start inside a word or hold punctuation."""
    labeller = build_labeller((cue("strategy", "re-brand*", 1.5), cue("risk", "can't", 1), cue("trend", "increas*", 1),
                               cue("trend", "year-on-year", 1)), 1.0)
    assert labeller.label("The re-branding of the airline.").cues == ("re-brand*",)
    assert labeller.label("We CAN'T compete.").cues == ("can't",)
    assert labeller.label("Sales are increasing.").cues == ("increas*",)
    assert labeller.label("Up 4% year-on-year.").cues == ("year-on-year",)
    assert labeller.label("The rebranding and a year on year view.").label == "context"


# --- mechanisms in labels.py ---------------------------------------------------


def test_concessive_clause_does_not_count() -> None:
    labeller = build_labeller((cue("trend", "changed", 1), cue("risk", "loss*", 1.5)), 1.0)
    assert labeller.label("Although the methods have changed, the form is similar.").label == "context"
    assert labeller.label("The form is similar, although the methods have changed.").label == "context"
    assert labeller.label("Despite the loss, consumer habits have changed.").label == "trend"
    assert labeller.label("Consumer habits have changed.").label == "trend"


def test_relative_clause_does_not_count() -> None:
    """", who ..." and ", which ..." add background to a noun; the main clause decides."""
    labeller = build_labeller((cue("risk", "concern*", 1), cue("risk", "shut-down", 1.5)), 1.0)
    assert labeller.label("The plan was questioned by the minister, who expressed concern.").label == "context"
    assert labeller.label("The minister expressed concern, and left.").label == "risk"
    assert labeller.label("The shut-down, which the minister questioned, went ahead.").label == "risk"
    decision = labeller.label("The shut-down was questioned by the minister, who expressed concern.")
    assert decision.cues == ("shut-down",)


def test_trend_needs_a_market_subject() -> None:
    labeller = build_labeller((cue("trend", "increase", 1), cue("trend", "more and more", 2)), 1.0)
    assert labeller.label("The fee will increase on January 1.").label == "context"
    assert labeller.label("The fee will increase on January 1.").score == 0.5
    assert labeller.label("Oil prices will increase next year.").label == "trend"
    assert labeller.label("Visits saw a 181% increase.").label == "trend"  # a percentage is a measured quantity
    assert labeller.label("Live broadcast is more and more popular.").label == "trend"  # strong cues survive
    assert labeller.label("Steve Jobs will increase his stake.").label == "context"  # words, not names: "Jobs"


def test_strategy_needs_a_business_or_an_addressee() -> None:
    labeller = build_labeller((cue("strategy", "plans to", 1.5),), 1.0)
    assert labeller.label("The ministry plans to buy four aircraft.").label == "context"
    assert labeller.label("The airline plans to buy four aircraft.").label == "strategy"
    assert labeller.label("We plan to grow; it plans to expand.").label == "strategy"


@pytest.mark.parametrize(
    ("text", "label", "reason"),
    [
        ("The firm will cut 1,800 administrative jobs.", "risk", "cut … jobs"),
        ("Workers lost their jobs.", "risk", "cut … jobs"),
        ("Eleven of the 65 plants will be closed.", "risk", "close … plants"),
        ("The chain is closing 300 stores.", "risk", "close … plants"),
        ("The Dax had shed 3.15%, or 145 points.", "trend", "lost … percent"),
        ("If you want to survive, you have to build a fan pool.", "strategy", "if … want to … must"),
        ("We must avoid these risks.", "strategy", "avoid … risks"),
        ("The platform will attract more customers.", "trend", "will … more"),
    ],
)
def test_near_rules(text: str, label: str, reason: str) -> None:
    labeller = build_labeller((), 1.0)
    decision = labeller.label(text)
    assert (decision.label, decision.cues) == (label, (reason,))


@pytest.mark.parametrize(
    "text",
    ["The staff cut the ribbon.", "Shares lost ground.", "Close to the plant.", "We will see.", "If it rains, we must go."],
)
def test_near_rules_need_both_words_in_order(text: str) -> None:
    assert build_labeller((), 1.0).label(text).label == "context"


def test_index_gives_the_same_cues_as_searching_every_pattern(real) -> None:
    """The speed-up (word index, skipped searches) must not change a single cue."""
    texts = [item["text"] for name in ("seeds", "corpus")
             for item in yaml.safe_load((ROOT / f"tests/eval/{name}.yml").read_text(encoding="utf-8"))["sentences"]]
    for text in texts:
        asides = list(kb_labels.ASIDE.finditer(text))
        aside = [m.span() for m in asides]
        concessions = [m.span() for m in asides if m.group("concession")]
        expected: dict[str, list[tuple[str, float]]] = {}
        for c, pattern in real.cues:
            if kb_labels._in_main_clause(pattern, text, aside):
                expected.setdefault(c.label, []).append((c.name, c.weight))
        for rule, pattern in real.rules:
            if kb_labels._in_main_clause(pattern, text, concessions):
                expected.setdefault(rule.label, []).append((rule.name, rule.weight))
        assert real._found(text, set(re.findall(r"\w+", text.lower()))) == expected, text


# --- the real lexicon ------------------------------------------------------------


def test_real_lexicon_counts_a_word_once(real) -> None:
    """"increasingly" must not also count as "increase": one word, one cue."""
    assert real.label("Consumers are increasingly shopping online.").cues == ("increasingly",)


def test_real_lexicon_on_plain_examples(real) -> None:
    assert real.label("Sellers should consolidate the supply chain.").label == "strategy"
    assert real.label("Large sellers can easily crush you with price.").label == "risk"
    assert real.label("Live broadcast is becoming more and more popular.").label == "trend"
    assert real.label("Ma Yun founded Alibaba in Hangzhou.").label == "context"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # trend: a market quantity moves, or a forecast
        ("Shares in the bank fell 31.5% on Friday.", "trend"),
        ("Analysts expect demand for steel to grow next year.", "trend"),
        ("Exports jumped 17.7% in December from a year earlier.", "trend"),
        ("The housing market appears to be stabilizing.", "trend"),
        ("Shares slid $19 in after-hours trading.", "trend"),
        # strategy: a business decides or is told what to do
        ("The company plans to acquire its largest rival.", "strategy"),
        ("To survive the price war, sellers must build a brand.", "strategy"),
        ("The airline has placed an order for ten new aircraft.", "strategy"),
        # risk: loss, legal exposure, accidents, difficulty
        ("Sony announced an expected loss of 10 billion yen.", "risk"),
        ("The company was fined $1.5 billion by a federal court.", "risk"),
        ("Toyota will recall 1.8 million cars after a defect was found.", "risk"),
        ("Two workers were injured in the explosion.", "risk"),
        ("It is not as simple as imagined.", "risk"),
        # context: schedules, government plans, figures without direction
        ("The aircraft will arrive at the base on Thursday.", "context"),
        ("The government plans to buy four firefighting aircraft.", "context"),
        ("Nokia has an 18 percent market share.", "context"),
        # context: no market subject, a strike reported as news, an adjective
        ("The chairman will step down from the board.", "context"),
        ("The country is increasingly seen as a competitor.", "context"),
        ("Workers in other sectors also went on strike for a day.", "context"),
        ("Fans were bidding against fine art buyers.", "context"),
        ("This store continues to be the mainstream business form.", "context"),
    ],
)
def test_real_lexicon_on_news_and_essay_examples(real, text: str, label: str) -> None:
    assert real.label(text).label == label
