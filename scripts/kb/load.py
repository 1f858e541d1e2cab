"""Read the seeds folder: essay files as bytes, curated YAML validated.

This and ``write`` are the only modules that touch the disk. Every problem
in a YAML file becomes a ``SeedError`` naming the file, the line and a fix.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .topics import compile_editor_pattern
from .errors import SeedError
from .invisible import remove_invisible
from .models import CATEGORIES, LABELS, Cue, Curation, EssayMeta, GlossaryTerm, SearchWords, SeedFile, Topic

ESSAY_SUFFIXES = (".txt", ".md")
TOPICS_FILE = "topics.yml"
GLOSSARY_FILE = "glossary.yml"
ESSAYS_FILE = "essays.yml"
CUES_FILE = "cues.yml"
OVERRIDES_FILE = "overrides.yml"
SEARCH_FILE = "search.yml"

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Size limits, far above any real file (the longest of 2,327 Wikinews articles
# is 42 KB; a 100,000-word essay is about 600 KB), and low enough that one
# file cannot exhaust memory.
MAX_ESSAY_BYTES = 8 * 1024 * 1024
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_ID_CHARS = 64  # a topic id is a file name and an address
MAX_TITLE_CHARS = 120  # a topic title or glossary term is a heading
MAX_PATTERN_CHARS = 300


# --- essays ---------------------------------------------------------------------


def find_essays(seeds_dir: Path) -> tuple[SeedFile, ...]:
    """Every ``.txt`` and ``.md`` file in the seeds folder, sorted by name.

    YAML files, hidden files and anything else are not essays. Anything named
    like an essay that is not a regular file (a symbolic link, a FIFO, a
    device, a socket, a folder) stops the build: see ``read_seed_file``.
    """
    check_seeds_folder(seeds_dir)
    files = []
    for path in sorted(seeds_dir.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in ESSAY_SUFFIXES:
            continue
        raw = read_seed_file(path, MAX_ESSAY_BYTES)
        assert raw is not None  # it was just listed; a file removed meanwhile is an OSError above
        files.append(SeedFile(name=path.name, raw=raw))
    if not files:
        raise SeedError(seeds_dir, "holds no essays", fix="add at least one .txt or .md file")
    return tuple(files)


def check_seeds_folder(seeds_dir: Path) -> None:
    """The seeds folder must be a real folder: a link could point anywhere on the machine."""
    try:
        mode = os.lstat(seeds_dir).st_mode
    except FileNotFoundError:
        raise SeedError(seeds_dir, "the seeds folder does not exist", fix="create it and put essays in it") from None
    if stat.S_ISLNK(mode):
        raise SeedError(seeds_dir, "the seeds folder is a symbolic link; only a real folder is read",
                        fix="replace the link with the folder itself")
    if not stat.S_ISDIR(mode):
        raise SeedError(seeds_dir, "is not a folder", fix="make seeds/ a folder of essays and YAML files")


def read_seed_file(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file in seeds/, or None if there is no such file.

    Essays and YAML may come from strangers, and git stores symbolic links:
    a link named ``essay.txt`` could publish ``/etc/passwd``. So only regular
    files are read, never followed links, FIFOs (which would hang the build),
    devices (``/dev/urandom`` never ends) or sockets, and never more than
    ``limit`` bytes.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SeedError(path, f"cannot be read: {error.strerror}", fix="check the file's permissions") from error
    if stat.S_ISLNK(mode):
        raise SeedError(path, "is a symbolic link; only regular files in seeds/ are read",
                        fix="replace the link with a copy of the file it points to")
    if not stat.S_ISREG(mode):
        raise SeedError(path, f"is not a regular file (it is {_file_kind(mode)}); only regular files in seeds/ are read",
                        fix="remove it from seeds/ or replace it with a regular file")
    try:
        # O_NOFOLLOW and O_NONBLOCK: if the file was swapped for a link or a FIFO
        # since lstat, opening fails or returns at once instead of following or hanging
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise SeedError(path, f"cannot be read: {error.strerror}", fix="check the file's permissions (it must be readable)") from error
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise SeedError(path, "is not a regular file; only regular files in seeds/ are read", fix="remove it from seeds/")
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise SeedError(path, f"is larger than the limit of {limit // (1024 * 1024)} MB for this kind of file",
                        fix="split it into smaller files, or check that it is the file you meant")
    return raw


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "a special file"


def essay_stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


# --- YAML with line numbers ---------------------------------------------------------


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML file that remembers where each value was written."""

    path: Path
    data: Any
    lines: dict[tuple, int]  # path of keys/indexes -> 1-based line

    def line(self, where: tuple) -> int | None:
        while where and where not in self.lines:
            where = where[:-1]
        return self.lines.get(where)

    def error(self, where: tuple, message: str, fix: str | None = None) -> SeedError:
        return SeedError(self.path, message, line=self.line(where), fix=fix)


