"""Sentence labels from the cue lexicon."""

from __future__ import annotations

from kb.labels import build_labeller
from kb.load import load_cues
from kb.models import Cue
from conftest import SEEDS


def cue(label: str, phrase: str, weight: float) -> Cue:
    from kb.load import cue_pattern

    return Cue(label=label, pattern=cue_pattern(phrase), weight=weight, name=phrase)  # type: ignore[arg-type]


def test_highest_score_wins_and_keeps_its_cues() -> None:
    labeller = build_labeller((cue("strategy", "should", 2), cue("risk", "crush*", 2), cue("risk", "price", 1)), 1.0)
    decision = labeller.label("Big sellers crush you on price, so you should build a brand.")
    assert decision.label == "risk" and decision.cues == ("crush*", "price") and decision.score == 3.0


def test_below_threshold_is_context() -> None:
    labeller = build_labeller((cue("trend", "will", 0.5),), 1.0)
    assert labeller.label("It will rain.").label == "context"
    assert labeller.label("Nothing here.").cues == ()


def test_tie_prefers_strategy_then_risk() -> None:
    labeller = build_labeller((cue("strategy", "must", 1.5), cue("risk", "danger", 1.5), cue("trend", "era", 1.5)), 1.0)
    assert labeller.label("In this era of danger we must act.").label == "strategy"
    assert labeller.label("In this era of danger.").label == "risk"


def test_real_lexicon_on_plain_examples() -> None:
    cues, threshold = load_cues(SEEDS / "cues.yml")
    labeller = build_labeller(cues, threshold)
    assert labeller.label("Sellers should consolidate the supply chain.").label == "strategy"
    assert labeller.label("Large sellers can easily crush you with price.").label == "risk"
    assert labeller.label("Live broadcast is becoming more and more popular.").label == "trend"
    assert labeller.label("Ma Yun founded Alibaba in Hangzhou.").label == "context"
