"""The solver's scenario replayed by the plain evaluator, and made minimal.

``minimise(evaluator, candidate, bearers, solution) -> Finding``: the evaluator
(:mod:`treatycheck.evaluate`, no Z3) checks that in the solver's scenario both norms
apply and clash, and that every assumption holds; then drops true atoms one at a
time, in canonical order, while the conflict still holds, and names the false atoms
it needs (``absent``). A scenario that does not replay raises
:class:`~treatycheck.search.pair.ReplayError`: it is a bug, never a finding.
"""

from __future__ import annotations

from collections.abc import Callable

from ..evaluate import Env, Evaluator, FiniteScenario, Scenario, Witness
from ..index import Candidate
from ..kinds import Verdict
from .pair import ReplayError, Solution
from .result import Finding


class Recording:
    """A scenario wrapper that remembers every atom it was asked about, in order."""

    def __init__(self, inner: Scenario):
        self.inner = inner
        self.asked: dict[tuple, None] = {}

    def true(self, atom: tuple) -> bool:
        self.asked.setdefault(atom, None)
        return self.inner.true(atom)


#: A further condition a scenario must meet (given the two norms' bindings), e.g.
#: that no third norm displaces either norm there.
Keep = Callable[[Env, Env, Scenario], bool]


def minimise(
    ev: Evaluator, cand: Candidate, bearers: tuple[str, ...], solution: Solution, keep: Keep | None = None
) -> Finding:
    """The proved finding of ``cand`` for ``bearers``, with the minimal scenario of
    ``solution`` (whose bindings are for the first bearer). With ``keep``, the
    scenario must meet it too, before and after minimising."""
    env1, env2 = solution.env1, solution.env2
    pair = f"{cand.first.ref}/{cand.second.ref}"
    full = Recording(solution.scenario)
    if ev.conflict_holds(cand.first, env1, cand.second, env2, full) is None:
        raise ReplayError(f"{pair}: the solver's scenario does not replay")
    if keep is not None and not keep(env1, env2, full):
        raise ReplayError(f"{pair}: the solver's scenario does not replay its displacement")
    needed = set(full.asked)
    if not ev.assumptions_hold(full):
        raise ReplayError(f"{pair}: the solver's scenario breaks an assumption")
    asked_by_assumptions = set(full.asked) - needed
    truth = full.inner
    atoms = {a for a in needed | asked_by_assumptions if truth.true(a)}

    def holds(candidate_atoms: set) -> Witness | None:
        s = FiniteScenario(frozenset(candidate_atoms))
        if not ev.assumptions_hold(s):
            return None
        if keep is not None and not keep(env1, env2, s):
            return None
        return ev.conflict_holds(cand.first, env1, cand.second, env2, s)

    if holds(atoms) is None:
        raise ReplayError(f"{pair}: the scenario does not replay on its own atoms")
    for atom in sorted(atoms, key=repr):  # fewer true atoms, canonically
        if holds(atoms - {atom}) is not None:
            atoms.discard(atom)
    rec = Recording(FiniteScenario(frozenset(atoms)))
    witness = ev.conflict_holds(cand.first, env1, cand.second, env2, rec)
    assert witness is not None
    if keep is not None:
        keep(env1, env2, rec)  # what the displacement asks belongs to the scenario too

    def bites(candidate_atoms: set) -> bool:  # the conflict alone, assumptions aside
        s = FiniteScenario(frozenset(candidate_atoms))
        if keep is not None and not keep(env1, env2, s):
            return False
        return ev.conflict_holds(cand.first, env1, cand.second, env2, s) is not None

    absent = tuple(sorted((a for a in rec.asked if a not in atoms and not bites(atoms | {a})), key=repr))
    return Finding(
        cand.kind, cand.first, cand.second, Verdict.PROVED, bearers, env1, env2, frozenset(atoms), absent, witness
    )
