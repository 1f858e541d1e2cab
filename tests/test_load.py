"""Loading seeds: essays found, curated YAML validated with file, line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import SeedError
from kb.load import (cue_pattern, find_essays, load_curation, load_cues, load_essay_meta, load_glossary, load_search_words,
                     load_topics, read_yaml)
from conftest import SEEDS

TOPIC = """\
topics:
  - id: price-war
    title: Price war
    category: risk
    synonyms: [price war]
    summary: Big sellers crush small ones on price.
    answered_by: [build-brand]
  - id: build-brand
    title: Build a brand
    category: strategy
    synonyms: [brand]
    summary: Own a brand.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_real_seeds_load_and_have_six_of_each_category() -> None:
    files = find_essays(SEEDS)
    assert [f.name for f in files] == ["000_b324af7ecf30e8c5.txt", "001_f40635d0f4808210.txt"]
    curation = load_curation(SEEDS, {"000_b324af7ecf30e8c5", "001_f40635d0f4808210"})
    for category in ("trend", "strategy", "risk"):
        assert sum(t.category == category for t in curation.topics) >= 6, category
    assert all(2 <= t.summary.count(". ") + 1 <= 6 for t in curation.topics)


def test_yaml_files_and_hidden_files_are_not_essays(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "An essay.")
    write(tmp_path, "b.md", "# Another\n\nText.")
    write(tmp_path, "topics.yml", "topics: []")
    write(tmp_path, ".hidden.txt", "no")
    write(tmp_path, "notes.yaml", "x: 1")
    assert [f.name for f in find_essays(tmp_path)] == ["a.txt", "b.md"]


def test_empty_seeds_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="holds no essays"):
        find_essays(tmp_path)


def test_valid_topics_load(tmp_path: Path) -> None:
    topics = load_topics(write(tmp_path, "topics.yml", TOPIC))
    assert [t.id for t in topics] == ["price-war", "build-brand"]
    assert topics[0].answered_by == ("build-brand",)


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "topics.yml", "topics:\n  - id: a\n    title: [unclosed\n")
    with pytest.raises(SeedError) as caught:
        load_topics(path)
    error = caught.value
    assert error.path == path and error.line == 4
    assert "not valid YAML" in str(error) and "fix:" in str(error)


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, "topics.yml", TOPIC.replace("synonyms: [brand]", "synonym: [brand]"))
    with pytest.raises(SeedError) as caught:
        load_topics(path)
    assert caught.value.line == 11
    assert "unknown key 'synonym'" in str(caught.value) and "did you mean 'synonyms'?" in str(caught.value)


def test_bad_category_and_bad_reference_are_located(tmp_path: Path) -> None:
    path = write(tmp_path, "topics.yml", TOPIC.replace("category: risk", "category: danger"))
    with pytest.raises(SeedError) as caught:
        load_topics(path)
    assert caught.value.line == 4 and "'danger' is not one of trend, strategy, risk" in str(caught.value)

    path = write(tmp_path, "topics.yml", TOPIC.replace("answered_by: [build-brand]", "answered_by: [build-brnd]"))
    with pytest.raises(SeedError) as caught:
        load_topics(path)
    assert caught.value.line == 7 and "did you mean 'build-brand'?" in str(caught.value)


def test_duplicate_ids_and_keys_are_errors(tmp_path: Path) -> None:
    doubled = TOPIC + TOPIC.split("topics:\n", 1)[1]
    with pytest.raises(SeedError, match="used twice"):
        load_topics(write(tmp_path, "topics.yml", doubled))
    with pytest.raises(SeedError) as caught:
        read_yaml(write(tmp_path, "x.yml", "a: 1\nb: 2\na: 3\n"))
    assert caught.value.line == 3 and "appears twice" in str(caught.value)


def test_missing_required_field(tmp_path: Path) -> None:
    path = write(tmp_path, "topics.yml", TOPIC.replace("    summary: Own a brand.\n", ""))
    with pytest.raises(SeedError, match="'summary' is missing"):
        load_topics(path)


def test_essay_metadata_for_a_missing_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "essays.yml", "essays:\n  000_abc:\n    title: T\n")
    with pytest.raises(SeedError) as caught:
        load_essay_meta(path, {"000_abd"})
    assert caught.value.line == 2 and "did you mean '000_abd'?" in str(caught.value)
    assert load_essay_meta(path, {"000_abc"})[0][1].title == "T"


