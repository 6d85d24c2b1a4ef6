"""Norms that can never apply: W300 for a condition no scenario satisfies.

``vacuous(world) -> list[Diagnostic]``. A norm of the user's files whose subject
binds some party but whose condition holds for no bearer in any scenario (under
the world's assumptions) can never take effect: it is warned about, with the
assumption that rules it out when it is one (else: the condition contradicts
itself, or the treaty's parties and groups rule it out).

Most conditions are shown satisfiable without the solver: for a few bindings of
the norm's variables, the scenario that makes true exactly the atoms the condition
uses positively is tried in the plain evaluator (with the assumptions). Only the
rest cost a solver query, one per distinct norm (norms that say the same thing to
the same parties are asked once); a norm with no condition is never asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from . import model as m
from .codes import Code
from .diagnostics import Diagnostic
from .evaluate import Env, Evaluator, FiniteScenario
from .world import Norm, World

if TYPE_CHECKING:  # Z3 is imported only when a condition needs the solver
    import z3

    from .encode import Encoder

#: Z3's resource limit per query (a count of its steps, not a time: the same input
#: gets the same warnings on any machine). A question it cannot settle within it
#: gives no warning: a warning is only given when the solver proves it. About a
#: tenth of a second on a quantified condition.
RLIMIT = 2_000_000

#: Bindings of a norm's variables tried in the evaluator before asking the solver.
TRIES = 6

#: The most atoms the evaluator may read to decide a condition once, in that trial;
#: past it the solver is asked (nested quantifiers over many entities, or a local
#: action variable, make the evaluator's enumeration explode).
BUDGET = 20_000


def vacuous(world: World) -> list[Diagnostic]:
    """W300 for each user norm that never applies, in world order."""
    asked = [n for n in world.norms if n.file in world.user_files and n.condition is not None and world.bearers(n)]
    if not asked:
        return []
    easy = _Easy(world)
    enc: Encoder | None = None
    import z3

    from .encode import Encoder

    solver: z3.Solver | None = None
    seen: dict[tuple, bool] = {}
    out = []
    for n in asked:
        key = (n.bearer, n.bearer_group, n.action, n.condition, world.treaty(n.treaty).parties)
        if key not in seen:
            if easy.applies_somewhere(n):
                seen[key] = False
            else:
                if enc is None or solver is None:
                    enc = Encoder(world)
                    solver = z3.Solver(ctx=enc.ctx)
                    solver.set("rlimit", RLIMIT)
                    solver.add(*enc.background)
                seen[key] = solver.check(enc.instance(n, "v").applies) == z3.unsat
        if seen[key]:
            assert enc is not None
            out.append(_warning(world, enc, n))
    return out


class _Easy:
    """Scenarios that show a condition satisfiable without the solver (or fail to)."""

    def __init__(self, world: World):
        self.world = world
        self.ev = Evaluator(world)
        assumed = {x.name for a in world.assumptions for x in m.walk(a.condition) if isinstance(x, m.Call)}
        self.assumed = assumed
        self.sizes: dict[str, int] = {}
        # the assumptions are checked under every binding of their variables: when
        # that enumeration is too large, the trial is skipped and the solver asked
        cost = 0
        for a in world.assumptions:
            size = 1
            for _, type_ in a.variables:
                size *= self._domain(type_)
            cost += size * self._cost(a.condition)
        self.usable = cost <= BUDGET
        self.empty_ok = self.usable and self.ev.assumptions_hold(FiniteScenario(frozenset()))

    def applies_somewhere(self, n: Norm) -> bool:
        """Is there, among a few bindings, one whose positive atoms make ``n`` apply?
        A condition whose evaluation would enumerate too many bindings (nested
        quantifiers, local action variables) is left to the solver, whose work is
        bounded by ``RLIMIT``."""
        if not self.usable or self._cost(n.condition) > BUDGET:
            return False
        ev = self.ev
        for env in _first(self._bindings(n), TRIES):
            atoms: set[tuple] = set()
            self._positive(n.condition, env, True, atoms)
            s = FiniteScenario(frozenset(atoms))
            if not ev.applies(n, env, s):
                continue
            if self.empty_ok and not any(a[0] in self.assumed for a in atoms):
                return True  # the assumptions hold with these atoms as without them
            if ev.assumptions_hold(s):
                return True
        return False

    def _cost(self, c: m.Cond | None) -> int:
        """An upper bound on the atoms the evaluator reads to decide ``c`` once."""
        if c is None:
            return 1
        if isinstance(c, m.Not):
            return self._cost(c.body)
        if isinstance(c, (m.And, m.Or)):
            return sum(self._cost(i) for i in c.items)
        if isinstance(c, m.Quant):
            return len(self.world.entity_names) * self._cost(c.body)
        if isinstance(c, m.Exists):
            size = 1
            for _, type_ in c.vars:
                size *= self._domain(type_)
            return size * self._cost(c.body)
        return 1

    def _domain(self, type_: str) -> int:
        """How many values a variable of ``type_`` ranges over in the evaluator."""
        if type_ not in self.sizes:
            self.sizes[type_] = max(1, len(self.ev.domain(type_)))
        return self.sizes[type_]

    def _bindings(self, n: Norm) -> Iterator[Env]:
        """Bindings of ``n``'s variables, likeliest to apply first: each bearer with the
        other variables on the treaty's other parties, then on anyone."""
        import itertools

        world = self.world
        inside = world.treaty(n.treaty).parties
        parties = sorted(inside)
        others = [e for e in world.entity_names if e not in inside]
        for bearer in sorted(world.bearers(n)):
            order = [p for p in parties if p != bearer] + [bearer] + others
            doms: list[list[Any]] = []
            for name, type_ in n.variables:
                if isinstance(n.bearer, m.Var) and name == n.bearer.name:
                    doms.append([bearer])
                elif type_ == "action":
                    doms.append(world.ground_actions(bearer)[:TRIES])
                else:
                    doms.append(order[:TRIES])
            for combo in itertools.product(*doms):
                yield {name: v for (name, _), v in zip(n.variables, combo, strict=True)}

    def _positive(self, c: m.Cond | None, env: Env, positive: bool, out: set[tuple]) -> None:
        """Add the ground atoms ``c`` uses with this polarity under ``env`` (local and
        quantified variables over every value)."""
        ev = self.ev
        if c is None or isinstance(c, m.InGroup | m.IsParty | m.Same):
            return
        if isinstance(c, m.Call):
            if positive:
                out.add((c.name, *(ev.value(a, env) for a in c.args)))
        elif isinstance(c, m.Not):
            self._positive(c.body, env, not positive, out)
        elif isinstance(c, m.And | m.Or):
            for i in c.items:
                self._positive(i, env, positive, out)
        elif isinstance(c, m.Quant):
            for e in self.world.entity_names:
                self._positive(c.body, {**env, c.var: e}, positive, out)
        elif isinstance(c, m.Exists):
            if positive:
                for b in _first(ev.bindings(c.vars, env), 4096):
                    self._positive(c.body, b, positive, out)