def read_yaml(path: Path) -> YamlDoc:
    """Parse a required YAML file, keeping the line of every key and list item."""
    doc = read_optional_yaml(path)
    if doc is None:
        raise SeedError(path, "is missing", fix=f"restore {path.name} in seeds/ (it is part of the curated knowledge)")
    return doc


def read_optional_yaml(path: Path) -> YamlDoc | None:
    """Like ``read_yaml``, or None when the file does not exist."""
    raw = read_seed_file(path, MAX_YAML_BYTES)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SeedError(path, "is not UTF-8 text", fix="save it as UTF-8") from error
    _refuse_deep_nesting(path, text)
    try:
        _refuse_aliases(path, text)
        node = yaml.compose(text, Loader=_LOADER)
        lines: dict[tuple, int] = {}
        data = _NodeReader(path, lines).read(node, ()) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise SeedError(
            path,
            f"is not valid YAML: {error.problem or error.context}",
            line=mark.line + 1 if mark else None,
            fix="check the indentation (spaces, not tabs) and put quotes around text that contains ': ' or starts with a special character",
        ) from error
    except RecursionError:
        raise SeedError(path, "is nested too deeply to be curated data", fix="write lists and mappings at most a few levels deep") from None
    return YamlDoc(path=path, data=data, lines=lines)


# libyaml's parser when PyYAML was built with it (it is, from PyPI): ten times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NESTING = 40  # curated files nest four or five levels
_INDENT = re.compile(r"^( *)\S", re.MULTILINE)


def _refuse_deep_nesting(path: Path, text: str) -> None:
    """Refuse nesting no curated file needs, before a parser spends minutes on it.

    Parsers slow down with the square of the depth: 50,000 nested ``[`` take
    minutes. Flow brackets are counted outside quotes and comments; block
    nesting is bounded by how far a line is indented.
    """
    deepest = max((len(m.group(1)) for m in _INDENT.finditer(text)), default=0)
    if deepest > 2 * MAX_NESTING * 4:
        line = text.count("\n", 0, next(m.start() for m in _INDENT.finditer(text) if len(m.group(1)) == deepest)) + 1
        raise SeedError(path, f"is nested too deeply (a line indented by {deepest} spaces)", line=line,
                        fix="write lists and mappings at most a few levels deep")
    depth, quote, line = 0, "", 1
    for i, char in enumerate(text):
        if char == "\n":
            line += 1
            if quote == "#":
                quote = ""
        elif quote:
            if char == quote and quote != "#":
                quote = ""
        elif char in "'\"" and (i == 0 or text[i - 1] in " \t\n[{,:-"):
            quote = char
        elif char == "#" and (i == 0 or text[i - 1] in " \t\n"):
            quote = "#"
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise SeedError(path, f"is nested too deeply (more than {MAX_NESTING} levels of brackets)", line=line,
                                fix="write lists and mappings at most a few levels deep")
        elif char in "]}":
            depth = max(0, depth - 1)


