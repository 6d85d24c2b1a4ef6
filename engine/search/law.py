"""The solver's part of treaty law: lex specialis's condition comparison, and
displacement of a conflict by a third norm.

``LawSolver(world, timeout, chains)`` holds one Z3 context (through a
:class:`~treatycheck.search.pair.PairSolver`):

- ``implies(special, general, binding) -> bool``: under the assumptions, whenever
  ``special`` applies, ``general`` applies with the matched binding (lex specialis,
  case (ii));
- ``standing(cand, displacers) -> bearers | None``: the bearers for which
  the pair collides in some scenario where neither norm is displaced (None: the
  solver gave up);
- ``displaces(cand, side, c) -> bool``: does ``c`` displace that side of the pair in
  some colliding scenario;
- ``undisplaced(displacers)`` / ``displaced(side, c)``: constraints as
  :data:`~treatycheck.search.pair.Constraint` builders, for a scenario from a fresh
  context (:meth:`PairSolver.witness`).

A norm ``c`` displaces side ``n`` of the pair in a scenario when ``c`` applies to the
same bearer and ``c`` and ``n`` conflict on the very act ``n`` speaks of there. That
is existential (some binding of ``c``), so "displaced" goes to the solver as it is;
"not displaced" is universal: its variables are first eliminated where the act at
issue determines them (:func:`_eliminated`), which leaves few or no quantifiers.
"""

from __future__ import annotations

import z3

from ..encode import NormInstance, all_of, any_of
from ..evaluate import pair_kind
from ..index import Candidate, ChainIndex
from ..model import Call, Const, Term, Var
from ..world import Norm, World
from .pair import Constraint, PairSolver

#: Sides of a candidate pair: its first (acting) norm and its second.
FIRST, SECOND = 0, 1

#: The norms that could displace each side of a pair (first, second).
Displacers = tuple[list[Norm], list[Norm]]


class LawSolver:
    """Treaty law's queries, in one context; ``queries`` counts them."""

    def __init__(self, world: World, timeout: float, chains: ChainIndex | None = None, record: bool = False):
        self.world = world
        self.solver = PairSolver(world, timeout, chains, record=record)
        self.enc = self.solver.enc

    @property
    def queries(self) -> int:
        return self.solver.queries

    # ------------------------------------------------------------ lex specialis
    def implies(self, special: Norm, general: Norm, binding: dict[str, Term]) -> bool:
        """Unsat of: the assumptions, ``special`` applies, and ``general`` applies
        under no binding of its unmatched variables. Unknown counts as no."""
        enc = self.enc
        s = enc.instance(special, "ls")
        env_s = {**s.env, "BEARER!": s.bearer}
        env: dict[str, z3.ExprRef] = {}
        free: list[z3.ExprRef] = []
        for name, type_ in general.variables:
            if name in binding:
                env[name] = self._term(binding[name], env_s)
            else:
                env[name] = enc.named(f"lg!{name}", type_)
                free.append(env[name])
        g = enc.instance_with(general, env)
        never = z3.Not(g.applies) if not free else z3.ForAll(free, z3.Not(g.applies))
        return self.solver.check(s.applies, never) == z3.unsat

    def _term(self, t: Term, env: dict[str, z3.ExprRef]) -> z3.ExprRef:
        if isinstance(t, Var):
            return env[t.name]
        if isinstance(t, Const):
            return self.enc.entity[t.name]
        assert isinstance(t, Call)
        return self.enc.constructor[t.name](*(self._term(a, env) for a in t.args))

    # ------------------------------------------------------------ displacement
    def standing(
        self, cand: Candidate, displacers: Displacers, bearers: tuple[str, ...], known: frozenset[str] = frozenset()
    ) -> tuple[str, ...] | None:
        """Those of ``bearers`` (for which the pair collides) for which it collides
        with neither side displaced; ``known`` ones stand already (the evaluator
        saw it). One query per symmetry class of the others, the bearer fixed: the
        solver decides that faster than a free bearer blocked class by class.
        None when the solver gives up."""
        ps, enc = self.solver, self.enc
        i1, i2, alts = ps._pair(cand)
        if not alts:
            return ()
        collide = _collide(ps, i1, i2, alts)
        free = self.undisplaced(displacers)(ps, i1, i2)
        classes = self.world.symmetry_classes()
        out: set[str] = set(known)
        asked: set[str] = set(known)
        for b in bearers:
            if b in asked:
                continue
            found = [x for x in classes.get(b, (b,)) if x in bearers] or [b]
            asked.update(found)
            result = ps.check(collide, *free, i1.bearer == enc.entity[b])
            if result == z3.unknown:
                return None
            if result == z3.sat:
                out.update(found)
        return tuple(sorted(out))

    def displaces(self, cand: Candidate, side: int, c: Norm) -> bool:
        """Does ``c`` displace ``side`` of the pair in some colliding scenario?
        (An undecided query counts as yes: ``c`` is then named, never hidden.)"""
        ps = self.solver
        i1, i2, alts = ps._pair(cand)
        if not alts:
            return False
        target = i1 if side == FIRST else i2
        return ps.check(_collide(ps, i1, i2, alts), _displacement(ps, target, c, "d0")) != z3.unsat

    @staticmethod
    def undisplaced(displacers: Displacers) -> Constraint:
        """Neither side is displaced by any of its displacers."""

        def build(ps: PairSolver, i1: NormInstance, i2: NormInstance) -> list[z3.BoolRef]:
            out: list[z3.BoolRef] = []
            for side, inst in ((FIRST, i1), (SECOND, i2)):
                for k, c in enumerate(displacers[side]):
                    out.append(z3.Not(_eliminated(ps, inst, c, f"d{side}.{k}")))
            return out

        return build

    @staticmethod
    def displaced(side: int, c: Norm) -> Constraint:
        """``c`` displaces ``side`` of the pair."""

        def build(ps: PairSolver, i1: NormInstance, i2: NormInstance) -> list[z3.BoolRef]:
            return [_displacement(ps, i1 if side == FIRST else i2, c, "d0")]

        return build


