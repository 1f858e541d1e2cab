"""Curated reading aids: editors' readings of garbled sentences, reasons for answers, short titles, the feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import SeedError
from kb.pipeline import build_knowledge_base
from kb.render import SiteInfo, render_site
from kb.summarise import is_garbled


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_reading_that_matches_no_sentence_stops_the_build(seeds_copy: Path) -> None:
    text = (seeds_copy / "essays.yml").read_text(encoding="utf-8")
    (seeds_copy / "essays.yml").write_text(text.replace("- text: hold capital hostage", "- text: hold capital hostages"), encoding="utf-8")
    with pytest.raises(SeedError, match="matches no sentence"):
        build_knowledge_base(seeds_copy)


def test_an_answer_needs_a_strategy_and_a_reason(seeds_copy: Path) -> None:
    text = (seeds_copy / "topics.yml").read_text(encoding="utf-8")
    (seeds_copy / "topics.yml").write_text(text.replace("      - strategy: learn-and-network\n", "      - stratgy: learn-and-network\n", 1), encoding="utf-8")
    with pytest.raises(SeedError, match="did you mean 'strategy'"):
        build_knowledge_base(seeds_copy)


def test_the_same_quoted_phrase_twice_in_one_sentence_reads_as_garbled() -> None:
    assert is_garbled("The power of the “small and beautiful” team can easily squeeze the “small and beautiful” team.")
    assert not is_garbled("They can easily take away your talents, get your resources, and crush you on price.")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    from conftest import SEEDS

    return render_site(build_knowledge_base(SEEDS), SiteInfo("KB", "About.", site_url="https://kb.example/"))


def test_the_clear_sentence_leads_and_the_garbled_one_carries_the_editors_reading(pages: dict[str, str]) -> None:
    page = pages["topics/squeeze-by-big-sellers.md"]
    evidence = page.split("## What the essays say", 1)[1]
    clear = evidence.index("They can easily take away your talents")
    garbled = evidence.index("The power of the")
    assert clear < garbled
    assert "Editors' reading: a big team backed by capital" in evidence[garbled:]


def test_citations_use_short_titles_and_risks_give_reasons(pages: dict[str, str]) -> None:
    page = pages["topics/blind-expansion.md"]
    assert "[Don't settle for small, ¶" in page
    assert "**[Keep learning and network with peers](learn-and-network.md)**: the essay's closing advice" in page


def test_the_feed_has_absolute_addresses_and_the_editors_dates(pages: dict[str, str]) -> None:
    feed = pages["feed.xml"]
    assert '<link href="https://kb.example/essays/000-b324af7ecf30e8c5/"/>' in feed
    assert "<updated>2026-12-01T00:00:00Z</updated>" in feed


def test_words_a_summary_puts_in_quotation_marks_are_the_essays_words() -> None:
    """A summary that quotes ("living space") must quote what an essay says, not a paraphrase."""
    import re

    import yaml
    from conftest import SEEDS

    essays = " ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")).replace("“", '"').replace("”", '"').lower()
    essays = " ".join(essays.split())
    topics = yaml.safe_load((SEEDS / "topics.yml").read_text(encoding="utf-8"))["topics"]
    quoted = [(t["id"], q) for t in topics for q in re.findall(r'"([^"]+)"', t["summary"] + " " + " ".join(
        a["why"] for a in t.get("answered_by", []) if isinstance(a, dict)))]
    assert len(quoted) > 10
    assert [(i, q) for i, q in quoted if q.lower() not in essays] == []


def test_the_six_announced_trends_are_marked_and_sections_follow_the_editors_order(pages: dict[str, str]) -> None:
    trends = pages["trends.md"]
    assert trends.count("of the six trends in *Six trends for small firms*") == 6
    strategies = pages["strategies.md"]
    assert strategies.index("Scale up quickly") < strategies.index("Keep learning and network with peers")
    assert "Big sellers joining forces with capital" in pages["risks.md"]