def _refuse_aliases(path: Path, text: str) -> None:
    """Anchors and aliases (``&a``, ``*a``) are refused: a few lines of them can
    stand for a billion values (the "billion laughs"), and curated data never
    needs them."""
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise SeedError(path, "uses YAML anchors or aliases (&name, *name), which are not allowed here",
                            line=event.start_mark.line + 1, fix="write the value out in full where it is used")


class _NodeReader:
    """Turns a composed YAML node tree into Python values, recording lines.

    PyYAML silently keeps the last of two equal keys; an editor who pasted a
    topic twice deserves to hear about it, so duplicates are errors here.
    Keys are kept as written: ``010`` is the essay file 010.txt, not octal 8.
    """

    def __init__(self, path: Path, lines: dict[tuple, int]) -> None:
        self.path = path
        self.lines = lines
        self.constructor = yaml.SafeLoader("")  # constructs one scalar at a time

    def read(self, node: yaml.Node, where: tuple) -> Any:
        self.lines[where] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where)
        if isinstance(node, yaml.SequenceNode):
            return [self.read(item, where + (i,)) for i, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            raise SeedError(self.path, f"holds a value YAML cannot read safely ({node.tag})", line=node.start_mark.line + 1,
                            fix="write plain text, numbers, lists and mappings only (no '!!' tags)") from error

    def _mapping(self, node: yaml.MappingNode, where: tuple) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise SeedError(self.path, "a key must be plain text", line=line)
            key = str(key_node.value)
            if key in result:
                raise SeedError(self.path, f"the key '{key}' appears twice", line=line, fix="keep one of them")
            result[key] = self.read(value_node, where + (key,))
            self.lines[where + (key,)] = line
        return result


# --- validation helpers ---------------------------------------------------------------


def _require_mapping(doc: YamlDoc, value: Any, where: tuple, what: str) -> dict:
    if not isinstance(value, dict):
        raise doc.error(where, f"{what} must be a mapping of 'key: value' lines, not {_kind(value)}")
    return value


def _require_list(doc: YamlDoc, value: Any, where: tuple, what: str) -> list:
    if not isinstance(value, list):
        raise doc.error(where, f"{what} must be a list ('- item' lines), not {_kind(value)}")
    return value


def _suggest(name: str, known, otherwise: str) -> str:  # noqa: ANN001 - any collection of names
    """The fix for a name that does not exist: the closest known one, or ``otherwise``."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else otherwise


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _check_keys(doc: YamlDoc, entry: dict, where: tuple, allowed: tuple[str, ...], required: tuple[str, ...], what: str) -> None:
    for key in entry:
        if key not in allowed:
            raise doc.error(where + (key,), f"{what}: unknown key '{key}'",
                            fix=_suggest(key, allowed, f"allowed keys are {', '.join(allowed)}"))
    for key in required:
        value = entry.get(key)
        if value is None or value == [] or (isinstance(value, str) and not _clean(value)):
            raise doc.error(where, f"{what}: '{key}' is missing or empty", fix=f"add '{key}: ...'")


def _clean(text: str) -> str:
    """A curated value as the site shows it: invisible characters gone, white space folded."""
    return " ".join(remove_invisible(text).split())


def _text(doc: YamlDoc, entry: dict, key: str, where: tuple, what: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a bare year like 2017 is fine as a date
    if not isinstance(value, str):
        raise doc.error(where + (key,), f"{what}: '{key}' must be text, not {_kind(value)}", fix="put the text in quotes")
    return _clean(value)


def _texts(doc: YamlDoc, entry: dict, key: str, where: tuple, what: str) -> tuple[str, ...]:
    value = entry.get(key)
    if value is None:
        return ()
    items = _require_list(doc, value, where + (key,), f"{what}: '{key}'")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, (str, int, float)) or isinstance(item, bool) or str(item).strip() == "":
            raise doc.error(where + (key, i), f"{what}: every item of '{key}' must be text", fix="put the item in quotes")
        text = _clean(str(item))
        if not text:
            raise doc.error(where + (key, i), f"{what}: an item of '{key}' is empty", fix="remove it")
        out.append(text)
    return tuple(out)


def _number(doc: YamlDoc, value: Any, where: tuple, what: str) -> float:
    """A finite number: ``.inf`` and ``.nan`` are valid YAML but no weight or threshold."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise doc.error(where, f"{what} must be a number", fix="write a number such as 1 or 0.5")
    if not math.isfinite(value):
        raise doc.error(where, f"{what} must be a finite number, not {value}", fix="write a number such as 1 or 0.5")
    return float(value)


def _short(doc: YamlDoc, text: str, where: tuple, what: str, limit: int = 0) -> str:
    limit = limit or MAX_TITLE_CHARS
    if len(text) > limit:
        raise doc.error(where, f"{what}: it is {len(text)} characters long; at most {limit} characters fit a heading",
                        fix="shorten it; put the detail in the summary or definition")
    return text


def _optional(path: Path) -> YamlDoc | None:
    return read_optional_yaml(path)


# --- the curated files ------------------------------------------------------------------------


TOPIC_KEYS = ("id", "title", "category", "synonyms", "summary", "related", "answered_by", "also_match", "names")
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def load_topics(path: Path) -> tuple[Topic, ...]:
    """Read and validate ``topics.yml``: ids unique, references resolve."""
    doc = read_yaml(path)
    root = _require_mapping(doc, doc.data, (), "the file")
    _check_keys(doc, root, (), ("topics",), ("topics",), "the file")
    entries = _require_list(doc, root["topics"], ("topics",), "'topics'")
    topics: list[Topic] = []
    seen: dict[str, tuple] = {}
    for i, raw in enumerate(entries):
        where = ("topics", i)
        entry = _require_mapping(doc, raw, where, f"topic number {i + 1}")
        what = f"topic '{entry.get('id', i + 1)}'"
        _check_keys(doc, entry, where, TOPIC_KEYS, ("id", "title", "category", "synonyms", "summary"), what)
        topic_id = str(entry["id"])
        if len(topic_id) > MAX_ID_CHARS:
            raise doc.error(where + ("id",), f"{what[:40]}…: the id is longer than {MAX_ID_CHARS} characters",
                            fix="use a short id of a few words, such as 'price-war'")
        if not SLUG.match(topic_id):
            raise doc.error(where + ("id",), f"{what}: the id must be lowercase letters, digits and dashes", fix=f"use '{_slugify(topic_id)}'")
        if topic_id in seen:
            raise doc.error(where + ("id",), f"{what}: the id is used twice (also on line {doc.line(seen[topic_id])})", fix="give each topic its own id")
        seen[topic_id] = where + ("id",)
        category = entry["category"]
        if category not in CATEGORIES:
            raise doc.error(where + ("category",), f"{what}: category '{category}' is not one of {', '.join(CATEGORIES)}")
        for n, pattern in enumerate(_texts(doc, entry, "also_match", where, what)):
            if len(pattern) > MAX_PATTERN_CHARS:
                raise doc.error(where + ("also_match", n), f"{what}: a pattern is longer than {MAX_PATTERN_CHARS} characters",
                                fix="split it into several shorter patterns")
            try:
                compile_editor_pattern(pattern)
            except ValueError as error:
                raise doc.error(where + ("also_match", n), f"{what}: '{pattern}' cannot be used as a pattern: {error}",
                                fix="write a simpler pattern, or add the phrase to 'synonyms'") from None
        answers = _answers(doc, entry, where, what)
        topics.append(
            Topic(
                id=topic_id,
                title=_short(doc, _text(doc, entry, "title", where, what) or "", where + ("title",), f"{what}: the title"),
                category=category,
                synonyms=_texts(doc, entry, "synonyms", where, what),
                summary=_text(doc, entry, "summary", where, what) or "",
                related=_texts(doc, entry, "related", where, what),
                answered_by=tuple(s for s, _ in answers),
                also_match=_texts(doc, entry, "also_match", where, what),
                names=_texts(doc, entry, "names", where, what),
                answer_reasons=tuple((s, why) for s, why in answers if why),
                order=i,
            )
        )
    _check_references(doc, topics)
    return tuple(topics)


def topic_warnings(path: Path, topics: tuple[Topic, ...]) -> tuple[str, ...]:
    """Two topics with the same title: readers could not tell their pages apart."""
    seen: dict[str, str] = {}
    warnings = []
    for topic in topics:
        key = topic.title.casefold()
        if key in seen:
            warnings.append(str(SeedError(path, f"topics '{seen[key]}' and '{topic.id}' have the same title '{topic.title}'",
                                          fix="give each topic a title of its own")))
        seen.setdefault(key, topic.id)
    return tuple(warnings)


def _answers(doc: YamlDoc, entry: dict, where: tuple, what: str) -> list[tuple[str, str]]:
    """'answered_by' items: a strategy id, or 'strategy: id' with 'why: the reason a reader sees'."""
    out = []
    for i, item in enumerate(_require_list(doc, entry.get("answered_by") or [], where + ("answered_by",), f"{what}: 'answered_by'")):
        if isinstance(item, dict):
            _check_keys(doc, item, where + ("answered_by", i), ("strategy", "why"), ("strategy", "why"), f"{what}: answer {i + 1}")
            out.append((" ".join(str(item["strategy"]).split()), _text(doc, item, "why", where + ("answered_by", i), what) or ""))
        elif isinstance(item, str) and item.strip():
            out.append((item.strip(), ""))
        else:
            raise doc.error(where + ("answered_by", i), f"{what}: every item of 'answered_by' must be a strategy id or 'strategy:' and 'why:'")
    return out


def _check_references(doc: YamlDoc, topics: list[Topic]) -> None:
    by_id = {t.id: t for t in topics}
    for i, topic in enumerate(topics):
        where = ("topics", i)
        for ref in topic.related:
            if ref not in by_id or ref == topic.id:
                raise doc.error(where + ("related",), f"topic '{topic.id}': related topic '{ref}' does not exist" if ref != topic.id else f"topic '{topic.id}' lists itself as related",
                                fix=_suggest(ref, by_id, "remove it") if ref != topic.id else "remove it")
        if topic.answered_by and topic.category != "risk":
            raise doc.error(where + ("answered_by",), f"topic '{topic.id}': only risks have 'answered_by'", fix="move it to the risk it answers")
        for ref in topic.answered_by:
            if ref not in by_id or by_id[ref].category != "strategy":
                raise doc.error(where + ("answered_by",), f"topic '{topic.id}': '{ref}' is not a strategy topic",
                                fix=_suggest(ref, [t.id for t in topics if t.category == "strategy"], "list strategy ids"))


GLOSSARY_KEYS = ("term", "definition", "variants", "normalise")


def load_glossary(path: Path) -> tuple[GlossaryTerm, ...]:
    doc = _optional(path)
    if doc is None:
        return ()
    root = _require_mapping(doc, doc.data, (), "the file")
    _check_keys(doc, root, (), ("terms",), ("terms",), "the file")
    terms = []
    seen: set[str] = set()
    for i, raw in enumerate(_require_list(doc, root["terms"], ("terms",), "'terms'")):
        where = ("terms", i)
        entry = _require_mapping(doc, raw, where, f"term number {i + 1}")
        what = f"term '{entry.get('term', i + 1)}'"
        _check_keys(doc, entry, where, GLOSSARY_KEYS, ("term", "definition"), what)
        term = _short(doc, _text(doc, entry, "term", where, what) or "", where + ("term",), f"{what}: the term")
        if term.lower() in seen:
            raise doc.error(where + ("term",), f"{what} is defined twice", fix="merge the two entries")
        seen.add(term.lower())
        normalise = entry.get("normalise", False)
        if not isinstance(normalise, bool):
            raise doc.error(where + ("normalise",), f"{what}: 'normalise' must be true or false")
        terms.append(GlossaryTerm(term=term, definition=_text(doc, entry, "definition", where, what) or "",
                                  variants=_texts(doc, entry, "variants", where, what), normalise=normalise))
    return tuple(sorted(terms, key=lambda t: t.term.lower()))


ESSAY_KEYS = ("title", "short_title", "date", "updated", "source", "summary", "announces", "readings")
TEXT_KEYS = ("title", "short_title", "date", "updated", "source", "summary")


def load_essay_meta(path: Path, stems: set[str], topic_ids: set[str] | None = None) -> tuple[tuple[str, EssayMeta], ...]:
    doc = _optional(path)
    if doc is None:
        return ()
    root = _require_mapping(doc, doc.data, (), "the file")
    _check_keys(doc, root, (), ("essays",), (), "the file")
    essays = _require_mapping(doc, root.get("essays") or {}, ("essays",), "'essays'")
    out = []
    for stem, raw in essays.items():
        where = ("essays", stem)
        if stem not in stems:
            raise doc.error(where, f"there is no essay file '{stem}.txt' or '{stem}.md' in seeds/",
                            fix=_suggest(stem, sorted(stems), "use the essay's file name without its extension"))
        entry = _require_mapping(doc, raw or {}, where, f"essay '{stem}'")
        what = f"essay '{stem}'"
        _check_keys(doc, entry, where, ESSAY_KEYS, (), what)
        announces = _texts(doc, entry, "announces", where, what)
        for topic_id in announces:
            if topic_ids is not None and topic_id not in topic_ids:
                raise doc.error(where + ("announces",), f"{what}: '{topic_id}' is not a topic id in topics.yml",
                                fix=_suggest(topic_id, sorted(topic_ids), "use ids from topics.yml"))
        fields = {key: _text(doc, entry, key, where, what) for key in TEXT_KEYS}
        if fields["updated"] is not None and not ISO_DATE.match(fields["updated"]):
            raise doc.error(where + ("updated",), f"{what}: 'updated' must be a date like \"2026-11-20\"", fix="write year-month-day, in quotes")
        if fields["title"]:
            _short(doc, fields["title"], where + ("title",), f"{what}: the title")
        out.append((stem, EssayMeta(**fields, announces=announces, readings=_readings(doc, entry, where, what))))
    return tuple(sorted(out))


def _readings(doc: YamlDoc, entry: dict, where: tuple, what: str) -> tuple[tuple[str, str], ...]:
    """'readings': the editors' plain English for garbled phrases, each 'text' exactly as the essay writes it."""
    out = []
    for i, raw in enumerate(_require_list(doc, entry.get("readings") or [], where + ("readings",), f"{what}: 'readings'")):
        at = where + ("readings", i)
        item = _require_mapping(doc, raw, at, f"{what}: reading {i + 1}")
        _check_keys(doc, item, at, ("text", "reading"), ("text", "reading"), f"{what}: reading {i + 1}")
        out.append((_text(doc, item, "text", at, what) or "", _text(doc, item, "reading", at, what) or ""))
    return tuple(out)


def load_cues(path: Path) -> tuple[tuple[Cue, ...], float]:
    """Read the cue lexicon: per label, phrases with weights."""
    doc = read_yaml(path)
    root = _require_mapping(doc, doc.data, (), "the file")
    _check_keys(doc, root, (), ("threshold", "labels"), ("labels",), "the file")
    threshold = _number(doc, root.get("threshold", 1.0), ("threshold",), "'threshold'")
    labels = _require_mapping(doc, root["labels"], ("labels",), "'labels'")
    cues = []
    for label, entries in labels.items():
        if label not in LABELS or label == "context":
            raise doc.error(("labels", label), f"'{label}' is not a label with cues", fix="use trend, strategy or risk")
        for i, raw in enumerate(_require_list(doc, entries, ("labels", label), f"'{label}'")):
            where = ("labels", label, i)
            entry = _require_mapping(doc, raw, where, f"cue number {i + 1} of '{label}'")
            what = f"cue '{entry.get('cue', i + 1)}'"
            _check_keys(doc, entry, where, ("cue", "weight"), ("cue", "weight"), what)
            weight = _number(doc, entry["weight"], where + ("weight",), f"{what}: 'weight'")
            phrase = " ".join(str(entry["cue"]).split())
            cues.append(Cue(label=label, pattern=cue_pattern(phrase), weight=float(weight), name=phrase))
    return tuple(cues), float(threshold)


def cue_pattern(phrase: str) -> str:
    """A cue phrase as a regular expression: literal words, '*' ends a word freely.

    Editors write ``expand*`` or ``is expected to``; they never need regex.
    """
    parts = [re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word) for word in phrase.split()]
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