def _collide(ps: PairSolver, i1: NormInstance, i2: NormInstance, alts: list[tuple[int, z3.BoolRef]]) -> z3.BoolRef:
    ctx = ps.enc.ctx
    return all_of([i1.applies, i2.applies, i1.bearer == i2.bearer, any_of([f for _, f in alts], ctx)], ctx)


def _eliminated(ps: PairSolver, target: NormInstance, c: Norm, tag: str) -> z3.BoolRef:
    """:func:`_displacement` with its own variables eliminated where equalities
    determine them (Z3's ``qe-light``, one relation alternative at a time): ``c``'s
    variables and the axioms' are mostly fixed by the act at issue, so the negation
    "not displaced" needs few or no quantifiers. What cannot be eliminated (a
    variable only ``c``'s condition speaks of) stays an existential quantifier."""
    enc = ps.enc
    # the result binds every constant it made, so it depends only on the target's
    # instance (its norm and tag) and on c: the same for every pair the target is in
    # (terms by their ids: unique in this context, and far cheaper than printing)
    key = ("eliminated", target.norm.ref, target.bearer.get_id(), target.action.get_id(), c.ref)
    if key not in enc.derived:
        enc.derived[key] = _eliminate(ps, target, c, tag)
    out = enc.derived[key]
    assert isinstance(out, z3.BoolRef)
    return out


def _eliminate(ps: PairSolver, target: NormInstance, c: Norm, tag: str) -> z3.BoolRef:
    enc = ps.enc
    ctx = enc.ctx
    # c's instance is named after c itself, so that it is encoded once per
    # context, whichever pairs it is asked against
    own = ("instance", c.ref)
    if own not in enc.derived:
        enc.derived[own] = enc.instance(c, f"d!{c.ref}")
    ic = enc.derived[own]
    assert isinstance(ic, NormInstance)
    enc.record = list(ic.env.values())
    try:
        ic, alts = _relation(ps, target, c, tag, ic)
    finally:
        made, enc.record = enc.record, None
    # what the build named is what the quantifier binds (the target's own constants
    # were made before); a constant one alternative does not use is dropped by it
    bound = [made_by_name for _, made_by_name in sorted({str(x): x for x in made}.items())]
    parts = []
    for _, alt in alts:
        body = all_of([ic.applies, ic.bearer == target.bearer, alt], ctx)
        if not bound:
            parts.append(body)
            continue
        goal = z3.Goal(ctx=ctx)
        goal.add(z3.Exists(bound, body))
        parts.append(z3.Then(z3.Tactic("qe-light", ctx=ctx), z3.Tactic("simplify", ctx=ctx))(goal).as_expr())
    return any_of(parts, ctx)


def _relation(
    ps: PairSolver, target: NormInstance, c: Norm, tag: str, ic: NormInstance | None = None
) -> tuple[NormInstance, list[tuple[int, z3.BoolRef]]]:
    """An instance of ``c`` (``ic``, else a new one tagged ``tag``) and how it can
    conflict with ``target``."""
    kinds = pair_kind(c.modality, target.norm.modality)
    assert kinds is not None, "a displacer conflicts with the norm it displaces"
    kind, swap = kinds
    ic = ic or ps.enc.instance(c, tag)
    if swap:  # the displaced norm is the acting side
        return ic, ps.relation(Candidate(kind, target.norm, c), target, ic, f"{tag}.")
    return ic, ps.relation(Candidate(kind, c, target.norm), ic, target, f"{tag}.")


def _displacement(ps: PairSolver, target: NormInstance, c: Norm, tag: str) -> z3.BoolRef:
    """``c`` applies to ``target``'s bearer and conflicts with it on ``target``'s act
    (some binding of ``c``'s variables and the axioms' along the way)."""
    enc = ps.enc
    ic, alts = _relation(ps, target, c, tag)
    return all_of([ic.applies, ic.bearer == target.bearer, any_of([f for _, f in alts], enc.ctx)], enc.ctx)