def test_glossary_normalise_must_be_boolean(tmp_path: Path) -> None:
    path = write(tmp_path, "glossary.yml", "terms:\n  - term: 5G\n    definition: x\n    normalise: yes please\n")
    with pytest.raises(SeedError) as caught:
        load_glossary(path)
    assert caught.value.line == 4


def test_cues_phrases_become_patterns(tmp_path: Path) -> None:
    import re

    assert re.search(cue_pattern("expand*"), "we expanded fast")
    assert not re.search(cue_pattern("era"), "the operation")
    assert re.search(cue_pattern("more and more"), "more  and more")
    path = write(tmp_path, "cues.yml", "labels:\n  risk:\n    - {cue: crush*, weight: two}\n")
    with pytest.raises(SeedError) as caught:
        load_cues(path)
    assert caught.value.line == 3 and "'weight' must be a number" in str(caught.value)


def test_announced_topics_must_exist(tmp_path: Path) -> None:
    path = write(tmp_path, "essays.yml", "essays:\n  e1:\n    announces: [live-streaming, price-wars]\n")
    with pytest.raises(SeedError) as caught:
        load_essay_meta(path, {"e1"}, {"live-streaming", "price-war"})
    assert caught.value.line == 3 and "did you mean 'price-war'?" in str(caught.value)
    meta = load_essay_meta(write(tmp_path, "ok.yml", "essays:\n  e1:\n    announces: [price-war]\n"), {"e1"}, {"price-war"})
    assert meta[0][1].announces == ("price-war",)


# --- search.yml: the words readers type (the search box only) -------------------------------

SEARCH = """\
topics:
  price-war:
    - competitor
    - 价格战
  build-brand: [branding]
ignore: [how, do, i, should]
"""


def test_search_words_load(tmp_path: Path) -> None:
    words = load_search_words(write(tmp_path, "search.yml", SEARCH), {"price-war", "build-brand"})
    assert words.topics == (("build-brand", ("branding",)), ("price-war", ("competitor", "价格战")))
    assert words.words_for("price-war") == ("competitor", "价格战") and words.words_for("other") == ()
    assert words.ignore == ("how", "do", "i", "should")


def test_the_real_search_words_name_real_topics() -> None:
    curation = load_curation(SEEDS, {"000_b324af7ecf30e8c5", "001_f40635d0f4808210"})
    words = load_search_words(SEEDS / "search.yml", {t.id for t in curation.topics})
    assert {"covid", "pandemic", "tiktok shop"} <= set(words.words_for("live-streaming"))
    assert "private traffic" in words.words_for("build-fan-base")


def test_no_search_file_means_no_extra_words(tmp_path: Path) -> None:
    assert load_search_words(tmp_path / "search.yml", {"a"}).topics == ()


def test_a_search_word_for_an_unknown_topic_names_the_line_and_the_likely_id(tmp_path: Path) -> None:
    path = write(tmp_path, "search.yml", SEARCH.replace("build-brand:", "build-brands:"))
    with pytest.raises(SeedError) as caught:
        load_search_words(path, {"price-war", "build-brand"})
    assert caught.value.path == path and caught.value.line == 5
    assert "'build-brands' is not a topic id" in str(caught.value) and "did you mean 'build-brand'?" in str(caught.value)


def test_a_search_phrase_of_ignored_words_only_can_never_match(tmp_path: Path) -> None:
    path = write(tmp_path, "search.yml", SEARCH.replace("    - competitor\n", "    - competitor\n    - how do I\n"))
    with pytest.raises(SeedError) as caught:
        load_search_words(path, {"price-war", "build-brand"})
    assert caught.value.line == 4
    assert "'how do I' is made only of ignored words" in str(caught.value) and "fix:" in str(caught.value)


def test_a_search_word_must_be_text(tmp_path: Path) -> None:
    path = write(tmp_path, "search.yml", SEARCH.replace("[branding]", "[{a: b}]"))
    with pytest.raises(SeedError, match="must be text") as caught:
        load_search_words(path, {"price-war", "build-brand"})
    assert caught.value.line == 5
