"""The topic map: an SVG drawn at build time, no script, every node a link.

Three columns: trends, risks, strategies. Only the links a reader acts on are
drawn: a risk and the strategies that answer it, between the two right-hand
columns, with room between them. The "related" links are many and join
topics of every column, so drawn they tangle into a web; they are listed in
words below the map instead. Risks and strategies are ordered to cross as
few lines as possible (barycentre sweeps, then swaps of neighbours, all
deterministic), each line leaves and enters its box at its own height, and
a risk's lines are grouped with its box, so that pointing at a risk (or
tabbing to it) brings out its lines and fades the rest (kb.css).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from .escape import svg_text
from .models import KnowledgeBase, Topic

COLUMNS = ("trend", "risk", "strategy")
COLUMN_TITLES = {"trend": "Trends", "risk": "Risks", "strategy": "Strategies"}
WIDTH = 960
NODE_W = 240
NODE_H = 42
ROW = 54
TOP = 56
# The widest gap is between risks and strategies: the drawn lines run there.
COLUMN_X = {"trend": 0, "risk": 260, "strategy": WIDTH - NODE_W}
# Fills light enough that dark text on them passes WCAG AA contrast.
FILL = {"trend": "#dbe8ff", "risk": "#ffe0dc", "strategy": "#dcf3e1"}
STROKE = {"trend": "#2f5eb3", "risk": "#b3362f", "strategy": "#2f8045"}
LINE_CHARS = 32  # two lines of this many characters fit a box
SWEEPS = 8


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


def drawn_edges(links: tuple[Edge, ...]) -> tuple[Edge, ...]:
    """The links the drawing shows: a risk and a strategy that answers it."""
    return tuple(e for e in links if e.kind == "answers")


def crossings(risks: list[str], strategies: list[str], links: tuple[Edge, ...]) -> int:
    """How many pairs of risk -> strategy lines cross, with the two columns in these orders."""
    r = {t: i for i, t in enumerate(risks)}
    s = {t: i for i, t in enumerate(strategies)}
    pairs = [(r[e.a], s[e.b]) for e in links if e.a in r and e.b in s]
    return sum(1 for (a1, b1), (a2, b2) in combinations(pairs, 2) if (a1 - a2) * (b1 - b2) < 0)


def _order(topics: list[Topic], links: tuple[Edge, ...]) -> dict[str, list[Topic]]:
    """Each column in the editors' order, then risks and strategies reordered to cross less."""
    columns = {c: [t for t in topics if t.category == c] for c in COLUMNS}
    by_id = {t.id: t for t in topics}
    neighbours: dict[str, list[str]] = {t.id: [] for t in topics}
    for e in links:
        neighbours[e.a].append(e.b)
        neighbours[e.b].append(e.a)
    risks = [t.id for t in columns["risk"]]
    strategies = [t.id for t in columns["strategy"]]
    best = (crossings(risks, strategies, links), risks, strategies)
    for sweep in range(SWEEPS):
        # alternately reorder one column by the mean place of its neighbours in the other
        moving, fixed = (strategies, risks) if sweep % 2 == 0 else (risks, strategies)
        rank = {t: i for i, t in enumerate(fixed)}
        place = {t: i for i, t in enumerate(moving)}

        def centre(t: str, rank: dict[str, int] = rank, place: dict[str, int] = place) -> tuple[float, int]:
            near = [rank[n] for n in neighbours[t] if n in rank]
            return (sum(near) / len(near) if near else place[t], place[t])

        moving = sorted(moving, key=centre)
        strategies, risks = (moving, fixed) if sweep % 2 == 0 else (fixed, moving)
        count = crossings(risks, strategies, links)
        if count < best[0]:
            best = (count, risks, strategies)
    _, risks, strategies = best
    risks = _swap_neighbours(risks, strategies, links)
    strategies = _swap_neighbours(strategies, risks, links, flipped=True)
    columns["risk"] = [by_id[t] for t in risks]
    columns["strategy"] = [by_id[t] for t in strategies]
    return columns


