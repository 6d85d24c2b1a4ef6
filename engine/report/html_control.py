"""The "Who decides" section of the HTML report: the duties other entities control.

``control_section(report, world) -> list[str]``: the section's HTML lines, one row
per controlled duty (its ref and words, who controls it for whom, and one pair of
scenarios told in words), then the duties asked about that no one else controls.
Empty when the world declares nothing ``decided by`` anyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .html_common import esc

if TYPE_CHECKING:
    from ..control import ControlReport


def _whom(bearers: tuple[tuple[str, tuple[str, ...]], ...], any_other: bool) -> str:
    if any_other:
        return f"any other party, for each of its {len(bearers)} bearers" if len(bearers) > 1 else "any other party"
    groups: dict[tuple[str, ...], list[str]] = {}
    for b, es in bearers:
        groups.setdefault(es, []).append(b)
    return "; ".join(f"for {', '.join(bs)}: {', '.join(es)}" for es, bs in groups.items())


def control_section(report: ControlReport | None) -> list[str]:
    """The section, or nothing when no predicate is ``decided by`` anyone."""
    if report is None or not report.decided_predicates:
        return []
    world = report.world
    out = [
        '<section id="control"><h2>Who decides</h2>',
        '<p class="small">A duty is <em>controlled</em> by another entity when that entity\'s own say '
        f"(its consent or opinion: {esc(', '.join(report.decided_predicates))}) switches the duty on or off "
        "for a bearer, everything else being equal.</p>",
    ]
    controlled = [n for n in report.norms if n.bearers]
    if controlled:
        out.append("<table><thead><tr><th>Duty</th><th>Controlled by</th><th>For example</th></tr></thead><tbody>")
        for n in controlled:
            words = world.source_map.norm(n.ref).text
            example = n.pairs[0].story(world, n.ref, n.modality, limit=3) if n.pairs else ""
            out.append(
                f'<tr><td><code>{esc(n.ref)}</code><br><span class="small">{esc(words)}</span></td>'
                f"<td>{esc(_whom(n.bearers, n.any_other_party))}</td><td>{esc(example)}</td></tr>"
            )
        out.append("</tbody></table>")
    free = [n.ref for n in report.norms if n.decided and not n.bearers]
    if free:
        out.append(f"<p>No one else controls {esc(', '.join(free))}.</p>")
    if not controlled and not free:
        out.append('<p class="empty">No duty of the checked files depends on anyone\'s say.</p>')
    out.append("</section>")
    return out
