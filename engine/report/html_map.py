"""The conflict map of the HTML report: treaties as nodes, one edge per pair of
treaties in conflict, drawn as inline SVG with a fixed layout.

In: the conflicts to draw, the world (every treaty, with its title, date and number
of clauses) and, for each treaty pair, the anchor its edge links to. Out:
``map_figure`` (a ``<figure>`` holding the SVG and its caption) and ``pair_anchors``
(the usual anchors: each pair's group of cards). Coordinates are rounded
(``_fmt``), so the same input draws byte-identical SVG.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .data import Conflict
from .html_common import esc, outcome_text, pair_anchor, plural, slug, treaties_of, worst

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..world import World


_COLOUR = {"error": "#b42318", "warning": "#c77700", "political": "#8a94a3"}


def _fmt(x: float) -> str:
    """A coordinate, rounded so the output does not depend on float noise."""
    s = f"{x:.1f}"
    return "0" if s in ("0.0", "-0.0") else s.removesuffix(".0")


#: Statuses that are no legal conflict between the two instruments: a political
#: commitment's tension, and a collision a third norm settles. The map draws them
#: apart (dotted), and an edge takes its style from its legal conflicts first.
APART = ("political", "displaced")


def _outcome(conflicts: Sequence[Conflict]) -> tuple[str, str | None]:
    """How a pair plays out on the map: the gravest status of its legal conflicts
    (``mixed`` for split winners); ``political`` or ``displaced`` when it has none."""
    legal = [c for c in conflicts if c.resolution.status not in APART]
    if not legal:
        statuses = {c.resolution.status for c in conflicts}
        return ("political" if "political" in statuses else "displaced"), None
    statuses = {c.resolution.status for c in legal}
    for s in ("deadlock", "unresolved"):
        if s in statuses:
            return s, None
    winners = {c.resolution.winner for c in legal}
    if len(winners) == 1:
        return "prevails", next(iter(winners))
    return "mixed", None


def _dash(status: str, loop: bool = False) -> str:
    """The stroke pattern of an edge: dashed for unresolved, dotted for a pair with
    only political tensions or displaced collisions."""
    if status == "unresolved":
        return ' stroke-dasharray="8 6"' if loop else ' stroke-dasharray="10 7"'
    if status in APART:
        return ' stroke-dasharray="1 7"'
    return ""


@dataclass
class _Edge:
    a: str
    b: str
    conflicts: list[Conflict] = field(default_factory=list)


def _edges(conflicts: Iterable[Conflict]) -> dict[tuple[str, str], _Edge]:
    edges: dict[tuple[str, str], _Edge] = {}
    for c in conflicts:
        ts = treaties_of(c)
        pairs = [(ts[0], ts[0])] if len(ts) == 1 else [(x, y) for i, x in enumerate(ts) for y in ts[i + 1 :]]
        for a, b in pairs:
            edges.setdefault((a, b), _Edge(a, b)).conflicts.append(c)
    return edges


def _layout(
    ids: Sequence[str], edges: Mapping[tuple[str, str], _Edge], cx: float, cy: float, radius: float
) -> tuple[dict[str, tuple[float, float]], str | None]:
    """Nodes sorted by id on a circle, starting at the top, clockwise. A single hub (a
    treaty in conflict with at least three others, and with more than any other)
    sits in the middle so its edges do not cross the circle."""
    degree = {t: 0 for t in ids}
    for a, b in edges:
        if a != b:
            degree[a] = degree.get(a, 0) + 1
            degree[b] = degree.get(b, 0) + 1
    ranked = sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))
    hub = None
    if len(ids) >= 4 and ranked and ranked[0][1] >= 3 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        hub = ranked[0][0]
    ring = [t for t in ids if t != hub]
    pos: dict[str, tuple[float, float]] = {}
    if hub is not None:
        pos[hub] = (cx, cy)
    n = len(ring)
    for i, t in enumerate(ring):
        if n == 1:
            pos[t] = (cx, cy)
            continue
        start = math.pi if n == 2 else -math.pi / 2  # two treaties side by side, more round the top
        angle = start + 2 * math.pi * i / n
        pos[t] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return pos, hub


def _wrap_title(title: str, width: int = 22) -> list[str]:
    words, lines, cur = title.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        lines.append(cur)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
        if len(lines[1]) > width + 4:
            lines[1] = lines[1][: width + 1].rstrip() + "\u2026"
    return lines


def _arrow(x1: float, y1: float, x2: float, y2: float, back: float, colour: str) -> str:
    """An arrow head whose tip sits ``back`` before (x2, y2) on the line from (x1, y1)."""
    dx, dy = x2 - x1, y2 - y1
    d = math.hypot(dx, dy) or 1.0
    ux, uy = dx / d, dy / d
    tx, ty = x2 - ux * back, y2 - uy * back
    size, half = 16.0, 7.5
    bx, by = tx - ux * size, ty - uy * size
    pts = [(tx, ty), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]
    return (
        f'<polygon points="{" ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pts)}" fill="{colour}" '
        'stroke="#ffffff" stroke-width="1.5" stroke-linejoin="round" />'
    )


def _node_radius(norms: int) -> float:
    return min(62.0, 26.0 + 4.5 * math.sqrt(norms))


def _legend(x: float, y: float) -> list[str]:
    out = [f'<g class="legend" transform="translate({_fmt(x)},{_fmt(y)})">']
    out.append('<rect x="0" y="0" width="262" height="220" rx="8" fill="#ffffff" stroke="#d9dde3" />')
    out.append('<text x="14" y="22" font-size="13" font-weight="700" fill="#1d232b">Legend</text>')
    rows = [
        ("error", "solid", "error: breach, partial or no winner"),
        ("warning", "solid", "warning: a clause gives way"),
        ("warning", "arrow", "arrow: that treaty prevails"),
        ("error", "deadlock", "deadlock: neither gives way"),
        ("error", "dashed", "dashed: unresolved"),
        ("warning", "dotted", "dotted: settled by a third norm"),
        ("political", "dotted", "grey dotted: political commitment"),
    ]
    for i, (sev, style, label) in enumerate(rows):
        yy = 44 + i * 24
        colour = _COLOUR[sev]
        dash = {"dashed": ' stroke-dasharray="7 5"', "dotted": ' stroke-dasharray="1 7"'}.get(style, "")
        out.append(
            f'<line x1="14" y1="{yy}" x2="62" y2="{yy}" stroke="{colour}" stroke-width="3.5"{dash} '
            'stroke-linecap="round" />'
        )
        if style == "arrow":
            out.append(_arrow(14, yy, 70, yy, 0, colour))
        if style == "deadlock":
            out.append(_cross(38, yy, colour, 8))
        out.append(f'<text x="78" y="{yy + 4}" font-size="12" fill="#1d232b">{esc(label)}</text>')
    out.append('<text x="14" y="210" font-size="11" fill="#5a6472">circle size: clauses; number: conflicts</text>')
    out.append("</g>")
    return out


def _cross(x: float, y: float, colour: str, r: float = 11.0) -> str:
    k = r * 0.62
    return (
        f'<g class="deadlock"><circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}" fill="#ffffff" stroke="{colour}" '
        f'stroke-width="2.5" /><path d="M{_fmt(x - k)},{_fmt(y - k)} L{_fmt(x + k)},{_fmt(y + k)} '
        f'M{_fmt(x - k)},{_fmt(y + k)} L{_fmt(x + k)},{_fmt(y - k)}" stroke="{colour}" stroke-width="2.5" /></g>'
    )


def _count_badge(x: float, y: float, n: int, colour: str) -> str:
    w = 14 + 7 * len(str(n))
    return (
        f'<rect x="{_fmt(x - w / 2)}" y="{_fmt(y - 10)}" width="{w}" height="20" rx="10" fill="#ffffff" '
        f'stroke="{colour}" stroke-width="1.5" /><text x="{_fmt(x)}" y="{_fmt(y + 4.5)}" text-anchor="middle" '
        f'font-size="12.5" font-weight="700" fill="#1d232b">{n}</text>'
    )


def _gap(angles: Sequence[float], prefer: float | None = None) -> tuple[float, float]:
    """The middle of the widest free sector around a node, given the directions taken.
    With ``prefer``, the free sector containing that direction wins when it is wide enough."""
    if not angles:
        return (prefer if prefer is not None else -math.pi / 2), 2 * math.pi
    two_pi = 2 * math.pi
    ordered = sorted(a % two_pi for a in angles)
    sectors = []
    for i, a in enumerate(ordered):
        b = ordered[(i + 1) % len(ordered)] + (two_pi if i + 1 == len(ordered) else 0)
        sectors.append((a, b))
    if prefer is not None:
        p = prefer % two_pi
        for a, b in sectors:
            if (a <= p <= b or a <= p + two_pi <= b) and b - a >= math.radians(60):
                return prefer, min(b - p, p - a if a <= p else p + two_pi - a) * 2
    a, b = max(sectors, key=lambda ab: (round(ab[1] - ab[0], 6), -ab[0]))
    return ((a + b) / 2) % two_pi, b - a


def _label(
    x: float,
    y: float,
    r: float,
    angle: float,
    lines: Sequence[tuple[str, str]],
    gap: float | None = None,
    box: list[tuple[float, float, float, float]] | None = None,
) -> list[str]:
    """Text lines (text, css class) set beside a node of radius ``r`` in direction ``angle``."""
    if not lines:
        return []
    ux, uy = math.cos(angle), math.sin(angle)
    step = 16.0
    gap = r + 12 if gap is None else gap
    ax, ay = x + ux * gap, y + uy * gap
    anchor = "start" if ux > 0.55 else "end" if ux < -0.55 else "middle"
    height = step * (len(lines) - 1)
    if uy > 0.3:
        top = ay + 12
    elif uy < -0.3:
        top = ay - height - 3
    else:
        top = ay - height / 2 + 5
    out = []
    if box is not None:  # an estimate of the extent, to size the drawing
        w = max(len(text) * (6.6 if cls == "sub" else 7.6) for text, cls in lines)
        x0 = ax if anchor == "start" else ax - w if anchor == "end" else ax - w / 2
        box.append((x0, top - 14, x0 + w, top + height + 4))
    for i, (text, cls) in enumerate(lines):
        size, fill = ("12", "#5a6472") if cls == "sub" else ("14", "#2b333d")
        out.append(
            f'<text x="{_fmt(ax)}" y="{_fmt(top + step * i)}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{fill}" stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">'
            f"{esc(text)}</text>"
        )
    return out


def _map_svg(conflicts: Sequence[Conflict], world: World, anchors: Mapping[tuple[str, ...], str]) -> str:
    edges = _edges(conflicts)
    involved = {t for e in edges for t in e}
    treaty_ids = sorted({t.id for t in world.treaties} | involved)
    treaties = {t.id: t for t in world.treaties}
    norms: dict[str, int] = {}
    for norm in world.norms:
        norms[norm.treaty] = norms.get(norm.treaty, 0) + 1
    cx, cy = 0.0, 0.0
    radius = 240.0 if len(treaty_ids) > 2 else 180.0
    pos, hub = _layout(treaty_ids, edges, cx, cy, radius)
    rad = {t: _node_radius(norms.get(t, 0)) for t in treaty_ids}
    # directions already taken at each node, so loops and labels go where there is room
    taken: dict[str, list[float]] = {t: [] for t in treaty_ids}
    for a, b in edges:
        if a != b:
            (x1, y1), (x2, y2) = pos[a], pos[b]
            taken[a].append(math.atan2(y2 - y1, x2 - x1))
            taken[b].append(math.atan2(y1 - y2, x1 - x2))
    label_angle: dict[str, float] = {}
    label_gap: dict[str, float] = {}
    wrap: dict[str, int] = {}
    for t in treaty_ids:
        x, y = pos[t]
        if abs(x - cx) < 1e-6 and abs(y - cy) < 1e-6:
            # in the middle: below, or in the widest free sector, far enough out to clear the edges
            angle, sector = _gap(taken[t], prefer=math.pi / 2)
            label_angle[t] = angle
            wrap[t] = 16
            half_width = 8 + 7.5 * max([len(x) for x in _wrap_title(treaties[t].title or "", 16)] + [14]) / 2
            if t not in treaties:
                half_width = 60
            need = half_width / max(math.tan(min(sector, math.radians(170)) / 2), 0.2)
            label_gap[t] = min(max(rad[t] + 12, need), rad[t] + 90)
        else:
            label_angle[t] = math.atan2(y - cy, x - cx)
    box: list[tuple[float, float, float, float]] = [
        (x - rad[t], y - rad[t], x + rad[t], y + rad[t]) for t, (x, y) in pos.items()
    ]
    out = []
    # edges between two treaties, under the nodes
    for (a, b), edge in sorted(edges.items()):
        if a == b:
            continue
        sev = worst(edge.conflicts)
        status, winner = _outcome(edge.conflicts)
        colour = _COLOUR["political"] if status == "political" else _COLOUR.get(sev, _COLOUR["error"])
        (x1, y1), (x2, y2) = pos[a], pos[b]
        n = len(edge.conflicts)
        stroke = 2.5 + min(n, 6) * 0.6
        dash = _dash(status)
        href = anchors.get((a, b)) or pair_anchor((a, b))
        tip = f"{a} \u2194 {b}: {plural(n, 'conflict')}, worst {sev}; {outcome_text(edge.conflicts)}"
        out.append(f'<a href="#{esc(href)}" class="edge-link">')
        out.append(f"<title>{esc(tip)}</title>")
        # a wide transparent line makes the edge easy to click
        out.append(
            f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" stroke="#ffffff" '
            'stroke-opacity="0" stroke-width="18" />'
        )
        out.append(
            f'<line class="edge" x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
            f'stroke="{colour}" stroke-width="{_fmt(stroke)}" stroke-opacity="0.9" stroke-linecap="round"{dash} />'
        )
        if status == "prevails" and winner in (a, b):
            if winner == b:
                out.append(_arrow(x1, y1, x2, y2, rad[b] + 3, colour))
            else:
                out.append(_arrow(x2, y2, x1, y1, rad[a] + 3, colour))
        elif status == "mixed":
            out.append(_arrow(x1, y1, x2, y2, rad[b] + 3, colour))
            out.append(_arrow(x2, y2, x1, y1, rad[a] + 3, colour))
        # marks go on the visible part of the line; away from the hub, whose label sits near it
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        s0, s1 = rad[a] / d, 1 - rad[b] / d

        def at(
            f: float, s0: float = s0, s1: float = s1, p: tuple[float, ...] = (x1, y1, x2, y2)
        ) -> tuple[float, float]:
            k = s0 + (s1 - s0) * f
            return p[0] + (p[2] - p[0]) * k, p[1] + (p[3] - p[1]) * k

        mid = 0.62 if hub == a else 0.38 if hub == b else 0.5
        if status == "deadlock":
            out.append(_cross(*at(mid), colour))
            out.append(_count_badge(*at(0.84 if hub == a else 0.16 if hub == b else 0.25), n, colour))
        else:
            out.append(_count_badge(*at(mid), n, colour))
        out.append("</a>")
    # internal conflicts: a loop on the node, in the widest free sector
    for (a, b), edge in sorted(edges.items()):
        if a != b:
            continue
        sev = worst(edge.conflicts)
        colour = _COLOUR.get(sev, _COLOUR["error"])
        x, y = pos[a]
        r = rad[a]
        angle, sector = _gap(taken[a] + [label_angle[a]])
        taken[a].append(angle)
        spread = min(0.45, sector / 5)
        p1 = (x + r * math.cos(angle - spread), y + r * math.sin(angle - spread))
        p2 = (x + r * math.cos(angle + spread), y + r * math.sin(angle + spread))
        reach = r + 110
        c1 = (x + reach * math.cos(angle - spread * 1.6), y + reach * math.sin(angle - spread * 1.6))
        c2 = (x + reach * math.cos(angle + spread * 1.6), y + reach * math.sin(angle + spread * 1.6))
        top = (0.125 * (p1[0] + p2[0]) + 0.375 * (c1[0] + c2[0]), 0.125 * (p1[1] + p2[1]) + 0.375 * (c1[1] + c2[1]))
        dash = _dash(_outcome(edge.conflicts)[0], loop=True)
        n = len(edge.conflicts)
        href = anchors.get((a, a)) or pair_anchor((a, a))
        tip = f"within {a}: {plural(n, 'conflict')}, worst {sev}; {outcome_text(edge.conflicts)}"
        out.append(f'<a href="#{esc(href)}" class="edge-link">')
        out.append(f"<title>{esc(tip)}</title>")
        out.append(
            f'<path class="edge loop" d="M{_fmt(p1[0])},{_fmt(p1[1])} C{_fmt(c1[0])},{_fmt(c1[1])} '
            f'{_fmt(c2[0])},{_fmt(c2[1])} {_fmt(p2[0])},{_fmt(p2[1])}" fill="none" stroke="{colour}" '
            f'stroke-width="3.5" stroke-opacity="0.9" stroke-linecap="round"{dash} />'
        )
        out.append(_count_badge(top[0], top[1], n, colour))
        out.append("</a>")
        box.append((min(c1[0], c2[0], x), min(c1[1], c2[1], y), max(c1[0], c2[0], x), max(c1[1], c2[1], y)))
    # nodes
    for t in treaty_ids:
        x, y = pos[t]
        r = rad[t]
        related = [e for k, e in edges.items() if t in k]
        gravest = worst(c for e in related for c in e.conflicts) if related else None
        ring = _COLOUR[gravest] if gravest else "#8a94a3"
        fill = "#fdecea" if gravest == "error" else "#fff4dc" if gravest == "warning" else "#f3f5f8"
        treaty = treaties.get(t)
        title = (treaty.title if treaty is not None else None) or ""
        date = f"signed {treaty.signed}" if treaty is not None and treaty.signed else ""
        year = treaty.signed[:4] if treaty is not None and treaty.signed else ""
        count = plural(norms.get(t, 0), "clause")
        tip = f"{t}{': ' + title if title else ''}{' (' + date + ')' if date else ''}; {count}"
        out.append(f'<g class="node" id="node-{esc(slug(t))}">')
        out.append(f"<title>{esc(tip)}</title>")
        out.append(
            f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}" fill="{fill}" stroke="{ring}" stroke-width="3" />'
        )
        size = 18 if len(t) <= 4 else 14
        out.append(
            f'<text x="{_fmt(x)}" y="{_fmt(y + size * 0.35)}" text-anchor="middle" font-size="{size}" '
            f'font-weight="700" fill="#1d232b">{esc(t)}</text>'
        )
        lines = [(line, "title") for line in (_wrap_title(title, wrap.get(t, 22)) if title else [])]
        lines.append((" \u00b7 ".join(x for x in (count, year) if x), "sub"))
        out += _label(x, y, r, label_angle[t], lines, label_gap.get(t), box)
        out.append("</g>")
    # the drawing's extent, with the legend to its right
    pad = 16.0
    x0 = min(b[0] for b in box) - pad
    y0 = min(b[1] for b in box) - pad
    x1 = max(b[2] for b in box) + pad
    y1 = max(max(b[3] for b in box) + pad, y0 + 238)
    x0, y0 = math.floor(x0), math.floor(y0)
    out += _legend(x1 + 12, y0 + 8)
    x1 += 12 + 262 + 8
    width, height = math.ceil(x1 - x0), math.ceil(y1 - y0)
    head = [
        f'<svg viewBox="{x0} {y0} {width} {height}" width="{width}" '
        f'height="{height}" role="img" '
        'aria-labelledby="map-title" class="conflict-map">',
        '<title id="map-title">Conflict map: treaties and the conflicts between them</title>',
    ]
    out.append("</svg>")
    return "\n".join(head + out)


def map_figure(conflicts: Sequence[Conflict], world: World, anchors: Mapping[tuple[str, ...], str]) -> str:
    """The map with its caption; each edge links to ``anchors[(a, b)]``, else the pair's section."""
    svg = _map_svg(conflicts, world, anchors)
    cap = (
        "Each line joins two treaties with clauses in conflict; the number on it counts the conflicts, "
        "and a click leads to them. Colour gives the worst severity."
    )
    return f'<figure class="map">\n{svg}\n<figcaption>{esc(cap)}</figcaption>\n</figure>'


def pair_anchors(groups: Sequence[tuple[tuple[str, ...], list[Conflict]]]) -> dict[tuple[str, ...], str]:
    """For each treaty pair on the map, the group of cards its edge leads to."""
    out: dict[tuple[str, ...], str] = {}
    for key, _ in groups:
        out.setdefault(key, pair_anchor(key))
    for key, _ in groups:
        ts = sorted(set(key))
        for i, a in enumerate(ts):
            for b in ts[i + 1 :]:
                out.setdefault((a, b), pair_anchor(key))
    return out