def load_overrides(path: Path) -> tuple[tuple[str, str], ...]:
    doc = _optional(path)
    if doc is None:
        return ()
    root = _require_mapping(doc, doc.data, (), "the file")
    _check_keys(doc, root, (), ("sentences",), (), "the file")
    out = []
    for i, raw in enumerate(_require_list(doc, root.get("sentences") or [], ("sentences",), "'sentences'")):
        where = ("sentences", i)
        entry = _require_mapping(doc, raw, where, f"override number {i + 1}")
        _check_keys(doc, entry, where, ("text", "label"), ("text", "label"), f"override number {i + 1}")
        if entry["label"] not in LABELS:
            raise doc.error(where + ("label",), f"'{entry['label']}' is not a label", fix=f"use one of {', '.join(LABELS)}")
        out.append((" ".join(str(entry["text"]).split()), entry["label"]))
    return tuple(out)


def load_curation(seeds_dir: Path, stems: set[str]) -> Curation:
    """All curated YAML in the seeds folder, validated."""
    cues, threshold = load_cues(seeds_dir / CUES_FILE)
    topics = load_topics(seeds_dir / TOPICS_FILE)
    return Curation(
        warnings=topic_warnings(seeds_dir / TOPICS_FILE, topics),
        topics=topics,
        glossary=load_glossary(seeds_dir / GLOSSARY_FILE),
        cues=cues,
        essays=load_essay_meta(seeds_dir / ESSAYS_FILE, stems, {t.id for t in topics}),
        overrides=load_overrides(seeds_dir / OVERRIDES_FILE),
        threshold=threshold,
    )


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# --- search words (the search box only) ---------------------------------------------------------


