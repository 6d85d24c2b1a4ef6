"""The HTML diff page: what an edit of the treaties changed, in one self-contained page.

In: the diff report and the world after the edit. Out: ``render_diff_html(diff,
world_new)``: the conflicts introduced and resolved side by side, the re-ranked ones
(before and after), each sentence whose meaning changed with a word diff of its text,
and the conflict map after the edit.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .html_cards import card, meta_span, scenario_body, sev_badge, status_badge, totals_bar
from .html_common import by_severity, card_ids, esc, pair_groups, plural, sentence, slug
from .html_map import map_figure
from .html_page import page

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..diff import ArticleChange, Changed, DiffReport
    from ..world import World


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|\w+|[^\w\s]", text)


def _word_diff(old: str, new: str) -> tuple[str, str]:
    a, b = _tokens(old), _tokens(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        x, y = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(esc(x))
            right.append(esc(y))
        else:
            if x:
                left.append(f"<del>{esc(x)}</del>")
            if y:
                right.append(f"<ins>{esc(y)}</ins>")
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
    badge = f'<span class="badge {_CHANGE_BADGE.get(a.change, "plain")}">{esc(a.change)}</span>'
    extra = []
    if a.modality:
        extra.append(f"modality {a.modality[0]} \u2192 {a.modality[1]}")
    if a.note:
        extra.append(a.note)
    old, new = a.old_text or "", a.new_text or ""
    absent = '<span class="empty">(absent)</span>'
    left, right = _word_diff(old, new) if (old and new) else (esc(old), esc(new))
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
        scen = f'<dl class="facts"><dt>Telling them apart</dt><dd>{scenario_body(story, lists)}</dd></dl>'
    return (
        f'<div class="change" id="{esc("art-" + slug(a.ref))}">'
        f"<h4>{esc(a.ref)} {badge}"
        f"{meta_span('; '.join(extra))}</h4>"
        f'<p class="small">{esc(_CHANGE_TEXT.get(a.change, ""))}</p>'
        f"{texts}{scen}</div>"
    )


def _changed_row(ch: Changed, anchor: str) -> str:
    o, n = ch.old, ch.new
    return (
        f'<tr id="{esc(anchor)}"><td><strong>{esc(n.headline or ch.id)}</strong><br /><code>{esc(ch.id)}</code></td>'
        f"<td>{status_badge(o.resolution.status, o.resolution.winner, bool(o.resolution.breaches))} {sev_badge(o.severity)}"
        f'<p class="small">{esc(sentence(o.resolution.reason))}</p></td>'
        f'<td class="arrow">\u2192</td>'
        f"<td>{status_badge(n.resolution.status, n.resolution.winner, bool(n.resolution.breaches))} {sev_badge(n.severity)}"
        f'<p class="small">{esc(sentence(n.resolution.reason))}</p></td></tr>'
    )


def render_diff_html(diff: DiffReport, world_new: World) -> str:
    """The diff report as one self-contained HTML page: conflicts introduced and resolved
    side by side, re-ranked conflicts (old to new), and each sentence whose meaning changed."""
    intro_ids = card_ids(diff.introduced, "new-")
    gone_ids = card_ids(diff.resolved, "old-")
    changed_ids = {ch.id: "changed-" + slug(ch.id) for ch in diff.changed}
    moved = [a for a in diff.articles if a.change != "equivalent"]
    same = [a for a in diff.articles if a.change == "equivalent"]
    user_titles = sorted({t.title or t.id for t in world_new.treaties if t.file in world_new.user_files})
    subject = ", ".join(user_titles) if user_titles else "the edited treaties"
    lede = (
        f"{plural(len(diff.introduced), 'conflict')} introduced, {len(diff.resolved)} resolved, "
        f"{len(diff.changed)} re-ranked; {plural(len(moved), 'sentence')} changed meaning, "
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
        f'<div class="kicker">treatycheck {esc(diff.new_report.version)} \u00b7 what an edit changed</div>',
        f"<h1>{esc(subject[0].upper() + subject[1:])}</h1>",
        f'<p class="lede">{esc(lede)}</p>',
        totals_bar(totals),
        '<nav class="toc"><a href="#conflicts">Conflicts</a><a href="#changed">Re-ranked</a>'
        '<a href="#sentences">Sentences</a><a href="#map">Map after the edit</a></nav>',
        "</header>",
        '<section id="conflicts"><h2>Conflicts introduced and resolved</h2><div class="grid2">',
        f'<div class="column" id="introduced"><h3>Introduced ({len(diff.introduced)})</h3>',
    ]
    body += [card(c, intro_ids[c.id], world_new, world_new.sources, stack=True) for c in by_severity(diff.introduced)]
    if not diff.introduced:
        body.append('<p class="empty">None.</p>')
    body.append(f'</div><div class="column" id="resolved"><h3>Resolved ({len(diff.resolved)})</h3>')
    # the old world's sources are not at hand: resolved conflicts show the clause text only
    body += [card(c, gone_ids[c.id], None, None, stack=True) for c in by_severity(diff.resolved)]
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
            + "".join(f'<span class="chip">{esc(a.ref)}</span>' for a in same)
            + "</div>"
        )
    body.append("</section>")
    new_conflicts = list(diff.new_report.conflicts)
    body.append('<section id="map"><h2>Conflict map after the edit</h2>')
    if new_conflicts:
        # the map's edges lead to the introduced cards where there are some, else to the table
        groups = pair_groups(new_conflicts)
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
        body.append(map_figure(new_conflicts, world_new, anchors))
    else:
        body.append('<p class="empty">No conflicts after the edit.</p>')
    body += ["</section>", '<footer class="small">Generated by treatycheck diff.</footer>']
    return page(f"treatycheck diff: {subject}", body)
