"""One conflict as a card of the HTML report, and the small fragments both pages use.

In: a conflict, the anchor its card is known by and, when at hand, the world and the
source texts (for treaty titles, entity names, axioms and the lines each clause was
written on). Out: ``card`` (an ``<article>``), and the fragments the report and the
diff page reuse: ``scenario_body``, ``status_badge``, ``sev_badge``, ``meta_span`` and
``totals_bar`` (the row of big numbers under a page's title).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..diagnostics import line_count, source_line
from ..kinds import MODALITY_WORDS, Modality
from .data import Conflict, NormRef
from .html_common import esc, plural, sentence

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..world import World


_MAX_SOURCE_LINES = 12


def _display(file: str) -> str:
    return file.replace("builtin:", "", 1) if file.startswith("builtin:") else file


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
            body = f"{esc(src[:a])}<mark>{esc(src[a:b])}</mark>{esc(src[b:])}"
        else:
            body = esc(src)
        rows.append(f'<span class="ln">{str(no).rjust(width)} \u2502 </span>{body}')
    return '<pre class="src">' + "\n".join(rows) + "</pre>"


def _clause(n: NormRef, c: Conflict, world: World | None, sources: Mapping[str, str] | None) -> str:
    r = c.resolution
    treaty = None
    if world is not None:
        treaty = next((t for t in world.treaties if t.id == n.treaty), None)
    tname = treaty.title if treaty is not None and treaty.title else n.treaty
    role = ""
    if n.ref in r.overrides:
        role = '<span class="role gives-way">gives way</span>'
    elif r.status in ("prevails", "partial") and r.winner == n.treaty:
        role = '<span class="role">prevails</span>'
    elif r.status == "displaced" and r.winner == n.treaty:
        role = '<span class="role">stands</span>'
    kind = '<span class="badge plain">political commitment</span>' if n.commitment else ""
    return (
        '<div class="clause">'
        f'<div class="who"><strong>{esc(n.ref)}</strong><span>{esc(MODALITY_WORDS[Modality(n.modality)].role if n.modality in MODALITY_WORDS else n.modality)}</span>'
        f"{role}{kind}</div>"
        f'<div class="loc" title="{esc(tname)}">{esc(tname)} \u00b7 {esc(_display(n.file))}:{n.line}</div>'
        f"<blockquote>{esc(n.text)}</blockquote>"
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
    attr = f' title="{esc(title)}"' if title else ""
    return f'<span class="chip"{attr}>{esc(name)}</span>'


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
        parts.append(f"<p>In the scenario: <strong>{esc(who)}</strong>.</p>")
    others = [b for b in c.bearers if b != c.bearer]
    if others:
        parts.append(
            f'<p class="small">Bound alike ({plural(len(c.bearers), "party", "parties")}):</p>'
            f"<div>{''.join(_entity_chip(b, world) for b in c.bearers)}</div>"
        )
    return "<dt>Who is bound</dt><dd>" + "".join(parts) + "</dd>"


def _atoms(label: str, items: Sequence[object]) -> str:
    if not items:
        return ""
    chips = "".join(f'<span class="chip">{esc(x)}</span>' for x in items)
    return f'<div class="atoms"><span class="lbl">{esc(label)}</span>{chips}</div>'


def scenario_body(story: str, lists: Sequence[tuple[str, Sequence[object]]]) -> str:
    """A scenario: its story as a sentence, then one row of chips per labelled list."""
    body = f'<p class="story">{esc(sentence(story))}</p>' if story else ""
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
            where = world.source_map.span("axiom", ax.name)
            text = world.sources.get(where.file)
            quoted = None if text is None else source_line(text, where.line)
            if quoted is not None:
                src = quoted.strip()
                line = f' <span class="small">{esc(_display(where.file))}:{where.line}</span> <code>{esc(src)}</code>'
        items.append(f"<li><strong>{esc(name)}</strong>{line}</li>")
    return "<dt>Axioms used</dt><dd><ul>" + "".join(items) + "</ul></dd>"


def status_badge(status: str, winner: str | None, breached: bool = False) -> str:
    """A resolution as a badge: ``X prevails``, ``X prevails in part`` (partial),
    ``X stands`` (displaced), ``political``, ``deadlock`` or the status; a win that
    breaches an undertaking (``breached``) is an error, so is its badge."""
    if status == "prevails":
        return f'<span class="badge {"error" if breached else "ok"}">{esc(winner or "")} prevails</span>'
    if status == "partial":
        return f'<span class="badge error">{esc(winner or "")} prevails in part</span>'
    if status == "displaced":
        label = f"{winner} stands" if winner else "both give way"
        return f'<span class="badge ok">displaced: {esc(label)}</span>'
    if status == "political":
        return '<span class="badge plain">political</span>'
    if status == "deadlock":
        return '<span class="badge error">deadlock</span>'
    return f'<span class="badge unknown">{esc(status)}</span>'


def _chips(label: str, items: Sequence[str]) -> str:
    """A labelled row of chips (nothing for no items)."""
    if not items:
        return ""
    return (
        f'<div class="atoms"><span class="lbl">{esc(label)}</span>'
        + "".join(f'<span class="chip">{esc(x)}</span>' for x in items)
        + "</div>"
    )


def _precedence(c: Conflict) -> str:
    r = c.resolution
    rows = [
        _chips("ranked by", r.by),
        _chips("gives way", r.overrides),
        _chips("still owed toward", r.toward),
        _chips("breaches", r.breaches),
    ]
    notes = "".join(f'<p class="reason"><strong>{esc(label)}:</strong> {esc(text)}</p>' for label, text in c.notes)
    return (
        f"<dt>Precedence</dt><dd>{status_badge(r.status, r.winner, bool(r.breaches))}"
        f'<p class="reason">{esc(sentence(r.reason))}</p>{"".join(rows)}{notes}</dd>'
    )


def _readings(c: Conflict) -> str:
    """Each reading the conflict arises in, with its resolution and severity."""
    items = "".join(
        f"<li><strong>{esc(name)}</strong> {status_badge(o.resolution.status, o.resolution.winner, bool(o.resolution.breaches))}"
        f" {sev_badge(o.severity)}</li>"
        for name, o in c.readings
    )
    where = "under every reading" if c.every_reading else "not under every reading"
    return f'<dt>Readings</dt><dd><p class="reason">{esc(where)}</p><ul>{items}</ul></dd>'


def meta_span(text: str) -> str:
    """A muted note after a heading (nothing for no text)."""
    return f' <span class="meta">{esc(text)}</span>' if text else ""


def sev_badge(severity: str) -> str:
    """A severity as a badge coloured by its class."""
    return f'<span class="badge {esc(severity)}">{esc(severity)}</span>'


def card(
    c: Conflict,
    anchor: str,
    world: World | None,
    sources: Mapping[str, str] | None,
    stack: bool = False,
) -> str:
    """The card of one conflict, ``id=anchor``: its clauses (one above the other with
    ``stack``), who is bound, the scenario, the axioms used and the precedence.
    Without a world or sources it shows the clause texts only."""
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
        rows.append(f"<dt>Scenario</dt><dd>{scenario_body(s.story, lists)}</dd>")
    rows.append(_axioms(c, world))
    rows.append(_precedence(c))
    if c.readings:
        rows.append(_readings(c))
    headline = c.headline or c.id
    kind = c.kind.replace("-", " \u2013 ")
    return (
        f'<article class="card {esc(c.severity)}" id="{esc(anchor)}">\n'
        f'<header><div class="line1">{sev_badge(c.severity)}'
        f'<span class="kind">{esc(kind)}</span>'
        f'<code class="cid">{esc(c.id)}</code></div>'
        f'<h4><a href="#{esc(anchor)}">{esc(headline)}</a></h4></header>\n'
        f"{verdict}"
        f'<div class="clauses{" stack" if stack else ""}">{clauses}</div>\n'
        f'<dl class="facts">{"".join(rows)}</dl>\n'
        "</article>"
    )


def totals_bar(items: Sequence[tuple[str, int, str]]) -> str:
    """The big numbers under a page's title: each ``(label, count, css class)``."""
    return (
        '<div class="totals">'
        + "".join(f'<div class="total {cls}"><b>{n}</b><span>{esc(label)}</span></div>' for label, n, cls in items)
        + "</div>"
    )
