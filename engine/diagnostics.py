"""Diagnostics as data, the error types that carry them, and their text rendering.

Stages never print: they produce :class:`Diagnostic` values (code, severity,
message, span, related spans, help) and raise :class:`TreatyError` when a file
cannot be used. Renderers turn them into text for people or JSON for tools.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import Span


@dataclass(frozen=True)
class Related:
    """A secondary location named by a diagnostic (``first declared here``)."""

    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    """One finding about the input: an error (exit 2) or a warning.

    ``message`` is one lowercase line with user text in backticks; ``help`` is the
    advice, kept apart so renderers can place it on its own line.
    """

    code: str
    severity: str  # "error" | "warning"
    message: str
    span: Span | None = None
    related: tuple[Related, ...] = ()
    help: str | None = None

    def location(self) -> str:
        """``FILE:LINE:COLUMN`` (or ``FILE`` when only the file is known)."""
        if self.span is None:
            return "treatycheck"
        if self.span.line <= 0:
            return self.span.file
        return f"{self.span.file}:{self.span.line}:{self.span.column}"

    def to_dict(self) -> dict[str, object]:
        """The diagnostic as plain JSON-ready data."""
        out: dict[str, object] = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.span is not None:
            out.update(file=self.span.file, line=self.span.line, column=self.span.column)
        if self.help:
            out["help"] = self.help
        if self.related:
            out["related"] = [
                {"file": r.span.file, "line": r.span.line, "column": r.span.column, "message": r.message}
                for r in self.related
            ]
        return out


class TreatyError(Exception):
    """The input could not be used. Carries every diagnostic found, errors first.

    ``file``, ``line``, ``column`` and ``message`` describe the first error, so the
    common case (``except TreatyError as e: print(e.file, e.line)``) stays simple.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: Mapping[str, str] | None = None):
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        self.sources: dict[str, str] = dict(sources or {})
        first = next((d for d in self.diagnostics if d.severity == "error"), self.diagnostics[0])
        self.first = first
        self.message = first.message
        self.code = first.code
        self.file = first.span.file if first.span else None
        self.line = first.span.line if first.span else None
        self.column = first.span.column if first.span else None
        super().__init__(f"{first.location()}: error: {first.message}")


class TreatySyntaxError(TreatyError):
    """A file does not follow the grammar (or cannot be read as text)."""


class TreatyNameError(TreatyError):
    """A file parses but names, arities, types or variables do not check."""


def _line_text(sources: Mapping[str, str], span: Span) -> str | None:
    text = sources.get(span.file)
    if text is None or span.line <= 0:
        return None
    lines = text.split("\n")
    if span.line > len(lines):
        return None
    return lines[span.line - 1].rstrip("\r")


def _snippet(sources: Mapping[str, str], span: Span, label: str = "") -> list[str]:
    """Lines ``NN | source`` and ``   | ^^^ label`` for one span (empty if unknown)."""
    line = _line_text(sources, span)
    if line is None:
        return []
    shown = line.expandtabs(1)
    if len(shown) > 200:  # keep pathological lines readable around the caret
        start = max(0, span.column - 80)
        shown = ("…" if start else "") + shown[start : start + 160] + "…"
        column = span.column - start + (1 if start else 0)
    else:
        column = span.column
    width = 1
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    width = max(1, min(width, max(1, len(shown) - column + 1)))
    gutter = str(span.line)
    pad = " " * len(gutter)
    caret = " " * (column - 1) + "^" * width + (f" {label}" if label else "")
    return [f"{pad} |", f"{gutter} | {shown}", f"{pad} | {caret}"]


def render(diagnostic: Diagnostic, sources: Mapping[str, str]) -> str:
    """Render one diagnostic as ``FILE:LINE:COLUMN: error: message``, the line, a caret,
    related locations and a ``help`` line. Plain text, no colour."""
    out = [f"{diagnostic.location()}: {diagnostic.severity}: {diagnostic.message}"]
    if diagnostic.span is not None:
        out += _snippet(sources, diagnostic.span)
    for rel in diagnostic.related:
        out.append(f"  {rel.span.file}:{rel.span.line}:{rel.span.column}: note: {rel.message}")
        out += ["  " + s for s in _snippet(sources, rel.span)]
    if diagnostic.help:
        out.append(f"  = help: {diagnostic.help}")
    return "\n".join(out)


def render_all(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]) -> str:
    """Render several diagnostics separated by blank lines."""
    return "\n\n".join(render(d, sources) for d in diagnostics)


def did_you_mean(name: str, candidates: Sequence[str] | set[str] | frozenset[str]) -> str | None:
    """A close candidate to `name` for a "did you mean" hint, or None."""
    import difflib

    pool = sorted(candidates)
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close]
    return close[0] if close else None
