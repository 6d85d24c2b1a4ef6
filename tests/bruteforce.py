"""Brute-force conflict search on tiny worlds, by enumeration with the plain evaluator.

Independent of Z3: every scenario over the world's ground atoms is enumerated, and
in each, every binding of every norm; a pair conflicts when some scenario allowed by
the assumptions has bindings of both norms for one bearer that apply and clash as
the pair's link requires (an `implies` chain from either side's act, or an
`excludes` axiom). Used by the differential tests against the engine.
"""

from __future__ import annotations

import itertools

from treatycheck.evaluate import Evaluator, FiniteScenario, link, pair_kind
from treatycheck.world import World


def ground_atoms(world: World) -> list[tuple]:
    """Every ground fact and judgement atom of the world."""
    ev = Evaluator(world)
    out = []
    for p in world.predicates:
        if p.kind == "action":
            continue
        domains = [ev.domain(t) for t in p.types]
        for combo in itertools.product(*domains):
            out.append((p.name, *combo))
    return out


def brute_force(world: World, max_atoms: int = 12) -> dict[tuple[str, str, str], set[str]] | None:
    """``{(kind, first_ref, second_ref): bearers}`` for every conflicting pair, or None
    when the world has more than ``max_atoms`` ground atoms (too many to enumerate)."""
    atoms = ground_atoms(world)
    if len(atoms) > max_atoms:
        return None
    ev = Evaluator(world)
    bindings = {n.ref: list(ev.norm_bindings(n)) for n in world.norms}
    found: dict[tuple[str, str, str], set[str]] = {}
    pairs = []
    norms = list(world.norms)
    for i, a in enumerate(norms):
        for b in norms[i:]:
            pk = pair_kind(a.modality, b.modality)
            if pk is None:
                continue
            kind, swap = pk
            first, second = (b, a) if swap else (a, b)
            if first.ref == second.ref and kind != "obligation-obligation":
                continue
            pairs.append((kind, link(first.modality, second.modality), first, second))
    for mask in range(1 << len(atoms)):
        s = FiniteScenario(frozenset(a for i, a in enumerate(atoms) if mask >> i & 1))
        if not ev.assumptions_hold(s):
            continue
        applying = {ref: [e for e in envs if ev.applies(world.norm(ref), e, s)] for ref, envs in bindings.items()}
        for kind, how, first, second in pairs:
            for e1 in applying[first.ref]:
                bearer = ev.bearer_of(first, e1)
                key = (kind, first.ref, second.ref)
                if bearer in found.get(key, ()):
                    continue
                a1 = ev.action_of(first, e1)
                for e2 in applying[second.ref]:
                    if ev.bearer_of(second, e2) != bearer:
                        continue
                    if ev.relation(how, a1, ev.action_of(second, e2), s) is not None:
                        found.setdefault(key, set()).add(bearer)
                        break
    return found


__all__ = ["brute_force", "ground_atoms"]
