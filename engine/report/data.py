"""The report's data: frozen dataclasses for conflicts, and the JSON form
(``treatycheck/report/v1``); also the error document (``treatycheck/errors/v1``)
written instead when the input cannot be used.

In: what ``report.build`` makes of the analysis (or a caller's own values). Out:
:class:`Report` and its parts, each with ``to_dict``; ``Report.to_json()`` is
byte-identical for the same input apart from ``summary.seconds`` and
``summary.queries``; :func:`error_document` for a refused run.

The renderers for people (``report.text``, ``report.html``, ``report.sarif``) import
this module, never the other way round: the notebook display that shows a report as
its HTML page is attached by the package (``report/__init__.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic
from ..model import ref_matches
from ..precedence import Resolution
from ..world import Reading

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..world import World

SCHEMA = "treatycheck/report/v1"


@dataclass(frozen=True)
class NormRef:
    """One clause of a conflict, with where it was written."""

    ref: str
    treaty: str
    article: str
    sentence: int
    modality: str
    commitment: bool
    file: str
    line: int
    column: int
    text: str
    end_line: int = field(default=0, compare=False)
    end_column: int = field(default=0, compare=False)
    modality_line: int = field(default=0, compare=False)
    modality_column: int = field(default=0, compare=False)
    modality_end_column: int = field(default=0, compare=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "treaty": self.treaty,
            "article": self.article,
            "sentence": self.sentence,
            "modality": self.modality,
            "commitment": self.commitment,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "text": self.text,
        }


@dataclass(frozen=True)
class Scenario:
    """The scenario in which a conflict bites: atoms as written, and the story in English."""

    facts: tuple[str, ...]
    judgements: tuple[str, ...]
    absent: tuple[str, ...]
    actions: tuple[str, ...]
    story: str

    def to_dict(self) -> dict[str, object]:
        return {
            "facts": list(self.facts),
            "judgements": list(self.judgements),
            "absent": list(self.absent),
            "actions": list(self.actions),
            "story": self.story,
        }


@dataclass(frozen=True)
class ReadingOutcome:
    """How one reading has a conflict that arises in it: its resolution and
    severity, and the bearers, scenario and axioms its own check found (a
    displacement, decided per reading, can narrow them differently)."""

    resolution: Resolution
    severity: str
    hypothetical: bool = False
    bearer: str | None = None
    bearers: tuple[str, ...] = ()
    scenario: Scenario | None = None
    axioms: tuple[str, ...] = ()
    headline: str = field(default="", compare=False)
    notes: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def to_dict(self, lead: Conflict | None = None) -> dict[str, object]:
        """Bearers, scenario and axioms only where they differ from ``lead``'s."""
        out: dict[str, object] = {
            "severity": self.severity,
            "hypothetical": self.hypothetical,
            "resolution": self.resolution.to_dict(),
        }
        if lead is None or (self.bearer, self.bearers) != (lead.bearer, lead.bearers):
            out["bearer"] = self.bearer
            out["bearers"] = list(self.bearers)
        if lead is None or self.scenario != lead.scenario:
            out["scenario"] = self.scenario.to_dict() if self.scenario else None
        if lead is None or self.axioms != lead.axioms:
            out["axioms"] = list(self.axioms)
        return out


@dataclass(frozen=True)
class Conflict:
    """A minimal set of clauses that one bearer cannot honour at once.

    ``verdict`` is ``proved`` (a scenario was found and replayed) or ``unknown`` (the
    solver gave up; no scenario; severity error).
    """

    id: str
    kind: str
    verdict: str
    severity: str
    bearer: str | None
    bearers: tuple[str, ...]
    norms: tuple[NormRef, ...]
    axioms: tuple[str, ...]
    scenario: Scenario | None
    resolution: Resolution
    headline: str = field(default="", compare=False)
    # a norm it names (either clause, or a displacing one) is in a draft
    hypothetical: bool = False
    # what the resolution means for this conflict's bearer, in sentences: who is
    # still bound toward whom, which undertaking is breached, the draft's reading
    notes: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # with readings declared: (reading, outcome) for each reading it arises in, in
    # declaration order, and whether that is every reading
    readings: tuple[tuple[str, ReadingOutcome], ...] = ()
    every_reading: bool = False

    def to_dict(self) -> dict[str, object]:
        out = self._fields()
        if self.readings:
            out["readings"] = {name: o.to_dict(self) for name, o in self.readings}
            out["every_reading"] = self.every_reading
        return out

    def _fields(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "verdict": self.verdict,
            "severity": self.severity,
            "bearer": self.bearer,
            "bearers": list(self.bearers),
            "hypothetical": self.hypothetical,
            "norms": [n.to_dict() for n in self.norms],
            "axioms": list(self.axioms),
            "scenario": self.scenario.to_dict() if self.scenario else None,
            "resolution": self.resolution.to_dict(),
        }

    def involves(self, ref: str) -> bool:
        """Does this conflict involve ``ref``? A bare ``T:A`` matches any sentence of it."""
        return any(ref_matches(ref, n.ref) for n in self.norms)


