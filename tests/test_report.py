"""The curator's report on the real seeds and on a made-up gap."""

from __future__ import annotations

from pathlib import Path

from kb.pipeline import build_knowledge_base
from kb.report import as_text, curator_report


def test_seed_coverage_is_at_least_90_percent() -> None:
    from conftest import SEEDS

    report = curator_report(build_knowledge_base(SEEDS))
    assert report.labelled > 30
    assert report.coverage >= 0.9, as_text(report, None)  # type: ignore[arg-type]


def test_gaps_are_reported(seeds_copy: Path) -> None:
    (seeds_copy / "new.txt").write_text(
        "Cold chain logistics is becoming more and more important. Cold chain logistics must be planned early. "
        "Sellers should invest in cold chain logistics now.",
        encoding="utf-8",
    )
    kb = build_knowledge_base(seeds_copy)
    report = curator_report(kb)
    assert any(u.essay_id == "new" for u in report.unmatched)
    assert ("cold chain logistics", 3) in report.candidate_phrases
    assert "new" in report.essays_without_metadata
    assert "000-b324af7ecf30e8c5" not in report.essays_without_metadata
    text = as_text(report, kb)
    assert "Coverage:" in text and "cold chain logistics" in text
