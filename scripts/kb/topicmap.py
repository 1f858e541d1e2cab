"""The topic map: an SVG drawn at build time, no script, every node a link.

Three columns (trends, risks, strategies) so that the most useful edges,
a risk and the strategies that answer it, run between neighbours. Within a
column, topics are ordered to sit near the topics they connect to
(barycentre ordering, a few deterministic sweeps), which keeps lines short.
"""

from __future__ import annotations

from dataclasses import dataclass

from .escape import svg_text
from .models import KnowledgeBase, Topic

COLUMNS = ("trend", "risk", "strategy")
COLUMN_TITLES = {"trend": "Trends", "risk": "Risks", "strategy": "Strategies"}
WIDTH = 960
NODE_W = 250
NODE_H = 42
ROW = 54
TOP = 56
COLUMN_X = {"trend": 30, "risk": 355, "strategy": 680}
# Fills light enough that dark text on them passes WCAG AA contrast.
FILL = {"trend": "#dbe8ff", "risk": "#ffe0dc", "strategy": "#dcf3e1"}
STROKE = {"trend": "#2f5eb3", "risk": "#b3362f", "strategy": "#2f8045"}
LINE_CHARS = 32  # two lines of this many characters fit a box
MARGIN = 70  # room left of the first column for the arcs between its own boxes
MAX_BEND = 60  # how far an arc between two boxes of one column swings out


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    kind: str  # "answers" (risk -> strategy) or "related"


def edges(kb: KnowledgeBase) -> tuple[Edge, ...]:
    """Curated links only: 'answered by' and 'related'. Co-occurrence would clutter it."""
    found: dict[tuple[str, str], str] = {}
    for report in kb.topics:
        topic = report.topic
        for strategy in topic.answered_by:
            found[(topic.id, strategy)] = "answers"
        for other in topic.related:
            key = (topic.id, other) if topic.id < other else (other, topic.id)
            if key not in found and (key[1], key[0]) not in found:
                found[key] = "related"
    return tuple(Edge(a, b, kind) for (a, b), kind in sorted(found.items()))


def _order(topics: list[Topic], links: tuple[Edge, ...]) -> dict[str, list[Topic]]:
    columns = {c: sorted((t for t in topics if t.category == c), key=lambda t: t.title.lower()) for c in COLUMNS}
    neighbours: dict[str, set[str]] = {t.id: set() for t in topics}
    for e in links:
        neighbours[e.a].add(e.b)
        neighbours[e.b].add(e.a)
    for _ in range(4):
        rank = {t.id: i for col in columns.values() for i, t in enumerate(col)}
        for c in COLUMNS:
            def centre(t: Topic) -> tuple[float, str]:
                near = [rank[n] for n in neighbours[t.id] if n in rank]
                return (sum(near) / len(near) if near else rank[t.id], t.title.lower())
            columns[c] = sorted(columns[c], key=centre)
    return columns


def _label_lines(title: str) -> list[str]:
    """The title in at most two lines, cut at words; the full title is in the node's tooltip."""
    lines, current = [], ""
    for word in title.split():
        if current and len(current) + 1 + len(word) > LINE_CHARS:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], (lines[1] + " " + " ".join(lines[2:]))[: LINE_CHARS - 1].rsplit(" ", 1)[0] + "…"]
    return lines


def topic_map_svg(kb: KnowledgeBase, url_for: dict[str, str]) -> str:
    """The map as inline SVG; ``url_for`` maps topic id -> the link from the map page."""
    topics = [r.topic for r in kb.topics]
    links = edges(kb)
    columns = _order(topics, links)
    rows = max((len(c) for c in columns.values()), default=0)
    height = TOP + rows * ROW + 20
    position: dict[str, tuple[float, float]] = {}
    for c, col in columns.items():
        offset = (rows - len(col)) * ROW / 2
        for i, t in enumerate(col):
            position[t.id] = (COLUMN_X[c], TOP + offset + i * ROW)

    parts = [
        f'<svg class="topic-map" viewBox="{-MARGIN} 0 {WIDTH + MARGIN} {height}" width="100%" role="group" aria-labelledby="map-title map-desc" xmlns="http://www.w3.org/2000/svg">',
        '<title id="map-title">Topic map</title>',
        '<desc id="map-desc">Trends, risks and strategies as three columns of linked boxes. Solid lines join a risk to the strategies that answer it; dashed lines join related topics. The same links are listed in words below the map.</desc>',
    ]
    for c in COLUMNS:
        parts.append(f'<text class="map-heading" x="{COLUMN_X[c] + NODE_W / 2}" y="28" text-anchor="middle">{COLUMN_TITLES[c]}</text>')
    for e in links:
        parts.append(_edge_path(position[e.a], position[e.b], e.kind))
    for t in topics:
        x, y = position[t.id]
        lines = _label_lines(t.title)
        first_y = y + NODE_H / 2 + 5 - (len(lines) - 1) * 8
        text = "".join(f'<tspan x="{x + NODE_W / 2}" y="{first_y + i * 16}">{svg_text(line)}</tspan>' for i, line in enumerate(lines))
        parts.append(
            f'<a href="{svg_text(url_for[t.id])}" class="map-node map-{t.category}">'
            f"<title>{svg_text(t.title)} ({t.category})</title>"
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{FILL[t.category]}" stroke="{STROKE[t.category]}"/>'
            f'<text text-anchor="middle">{text}</text></a>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _edge_path(a: tuple[float, float], b: tuple[float, float], kind: str) -> str:
    (ax, ay), (bx, by) = a, b
    ay, by = ay + NODE_H / 2, by + NODE_H / 2
    if ax == bx:
        # same column: an arc out to the left of the boxes
        x = ax
        bend = x - min(18 + abs(by - ay) / 6, MAX_BEND)
        d = f"M{x},{ay} C{bend},{ay} {bend},{by} {x},{by}"
    else:
        if ax > bx:
            (ax, ay), (bx, by) = (bx, by), (ax, ay)
        start, end = ax + NODE_W, bx
        mid = (start + end) / 2
        d = f"M{start},{ay} C{mid},{ay} {mid},{by} {end},{by}"
    style = 'stroke="#555" stroke-width="2"' if kind == "answers" else 'stroke="#888" stroke-width="1.2" stroke-dasharray="5 4"'
    return f'<path d="{d}" fill="none" {style} class="map-edge map-edge-{kind}"/>'
