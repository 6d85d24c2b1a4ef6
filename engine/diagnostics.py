"""Diagnostics as data, the error types that carry them, and their text rendering.

Stages never print: they produce :class:`Diagnostic` values (code, severity,
message, span, related spans, help) and raise :class:`TreatyError` when a file
cannot be used. Renderers turn them into text for people or JSON for tools.

A diagnostic's code is a member of the registry (:mod:`treatycheck.codes`), named
by its meaning (``Code.UNKNOWN_TREATY``): a code written as a string is refused with
TypeError, so a mistyped code cannot reach a user. ``Diagnostic.of(code, ...)``
takes the severity from the registry; the constructor refuses any other severity
with ValueError. Code and severity are members of :class:`~treatycheck.codes.Code`
and :class:`~treatycheck.kinds.Severity`, which equal their strings, so output is
the same as with plain strings.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .codes import Code
from .hints import did_you_mean as did_you_mean  # where the resolver and the CLI look for it
from .kinds import Severity
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

    code: Code  # a member of the registry, never its string (TypeError)
    severity: Severity  # must be the code's own (an "E" code is an error)
    message: str
    span: Span | None = None
    related: tuple[Related, ...] = ()
    help: str | None = None

    def __post_init__(self) -> None:
        code = _member(self.code)
        if self.severity != code.severity:
            raise ValueError(f"{code} is registered with severity {code.severity}, not {self.severity}")
        # frozen: the member replaces the string it equals
        object.__setattr__(self, "severity", code.severity)

    @classmethod
    def of(
        cls,
        code: Code,
        message: str,
        span: Span | None = None,
        related: tuple[Related, ...] = (),
        help: str | None = None,
    ) -> Diagnostic:
        """A diagnostic whose severity is its code's, as the registry has it."""
        return cls(code, _member(code).severity, message, span, related, help)

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
            if self.span.breadcrumb:
                out["breadcrumb"] = list(self.span.breadcrumb)
        if self.help:
            out["help"] = self.help
        if self.related:
            out["related"] = [
                {"file": r.span.file, "line": r.span.line, "column": r.span.column, "message": r.message}
                for r in self.related
            ]
        return out


def _member(code: object) -> Code:
    """``code`` itself when it is a member of :class:`Code`; TypeError for anything
    else, a code written as a string included, so that every code in the engine is
    a registry member named by its meaning (``lookup`` turns a string into one)."""
    if not isinstance(code, Code):
        raise TypeError(f"a diagnostic's code must be a member of Code, not {code!r} (see treatycheck.codes.lookup)")
    return code


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


#: Diagnostics shown by the command line before it says how many more there are.
MAX_SHOWN = 100


@functools.lru_cache(maxsize=64)
def _line_starts(text: str) -> list[int]:
    """The offset of each line's first character, worked out once per text (a text
    hashes once, then its hash is kept): each snippet then finds its line by index
    instead of splitting the whole text again (20,000 errors in one file took
    minutes that way). Callers must not change the list."""
    starts = [0]
    find = text.find
    at = find("\n")
    while at != -1:
        starts.append(at + 1)
        at = find("\n", at + 1)
    return starts


def line_count(text: str) -> int:
    """How many lines ``text`` has (a final line without a line break counts)."""
    return len(_line_starts(text))


def _line_range(text: str, line: int) -> tuple[int, int] | None:
    """(start, end) offsets of line ``line`` (from 1) without its line break."""
    starts = _line_starts(text)
    if not 0 < line <= len(starts):
        return None
    start = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else len(text)
    while end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def source_line(text: str, line: int) -> str | None:
    """Line ``line`` (from 1) of ``text`` without its line break, or None when there
    is no such line; every report that quotes its source goes through here."""
    where = _line_range(text, line)
    return None if where is None else text[where[0] : where[1]]


def _line_bounds(sources: Mapping[str, str], span: Span) -> tuple[str, int, int] | None:
    """(text, start, end) of the span's line without its newline, or None."""
    text = sources.get(span.file)
    where = None if text is None else _line_range(text, span.line)
    return None if text is None or where is None else (text, *where)


def _snippet(sources: Mapping[str, str], span: Span, label: str = "") -> list[str]:
    """Lines ``NN | source`` and ``   | ^^^ label`` for one span (empty if unknown).
    Costs the length of what is shown, never of the file or of a long line."""
    bounds = _line_bounds(sources, span)
    if bounds is None:
        return []
    text, start, end = bounds
    length = end - start
    if length > 200:  # keep pathological lines readable around the caret
        first = max(0, span.column - 80)
        shown = ("…" if first else "") + text[start + first : min(end, start + first + 160)] + "…"
        column = span.column - first + (1 if first else 0)
    else:
        shown = text[start:end]
        column = span.column
    shown = shown.expandtabs(1)
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
        if diagnostic.span.breadcrumb:  # where in the treaty, in its own terms
            out.append(f"  = in: {' > '.join(diagnostic.span.breadcrumb)}")
    for rel in diagnostic.related:
        out.append(f"  {rel.span.file}:{rel.span.line}:{rel.span.column}: note: {rel.message}")
        out += ["  " + s for s in _snippet(sources, rel.span)]
    if diagnostic.help:
        out.append(f"  = help: {diagnostic.help}")
    return "\n".join(out)


def render_all(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str], limit: int | None = None) -> str:
    """Render diagnostics separated by blank lines: all of them, or the first
    ``limit`` followed by one line ``treatycheck: N more errors not shown`` (the
    command line passes MAX_SHOWN: a screenful of the first errors helps, the
    20,000th does not)."""
    shown = diagnostics if limit is None else diagnostics[:limit]
    text = "\n\n".join(render(d, sources) for d in shown)
    rest = diagnostics[len(shown) :]
    if rest:
        errors = sum(d.severity == "error" for d in rest)
        warnings = len(rest) - errors
        parts = [
            f"{n} more {word}{'s' if n != 1 else ''}" for n, word in ((errors, "error"), (warnings, "warning")) if n
        ]
        text += f"\n\ntreatycheck: {' and '.join(parts)} not shown"
    return text