def _first(items: Iterable[Any], k: int) -> list[Any]:
    out = []
    for x in items:
        out.append(x)
        if len(out) >= k:
            break
    return out


def _warning(world: World, enc: Encoder, n: Norm) -> Diagnostic:
    import z3

    applies = enc.instance(n, "v").applies
    cause = "its condition cannot hold for any of its bearers (it contradicts itself, or the parties and groups rule it out)"
    help_ = "check the condition's `not`, `is` and `in` parts against the treaty's parties"
    alone = z3.Solver(ctx=enc.ctx)
    alone.set("rlimit", RLIMIT)
    if alone.check(applies) == z3.sat:
        ruling = [a.name for a, f in zip(world.assumptions, enc.background, strict=True) if _rules_out(f, applies)]
        if ruling:
            cause = f"`assume {ruling[0]}` rules out its condition for every bearer"
            help_ = f"drop or narrow the condition, or `assume {ruling[0]}`"
        else:
            cause = "the assumptions together rule out its condition for every bearer"
            help_ = "drop or narrow the condition, or an assumption"
    span = world.source_map.norm(n.ref).span
    return Diagnostic.of(Code.NEVER_BINDS, f"`{n.ref}` never applies: {cause}", span if span.line else None, help=help_)


def _rules_out(assumption: z3.BoolRef, applies: z3.BoolRef) -> bool:
    import z3

    s = z3.Solver(ctx=applies.ctx)
    s.set("rlimit", RLIMIT)
    return s.check(assumption, applies) == z3.unsat
