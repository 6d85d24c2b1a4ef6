"""The HTML check report: one self-contained page for lawyers and diplomats.

In: a report and the world it was made of (for the titles, the source lines and the
map's nodes). Out: ``render_html(report, world)``, the whole page: a header with the
totals, the conflict map, the summary tables, one card per conflict grouped by
treaty pair under ``id="pair-A-B"``, the notes on the input and the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .data import Conflict, Report
from .groups import SHOWN, Group, group
from .html_cards import card, meta_span, sev_badge, totals_bar
from .html_common import card_ids, esc, outcome_text, pair_anchor, pair_groups, pair_label, plural
from .html_control import control_section
from .html_map import map_figure, pair_anchors
from .html_page import page

if TYPE_CHECKING:
    from ..control import ControlReport

    # pragma: no cover - typing only
    from ..world import World


def _help(text: str | None) -> str:
    return f' <span class="small">{esc(text)}</span>' if text else ""


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
            f'<tr><td>{esc(kind)}</td><td class="n">{err}</td><td class="n">{len(cs) - err}</td>'
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
            f'<tr><td><a href="#{esc(pair_anchor(key))}">{esc(pair_label(key))}</a></td>'
            f'<td class="n">{err}</td><td class="n">{len(cs) - err}</td><td>{esc(outcome_text(cs))}</td></tr>'
        )
    if not groups:
        out.append('<tr><td colspan="4" class="empty">none</td></tr>')
    out += ["</tbody></table>", "</div></div>"]
    return "\n".join(out)


def _hub_sections(
    hubs: Sequence[Group], ids: Mapping[str, str], world: World | None, sources: Mapping[str, str] | None
) -> list[str]:
    """The groups of conflicts that share a norm (:mod:`treatycheck.report.groups`):
    the first ``SHOWN`` as cards, the rest one line each (each line holds its
    conflict's anchor, so every link to a conflict still lands)."""
    out = []
    for i, g in enumerate(hubs, 1):
        out.append(f'<section class="group" id="group-{i}">')
        out.append(f"<h3>{esc(g.headline())}{meta_span('treaties: ' + ', '.join(g.treaties))}</h3>")
        out += [card(c, ids[c.id], world, sources) for c in g.conflicts[:SHOWN]]
        rest = g.conflicts[SHOWN:]
        if rest:
            out.append(f'<details class="more"><summary>{len(rest)} more conflicts of {esc(g.ref)}</summary><ul>')
            out += [
                f'<li id="{esc(ids[c.id])}">{sev_badge(c.severity)} <code class="cid">{esc(c.id)}</code> '
                f"{esc(c.headline or c.id)}</li>"
                for c in rest
            ]
            out.append("</ul></details>")
        out.append(
            f'<p class="note">Every one in full: <code>treatycheck explain {esc(g.ref)}</code> with the same files, '
            "or <code>check --format json</code> / <code>sarif</code>.</p>"
        )
        out.append("</section>")
    return out


def _pair_sections(
    groups: Sequence[tuple[tuple[str, ...], list[Conflict]]],
    ids: Mapping[str, str],
    world: World | None,
    sources: Mapping[str, str] | None,
    grouped: Mapping[str, int] | None = None,
) -> list[str]:
    """One section per pair of treaties; a conflict shown in a group (``grouped``:
    conflict id -> group number) is a line linking to it there."""
    grouped = grouped or {}
    out = []
    titles = {t.id: t.title for t in world.treaties} if world is not None else {}
    for key, cs in groups:
        names = sorted(set(key))
        meta = "; ".join(f"{t}: {titles[t]}" for t in names if titles.get(t))
        err = sum(c.severity == "error" for c in cs)
        counts = ", ".join(
            x
            for x in (plural(err, "error") if err else "", plural(len(cs) - err, "warning") if err < len(cs) else "")
            if x
        )
        out.append(f'<section class="pair" id="{esc(pair_anchor(key))}">')
        out.append(f'<h3>{esc(pair_label(key))} <span class="meta">{esc(counts)}</span>{meta_span(meta)}</h3>')
        out += [card(c, ids[c.id], world, sources) for c in cs if c.id not in grouped]
        inside = [c for c in cs if c.id in grouped]
        if inside:
            out.append('<ul class="grouped">')
            out += [
                f'<li><a href="#{esc(ids[c.id])}">{esc(c.headline or c.id)}</a> '
                f'(in <a href="#group-{grouped[c.id]}">a group</a>)</li>'
                for c in inside
            ]
            out.append("</ul>")
        out.append("</section>")
    return out


def _inputs(report: Report, world: World) -> str:
    titles = {t.id: t for t in world.treaties}
    user = [(f, ts) for f, ts in report.inputs if not f.startswith("builtin:")]
    builtin = [t for f, ts in report.inputs if f.startswith("builtin:") for t in ts]

    def name(t: str) -> str:
        tr = titles.get(t)
        bits = [f"<strong>{esc(t)}</strong>"]
        if tr is not None and tr.title:
            bits.append(esc(tr.title))
        if tr is not None and tr.signed:
            bits.append(f'<span class="small">signed {esc(tr.signed)}</span>')
        return " ".join(bits)

    items = []
    for f, ts in user:
        what = "; ".join(name(t) for t in ts) or '<span class="small">vocabulary only</span>'
        items.append(f"<li><code>{esc(f)}</code>: {what}</li>")
    if builtin:
        items.append("<li>Built-in library: " + "; ".join(name(t) for t in sorted(builtin)) + "</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def render_html(report: Report, world: World, control: ControlReport | None = None) -> str:
    """The check report as one self-contained HTML page (see the module docstring);
    with ``control`` (:func:`treatycheck.control.control`), a "Who decides" section."""
    conflicts = list(report.conflicts)
    groups = pair_groups(conflicts)
    ids = card_ids(conflicts)
    anchors = pair_anchors(groups)
    s = report.summary
    user_titles = [
        t.title or t.id for f, ts in report.inputs if not f.startswith("builtin:") for t in world.treaties if t.id in ts
    ]
    subject = ", ".join(user_titles) if user_titles else "the checked treaties"
    if conflicts:
        lede = (
            f"{plural(len(conflicts), 'conflict')} found in {subject}: "
            f"{plural(s.errors, 'error')} (clauses that cannot both be honoured, with no treaty giving way) and "
            f"{plural(s.warnings, 'warning')} (one clause gives way, or a permission is taken away)."
        )
    else:
        lede = f"No conflicts found in {subject}."
    if report.readings:
        told = "; ".join(f"{r.name}" + (f" ({r.description})" if r.description else "") for r in report.readings)
        lede += (
            f" Checked under {len(report.readings)} readings: {told}; each conflict says how each reading settles it."
        )
    totals = [("errors", s.errors, "error"), ("warnings", s.warnings, "warning")]
    if s.unknown:
        totals.append(("unknown", s.unknown, "unknown"))
    totals.append(("clauses checked", s.norms, ""))
    body = [
        '<header class="top">',
        f'<div class="kicker">treatycheck {esc(report.version)} \u00b7 conflict report</div>',
        f"<h1>{esc(subject[0].upper() + subject[1:])}</h1>",
        f'<p class="lede">{esc(lede)}</p>',
        totals_bar(totals),
        '<nav class="toc"><a href="#map">Conflict map</a><a href="#summary">Summary</a>'
        '<a href="#conflicts">Conflicts</a>'
        + ('<a href="#control">Who decides</a>' if control is not None and control.decided_predicates else "")
        + '<a href="#inputs">Inputs</a></nav>',
        "</header>",
        '<section id="map"><h2>Conflict map</h2>',
        map_figure(conflicts, world, anchors) if conflicts else '<p class="empty">No conflicts to draw.</p>',
        "</section>",
        '<section id="summary"><h2>Summary</h2>',
        _summary_tables(conflicts, groups, report),
        "</section>",
        '<section id="conflicts"><h2>Conflicts</h2>',
    ]
    if not conflicts:
        body.append('<p class="empty">None.</p>')
    hubs = group(conflicts).groups
    body += _hub_sections(hubs, ids, world, world.sources)
    grouped = {c.id: i for i, g in enumerate(hubs, 1) for c in g.conflicts}
    body += _pair_sections(groups, ids, world, world.sources, grouped)
    body.append("</section>")
    body += control_section(control)
    if report.diagnostics:
        body.append('<section id="notes"><h2>Notes on the input</h2><ul>')
        for d in report.diagnostics:
            body.append(
                f"<li>{sev_badge(d.severity)} <code>{esc(d.location())}</code> {esc(d.message)}{_help(d.help)}</li>"
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
    return page(f"treatycheck report: {subject}", body)
