"""The HTML report: one self-contained page for lawyers and diplomats.

``render_html(report, world) -> str`` and ``render_diff_html(diff, world_new) -> str``.
The page holds a conflict map (treaties as nodes, one edge per pair of treaties in
conflict, drawn as inline SVG with a fixed layout), a summary table and one card per
conflict, grouped by treaty pair under ``id="pair-A-B"``. There is no script, no
external resource and no timestamp: the same input gives byte-identical output, the
file reads offline and prints (a print stylesheet is included).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from ..diagnostics import line_count, source_line
from . import Conflict, NormRef, Report

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..diff import ArticleChange, Changed, DiffReport
    from ..world import World

__all__ = ["render_diff_html", "render_html"]

_RANK = {"error": 2, "warning": 1}
_ROLE = {"obligation": "obliges", "prohibition": "prohibits", "permission": "permits", "right": "grants the right"}
_COLOUR = {"error": "#b42318", "warning": "#c77700"}
_STATUS_RANK = {"deadlock": 3, "unresolved": 2, "mixed": 1, "prevails": 0}
_MAX_SOURCE_LINES = 12


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _display(file: str) -> str:
    return file.replace("builtin:", "", 1) if file.startswith("builtin:") else file


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _fmt(x: float) -> str:
    """A coordinate, rounded so the output does not depend on float noise."""
    s = f"{x:.1f}"
    return "0" if s in ("0.0", "-0.0") else s.removesuffix(".0")


# ------------------------------------------------------------------ the page frame

_CSS = """
:root {
  --ink: #1d232b; --muted: #5a6472; --rule: #d9dde3; --paper: #ffffff; --tint: #f6f7f9;
  --error: #b42318; --error-bg: #fdecea; --error-ink: #8a1c12;
  --warning: #c77700; --warning-bg: #fff4dc; --warning-ink: #6e4500;
  --unknown: #5b4a8b; --unknown-bg: #efeaf8;
  --ok: #1f6f43; --ok-bg: #e5f4ea; --link: #1f4e8c;
  --serif: "Iowan Old Style", "Palatino Linotype", Palatino, "Book Antiqua", Georgia, Cambria,
    "Times New Roman", "Liberation Serif", "DejaVu Serif", serif;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { background: var(--tint); }
body { margin: 0 auto; max-width: 1180px; padding: 40px 48px 64px; background: var(--paper); color: var(--ink);
  font-family: var(--serif); font-size: 17px; line-height: 1.55; }
h1, h2, h3, h4 { font-weight: 600; line-height: 1.25; margin: 0; }
h1 { font-size: 32px; letter-spacing: -0.01em; }
h2 { font-size: 24px; margin: 48px 0 16px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 20px; }
h4 { font-size: 18px; }
p { margin: 0 0 10px; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: var(--mono); font-size: 0.82em; }
.small, .meta { font-size: 14px; color: var(--muted); font-family: var(--sans); }
header.top { border-bottom: 1px solid var(--rule); padding-bottom: 20px; }
header.top .kicker { font-family: var(--sans); font-size: 13px; letter-spacing: 0.12em; text-transform: uppercase;
  color: var(--muted); margin-bottom: 6px; }
header.top .lede { margin: 12px 0 0; font-size: 18px; }
nav.toc { margin-top: 14px; font-family: var(--sans); font-size: 14px; }
nav.toc a { margin-right: 18px; }
.totals { display: flex; gap: 14px; flex-wrap: wrap; margin: 18px 0 0; }
.total { border: 1px solid var(--rule); border-radius: 8px; padding: 10px 16px; min-width: 130px;
  font-family: var(--sans); }
.total b { display: block; font-size: 28px; line-height: 1.1; }
.total span { font-size: 13px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.06em; }
.total.error { border-color: var(--error); background: var(--error-bg); }
.total.error b { color: var(--error-ink); }
.total.warning { border-color: var(--warning); background: var(--warning-bg); }
.total.warning b { color: var(--warning-ink); }
.total.unknown { border-color: var(--unknown); background: var(--unknown-bg); }
.badge { display: inline-block; font-family: var(--sans); font-size: 12px; font-weight: 700; letter-spacing: 0.06em;
  text-transform: uppercase; padding: 2px 8px; border-radius: 4px; border: 1px solid transparent;
  vertical-align: 2px; white-space: nowrap; }
.badge.error { background: var(--error-bg); color: var(--error-ink); border-color: var(--error); }
.badge.warning { background: var(--warning-bg); color: var(--warning-ink); border-color: var(--warning); }
.badge.unknown { background: var(--unknown-bg); color: var(--unknown); border-color: var(--unknown); }
.badge.plain { background: var(--tint); color: var(--ink); border-color: var(--rule); }
.badge.ok { background: var(--ok-bg); color: var(--ok); border-color: var(--ok); }
.chip { display: inline-block; font-family: var(--mono); font-size: 13px; padding: 0 6px; margin: 0 4px 4px 0;
  border: 1px solid var(--rule); border-radius: 4px; background: var(--tint); }
figure.map { margin: 0; border: 1px solid var(--rule); border-radius: 10px; padding: 12px 12px 4px; }
figure.map svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figure.map figcaption { font-family: var(--sans); font-size: 14px; color: var(--muted); padding: 6px 8px 10px; }
svg text { font-family: var(--sans); }
svg a:hover .edge { stroke-opacity: 1; }
table { border-collapse: collapse; width: 100%; font-family: var(--sans); font-size: 15px; margin: 0 0 20px; }
caption { text-align: left; font-family: var(--serif); font-size: 18px; font-weight: 600; padding: 0 0 8px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { font-size: 13px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); font-weight: 600;
  border-bottom: 2px solid var(--ink); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 28px; }
.grid2 > * { min-width: 0; }
section.pair { margin: 36px 0 0; }
section.pair > h3 { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; padding-bottom: 6px;
  border-bottom: 1px solid var(--rule); }
section.pair > h3 .meta { font-weight: 400; }
article.card { border: 1px solid var(--rule); border-left: 6px solid var(--rule); border-radius: 8px;
  padding: 18px 22px 14px; margin: 16px 0; break-inside: avoid; page-break-inside: avoid; background: var(--paper); }
article.card.error { border-left-color: var(--error); }
article.card.warning { border-left-color: var(--warning); }
article.card > header { margin-bottom: 12px; }
article.card > header .line1 { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin-bottom: 6px; }
article.card > header .kind { font-family: var(--sans); font-size: 14px; color: var(--muted); }
article.card > header .cid { margin-left: auto; font-size: 12px; color: var(--muted); }
.clauses { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin: 10px 0 14px; }
.clauses.stack { grid-template-columns: 1fr; }
.clause { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px; background: var(--tint); min-width: 0; }
.clause .who { font-family: var(--sans); font-size: 14px; display: flex; flex-wrap: wrap; gap: 6px 10px;
  align-items: baseline; }
.clause .who strong { font-size: 15px; }
.clause .loc { font-family: var(--mono); font-size: 12px; color: var(--muted); margin: 2px 0 6px;
  overflow-wrap: anywhere; }
.clause blockquote { margin: 0 0 8px; font-size: 16px; }
.role { font-style: italic; }
.role.gives-way { color: var(--muted); }
pre.src { margin: 0; padding: 6px 8px; background: var(--paper); border: 1px solid var(--rule); border-radius: 4px;
  font-family: var(--mono); font-size: 12px; line-height: 1.5; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.src .ln { color: var(--muted); user-select: none; }
pre.src mark { background: #fff0a8; color: inherit; font-weight: 700; padding: 0 1px; }
dl.facts { display: grid; grid-template-columns: 150px 1fr; gap: 8px 16px; margin: 0; }
dl.facts dt { font-family: var(--sans); font-size: 13px; font-weight: 700; text-transform: uppercase;
  letter-spacing: 0.05em; color: var(--muted); padding-top: 3px; }
dl.facts dd { margin: 0; min-width: 0; }
dl.facts dd ul { margin: 4px 0 0; padding-left: 20px; }
dl.facts dd li { margin: 0 0 2px; }
.atoms { margin-top: 6px; font-size: 14px; }
.atoms span.lbl { font-family: var(--sans); font-size: 12px; color: var(--muted); text-transform: uppercase;
  letter-spacing: 0.05em; margin-right: 6px; }
.story { font-size: 17px; }
.reason { margin: 4px 0 0; }
.note { font-family: var(--sans); font-size: 14px; padding: 8px 12px; border-radius: 6px; background: var(--unknown-bg);
  color: var(--unknown); margin: 0 0 10px; }
.column > h3 { margin: 0 0 8px; }
.empty { color: var(--muted); font-style: italic; }
.change { border: 1px solid var(--rule); border-radius: 8px; padding: 14px 20px; margin: 14px 0;
  break-inside: avoid; page-break-inside: avoid; }
.change .texts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin: 10px 0; }
.change .texts > div { background: var(--tint); border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; }
.change .texts .lbl { font-family: var(--sans); font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em;
  color: var(--muted); display: block; margin-bottom: 4px; }
del { background: #fbdcd8; color: var(--error-ink); text-decoration: line-through; }
ins { background: #d9f0e0; color: var(--ok); text-decoration: none; font-weight: 600; }
.arrow { font-family: var(--sans); color: var(--muted); padding: 0 6px; }
footer { margin-top: 56px; padding-top: 12px; border-top: 1px solid var(--rule); }
@media (max-width: 800px) {
  body { padding: 20px; }
  .grid2, .clauses, .change .texts { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: 1fr; }
}
@media print {
  @page { margin: 16mm 14mm; }
  html, body { background: #fff; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav.toc { display: none; }
  a { color: inherit; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 24px; }
  section.pair > h3 { break-after: avoid; page-break-after: avoid; }
  figure.map { break-inside: avoid; page-break-inside: avoid; }
  article.card, .change, tr { break-inside: avoid; page-break-inside: avoid; }
  pre.src { font-size: 8pt; }
}
"""


def _page(title: str, body: Iterable[str]) -> str:
    head = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        '<meta name="generator" content="treatycheck" />\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
    )
    return head + "\n".join(body) + "\n</body>\n</html>\n"


# ------------------------------------------------------------------ grouping


def _treaties_of(c: Conflict) -> tuple[str, ...]:
    return tuple(sorted({n.treaty for n in c.norms}))


def _pair_key(treaties: Sequence[str]) -> tuple[str, ...]:
    """The group a conflict is filed under: its treaties, sorted (one treaty: itself twice)."""
    ts = tuple(sorted(set(treaties)))
    return ts * 2 if len(ts) == 1 else ts


def _pair_anchor(key: Sequence[str]) -> str:
    return "pair-" + "-".join(_slug(t) for t in key)


def _pair_label(key: Sequence[str]) -> str:
    if len(key) == 2 and key[0] == key[1]:
        return f"within {key[0]}"
    return " \u2194 ".join(key)


def _card_ids(conflicts: Iterable[Conflict], prefix: str = "c-") -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for c in sorted(conflicts, key=lambda c: c.id):
        if c.id in out:
            continue
        base = prefix + _slug(c.id)
        anchor, i = base, 2
        while anchor in used:
            anchor, i = f"{base}-{i}", i + 1
        used.add(anchor)
        out[c.id] = anchor
    return out


def _order(conflicts: Iterable[Conflict]) -> list[Conflict]:
    return sorted(conflicts, key=lambda c: (-_RANK.get(c.severity, 0), c.id))


def _groups(conflicts: Iterable[Conflict]) -> list[tuple[tuple[str, ...], list[Conflict]]]:
    groups: dict[tuple[str, ...], list[Conflict]] = {}
    for c in conflicts:
        groups.setdefault(_pair_key(_treaties_of(c)), []).append(c)
    items = [(k, _order(v)) for k, v in groups.items()]
    return sorted(items, key=lambda kv: (-max(_RANK.get(c.severity, 0) for c in kv[1]), kv[0]))


def _worst(conflicts: Iterable[Conflict]) -> str:
    return max((c.severity for c in conflicts), key=lambda s: _RANK.get(s, 0), default="warning")


def _outcome(conflicts: Sequence[Conflict]) -> tuple[str, str | None]:
    """How a pair plays out on the map: the gravest status; ``mixed`` for split winners."""
    statuses = {c.resolution.status for c in conflicts}
    for s in ("deadlock", "unresolved"):
        if s in statuses:
            return s, None
    winners = {c.resolution.winner for c in conflicts}
    if len(winners) == 1:
        return "prevails", next(iter(winners))
    return "mixed", None


def _outcome_text(conflicts: Sequence[Conflict]) -> str:
    parts: dict[str, int] = {}
    for c in conflicts:
        r = c.resolution
        label = f"{r.winner} prevails" if r.status == "prevails" and r.winner else r.status
        parts[label] = parts.get(label, 0) + 1
    return ", ".join(f"{k} ({v})" if len(parts) > 1 else k for k, v in sorted(parts.items()))


# ------------------------------------------------------------------ the map


@dataclass
class _Edge:
    a: str
    b: str
    conflicts: list[Conflict] = field(default_factory=list)


def _edges(conflicts: Iterable[Conflict]) -> dict[tuple[str, str], _Edge]:
    edges: dict[tuple[str, str], _Edge] = {}
    for c in conflicts:
        ts = _treaties_of(c)
        pairs = [(ts[0], ts[0])] if len(ts) == 1 else [(x, y) for i, x in enumerate(ts) for y in ts[i + 1 :]]
        for a, b in pairs:
            edges.setdefault((a, b), _Edge(a, b)).conflicts.append(c)
    return edges


def _layout(ids: Sequence[str], edges: Mapping[tuple[str, str], _Edge], cx: float, cy: float, radius: float):  # type: ignore[no-untyped-def]
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
    out.append('<rect x="0" y="0" width="262" height="172" rx="8" fill="#ffffff" stroke="#d9dde3" />')
    out.append('<text x="14" y="22" font-size="13" font-weight="700" fill="#1d232b">Legend</text>')
    rows = [
        ("error", "solid", "error: no clause gives way"),
        ("warning", "solid", "warning: a clause gives way"),
        ("warning", "arrow", "arrow: that treaty prevails"),
        ("error", "deadlock", "deadlock: neither gives way"),
        ("error", "dashed", "dashed: unresolved"),
    ]
    for i, (sev, style, label) in enumerate(rows):
        yy = 44 + i * 24
        colour = _COLOUR[sev]
        dash = ' stroke-dasharray="7 5"' if style == "dashed" else ""
        out.append(
            f'<line x1="14" y1="{yy}" x2="62" y2="{yy}" stroke="{colour}" stroke-width="3.5"{dash} '
            'stroke-linecap="round" />'
        )
        if style == "arrow":
            out.append(_arrow(14, yy, 70, yy, 0, colour))
        if style == "deadlock":
            out.append(_cross(38, yy, colour, 8))
        out.append(f'<text x="78" y="{yy + 4}" font-size="12" fill="#1d232b">{_e(label)}</text>')
    out.append('<text x="14" y="162" font-size="11" fill="#5a6472">circle size: clauses; number: conflicts</text>')
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
            f"{_e(text)}</text>"
        )
    return out


def _map_svg(conflicts: Sequence[Conflict], world: World, anchors: Mapping[tuple[str, ...], str]) -> str:
    edges = _edges(conflicts)
    involved = {t for e in edges for t in e}
    treaty_ids = sorted({t.id for t in world.treaties} | involved)
    treaties = {t.id: t for t in world.treaties}
    norms: dict[str, int] = {}
    for n in world.norms:
        norms[n.treaty] = norms.get(n.treaty, 0) + 1
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
        sev = _worst(edge.conflicts)
        colour = _COLOUR.get(sev, _COLOUR["error"])
        status, winner = _outcome(edge.conflicts)
        (x1, y1), (x2, y2) = pos[a], pos[b]
        n = len(edge.conflicts)
        stroke = 2.5 + min(n, 6) * 0.6
        dash = ' stroke-dasharray="10 7"' if status == "unresolved" else ""
        href = anchors.get((a, b)) or _pair_anchor((a, b))
        tip = f"{a} \u2194 {b}: {_plural(n, 'conflict')}, worst {sev}; {_outcome_text(edge.conflicts)}"
        out.append(f'<a href="#{_e(href)}" class="edge-link">')
        out.append(f"<title>{_e(tip)}</title>")
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
        sev = _worst(edge.conflicts)
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
        dash = ' stroke-dasharray="8 6"' if _outcome(edge.conflicts)[0] == "unresolved" else ""
        n = len(edge.conflicts)
        href = anchors.get((a, a)) or _pair_anchor((a, a))
        tip = f"within {a}: {_plural(n, 'conflict')}, worst {sev}; {_outcome_text(edge.conflicts)}"
        out.append(f'<a href="#{_e(href)}" class="edge-link">')
        out.append(f"<title>{_e(tip)}</title>")
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
        sev = _worst(c for e in related for c in e.conflicts) if related else None
        ring = _COLOUR[sev] if sev else "#8a94a3"
        fill = "#fdecea" if sev == "error" else "#fff4dc" if sev == "warning" else "#f3f5f8"
        treaty = treaties.get(t)
        title = (treaty.title if treaty is not None else None) or ""
        date = f"signed {treaty.signed}" if treaty is not None and treaty.signed else ""
        year = treaty.signed[:4] if treaty is not None and treaty.signed else ""
        count = _plural(norms.get(t, 0), "clause")
        tip = f"{t}{': ' + title if title else ''}{' (' + date + ')' if date else ''}; {count}"
        out.append(f'<g class="node" id="node-{_e(_slug(t))}">')
        out.append(f"<title>{_e(tip)}</title>")
        out.append(
            f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}" fill="{fill}" stroke="{ring}" stroke-width="3" />'
        )
        size = 18 if len(t) <= 4 else 14
        out.append(
            f'<text x="{_fmt(x)}" y="{_fmt(y + size * 0.35)}" text-anchor="middle" font-size="{size}" '
            f'font-weight="700" fill="#1d232b">{_e(t)}</text>'
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
    y1 = max(max(b[3] for b in box) + pad, y0 + 190)
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


def _map_figure(conflicts: Sequence[Conflict], world: World, anchors: Mapping[tuple[str, ...], str]) -> str:
    svg = _map_svg(conflicts, world, anchors)
    cap = (
        "Each line joins two treaties with clauses in conflict; the number on it counts the conflicts, "
        "and a click leads to them. Colour gives the worst severity."
    )
    return f'<figure class="map">\n{svg}\n<figcaption>{_e(cap)}</figcaption>\n</figure>'


def _pair_anchors(groups: Sequence[tuple[tuple[str, ...], list[Conflict]]]) -> dict[tuple[str, ...], str]:
    """For each treaty pair on the map, the group of cards its edge leads to."""
    out: dict[tuple[str, ...], str] = {}
    for key, _ in groups:
        out.setdefault(key, _pair_anchor(key))
    for key, _ in groups:
        ts = sorted(set(key))
        for i, a in enumerate(ts):
            for b in ts[i + 1 :]:
                out.setdefault((a, b), _pair_anchor(key))
    return out


# ------------------------------------------------------------------ cards


def _source_excerpt(n: NormRef, sources: Mapping[str, str] | None) -> str:
    if not sources or n.file not in sources or n.line <= 0:
        return ""
    text = sources[n.file]
    count = line_count(text)
    first = n.line
    last = max(n.end_line or n.line, n.line)
    last = min(last, count, first + _MAX_SOURCE_LINES - 1)
    if not 0 < first <= count:
        return ""
    width = len(str(last))
    texts = [(source_line(text, no) or "").rstrip().expandtabs(1) for no in range(first, last + 1)]
    indent = min((len(t) - len(t.lstrip()) for t in texts if t.strip()), default=0)
    rows = []
    for no, src in zip(range(first, last + 1), texts, strict=True):
        src = src[indent:]
        if n.modality_line == no and n.modality_column:
            a = max(0, n.modality_column - 1 - indent)
            b = max(a + 1, (n.modality_end_column or n.modality_column + 1) - 1 - indent)
            body = f"{_e(src[:a])}<mark>{_e(src[a:b])}</mark>{_e(src[b:])}"
        else:
            body = _e(src)
        rows.append(f'<span class="ln">{str(no).rjust(width)} \u2502 </span>{body}')
    return '<pre class="src">' + "\n".join(rows) + "</pre>"


def _clause(n: NormRef, c: Conflict, world: World | None, sources: Mapping[str, str] | None) -> str:
    r = c.resolution
    treaty = None
    if world is not None:
        treaty = next((t for t in world.treaties if t.id == n.treaty), None)
    tname = treaty.title if treaty is not None and treaty.title else n.treaty
    role = ""
    if r.status == "prevails":
        if n.ref in r.overrides:
            role = '<span class="role gives-way">gives way</span>'
        elif r.winner == n.treaty:
            role = '<span class="role">prevails</span>'
    kind = '<span class="badge plain">political commitment</span>' if n.commitment else ""
    return (
        '<div class="clause">'
        f'<div class="who"><strong>{_e(n.ref)}</strong><span>{_e(_ROLE.get(n.modality, n.modality))}</span>'
        f"{role}{kind}</div>"
        f'<div class="loc" title="{_e(tname)}">{_e(tname)} \u00b7 {_e(_display(n.file))}:{n.line}</div>'
        f"<blockquote>{_e(n.text)}</blockquote>"
        f"{_source_excerpt(n, sources)}"
        "</div>"
    )


def _entity_chip(name: str, world: World | None) -> str:
    title = None
    if world is not None:
        try:
            title = world.entity(name).title
        except KeyError:
            title = None
    attr = f' title="{_e(title)}"' if title else ""
    return f'<span class="chip"{attr}>{_e(name)}</span>'


def _bearers(c: Conflict, world: World | None) -> str:
    if not c.bearers and not c.bearer:
        return ""
    parts = []
    if c.bearer:
        who = c.bearer
        if world is not None:
            try:
                title = world.entity(c.bearer).title
            except KeyError:
                title = None
            if title:
                who = f"{c.bearer} ({title})"
        parts.append(f"<p>In the scenario: <strong>{_e(who)}</strong>.</p>")
    others = [b for b in c.bearers if b != c.bearer]
    if others:
        parts.append(
            f'<p class="small">Bound alike ({_plural(len(c.bearers), "party", "parties")}):</p>'
            f"<div>{''.join(_entity_chip(b, world) for b in c.bearers)}</div>"
        )
    return "<dt>Who is bound</dt><dd>" + "".join(parts) + "</dd>"


def _atoms(label: str, items: Sequence[object]) -> str:
    if not items:
        return ""
    chips = "".join(f'<span class="chip">{_e(x)}</span>' for x in items)
    return f'<div class="atoms"><span class="lbl">{_e(label)}</span>{chips}</div>'


def _scenario(story: str, lists: Sequence[tuple[str, Sequence[object]]]) -> str:
    body = f'<p class="story">{_e(_sentence(story))}</p>' if story else ""
    body += "".join(_atoms(label, items) for label, items in lists)
    return body


def _axioms(c: Conflict, world: World | None) -> str:
    if not c.axioms:
        return ""
    items = []
    by_name = {a.name: a for a in world.axioms} if world is not None else {}
    for name in c.axioms:
        ax = by_name.get(name)
        line = ""
        if ax is not None and world is not None:
            text = world.sources.get(ax.span.file)
            quoted = None if text is None else source_line(text, ax.span.line)
            if quoted is not None:
                src = quoted.strip()
                line = f' <span class="small">{_e(_display(ax.span.file))}:{ax.span.line}</span> <code>{_e(src)}</code>'
        items.append(f"<li><strong>{_e(name)}</strong>{line}</li>")
    return "<dt>Axioms used</dt><dd><ul>" + "".join(items) + "</ul></dd>"


def _status_badge(status: str, winner: str | None) -> str:
    if status == "prevails":
        return f'<span class="badge ok">{_e(winner or "")} prevails</span>'
    if status == "deadlock":
        return '<span class="badge error">deadlock</span>'
    return f'<span class="badge unknown">{_e(status)}</span>'


def _precedence(c: Conflict) -> str:
    r = c.resolution
    by = ""
    if r.by:
        by = '<div class="atoms"><span class="lbl">ranked by</span>' + "".join(
            f'<span class="chip">{_e(b)}</span>' for b in r.by
        )
        by += "</div>"
    over = ""
    if r.overrides:
        over = '<div class="atoms"><span class="lbl">gives way</span>' + "".join(
            f'<span class="chip">{_e(b)}</span>' for b in r.overrides
        )
        over += "</div>"
    return (
        f"<dt>Precedence</dt><dd>{_status_badge(r.status, r.winner)}"
        f'<p class="reason">{_e(_sentence(r.reason))}</p>{by}{over}</dd>'
    )


def _meta(text: str) -> str:
    return f' <span class="meta">{_e(text)}</span>' if text else ""


def _help(text: str | None) -> str:
    return f' <span class="small">{_e(text)}</span>' if text else ""


def _sev_badge(severity: str) -> str:
    return f'<span class="badge {_e(severity)}">{_e(severity)}</span>'


def _card(
    c: Conflict,
    anchor: str,
    world: World | None,
    sources: Mapping[str, str] | None,
    stack: bool = False,
) -> str:
    norms = sorted(c.norms, key=lambda n: (n.file.startswith("builtin:"), n.ref))
    clauses = "".join(_clause(n, c, world, sources) for n in norms)
    verdict = ""
    if c.verdict == "unknown":
        verdict = (
            '<p class="note">Verdict unknown: the solver gave up within the time limit. '
            "This is not a proof that the clauses are consistent.</p>"
        )
    rows = [_bearers(c, world)]
    if c.scenario is not None:
        s = c.scenario
        lists = [("facts", s.facts), ("judgements", s.judgements), ("absent", s.absent), ("actions", s.actions)]
        rows.append(f"<dt>Scenario</dt><dd>{_scenario(s.story, lists)}</dd>")
    rows.append(_axioms(c, world))
    rows.append(_precedence(c))
    headline = c.headline or c.id
    kind = c.kind.replace("-", " \u2013 ")
    return (
        f'<article class="card {_e(c.severity)}" id="{_e(anchor)}">\n'
        f'<header><div class="line1">{_sev_badge(c.severity)}'
        f'<span class="kind">{_e(kind)}</span>'
        f'<code class="cid">{_e(c.id)}</code></div>'
        f'<h4><a href="#{_e(anchor)}">{_e(headline)}</a></h4></header>\n'
        f"{verdict}"
        f'<div class="clauses{" stack" if stack else ""}">{clauses}</div>\n'
        f'<dl class="facts">{"".join(rows)}</dl>\n'
        "</article>"
    )


# ------------------------------------------------------------------ summary


def _totals(items: Sequence[tuple[str, int, str]]) -> str:
    return (
        '<div class="totals">'
        + "".join(f'<div class="total {cls}"><b>{n}</b><span>{_e(label)}</span></div>' for label, n, cls in items)
        + "</div>"
    )


def _summary_tables(
    conflicts: Sequence[Conflict], groups: Sequence[tuple[tuple[str, ...], list[Conflict]]], report: Report
) -> str:
    s = report.summary
    out = [
        "<table>",
        "<caption>Totals</caption>",
        "<thead><tr><th>Errors</th><th>Warnings</th><th>Unknown</th><th>Conflicts</th><th>Clauses checked</th>"
        "</tr></thead>",
        f"<tbody><tr><td>{s.errors}</td><td>{s.warnings}</td><td>{s.unknown}</td><td>{len(conflicts)}</td>"
        f"<td>{s.norms}</td></tr></tbody>",
        "</table>",
    ]
    kinds: dict[str, list[Conflict]] = {}
    for c in conflicts:
        kinds.setdefault(c.kind, []).append(c)
    out += [
        '<div class="grid2"><div>',
        "<table>",
        "<caption>By kind</caption>",
        '<thead><tr><th>Kind</th><th class="n">Errors</th><th class="n">Warnings</th><th class="n">Total</th></tr>'
        "</thead><tbody>",
    ]
    for kind in sorted(kinds):
        cs = kinds[kind]
        err = sum(c.severity == "error" for c in cs)
        out.append(
            f'<tr><td>{_e(kind)}</td><td class="n">{err}</td><td class="n">{len(cs) - err}</td>'
            f'<td class="n">{len(cs)}</td></tr>'
        )
    if not kinds:
        out.append('<tr><td colspan="4" class="empty">none</td></tr>')
    out += ["</tbody></table>", "</div><div>", "<table>", "<caption>By treaty pair</caption>"]
    out.append(
        '<thead><tr><th>Treaties</th><th class="n">Errors</th><th class="n">Warnings</th><th>Precedence</th></tr>'
        "</thead><tbody>"
    )
    for key, cs in groups:
        err = sum(c.severity == "error" for c in cs)
        out.append(
            f'<tr><td><a href="#{_e(_pair_anchor(key))}">{_e(_pair_label(key))}</a></td>'
            f'<td class="n">{err}</td><td class="n">{len(cs) - err}</td><td>{_e(_outcome_text(cs))}</td></tr>'
        )
    if not groups:
        out.append('<tr><td colspan="4" class="empty">none</td></tr>')
    out += ["</tbody></table>", "</div></div>"]
    return "\n".join(out)


def _pair_sections(
    groups: Sequence[tuple[tuple[str, ...], list[Conflict]]],
    ids: Mapping[str, str],
    world: World | None,
    sources: Mapping[str, str] | None,
) -> list[str]:
    out = []
    titles = {t.id: t.title for t in world.treaties} if world is not None else {}
    for key, cs in groups:
        names = sorted(set(key))
        meta = "; ".join(f"{t}: {titles[t]}" for t in names if titles.get(t))
        err = sum(c.severity == "error" for c in cs)
        counts = ", ".join(
            x
            for x in (_plural(err, "error") if err else "", _plural(len(cs) - err, "warning") if err < len(cs) else "")
            if x
        )
        out.append(f'<section class="pair" id="{_e(_pair_anchor(key))}">')
        out.append(f'<h3>{_e(_pair_label(key))} <span class="meta">{_e(counts)}</span>{_meta(meta)}</h3>')
        out += [_card(c, ids[c.id], world, sources) for c in cs]
        out.append("</section>")
    return out


def _inputs(report: Report, world: World) -> str:
    titles = {t.id: t for t in world.treaties}
    user = [(f, ts) for f, ts in report.inputs if not f.startswith("builtin:")]
    builtin = [t for f, ts in report.inputs if f.startswith("builtin:") for t in ts]

    def name(t: str) -> str:
        tr = titles.get(t)
        bits = [f"<strong>{_e(t)}</strong>"]
        if tr is not None and tr.title:
            bits.append(_e(tr.title))
        if tr is not None and tr.signed:
            bits.append(f'<span class="small">signed {_e(tr.signed)}</span>')
        return " ".join(bits)

    items = []
    for f, ts in user:
        what = "; ".join(name(t) for t in ts) or '<span class="small">vocabulary only</span>'
        items.append(f"<li><code>{_e(f)}</code>: {what}</li>")
    if builtin:
        items.append("<li>Built-in library: " + "; ".join(name(t) for t in sorted(builtin)) + "</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else ""


# ------------------------------------------------------------------ public


def render_html(report: Report, world: World) -> str:
    """The check report as one self-contained HTML page (see the module docstring)."""
    conflicts = list(report.conflicts)
    groups = _groups(conflicts)
    ids = _card_ids(conflicts)
    anchors = _pair_anchors(groups)
    s = report.summary
    user_titles = [
        t.title or t.id for f, ts in report.inputs if not f.startswith("builtin:") for t in world.treaties if t.id in ts
    ]
    subject = ", ".join(user_titles) if user_titles else "the checked treaties"
    if conflicts:
        lede = (
            f"{_plural(len(conflicts), 'conflict')} found in {subject}: "
            f"{_plural(s.errors, 'error')} (clauses that cannot both be honoured, with no treaty giving way) and "
            f"{_plural(s.warnings, 'warning')} (one clause gives way, or a permission is taken away)."
        )
    else:
        lede = f"No conflicts found in {subject}."
    totals = [("errors", s.errors, "error"), ("warnings", s.warnings, "warning")]
    if s.unknown:
        totals.append(("unknown", s.unknown, "unknown"))
    totals.append(("clauses checked", s.norms, ""))
    body = [
        '<header class="top">',
        f'<div class="kicker">treatycheck {_e(report.version)} \u00b7 conflict report</div>',
        f"<h1>{_e(subject[0].upper() + subject[1:])}</h1>",
        f'<p class="lede">{_e(lede)}</p>',
        _totals(totals),
        '<nav class="toc"><a href="#map">Conflict map</a><a href="#summary">Summary</a>'
        '<a href="#conflicts">Conflicts</a><a href="#inputs">Inputs</a></nav>',
        "</header>",
        '<section id="map"><h2>Conflict map</h2>',
        _map_figure(conflicts, world, anchors) if conflicts else '<p class="empty">No conflicts to draw.</p>',
        "</section>",
        '<section id="summary"><h2>Summary</h2>',
        _summary_tables(conflicts, groups, report),
        "</section>",
        '<section id="conflicts"><h2>Conflicts</h2>',
    ]
    if not conflicts:
        body.append('<p class="empty">None.</p>')
    body += _pair_sections(groups, ids, world, world.sources)
    body.append("</section>")
    if report.diagnostics:
        body.append('<section id="notes"><h2>Notes on the input</h2><ul>')
        for d in report.diagnostics:
            body.append(
                f"<li>{_sev_badge(d.severity)} <code>{_e(d.location())}</code> {_e(d.message)}{_help(d.help)}</li>"
            )
        body.append("</ul></section>")
    body += [
        '<section id="inputs"><h2>Inputs</h2>',
        _inputs(report, world),
        "</section>",
        '<footer class="small">Generated by treatycheck. Severity: <strong>error</strong> means two clauses '
        "bind the same party in the scenario shown and no precedence rule lets one give way; "
        "<strong>warning</strong> means one gives way, or a permission is withdrawn.</footer>",
    ]
    return _page(f"treatycheck report: {subject}", body)


# ------------------------------------------------------------------ diff


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|\w+|[^\w\s]", text)


def _word_diff(old: str, new: str) -> tuple[str, str]:
    a, b = _tokens(old), _tokens(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        x, y = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(_e(x))
            right.append(_e(y))
        else:
            if x:
                left.append(f"<del>{_e(x)}</del>")
            if y:
                right.append(f"<ins>{_e(y)}</ins>")
    return "".join(left), "".join(right)


_CHANGE_BADGE = {
    "broader": "warning",
    "narrower": "warning",
    "different": "error",
    "added": "ok",
    "removed": "error",
    "unknown": "unknown",
}

_CHANGE_TEXT = {
    "broader": "The new text imposes its duty in more scenarios than the old.",
    "narrower": "The new text imposes its duty in fewer scenarios than the old.",
    "different": "Old and new text each apply in scenarios where the other does not.",
    "added": "A new sentence.",
    "removed": "The sentence was removed.",
    "unknown": "The solver could not decide within the time limit.",
}


def _article(a: ArticleChange) -> str:
    badge = f'<span class="badge {_CHANGE_BADGE.get(a.change, "plain")}">{_e(a.change)}</span>'
    extra = []
    if a.modality:
        extra.append(f"modality {a.modality[0]} \u2192 {a.modality[1]}")
    if a.note:
        extra.append(a.note)
    old, new = a.old_text or "", a.new_text or ""
    absent = '<span class="empty">(absent)</span>'
    left, right = _word_diff(old, new) if (old and new) else (_e(old), _e(new))
    texts = (
        '<div class="texts">'
        f'<div><span class="lbl">before</span>{left or absent}</div>'
        f'<div><span class="lbl">after</span>{right or absent}</div>'
        "</div>"
    )
    scen = ""
    if a.scenario:
        sc = dict(a.scenario)
        story = str(sc.pop("story", "") or "")
        lists: list[tuple[str, Sequence[object]]] = []
        order = ["bearer", "action", "facts", "judgements", "absent", "actions", "applies"]
        for key in sorted(sc, key=lambda k: (order.index(k) if k in order else len(order), k)):
            v = sc[key]
            if isinstance(v, list | tuple):
                lists.append((key, list(v)))
            elif v not in (None, ""):
                lists.append((key, [v]))
        scen = f'<dl class="facts"><dt>Telling them apart</dt><dd>{_scenario(story, lists)}</dd></dl>'
    return (
        f'<div class="change" id="{_e("art-" + _slug(a.ref))}">'
        f"<h4>{_e(a.ref)} {badge}"
        f"{_meta('; '.join(extra))}</h4>"
        f'<p class="small">{_e(_CHANGE_TEXT.get(a.change, ""))}</p>'
        f"{texts}{scen}</div>"
    )


def _changed_row(ch: Changed, anchor: str) -> str:
    o, n = ch.old, ch.new
    return (
        f'<tr id="{_e(anchor)}"><td><strong>{_e(n.headline or ch.id)}</strong><br /><code>{_e(ch.id)}</code></td>'
        f"<td>{_status_badge(o.resolution.status, o.resolution.winner)} {_sev_badge(o.severity)}"
        f'<p class="small">{_e(_sentence(o.resolution.reason))}</p></td>'
        f'<td class="arrow">\u2192</td>'
        f"<td>{_status_badge(n.resolution.status, n.resolution.winner)} {_sev_badge(n.severity)}"
        f'<p class="small">{_e(_sentence(n.resolution.reason))}</p></td></tr>'
    )


def render_diff_html(diff: DiffReport, world_new: World) -> str:
    """The diff report as one self-contained HTML page: conflicts introduced and resolved
    side by side, re-ranked conflicts (old to new), and each sentence whose meaning changed."""
    intro_ids = _card_ids(diff.introduced, "new-")
    gone_ids = _card_ids(diff.resolved, "old-")
    changed_ids = {ch.id: "changed-" + _slug(ch.id) for ch in diff.changed}
    moved = [a for a in diff.articles if a.change != "equivalent"]
    same = [a for a in diff.articles if a.change == "equivalent"]
    user_titles = sorted({t.title or t.id for t in world_new.treaties if t.file in world_new.user_files})
    subject = ", ".join(user_titles) if user_titles else "the edited treaties"
    lede = (
        f"{_plural(len(diff.introduced), 'conflict')} introduced, {len(diff.resolved)} resolved, "
        f"{len(diff.changed)} re-ranked; {_plural(len(moved), 'sentence')} changed meaning, "
        f"{len(same)} kept it."
    )
    totals = [
        ("introduced", len(diff.introduced), "error" if diff.introduced else ""),
        ("resolved", len(diff.resolved), ""),
        ("re-ranked", len(diff.changed), "warning" if diff.changed else ""),
        ("sentences changed", len(moved), ""),
    ]
    body = [
        '<header class="top">',
        f'<div class="kicker">treatycheck {_e(diff.new_report.version)} \u00b7 what an edit changed</div>',
        f"<h1>{_e(subject[0].upper() + subject[1:])}</h1>",
        f'<p class="lede">{_e(lede)}</p>',
        _totals(totals),
        '<nav class="toc"><a href="#conflicts">Conflicts</a><a href="#changed">Re-ranked</a>'
        '<a href="#sentences">Sentences</a><a href="#map">Map after the edit</a></nav>',
        "</header>",
        '<section id="conflicts"><h2>Conflicts introduced and resolved</h2><div class="grid2">',
        f'<div class="column" id="introduced"><h3>Introduced ({len(diff.introduced)})</h3>',
    ]
    body += [_card(c, intro_ids[c.id], world_new, world_new.sources, stack=True) for c in _order(diff.introduced)]
    if not diff.introduced:
        body.append('<p class="empty">None.</p>')
    body.append(f'</div><div class="column" id="resolved"><h3>Resolved ({len(diff.resolved)})</h3>')
    # the old world's sources are not at hand: resolved conflicts show the clause text only
    body += [_card(c, gone_ids[c.id], None, None, stack=True) for c in _order(diff.resolved)]
    if not diff.resolved:
        body.append('<p class="empty">None.</p>')
    body += ["</div></div></section>", '<section id="changed"><h2>Re-ranked conflicts</h2>']
    if diff.changed:
        body.append("<table><thead><tr><th>Conflict</th><th>Before</th><th></th><th>After</th></tr></thead><tbody>")
        body += [_changed_row(ch, changed_ids[ch.id]) for ch in diff.changed]
        body.append("</tbody></table>")
    else:
        body.append('<p class="empty">None.</p>')
    body += ["</section>", '<section id="sentences"><h2>Sentences</h2>']
    body += [_article(a) for a in moved]
    if not moved:
        body.append('<p class="empty">No sentence changed its meaning.</p>')
    if same:
        body.append(
            f'<p class="small">Equivalent ({len(same)}): the solver proved these impose the same duties in every '
            "scenario, whatever their wording.</p><div>"
            + "".join(f'<span class="chip">{_e(a.ref)}</span>' for a in same)
            + "</div>"
        )
    body.append("</section>")
    new_conflicts = list(diff.new_report.conflicts)
    body.append('<section id="map"><h2>Conflict map after the edit</h2>')
    if new_conflicts:
        # the map's edges lead to the introduced cards where there are some, else to the table
        groups = _groups(new_conflicts)
        anchors: dict[tuple[str, ...], str] = {}
        intro = {c.id for c in diff.introduced}
        changed = {ch.id for ch in diff.changed}
        for key, cs in groups:
            target = next((intro_ids[c.id] for c in cs if c.id in intro), None)
            target = target or next((changed_ids[c.id] for c in cs if c.id in changed), None)
            ts = sorted(set(key))
            pairs = [(ts[0], ts[0])] if len(ts) == 1 else [(x, y) for i, x in enumerate(ts) for y in ts[i + 1 :]]
            for p in pairs:
                anchors.setdefault(p, target or "conflicts")
        body.append(_map_figure(new_conflicts, world_new, anchors))
    else:
        body.append('<p class="empty">No conflicts after the edit.</p>')
    body += ["</section>", '<footer class="small">Generated by treatycheck diff.</footer>']
    return _page(f"treatycheck diff: {subject}", body)