def search_tokens(text: str) -> list[str]:
    """Lowercase words and CJK runs, split as the search box splits a query (docs/assets/search.js)."""
    return re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+|[^\W_]+", text.lower().replace("'", "").replace("\u2019", ""))


def load_search_words(path: Path, topic_ids: set[str]) -> SearchWords:
    """Read and validate ``search.yml``: topic ids exist, every phrase can match a query."""
    doc = _optional(path)
    if doc is None:
        return SearchWords()
    root = _require_mapping(doc, doc.data, (), "the file")
    _check_keys(doc, root, (), ("topics", "ignore"), (), "the file")
    ignore = _texts(doc, root, "ignore", (), "the file")
    ignored = {word for phrase in ignore for word in search_tokens(phrase)}
    topics = _require_mapping(doc, root.get("topics") or {}, ("topics",), "'topics'")
    out = []
    for topic_id, raw in topics.items():
        where = ("topics", topic_id)
        if topic_id not in topic_ids:
            raise doc.error(where, f"'{topic_id}' is not a topic id in {TOPICS_FILE}",
                            fix=_suggest(topic_id, sorted(topic_ids), "use the id of a topic in topics.yml"))
        words = _texts(doc, topics, topic_id, ("topics",), f"topic '{topic_id}'")
        for i, phrase in enumerate(words):
            if not [w for w in search_tokens(phrase) if w not in ignored]:
                raise doc.error(where + (i,), f"topic '{topic_id}': '{phrase}' is made only of ignored words, so no query can find it",
                                fix="use a word that carries meaning, or take its words out of 'ignore'")
        out.append((topic_id, words))
    return SearchWords(topics=tuple(sorted(out)), ignore=ignore)
