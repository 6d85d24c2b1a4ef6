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
from typing import Any

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
        return declaration(Expect(e.kind, e.refs, e.status, e.winner, reading=e.reading, entity=e.entity))

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


#: The expectations about one norm rather than a pair of them.
NORM_KINDS = ("control", "no_control", "covered", "new")


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
    analyses = _Analyses(world)
    for e in world.expectations:
        if files is not None and e.file not in files:
            continue
        if not views:
            out.append(analyses.one(e, None) if e.kind in NORM_KINDS else _one(e, report))
            continue
        # pinned to a reading, it must hold there; else in every reading
        names = [e.reading] if e.reading is not None else list(views)
        failed = [
            (name, o)
            for name in names
            for o in [analyses.one(e, name) if e.kind in NORM_KINDS else _one(e, views[name])]
            if not o.passed
        ]
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


class _Analyses:
    """``control`` and ``overlap`` of a world (per reading), run once when an
    expectation first needs them."""

    def __init__(self, world: World):
        self.world = world
        self.done: dict[tuple[str, str | None], Any] = {}

    def _run(self, which: str, reading: str | None) -> Any:
        key = (which, reading)
        if key not in self.done:
            world = self.world if reading is None else self.world.in_reading(reading)
            # only the norms some expectation names are analysed
            kinds = ("control", "no_control") if which == "control" else ("covered", "new")
            refs = tuple(e.refs[0] for e in self.world.expectations if e.kind in kinds)
            if which == "control":
                from .control import control

                self.done[key] = control(world, files=frozenset(), refs=refs)
            else:
                from .overlap import overlap

                self.done[key] = overlap(world, files=frozenset(), refs=refs)
        return self.done[key]

    def one(self, e: Expectation, reading: str | None) -> Outcome:
        ref = e.refs[0]
        if e.kind in ("control", "no_control"):
            norms = self._run("control", reading).norm(ref)
            if not norms:  # a permission, right or liberty binds no one to anything
                if e.kind == "no_control":
                    return Outcome(e, True, "")
                return Outcome(e, False, f"{ref} is no obligation or prohibition (control is found for duties only)")
            holding = [n for n in norms if e.entity in n.controllers]
            if e.kind == "control":
                if holding:
                    return Outcome(e, True, "")
                if any(n.unknown for n in norms):
                    return Outcome(e, False, f"the solver could not decide who controls {ref}")
                shown = "; ".join(f"{n.ref}: {', '.join(sorted(n.controllers)) or 'no one'}" for n in norms)
                return Outcome(e, False, f"{e.entity} does not control {ref} (controlled by {shown})")
            if holding:
                bearers = [b for n in holding for b, es in n.bearers if e.entity in es]
                return Outcome(e, False, f"{e.entity} controls {holding[0].ref} for {', '.join(bearers)}")
            if any(n.unknown for n in norms):
                return Outcome(e, False, f"the solver could not decide who controls {ref}")
            return Outcome(e, True, "")
        found = self._run("overlap", reading).norm(ref)
        if any(o.unknown for o in found):
            return Outcome(e, False, f"the solver could not decide whether {ref} is covered")
        wrong = [o for o in found if (o.status == "new") != (e.kind == "new")]
        if not wrong:
            return Outcome(e, True, "")
        o = wrong[0]
        if o.status == "new":
            near = f" (closest: {o.closest})" if o.closest else ""
            return Outcome(e, False, f"{o.ref} is new{near}")
        return Outcome(e, False, f"{o.ref} is {o.status} by {', '.join(o.covering) or 'nothing (it never applies)'}")
