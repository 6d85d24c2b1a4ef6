"""One candidate pair to the solver: does it conflict, for whom, and in what scenario.

``PairSolver(world, timeout)`` owns one Z3 context and one incremental solver; the
background (the assumptions) is asserted once, each norm is compiled once per role,
and each question is one ``push / assert / check / pop``.

- ``decide(candidate) -> Decision``: ``none`` iff the query "both norms apply to one
  bearer and their actions clash as the kind requires" is unsat; otherwise every
  bearer it binds (block the one found, widened to its symmetry class, ask again),
  or ``unknown`` when the solver gives up.
- ``witness(candidate, bearer) -> Solution``: a scenario for that bearer, from a
  fresh context and solver, so that it depends only on the pair and the world, never
  on what was asked before (determinism across ``--jobs``, caches and file order).
  It prefers stories a reader expects: fewer axioms, distinct roles, played by states.

The solution is read out of the model into Python values and a scenario object; the
plain evaluator replays and minimises it (:mod:`treatycheck.search.replay`).
With ``record=True`` every command sent to the solver is kept, for ``--emit-smt``
(:meth:`PairSolver.script`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import z3

from ..casting import cast_roles
from ..encode import Encoder, NormInstance, all_of, any_of
from ..evaluate import Link, link
from ..index import Candidate, ChainIndex
from ..kinds import Verdict
from ..world import Norm, World

#: Builds extra constraints for a query in a solver's context, from the solver and
#: the pair's two instances (see :meth:`PairSolver.witness`).
Constraint = Callable[["PairSolver", NormInstance, NormInstance], list[z3.BoolRef]]


class ReplayError(RuntimeError):
    """The solver's scenario does not replay in the evaluator: an engine bug."""


@dataclass(frozen=True)
class Decision:
    """The solver's answer for one pair: no conflict (``verdict`` None), a conflict for
    ``bearers``, or ``unknown``."""

    verdict: Verdict | None
    bearers: tuple[str, ...] = ()


NO_CONFLICT = Decision(None)
UNDECIDED = Decision(Verdict.UNKNOWN)


class ModelScenario:
    """Atoms answered by a Z3 model (unconstrained atoms read as false): the
    evaluator's view of a solver scenario."""

    def __init__(self, enc: Encoder, model: z3.ModelRef):
        self.enc, self.model = enc, model
        self.cache: dict[tuple, bool] = {}

    def true(self, atom: tuple) -> bool:
        if atom not in self.cache:
            self.cache[atom] = z3.is_true(self.model.eval(self.enc.atom(atom), model_completion=True))
        return self.cache[atom]


@dataclass(frozen=True)
class Solution:
    """A model of one pair's conflict query, read into Python: the two norms'
    variable bindings and the truth of every atom (``scenario``)."""

    env1: dict
    env2: dict
    scenario: ModelScenario


class _Recorder:
    """The SMT-LIB commands one check sent to its solvers, in order, and the terms
    asserted, translated into the ``home`` context at once: a witness's fresh
    context is then freed as soon as it is done (keeping its terms kept every
    context of the check alive, which ran a dense register out of memory)."""

    def __init__(self, home: z3.Context) -> None:
        self.home = home
        self.commands: list[str] = []
        self.terms: list[z3.BoolRef] = []

    def keep(self, f: z3.BoolRef) -> None:
        self.terms.append(f if f.ctx == self.home else f.translate(self.home))


