"""The text reports of ``treatycheck control`` and ``treatycheck overlap``.

``render_control(report, paint) -> str`` and ``render_overlap(report, paint) -> str``:
one block per norm (the controlled duties, or every norm with its coverage), long
lists cut to their first few with a count (``--format json`` keeps all), and a
closing summary. ``paint(text, style)`` colours a word or returns it unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from ..control import ControlReport, NormControl
from ..overlap import NormOverlap, OverlapReport

Paint = Callable[[str, str], str]
#: Items of a list shown before "and N more".
SHOWN = 5


def _some(items: list[str] | tuple[str, ...], shown: int = SHOWN) -> str:
    """``A, B, C and 4 more`` (all of them when there are few)."""
    items = list(items)
    if len(items) <= shown:
        return ", ".join(items)
    return f"{', '.join(items[:shown])} and {len(items) - shown} more"


def render_control(report: ControlReport, paint: Paint) -> str:
    """Controlled duties first, in world order, each with who controls it for whom
    and a pair of scenarios; then the duties no one else controls."""
    lines: list[str] = []
    world = report.world
    controlled = [n for n in report.norms if n.bearers]
    for n in controlled:
        groups: dict[tuple[str, ...], list[str]] = {}
        for bearer, es in n.bearers:
            groups.setdefault(es, []).append(bearer)
        if not n.any_other_party and len(groups) == 1:
            ((es, bearers),) = groups.items()
            lines.append(
                f"{paint(n.ref, 'bold')}  {paint('controlled', 'yellow')} by {_some(es)}, for {_some(bearers)}"
            )
        else:
            lines.append(f"{paint(n.ref, 'bold')}  {paint('controlled', 'yellow')} by {_whom(n)}")
        if not n.any_other_party and len(groups) > 1:
            for i, (es, bearers) in enumerate(sorted(groups.items(), key=lambda g: g[1][0])):
                if i == SHOWN:
                    lines.append(f"  ... and {len(groups) - SHOWN} more groups of bearers (--format json for all)")
                    break
                lines.append(f"  for {_some(bearers)}: {_some(es)}")
        for pair in n.pairs[:2]:
            lines.append(f"  = {pair.story(world, n.ref, n.modality, limit=3)}")
        if len(n.pairs) > 2:
            lines.append(f"  = ... and {len(n.pairs) - 2} more pairs of scenarios (--format json for all)")
        if n.unknown:
            lines.append("  = the solver gave up on some questions: the list may be short")
    asked = [n for n in report.norms if n.decided and not n.bearers]
    for n in asked:
        note = " (the solver gave up: not known)" if n.unknown else ""
        lines.append(f"{paint(n.ref, 'bold')}  no one else controls it{note}")
    rest = sum(1 for n in report.norms if not n.decided)
    if rest:
        word = "duty names" if rest == 1 else "duties name"
        lines.append(f"{rest} other {word} nothing anyone decides: no one else controls them")
    if lines:
        lines.append("")
    total = len(report.norms)
    lines.append(
        f"{len(controlled)} of {total} {'duty is' if total == 1 else 'duties are'} controlled by another entity"
    )
    return "\n".join(lines) + "\n"


def _whom(n: NormControl) -> str:
    """Who controls the duty, in short: "any other party, for each of its 3 bearers"."""
    count = len(n.bearers)
    of = f"for {'its one bearer' if count == 1 else f'each of its {count} bearers'}"
    if n.any_other_party:
        return f"any other party, {of}"
    everyone = sorted(n.controllers)
    return f"{_some(everyone)}"


def render_overlap(report: OverlapReport, paint: Paint) -> str:
    """Each norm's coverage in world order, then one summary line per instrument."""
    lines = [_overlap_line(o, paint) for o in report.norms]
    if lines:
        lines.append("")
    lines += [f"= {s.line(limit=SHOWN)}" for s in report.summaries]
    return "\n".join(lines) + "\n"


def _overlap_line(o: NormOverlap, paint: Paint) -> str:
    head = paint(o.ref, "bold")
    if o.status == "new":
        near = f" (closest: {o.closest})" if o.closest else " (nothing of another instrument comes near)"
        story = f"\n  = {o.scenario['story']}" if o.scenario else ""
        return f"{head}  {paint('new', 'green')}{near}{story}" + _unknown(o)
    if o.vacuous:
        return f"{head}  adds nothing: it never applies"
    parts = []
    if o.equivalent:
        parts.append(f"equivalent to {_some(o.equivalent)}")
    if o.covered_by:
        parts.append(f"{'also ' if o.equivalent else ''}covered by {_some(o.covered_by)}")
    text = f"{head}  {'; '.join(parts)}"
    if o.note:
        text += f"\n  = {o.note}"
    return text + _unknown(o)


def _unknown(o: NormOverlap) -> str:
    return "\n  = the solver gave up on some comparisons" if o.unknown else ""