@dataclass(frozen=True)
class Summary:
    """Counts for the closing line; ``seconds`` and ``queries`` vary between runs."""

    errors: int
    warnings: int
    unknown: int
    norms: int
    queries: int
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return {
            "errors": self.errors,
            "warnings": self.warnings,
            "unknown": self.unknown,
            "norms": self.norms,
            "queries": self.queries,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class Report:
    """Everything a check found, in canonical order (conflicts by id, inputs by file)."""

    version: str
    inputs: tuple[tuple[str, tuple[str, ...]], ...]
    conflicts: tuple[Conflict, ...]
    summary: Summary
    diagnostics: tuple[Diagnostic, ...] = ()
    world: World | None = field(default=None, compare=False, repr=False)  # for renderers that show sources
    readings: tuple[Reading, ...] = ()  # declared readings: the report merges one check per reading

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "schema": SCHEMA,
            "tool": {"name": "treatycheck", "version": self.version},
            "inputs": [{"file": f, "treaties": list(ts)} for f, ts in self.inputs],
        }
        if self.readings:
            out["readings"] = [{"name": r.name, "description": r.description} for r in self.readings]
        out |= {
            "conflicts": [c.to_dict() for c in self.conflicts],
            "summary": self.summary.to_dict(),
        }
        if self.diagnostics:
            out["diagnostics"] = [d.to_dict() for d in self.diagnostics]
        return out

    def to_json(self) -> str:
        """The JSON report as a string (2-space indent, keys in schema order)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def worst(self) -> str | None:
        """``error``, ``warning`` or None: the most severe finding."""
        sev = {c.severity for c in self.conflicts}
        return "error" if "error" in sev else "warning" if "warning" in sev else None


#: The document ``--format json`` writes instead of a command's own when the input
#: cannot be used (exit 2).
ERROR_SCHEMA = "treatycheck/errors/v1"


def diagnostic_dict(d: Diagnostic) -> dict[str, object]:
    """One diagnostic for an error document: always every key, ``null`` where the
        position or help is not known (a line or column of 0 means "the whole file").
        In: a Diagnostic. Out: ``code``, ``severity``, ``message``, ``file``, ``line``,
        ``column``, ``help``, ``breadcrumb`` (treaty, article, sentence: where in a treaty,
    or ``null``), ``related`` (each ``file``, ``line``, ``column``, ``message``)."""
    span = d.span
    return {
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "file": span.file if span is not None else None,
        "line": span.line if span is not None and span.line > 0 else None,
        "column": span.column if span is not None and span.line > 0 and span.column > 0 else None,
        "help": d.help,
        "breadcrumb": list(span.breadcrumb) if span is not None and span.breadcrumb else None,
        "related": [
            {"file": r.span.file, "line": r.span.line, "column": r.span.column, "message": r.message} for r in d.related
        ],
    }


def error_document(diagnostics: Sequence[Diagnostic], version: str, command: str) -> dict[str, object]:
    """The ``treatycheck/errors/v1`` document of a run that could not use its input.

    In: every diagnostic (errors and warnings, in the order found), the tool's version
    and the command's name (``check``, ``parse``, ...). Out: a JSON-ready dict with
    ``schema``, ``tool``, ``command``, ``error`` (always true), ``diagnostics`` and
    ``summary`` (``errors``, ``warnings``).
    """
    errors = sum(d.severity == "error" for d in diagnostics)
    return {
        "schema": ERROR_SCHEMA,
        "tool": {"name": "treatycheck", "version": version},
        "command": command,
        "error": True,
        "diagnostics": [diagnostic_dict(d) for d in diagnostics],
        "summary": {"errors": errors, "warnings": len(diagnostics) - errors},
    }