class PairSolver:
    """One Z3 context and incremental solver for deciding candidate pairs."""

    def __init__(self, world: World, timeout: float, chains: ChainIndex | None = None, record: bool = False):
        self.world = world
        self.timeout = timeout
        self.enc = Encoder(world)
        self.chains = chains or ChainIndex(world)
        self.instances: dict[tuple[str, str], NormInstance] = {}
        self.queries = 0
        self.recorder: _Recorder | None = _Recorder(self.enc.ctx) if record else None
        self.depth = 0  # solver scopes open
        self.unknowns = 0  # queries the solver gave up on (a witness's count here too)
        self.model: z3.ModelRef | None = None
        self._new_solver()

    # ------------------------------------------------------------ the solver
    def _new_solver(self) -> None:
        # a recorded script goes on with one solver: close the scopes the old one
        # left open (the held first norm), so the script stays what was asked
        if self.recorder is not None:
            self.recorder.commands.extend(["(pop 1)"] * self.depth)
        self.depth = 0
        self.solver = z3.Solver(ctx=self.enc.ctx)
        self.solver.set("timeout", max(1, int(self.timeout * 1000)))
        # check() asserts the background (the assumptions) before the first query,
        # through _add, so that --emit-smt records it too
        self.asserted = 0
        self.held: str | None = None  # the first norm asserted in an outer scope

    def _assert_background(self) -> None:
        background = self.enc.background
        if len(background) > self.asserted:  # assumptions the encoder added since
            self._add(*background[self.asserted :])
            self.asserted = len(background)

    def _hold(self, first: NormInstance) -> None:
        """Keep the first norm asserted in an outer scope while consecutive pairs
        share it (pairs come sorted by first norm): the solver then takes in only
        the second norm per query. Verdicts do not depend on this; scenarios come
        from a fresh context anyway (:meth:`witness`)."""
        if self.held == first.norm.ref:
            return
        if self.held is not None:
            self._pop()
        self._assert_background()
        self._push()
        self._add(first.applies)
        self.held = first.norm.ref

    def release(self) -> None:
        """Drop the held first norm (see :meth:`_hold`), so that the next query is
        asked under the background alone."""
        if self.held is not None:
            self._pop()
            self.held = None

    def instance(self, norm: Norm, tag: str) -> NormInstance:
        """The norm compiled with fresh variables tagged ``tag`` (once per tag)."""
        key = (norm.ref, tag)
        if key not in self.instances:
            self.instances[key] = self.enc.instance(norm, tag)
        return self.instances[key]

    def check(self, *formulas: z3.BoolRef) -> z3.CheckSatResult:
        """Sat: the formulas (with the background) have a model, left in ``model``;
        unsat: they cannot hold together; unknown: the solver gave up in time."""
        self.queries += 1
        self._assert_background()
        self._push()
        try:
            self._add(*formulas)
            if self.recorder is not None:
                self.recorder.commands.append("(check-sat)")
            result = self.solver.check()
            self.model = self.solver.model() if result == z3.sat else None
            if result == z3.unknown:
                self.unknowns += 1
        finally:
            self._pop()
        return result

    # Solver calls go through these so that --emit-smt can record them in order.
    def _push(self) -> None:
        self.solver.push()
        self.depth += 1
        if self.recorder is not None:
            self.recorder.commands.append("(push 1)")

    def _pop(self) -> None:
        self.solver.pop()
        self.depth -= 1
        if self.recorder is not None:
            self.recorder.commands.append("(pop 1)")

    def _add(self, *formulas: z3.BoolRef) -> None:
        self.solver.add(*formulas)
        if self.recorder is not None:
            for f in formulas:
                self.recorder.commands.append(f"(assert {f.sexpr()})")
                self.recorder.keep(f)

    # ------------------------------------------------------------ one pair
    def relation(
        self, cand: Candidate, i1: NormInstance, i2: NormInstance, prefix: str = ""
    ) -> list[tuple[int, z3.BoolRef]]:
        """Alternatives (number of axioms used, formula) under which the first norm's
        action clashes with the second's as the kind requires. ``prefix`` keeps the
        axioms' variables apart from another relation's in the same query."""
        enc, chains = self.enc, self.chains
        a_name, b_name = cand.first.action_name, cand.second.action_name
        alts: list[tuple[int, z3.BoolRef]] = []
        how = link(cand.first.modality, cand.second.modality)
        if how == Link.CHAIN:
            for k, walk in enumerate(chains.walks_between(a_name, b_name)):
                f, end = enc.chain(i1.action, walk, f"{prefix}c{k}")
                alts.append((len(walk), all_of([f, end == i2.action], enc.ctx)))
            return alts
        if how == Link.BACK:
            for k, walk in enumerate(chains.walks_between(b_name, a_name)):
                f, end = enc.chain(i2.action, walk, f"{prefix}c{k}")
                alts.append((len(walk), all_of([f, end == i1.action], enc.ctx)))
            return alts
        walks_a = chains.walks(a_name)
        walks_b = chains.walks(b_name)
        for ia, wa in enumerate(walks_a):
            end_a = wa[-1].right.name if wa else a_name
            fa, xa = enc.chain(i1.action, wa, f"{prefix}l{ia}")
            for ib, wb in enumerate(walks_b):
                end_b = wb[-1].right.name if wb else b_name
                fb = xb = None
                for ax in chains.excludes:
                    pair = (ax.left.name, ax.right.name)
                    if not any(_fits(x, y, pair) for x, y in ((end_a, end_b), (end_b, end_a))):
                        continue
                    if fb is None:
                        fb, xb = enc.chain(i2.action, wb, f"{prefix}r{ib}")
                    ex = enc.excludes(ax, xa, xb, f"{prefix}x{ia}.{ib}")
                    alts.append((len(wa) + len(wb) + 1, all_of([fa, fb, ex], enc.ctx)))
        return alts

    def _pair(self, cand: Candidate) -> tuple[NormInstance, NormInstance, list[tuple[int, z3.BoolRef]]]:
        i1 = self.instance(cand.first, "a")
        i2 = self.instance(cand.second, "b")
        return i1, i2, self.relation(cand, i1, i2)

    def decide(self, cand: Candidate) -> Decision:
        """Whether the pair conflicts, and for which bearers (no scenario yet)."""
        enc = self.enc
        i1, i2, alts = self._pair(cand)
        if not alts:
            return NO_CONFLICT
        self._hold(i1)
        base = all_of([i2.applies, i1.bearer == i2.bearer], enc.ctx)
        everything = any_of([f for _, f in alts], enc.ctx)
        result = self.check(base, everything)
        if result == z3.unsat:
            return NO_CONFLICT
        if result == z3.unknown:
            self._new_solver()
            return UNDECIDED
        # every bearer: widen the one found to the entities the world cannot tell
        # apart from it (a symmetry), block them, and ask again
        bearers: list[str] = []
        classes = self.world.symmetry_classes()
        self._push()
        try:
            self._add(base, everything)
            while result == z3.sat:
                assert self.model is not None
                b = str(enc.read(self.model.eval(i1.bearer, model_completion=True)))
                found = classes.get(b, (b,))
                bearers.extend(found)
                self._add(*[i1.bearer != enc.entity[x] for x in found])
                result = self.check()
        finally:
            self._pop()
        if result == z3.unknown:
            self._new_solver()
            return UNDECIDED
        return Decision(Verdict.PROVED, tuple(sorted(bearers)))

    def witness(self, cand: Candidate, bearer: str, extra: Constraint | None = None) -> Solution | None:
        """A canonical scenario of the pair's conflict for ``bearer``, from a fresh
        context; None when the solver gives up. Each attempt counts as a query of
        this solver. ``extra`` builds further constraints in the fresh context (from
        its solver and the two instances), e.g. that no third norm displaces either."""
        fresh = PairSolver(self.world, self.timeout, self.chains)
        fresh.recorder = self.recorder  # --emit-smt records these queries too
        enc = fresh.enc
        i1, i2, alts = fresh._pair(cand)
        more = extra(fresh, i1, i2) if extra is not None else []
        base = all_of([i1.applies, i2.applies, i1.bearer == i2.bearer, *more], enc.ctx)
        first = enc.entity[bearer]
        for limit in sorted({n for n, _ in alts}):
            chosen = any_of([f for n, f in alts if n <= limit], enc.ctx)
            cast: list[z3.BoolRef] = []
            if self.world.prefer:
                fresh._new_solver()
                plain = fresh.check(base, chosen, i1.bearer == first)
                self.queries += 1
                if plain == z3.unknown:
                    self.unknowns += 1
                    return None
                if plain == z3.unsat:
                    continue
                cast = fresh._cast(i1, i2, bearer, [base, chosen, i1.bearer == first])
                self.queries += fresh.queries
                fresh.queries = 0
            for prefer in fresh._preferences(i1, i2):
                fresh._new_solver()  # each attempt from a clean slate: no history
                result = fresh.check(base, chosen, i1.bearer == first, *cast, *prefer)
                self.queries += 1
                if result == z3.sat:
                    assert fresh.model is not None
                    model = fresh.model
                    env1 = {n: enc.read(model.eval(v, model_completion=True)) for n, v in i1.env.items()}
                    env2 = {n: enc.read(model.eval(v, model_completion=True)) for n, v in i2.env.items()}
                    return Solution(env1, env2, ModelScenario(enc, model))
                if result == z3.unknown:
                    self.unknowns += 1
                    return None
        raise ReplayError(f"{cand.first.ref}/{cand.second.ref}: no scenario for bearer {bearer}")

    def _cast(self, i1: NormInstance, i2: NormInstance, bearer: str, base: list[z3.BoolRef]) -> list[z3.BoolRef]:
        """``--prefer``: the entity roles of the two norms (the first norm's entity
        variables, then the second's, in the order the norms name them; the
        bearer aside) cast from the preferred entities by
        :func:`treatycheck.casting.cast_roles`. Out: the equalities that fix it."""
        enc = self.enc
        roles: list[z3.ExprRef] = []
        for inst in (i1, i2):
            for v in inst.env.values():
                if v.sort() == enc.Entity and not v.eq(i1.bearer) and not v.eq(i2.bearer):
                    if not any(v.eq(r) for r in roles):
                        roles.append(v)

        # a yes/no answer does not depend on the solver's history: no fresh solver
        def possible(pins: list[z3.BoolRef]) -> bool:
            return self.check(*base, *pins) == z3.sat

        names = tuple(e for e in self.world.prefer if e in enc.entity)
        cast = cast_roles(roles, names, {bearer}, lambda role, name: role == enc.entity[name], possible)
        return [p for _, p in cast]

    def _preferences(self, i1: NormInstance, i2: NormInstance) -> list[list[z3.BoolRef]]:
        """Extra constraints to try in order, the last being none at all: every role
        its own entity and a state, then distinct roles within a norm, played by
        states, then distinct roles only."""
        enc = self.enc
        roles = [[v for v in inst.env.values() if v.sort() == enc.Entity] for inst in (i1, i2)]
        distinct = [z3.Distinct(*vs) for vs in roles if len(vs) > 1]
        states = [e for e in self.world.entities if e.kind == "state"]
        is_state = []
        if states and len(states) < len(self.world.entities):
            names = [enc.entity[e.name] for e in states]
            is_state = [any_of([v == s for s in names], enc.ctx) for vs in roles for v in vs]
        # across the two norms too: every role but the shared bearer its own entity
        across = [v for v in roles[0]] + [v for v in roles[1] if not v.eq(i2.bearer)]
        everyone = [z3.Distinct(*across)] if len(across) > 1 else []
        out = []
        if everyone and is_state:
            out.append(everyone + is_state)
        if distinct and is_state:
            out.append(distinct + is_state)
        if distinct:
            out.append(distinct)
        out.append([])
        return out

    # ------------------------------------------------------------ --emit-smt
    def script(self) -> str:
        """The recorded queries as one SMT-LIB 2 script: the declarations, then every
        push / assert / check-sat / pop in the order run (``record=True`` only)."""
        assert self.recorder is not None, "PairSolver(record=True) keeps the script"
        ctx = self.enc.ctx
        collect = z3.Solver(ctx=ctx)
        for f in self.recorder.terms:
            collect.add(f if f.ctx == ctx else f.translate(ctx))
        declarations = [cmd for cmd in _commands(collect.sexpr()) if cmd.startswith("(declare")]
        header = ["; treatycheck: every solver query of one check, in the order run"]
        return "\n".join(header + declarations + self.recorder.commands) + "\n"


#: The script of a check that asked the solver nothing.
EMPTY_SCRIPT = "; treatycheck: no solver queries\n"


def _fits(x: str | None, y: str | None, pair: tuple[str, str]) -> bool:
    return (x is None or x == pair[0]) and (y is None or y == pair[1])


def _commands(text: str) -> list[str]:
    """Top-level S-expressions of an SMT-LIB text."""
    out, depth, start, in_string = [], 0, 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            in_string = not in_string
        if in_string:
            continue
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                out.append(text[start : i + 1])
    return out
