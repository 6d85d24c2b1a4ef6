"""``expect`` sentences checked against a report (``treatycheck test``).

``run_expectations(world, report) -> list[Outcome]``:

- ``expect conflict A B [resolved STATUS [WINNER]]`` passes when some conflict
  involves both refs (a bare ``T:ART`` stands for any sentence of the article) and,
  if given, has that resolution;
- ``expect no conflict A B`` when none does;
- ``expect consistent T`` when no conflict of severity error involves a norm of T.

With readings declared, an expectation pinned ``in reading NAME`` is checked
against that reading's view of the merged report; one not pinned must hold in
every reading.

An ``unknown`` verdict that touches an expectation makes it fail.
"""

from __future__ import annotations

from dataclasses import dataclass

from .fmt import declaration
from .model import Expect, ref_matches
from .readings import view
from .report import Conflict, Report
from .world import Expectation, World


@dataclass(frozen=True)
class Outcome:
    """One expectation's result; ``detail`` says what was found instead on failure."""

    expectation: Expectation
    passed: bool
    detail: str

    @property
    def text(self) -> str:
        e = self.expectation
        return declaration(Expect(e.kind, e.refs, e.status, e.winner, reading=e.reading))

    def to_dict(self) -> dict[str, object]:
        e = self.expectation
        return {
            "file": e.file,
            "line": e.span.line,
            "column": e.span.column,
            "expect": self.text,
            "passed": self.passed,
            "detail": self.detail,
        }


def _both(c: Conflict, a: str, b: str) -> bool:
    refs = [n.ref for n in c.norms]
    if len(refs) == 1:
        return ref_matches(a, refs[0]) and ref_matches(b, refs[0])
    x, y = refs
    return (ref_matches(a, x) and ref_matches(b, y)) or (ref_matches(a, y) and ref_matches(b, x))


def _describe(c: Conflict) -> str:
    r = c.resolution
    res = r.status + (f" {r.winner}" if r.winner else "")
    return f"{c.id} ({c.verdict}, resolved {res})"


def run_expectations(world: World, report: Report, files: set[str] | None = None) -> list[Outcome]:
    """Check every expectation of ``files`` (all files when None) against ``report``,
    which should hold all conflicts of the world (``check(..., all_conflicts=True)``)."""
    out = []
    views = {name: view(report, name) for name in world.reading_names}
    for e in world.expectations:
        if files is not None and e.file not in files:
            continue
        if not views:
            out.append(_one(e, report))
            continue
        # pinned to a reading, it must hold there; else in every reading
        names = [e.reading] if e.reading is not None else list(views)
        failed = [(name, o) for name in names for o in [_one(e, views[name])] if not o.passed]
        if failed:
            detail = "; ".join(f"in reading {name}: {o.detail}" for name, o in failed)
            out.append(Outcome(e, False, detail))
        else:
            out.append(Outcome(e, True, ""))
    return out


def _one(e: Expectation, report: Report) -> Outcome:
    if e.kind == "consistent":
        tid = e.refs[0]
        bad = [c for c in report.conflicts if c.severity == "error" and any(n.treaty == tid for n in c.norms)]
        if bad:
            return Outcome(e, False, "found " + "; ".join(_describe(c) for c in bad))
        return Outcome(e, True, "")
    a, b = e.refs
    touching = [c for c in report.conflicts if _both(c, a, b)]
    unknown = [c for c in touching if c.verdict == "unknown"]
    if unknown:
        return Outcome(e, False, "the solver could not decide " + ", ".join(c.id for c in unknown))
    if e.kind == "no_conflict":
        if touching:
            return Outcome(e, False, "found " + "; ".join(_describe(c) for c in touching))
        return Outcome(e, True, "")
    if not touching:
        return Outcome(e, False, f"no conflict involves both {a} and {b}")
    if e.status is None:
        return Outcome(e, True, "")
    for c in touching:
        if c.resolution.status == e.status and (e.winner is None or c.resolution.winner == e.winner):
            return Outcome(e, True, "")
    return Outcome(e, False, "found " + "; ".join(_describe(c) for c in touching))
