"""Comparing what two norms impose: the scope comparison behind ``diff``.

``compare_norms(world, [(old, new), ...]) -> [(change, scenario | None), ...]``.
For each pair of versions of one sentence the solver asks twice whether, in some
scenario, one version imposes its modality on a (bearer, action) on which the other
imposes nothing. Neither: ``equivalent``; only the new one: ``broader``; only the
old one: ``narrower``; both: ``different``; a query the solver gave up on:
``unknown``. A scenario that tells the versions apart is replayed by the plain
evaluator and minimised to the atoms it needs, then told in words.
"""

from __future__ import annotations

import z3

from .encode import NormInstance, all_of
from .evaluate import Evaluator, FiniteScenario, Scenario
from .kinds import MODALITY_WORDS
from .search.pair import ModelScenario, PairSolver, ReplayError
from .search.replay import Recording
from .tell import tell, written
from .world import Norm, World

#: (old is broader somewhere, new is broader somewhere) -> the change.
_CHANGE = {
    (False, False): "equivalent",
    (False, True): "broader",
    (True, False): "narrower",
    (True, True): "different",
}


def compare_norms(world: World, pairs: list[tuple[Norm, Norm]], timeout: float = 10.0) -> list[tuple[str, dict | None]]:
    """For each (old, new) pair of one sentence, ``equivalent``, ``broader``,
    ``narrower``, ``different`` or ``unknown``, with a scenario that tells them apart.

    ``world`` must hold both norms' treaties and groups (see :func:`treatycheck.diff.merge`).
    """
    solver = PairSolver(world, timeout)
    ev = Evaluator(world)
    out: list[tuple[str, dict | None]] = []
    for old, new in pairs:
        io, inew = solver.instance(old, "o"), solver.instance(new, "n")
        results = []
        for a, b in ((io, inew), (inew, io)):
            r = solver.check(only(solver, a, b))
            results.append((r, solver.model if r == z3.sat else None))
        (r_old, m_old), (r_new, m_new) = results
        if z3.unknown in (r_old, r_new):
            out.append(("unknown", None))
            continue
        change = _CHANGE[(r_old == z3.sat, r_new == z3.sat)]
        if change == "equivalent":
            out.append((change, None))
            continue
        if r_new == z3.sat:
            assert m_new is not None
            out.append((change, scenario(world, solver, ev, new, old, inew, m_new, "new")))
        else:
            assert m_old is not None
            out.append((change, scenario(world, solver, ev, old, new, io, m_old, "old")))
    return out


def only(solver: PairSolver, a: NormInstance, b: NormInstance) -> z3.BoolRef:
    """Sat iff in some scenario ``a`` imposes its modality on a (bearer, action) on
    which ``b`` imposes nothing; unsat iff ``b`` covers all of ``a``."""
    ctx = solver.enc.ctx
    covered = all_of([b.applies, b.bearer == a.bearer, b.action == a.action], ctx)
    bound = list(b.env.values())
    return all_of([a.applies, z3.Not(z3.Exists(bound, covered) if bound else covered)], ctx)


def scenario(
    world: World,
    solver: PairSolver,
    ev: Evaluator,
    side: Norm,
    other: Norm | None,
    inst: NormInstance,
    model: z3.ModelRef,
    label: str,
    names: tuple[str, str] | None = None,
) -> dict:
    """The minimal scenario in which ``side`` (the ``label`` version) imposes
    something ``other`` does not (None: in which ``side`` imposes anything), as the
    diff report shows it. ``names`` are how the story calls the two (by default
    "the new text" and "the old text")."""
    enc = solver.enc
    env = {n: enc.read(model.eval(v, model_completion=True)) for n, v in inst.env.items()}
    bearer, action = ev.bearer_of(side, env), ev.action_of(side, env)

    def differs(s: Scenario) -> bool:
        return ev.applies(side, env, s) and (other is None or not ev.imposes(other, bearer, action, s))

    truth = ModelScenario(enc, model)
    full = Recording(truth)
    if not differs(full):
        raise ReplayError(f"{side.ref}: the solver's scenario does not tell the versions apart")
    atoms = {a for a in full.asked if truth.true(a)}
    for atom in sorted(atoms, key=repr):
        if differs(FiniteScenario(frozenset(atoms - {atom}))):
            atoms.discard(atom)
    if not differs(FiniteScenario(frozenset(atoms))):
        raise ReplayError(f"{side.ref}: the minimal scenario does not replay")
    kinds = {p.name: p.kind for p in world.predicates}
    facts = sorted((a for a in atoms if kinds[a[0]] == "fact"), key=written)
    judgements = sorted((a for a in atoms if kinds[a[0]] == "judgement"), key=written)
    told = [tell(world, a) for a in facts + judgements]
    if names is None:
        names = (f"the {label} text", f"the {'old' if label == 'new' else 'new'} text")
    # with no other norm, names[1] is the whole closing clause ("no norm of ... does")
    tail = f"{names[1]} does not" if other is not None else names[1]
    verb = MODALITY_WORDS[side.modality].imposes
    told.append(f"{names[0]} {verb} {bearer}: {tell(world, action)}; {tail}")
    return {
        "facts": [written(a) for a in facts],
        "judgements": [written(a) for a in judgements],
        "bearer": bearer,
        "action": written(action),
        "applies": label,
        "story": "; ".join(told),
    }
