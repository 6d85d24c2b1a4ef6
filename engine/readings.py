"""Readings: a world checked once per declared reading, the reports merged into one.

``check_readings(world, check, reuse) -> (Report, Analysis)``: for each reading in
declaration order, the world as that reading has it (:meth:`World.in_reading`) is
checked by ``check``, and :func:`merge` makes one report of the results. A world
without readings is not handled here (its check is the plain one).

Work is shared between readings: the world is parsed and resolved once, and each
reading after the first starts from the one before it as an incremental re-check
would (:class:`~treatycheck.incremental.Reuse`): only the pairs of a norm that some
reading leaves out are asked again. A pair of norms common to both readings has
the same verdict in both, since a verdict depends on the two norms and the world's
vocabulary, which readings never change; what a tagged precedence sentence changes
(rankings, and through them which third norm can displace a side) is decided afresh
per reading, because settling runs on each reading's own world.

``merge(world, outcomes) -> Report``: one conflict per id, with its
per-reading resolution and severity (``Conflict.readings``); the lead reading's
bearers, scenario and resolution (the first declared reading in which it arises);
the worst severity; hypothetical if any reading's is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .codes import Code
from .diagnostics import Diagnostic, TreatyError, did_you_mean
from .incremental import Reuse
from .report.data import Conflict, ReadingOutcome, Report, Summary
from .search.result import Analysis, to_rows
from .world import World

Check = Callable[[World, Reuse | None], tuple[Report, Analysis]]


def check_readings(world: World, check: Check, reuse: Reuse | None, norms: int) -> tuple[Report, Analysis]:
    """Every reading of ``world`` checked by ``check(reading_world, reuse)`` and the
    reports merged. ``reuse`` (a snapshot's) applies to the first reading, which is
    the one a snapshot keeps; ``norms`` is the count of norms checked, for the
    summary. Out: the merged report, and the first reading's analysis with every
    reading's queries counted and scripts joined."""
    tagged = world.tagged_refs()
    outcomes: list[tuple[str, Report]] = []
    analyses: list[Analysis] = []
    for i, reading in enumerate(world.readings):
        if i == 0:
            given = reuse
        else:
            # the reading before this one is a snapshot of this one, the tagged
            # norms aside: their pairs are asked again, every other pair is known
            previous = analyses[-1]
            rows = to_rows(previous.findings)
            given = Reuse(tagged, {(row[0], row[1], row[2]): row for row in rows})
        report, analysis = check(world.in_reading(reading.name), given)
        outcomes.append((reading.name, report))
        analyses.append(analysis)
    lead = analyses[0]
    lead.queries = sum(a.queries for a in analyses)
    scripts = [a.smt for a in analyses if a.smt is not None]
    if scripts:
        lead.smt = joined(scripts)
    return merge(world, outcomes, norms), lead


def joined(scripts: list[str]) -> str:
    """SMT-LIB scripts one after another, each behind a ``(reset)`` but the first
    (the first line of each is its header comment)."""
    out = scripts[0]
    for s in scripts[1:]:
        body = s.split("\n", 1)[1] if "\n" in s else ""
        out += "(reset)\n" + body
    return out


def merge(world: World, outcomes: list[tuple[str, Report]], norms: int) -> Report:
    """One report from one per reading (in declaration order), as the module
    docstring says. ``world`` is the whole world, every reading's sentences in it."""
    by_id: dict[str, list[tuple[str, Conflict]]] = {}
    for name, report in outcomes:
        for c in report.conflicts:
            by_id.setdefault(c.id, []).append((name, c))
    every = len(outcomes)
    conflicts = []
    for cid in sorted(by_id):
        seen = by_id[cid]
        lead = seen[0][1]
        severity = "error" if any(c.severity == "error" for _, c in seen) else "warning"
        conflicts.append(
            replace(
                lead,
                severity=severity,
                hypothetical=any(c.hypothetical for _, c in seen),
                readings=tuple((name, outcome(c)) for name, c in seen),
                every_reading=len(seen) == every,
            )
        )
    diagnostics = []
    for _, report in outcomes:
        for d in report.diagnostics:
            if d not in diagnostics:
                diagnostics.append(d)
    first = outcomes[0][1]
    summary = Summary(
        errors=sum(c.severity == "error" for c in conflicts),
        warnings=sum(c.severity == "warning" for c in conflicts),
        unknown=sum(c.verdict == "unknown" for c in conflicts),
        norms=norms,
        queries=sum(r.summary.queries for _, r in outcomes),
        seconds=sum(r.summary.seconds for _, r in outcomes),
    )
    return Report(
        first.version,
        first.inputs,
        tuple(conflicts),
        summary,
        tuple(diagnostics),
        world=world,
        readings=world.readings,
    )


def outcome(c: Conflict) -> ReadingOutcome:
    """What one reading's report says of a conflict, for the merged report."""
    return ReadingOutcome(
        c.resolution, c.severity, c.hypothetical, c.bearer, c.bearers, c.scenario, c.axioms, c.headline, c.notes
    )


def view(report: Report, name: str) -> Report:
    """The merged report as reading ``name`` has it: the conflicts that arise in it,
    each as that reading's own check reported it (resolution, severity, bearers,
    scenario), and no readings. Its conflicts are those of ``--reading name``."""
    conflicts = tuple(
        replace(
            c,
            resolution=o.resolution,
            severity=o.severity,
            hypothetical=o.hypothetical,
            bearer=o.bearer,
            bearers=o.bearers,
            scenario=o.scenario,
            axioms=o.axioms,
            headline=o.headline,
            notes=o.notes,
            readings=(),
            every_reading=False,
        )
        for c in report.conflicts
        for reading, o in c.readings
        if reading == name
    )
    return replace(report, conflicts=conflicts, readings=())


def one_reading(world: World, reading: str | None) -> World:
    """The world as ``--reading NAME`` has it (unchanged for None). Raises
    :class:`TreatyError` E302 for a name the world does not declare."""
    if reading is None:
        return world
    if reading in world.reading_names:
        return world.in_reading(reading)
    if not world.readings:
        message = f"`--reading {reading}`: the files declare no reading"
    else:
        hint = did_you_mean(reading, world.reading_names)
        names = ", ".join(world.reading_names)
        message = f"`--reading {reading}`: no such reading" + (
            f"; did you mean `{hint}`?" if hint else f" (declared: {names})"
        )
    raise TreatyError([Diagnostic.of(Code.NO_SUCH_READING, message)], world.sources)
