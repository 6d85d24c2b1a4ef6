"""The text report, written for an analyst rather than a logician.

``render_text(report, sources, paint) -> str``. Each conflict shows both clauses with
their source lines and the modal words underlined, the bearers, the scenario in the
treaty's own words, the axioms used and the precedence reasoning; errors first, then
warnings; a closing count. ``paint(text, style)`` adds colour (identity when plain).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping

from ..diagnostics import source_line
from ..kinds import MODALITY_WORDS, Modality
from .data import Conflict, NormRef, Report
from .groups import GROUP_AT, SHOWN, Group, group

Paint = Callable[[str, str], str]


def _plain(text: str, style: str) -> str:
    return text


def _display(file: str) -> str:
    return file.replace("builtin:", "", 1) if file.startswith("builtin:") else file


def _snippet(n: NormRef, sources: Mapping[str, str], paint: Paint, marker: str) -> list[str]:
    out = [f"  {paint(marker, 'blue')} {_display(n.file)}:{n.line}:{n.column}"]
    text = sources.get(n.file)
    line_no = n.modality_line or n.line
    if text is None:
        return out + [f"   = {n.text}"]
    line = source_line(text, line_no)
    if line is None:
        return out
    gutter = str(line_no)
    pad = " " * max(len(gutter), 2)
    src = line.rstrip().expandtabs(1)
    col = n.modality_column or n.column
    width = max(1, (n.modality_end_column or col + 1) - col)
    out.append(f"{pad} {paint('|', 'blue')}")
    # the sentence starts on an earlier line than its keyword (`in reading ...:`
    # above it): show where it starts too, so the excerpt meets the location
    start = source_line(text, n.line) if line_no != n.line else None
    if start is not None:
        out.append(f"{str(n.line).rjust(len(pad))} {paint('|', 'blue')} {start.rstrip().expandtabs(1)}")
        if line_no - n.line > 1:
            out.append(f"{'...'.rjust(len(pad))}")
    out.append(f"{gutter.rjust(len(pad))} {paint('|', 'blue')} {src}")
    label = f"{n.ref} {MODALITY_WORDS[Modality(n.modality)].role}"
    out.append(f"{pad} {paint('|', 'blue')} {' ' * (col - 1)}{paint('^' * width + ' ' + label, 'bold')}")
    return out


def _note(label: str, body: str, paint: Paint) -> list[str]:
    prefix = f"   = {label}: "
    wrapped = textwrap.wrap(body, width=max(40, 100 - len(prefix)), break_on_hyphens=False) or [""]
    out = [paint("   = ", "blue") + paint(label + ":", "bold") + " " + wrapped[0]]
    out += [" " * len(prefix) + w for w in wrapped[1:]]
    return out


def render_conflict(c: Conflict, sources: Mapping[str, str], paint: Paint = _plain) -> str:
    """One conflict as a block of text."""
    lines = [_one_line(c, paint, bold=True)]
    for i, n in enumerate(sorted(c.norms, key=lambda n: (not n.file.startswith("builtin:"), n.ref), reverse=True)):
        lines += _snippet(n, sources, paint, "-->" if i == 0 else ":::")
    if c.verdict == "unknown":
        lines += _note(
            "verdict", "unknown: the solver gave up within the time limit; this is not a proof of consistency", paint
        )
    if c.bearers:
        lines += _note("bearers", ", ".join(c.bearers), paint)
    if c.scenario is not None:
        lines += _note("scenario", c.scenario.story, paint)
    if c.axioms:
        lines += _note("axioms", ", ".join(c.axioms), paint)
    r = c.resolution
    lines += _note("precedence", f"{r.status}. {r.reason}", paint)
    for label, body in c.notes:
        lines += _note(label, body, paint)
    if c.readings:
        lines += _note("readings", readings_line(c), paint)
    return "\n".join(lines)


def _group_head(g: Group, paint: Paint) -> str:
    """The line that opens a group, and the treaties its hub meets."""
    shown = min(SHOWN, len(g.conflicts))
    lines = [paint(f"group: {g.headline()}", "bold")]
    lines += _note("treaties", ", ".join(g.treaties), paint)
    lines += _note("shown", f"the first {shown} in full, the rest one line each", paint)
    return "\n".join(lines)


def _one_line(c: Conflict, paint: Paint, bold: bool = False) -> str:
    """A conflict in one line: severity, kind and headline (the first line of its
    block, where the headline is bold)."""
    style = "bold red" if c.severity == "error" else "bold yellow"
    headline = f": {c.headline}"
    return paint(f"{c.severity}[{c.kind}]", style) + (paint(headline, "bold") if bold else headline)


def readings_line(c: Conflict, declared: tuple[str, ...] = ()) -> str:
    """``critics: deadlock (error); plain: prevails NAT (warning)`` and whether the
    conflict arises under every reading."""
    parts = []
    for name, o in c.readings:
        r = o.resolution
        parts.append(f"{name}: {r.status}{' ' + r.winner if r.winner else ''} ({o.severity})")
    return "; ".join(parts) + (" (under every reading)" if c.every_reading else " (not under every reading)")


def render_text(
    report: Report, sources: Mapping[str, str], paint: Paint = _plain, group_at: int | None = GROUP_AT
) -> str:
    """The whole report: errors, then warnings, then the groups of conflicts that
    share a norm (:mod:`treatycheck.report.groups`; ``group_at=None`` shows every
    conflict in full), then the closing count."""
    grouping = group(report.conflicts, group_at)
    blocks = [render_conflict(c, sources, paint) for c in grouping.single]
    for g in grouping.groups:
        blocks.append(_group_head(g, paint))
        blocks += [render_conflict(c, sources, paint) for c in g.conflicts[:SHOWN]]
        rest = g.conflicts[SHOWN:]
        if rest:
            lines = [paint(f"... and {len(rest)} more conflicts of {g.ref}, one line each:", "bold")]
            lines += [f"  {_one_line(c, paint)}" for c in rest]
            lines.append(
                f"  (every one in full: `treatycheck explain {g.ref}` with the same files, `check --full`, "
                "or `--format json` / `sarif`)"
            )
            blocks.append("\n".join(lines))
    s = report.summary
    closing = (
        f"{s.errors} error{'s' if s.errors != 1 else ''}, {s.warnings} warning{'s' if s.warnings != 1 else ''}"
        + (f", {s.unknown} unknown" if s.unknown else "")
        + f" in {s.norms} norm{'s' if s.norms != 1 else ''}"
        + (f" under {len(report.readings)} readings" if report.readings else "")
        + f" ({s.seconds:.2f} s)"
    )
    if not report.conflicts:
        closing = "no conflicts: " + closing
    blocks.append(paint(closing, "bold"))
    return "\n\n".join(blocks) + "\n"


def render_diff(report, sources: Mapping[str, str], paint: Paint = _plain) -> str:
    """The diff report: conflicts introduced, resolved and re-ranked, then each sentence."""
    out: list[str] = []
    if report.introduced:
        out.append(paint(f"introduced ({len(report.introduced)}):", "bold"))
        out += [render_conflict(c, sources, paint) for c in report.introduced]
    if report.resolved:
        block = [paint(f"resolved ({len(report.resolved)}):", "bold")]
        block += [f"  {c.id} ({c.severity}, {c.resolution.status}): {c.headline}" for c in report.resolved]
        out.append("\n".join(block))
    if report.changed:

        def side(c) -> str:
            r = c.resolution
            out = f"{r.status}{' ' + r.winner if r.winner else ''}"
            out += f" toward {', '.join(r.toward)}" if r.toward else ""
            out += f" breaching {', '.join(r.breaches)}" if r.breaches else ""
            return f"{out} ({c.severity})"

        block = [paint(f"changed ({len(report.changed)}):", "bold")]
        block += [f"  {ch.id}: {side(ch.old)} -> {side(ch.new)}" for ch in report.changed]
        out.append("\n".join(block))
    lines = [paint("articles:", "bold")]
    width = max((len(a.ref) for a in report.articles), default=0)
    for a in report.articles:
        text = f"  {a.ref.ljust(width)}  {a.change}"
        if a.modality:
            text += f" (modality {a.modality[0]} -> {a.modality[1]})"
        if a.note:
            text += f" ({a.note})"
        lines.append(text)
        if a.scenario:
            lines += ["  " + w for w in _note("scenario", str(a.scenario["story"]), paint)]
    out.append("\n".join(lines))
    counts = {
        k: sum(a.change == k for a in report.articles)
        for k in ("equivalent", "broader", "narrower", "different", "added", "removed")
    }
    summary = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    out.append(
        paint(
            f"{len(report.introduced)} introduced, {len(report.resolved)} resolved, {len(report.changed)} changed; "
            f"sentences: {summary or 'none'}",
            "bold",
        )
    )
    return "\n\n".join(out) + "\n"