def _swap_neighbours(column: list[str], other: list[str], links: tuple[Edge, ...], flipped: bool = False) -> list[str]:
    """Swap two neighbours of ``column`` while that crosses fewer lines (``flipped``: column is the strategies)."""
    def count(order: list[str]) -> int:
        return crossings(other, order, links) if flipped else crossings(order, other, links)

    order, current = list(column), count(column)
    improved = True
    while improved:
        improved = False
        for i in range(len(order) - 1):
            swapped = order[:i] + [order[i + 1], order[i]] + order[i + 2:]
            fewer = count(swapped)
            if fewer < current:
                order, current, improved = swapped, fewer, True
    return order


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
    links = drawn_edges(edges(kb))
    columns = _order(topics, links)
    rows = max((len(c) for c in columns.values()), default=0)
    height = TOP + rows * ROW + 20
    position: dict[str, tuple[float, float]] = {}
    for c, col in columns.items():
        offset = (rows - len(col)) * ROW / 2
        for i, t in enumerate(col):
            position[t.id] = (COLUMN_X[c], TOP + offset + i * ROW)
    ports = _ports(links, position)

    parts = [
        f'<svg class="topic-map" viewBox="0 0 {WIDTH} {height}" width="100%" role="group" aria-labelledby="map-title map-desc" xmlns="http://www.w3.org/2000/svg">',
        '<title id="map-title">Topic map</title>',
        '<desc id="map-desc">Trends, risks and strategies as three columns of boxes. Lines join each risk to the strategies that answer it. These links and the related topics are listed in words below the map.</desc>',
    ]
    for c in COLUMNS:
        parts.append(f'<text class="map-heading" x="{COLUMN_X[c] + NODE_W / 2}" y="28" text-anchor="middle">{COLUMN_TITLES[c]}</text>')
    for t in columns["trend"] + columns["strategy"]:
        parts.append(_node(t, position[t.id], url_for[t.id]))
    for t in columns["risk"]:
        # a risk's lines and its box in one group: pointing at the box brings its lines out
        lines = [_edge_path(ports[(e.a, e.b)]) for e in links if e.a == t.id]
        parts.append('<g class="map-risk">' + "".join(lines) + _node(t, position[t.id], url_for[t.id]) + "</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _node(t: Topic, at: tuple[float, float], url: str) -> str:
    x, y = at
    lines = _label_lines(t.title)
    first_y = y + NODE_H / 2 + 5 - (len(lines) - 1) * 8
    text = "".join(f'<tspan x="{x + NODE_W / 2}" y="{first_y + i * 16}">{svg_text(line)}</tspan>' for i, line in enumerate(lines))
    return (
        f'<a href="{svg_text(url)}" class="map-node map-{t.category}">'
        f"<title>{svg_text(t.title)} ({t.category})</title>"
        f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{FILL[t.category]}" stroke="{STROKE[t.category]}"/>'
        f'<text text-anchor="middle">{text}</text></a>'
    )


def _ports(links: tuple[Edge, ...], position: dict[str, tuple[float, float]]) -> dict[tuple[str, str], tuple[float, float, float, float]]:
    """Where each line leaves its risk and enters its strategy: spread over the box's height, in the order of the other ends, so lines do not meet at one point."""
    def spread(node: str, others: list[str]) -> dict[str, float]:
        others = sorted(others, key=lambda o: (position[o][1], o))
        y = position[node][1]
        return {o: y + 8 + (NODE_H - 16) * (i + 1) / (len(others) + 1) for i, o in enumerate(others)}

    leave = {r: spread(r, [e.b for e in links if e.a == r]) for r in {e.a for e in links}}
    enter = {s: spread(s, [e.a for e in links if e.b == s]) for s in {e.b for e in links}}
    return {(e.a, e.b): (position[e.a][0] + NODE_W, leave[e.a][e.b], position[e.b][0], enter[e.b][e.a]) for e in links}


def _edge_path(port: tuple[float, float, float, float]) -> str:
    start, ay, end, by = port
    mid = (start + end) / 2
    d = f"M{start},{ay:.1f} C{mid},{ay:.1f} {mid},{by:.1f} {end},{by:.1f}"
    return f'<path d="{d}" fill="none" stroke="#555" stroke-width="1.6" class="map-edge map-edge-answers"/>'
