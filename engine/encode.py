"""A world to Z3 terms (one ``z3.Context`` per check).

``Encoder(world)`` builds the sorts and the background once:

- ``Entity``: an enumeration sort of the declared entities (canonical order);
- ``Action``: a datatype with one constructor per declared action, so unifying two
  action patterns is datatype equality and ``take any action A`` is one variable;
- facts and judgements: uninterpreted Boolean functions (any value is possible);
- party lists and memberships: Python lookups when the term is an entity, a Boolean
  function with its table asserted once otherwise;
- assumptions: asserted once (expanded over entities when small, else quantified).

Norm variables stay symbolic constants of these sorts: the engine never grounds a
norm over every entity. Only this module and ``analysis`` import Z3.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import z3

from . import model as m
from .world import Axiom, Norm, World

#: Expand a quantifier over entities into a finite conjunction/disjunction when it
#: has at most this many instances; beyond it, use a Z3 quantifier (MBQI decides
#: finite sorts). Ground formulas are much faster for the common small cases.
EXPAND_LIMIT = 4096


def _and(xs: list[z3.BoolRef], ctx: z3.Context) -> z3.BoolRef:
    xs = [x for x in xs if not z3.is_true(x)]
    if not xs:
        return z3.BoolVal(True, ctx)
    return xs[0] if len(xs) == 1 else z3.And(*xs)


def _or(xs: list[z3.BoolRef], ctx: z3.Context) -> z3.BoolRef:
    xs = [x for x in xs if not z3.is_false(x)]
    if not xs:
        return z3.BoolVal(False, ctx)
    return xs[0] if len(xs) == 1 else z3.Or(*xs)


@dataclass
class NormInstance:
    """One copy of a norm with fresh variables: its bearer, action and applicability."""

    norm: Norm
    env: dict[str, z3.ExprRef]
    bearer: z3.ExprRef
    action: z3.ExprRef
    applies: z3.BoolRef


class Encoder:
    """Compiles a world's vocabulary, norms and axioms into one Z3 context."""

    def __init__(self, world: World):
        self.world = world
        self.ctx = z3.Context()
        names = list(world.entity_names) or ["__nobody"]
        self.Entity, consts = z3.EnumSort("Entity", names, ctx=self.ctx)
        self.entity = dict(zip(names, consts, strict=True))
        self.entity_name = {str(c): n for n, c in self.entity.items()}
        self.actions = [p for p in world.predicates if p.kind == "action"]
        dt = z3.Datatype("Action", ctx=self.ctx)
        for p in self.actions:
            dt.declare(p.name, *[(f"{p.name}__{i}", self.Entity) for i in range(len(p.params))])
        if not self.actions:
            dt.declare("__no_action")
        self.Action = dt.create()
        self.constructor = {p.name: getattr(self.Action, p.name) for p in self.actions}
        self.functions: dict[str, z3.FuncDeclRef] = {}
        for p in world.predicates:
            if p.kind == "action":
                continue
            sorts = [self.Action if t == "action" else self.Entity for t in p.types]
            self.functions[p.name] = z3.Function(p.name, *sorts, z3.BoolSort(self.ctx))
        self.background: list[z3.BoolRef] = []
        self._tables: dict[str, z3.FuncDeclRef] = {}
        self.sets = {t.id: t.parties for t in world.treaties} | {g.name: g.members for g in world.groups}
        self._fresh = itertools.count()
        for a in world.assumptions:
            self.background.append(self.universal(a.variables, a.condition, f"assume!{a.name}"))

    # ------------------------------------------------------------ helpers
    def fresh(self, base: str, type_: str) -> z3.ExprRef:
        sort = self.Action if type_ == "action" else self.Entity
        return z3.Const(f"{base}!{next(self._fresh)}", sort)

    def named(self, name: str, type_: str) -> z3.ExprRef:
        """A constant whose name the caller makes unique within one query; unlike
        :meth:`fresh` it does not depend on what was encoded before."""
        return z3.Const(name, self.Action if type_ == "action" else self.Entity)

    def _member(self, set_name: str, term: z3.ExprRef) -> z3.BoolRef:
        members = self.sets[set_name]
        if z3.is_const(term) and str(term) in self.entity_name and term.sort() == self.Entity:
            return z3.BoolVal(self.entity_name[str(term)] in members, self.ctx)
        fn = self._tables.get(set_name)
        if fn is None:
            fn = z3.Function(f"in!{set_name}", self.Entity, z3.BoolSort(self.ctx))
            self._tables[set_name] = fn
            for name, c in self.entity.items():
                self.background.append(fn(c) if name in members else z3.Not(fn(c)))
        return fn(term)

    def actor_is(self, action: z3.ExprRef, who: z3.ExprRef) -> z3.BoolRef:
        """The action's first argument (its actor) is ``who``."""
        cases = []
        for p in self.actions:
            recog = getattr(self.Action, f"is_{p.name}")
            field = getattr(self.Action, f"{p.name}__0")
            cases.append(z3.And(recog(action), field(action) == who))
        return _or(cases, self.ctx)

    # ------------------------------------------------------------ terms, conditions
    def term(self, t: m.Term, env: dict[str, z3.ExprRef]) -> z3.ExprRef:
        if isinstance(t, m.Var):
            return env[t.name]
        if isinstance(t, m.Const):
            return self.entity[t.name]
        return self.constructor[t.name](*(self.term(a, env) for a in t.args))

    def cond(self, c: m.Cond | None, env: dict[str, z3.ExprRef], treaty: str | None) -> z3.BoolRef:
        """The Z3 formula of a condition under a binding of its free variables."""
        ctx = self.ctx
        if c is None:
            return z3.BoolVal(True, ctx)
        if isinstance(c, m.Call):
            return self.functions[c.name](*(self.term(a, env) for a in c.args))
        if isinstance(c, m.Not):
            return z3.Not(self.cond(c.body, env, treaty))
        if isinstance(c, m.And):
            return _and([self.cond(i, env, treaty) for i in c.items], ctx)
        if isinstance(c, m.Or):
            return _or([self.cond(i, env, treaty) for i in c.items], ctx)
        if isinstance(c, m.InGroup):
            return self._member(c.group, self.term(c.term, env))
        if isinstance(c, m.IsParty):
            inside = self._member(treaty, self.term(c.term, env))  # type: ignore[arg-type]
            return z3.Not(inside) if c.negated else inside
        if isinstance(c, m.Same):
            eq = self.term(c.left, env) == self.term(c.right, env)
            return z3.Not(eq) if c.negated else eq
        if isinstance(c, m.Quant):
            dom = sorted(self.sets[treaty]) if c.domain == "party" else list(self.entity)  # type: ignore[index]
            parts = [self.cond(c.body, {**env, c.var: self.entity[e]}, treaty) for e in dom]
            return _and(parts, ctx) if c.quantifier == "every" else _or(parts, ctx)
        if isinstance(c, m.Exists):
            return self._exists(c, env, treaty)
        raise TypeError(f"not a condition: {c!r}")

    def _size(self, variables: tuple[tuple[str, str], ...]) -> int | None:
        n = 1
        for _, t in variables:
            if t == "action":
                return None
            n *= len(self.entity)
        return n

    def _exists(self, c: m.Exists, env: dict[str, z3.ExprRef], treaty: str | None) -> z3.BoolRef:
        size = self._size(c.vars)
        if size is not None and size <= EXPAND_LIMIT:
            parts = []
            for combo in itertools.product(list(self.entity.values()), repeat=len(c.vars)):
                parts.append(
                    self.cond(c.body, {**env, **{n: v for (n, _), v in zip(c.vars, combo, strict=True)}}, treaty)
                )
            return _or(parts, self.ctx)
        bound = {n: self.fresh(f"ex!{n}", t) for n, t in c.vars}
        return z3.Exists(list(bound.values()), self.cond(c.body, {**env, **bound}, treaty))

    def universal(self, variables: tuple[tuple[str, str], ...], cond: m.Cond, tag: str) -> z3.BoolRef:
        """``cond`` for every binding of ``variables`` (expanded when small)."""
        size = self._size(variables)
        if size is not None and size <= EXPAND_LIMIT:
            parts = []
            for combo in itertools.product(list(self.entity.values()), repeat=len(variables)):
                parts.append(self.cond(cond, {n: v for (n, _), v in zip(variables, combo, strict=True)}, None))
            return _and(parts, self.ctx)
        bound = {n: self.fresh(f"{tag}!{n}", t) for n, t in variables}
        return z3.ForAll(list(bound.values()), self.cond(cond, bound, None))

    # ------------------------------------------------------------ norms and axioms
    def instance(self, norm: Norm, tag: str) -> NormInstance:
        """A copy of ``norm`` with fresh constants named after its ref and ``tag``."""
        env: dict[str, z3.ExprRef] = {}
        for name, type_ in norm.variables:
            sort = self.Action if type_ == "action" else self.Entity
            env[name] = z3.Const(f"{norm.ref}!{tag}!{name}", sort)
        bearer = self.term(norm.bearer, env)
        parts = [self._member(norm.treaty, bearer)]
        if norm.bearer_group is not None:
            parts.append(self._member(norm.bearer_group, bearer))
        if isinstance(norm.action, m.AnyAction):
            action = env[norm.action.var]
            parts.append(self.actor_is(action, bearer))
        else:
            action = self.term(norm.action, env)
        parts.append(self.cond(norm.condition, env, norm.treaty))
        return NormInstance(norm, env, bearer, action, _and(parts, self.ctx))

    def step(self, axiom: Axiom, current: z3.ExprRef, tag: str) -> tuple[z3.BoolRef, z3.ExprRef, dict[str, z3.ExprRef]]:
        """One application of an ``implies`` axiom to ``current``: (condition, result, binding)."""
        env = {n: self.named(f"ax!{axiom.name}!{tag}!{n}", t) for n, t in axiom.variables}
        formula = _and([current == self.term(axiom.left, env), self.cond(axiom.condition, env, None)], self.ctx)
        return formula, self.term(axiom.right, env), env

    def chain(self, start: z3.ExprRef, path: tuple[Axiom, ...], tag: str) -> tuple[z3.BoolRef, z3.ExprRef]:
        """Doing ``start`` amounts, along ``path``, to the returned action (if the formula holds)."""
        parts, current = [], start
        for i, ax in enumerate(path):
            f, current, _ = self.step(ax, current, f"{tag}.{i}")
            parts.append(f)
        return _and(parts, self.ctx), current

    def excludes(self, axiom: Axiom, a: z3.ExprRef, b: z3.ExprRef, tag: str) -> z3.BoolRef:
        """``axiom`` forbids doing both ``a`` and ``b`` (either way round)."""
        env = {n: self.named(f"ax!{axiom.name}!{tag}!{n}", t) for n, t in axiom.variables}
        left, right = self.term(axiom.left, env), self.term(axiom.right, env)
        return _or([_and([a == left, b == right], self.ctx), _and([a == right, b == left], self.ctx)], self.ctx)

    # ------------------------------------------------------------ reading models
    def read(self, value: z3.ExprRef) -> object:
        """A model value back to Python: entity name or ground action tuple."""
        if value.sort() == self.Entity:
            return self.entity_name[str(value)]
        decl = value.decl()
        return (decl.name(), *(self.read(value.arg(i)) for i in range(value.num_args())))

    def ground(self, v: object) -> z3.ExprRef:
        """A Python value (entity name or ground action tuple) as a Z3 term."""
        if isinstance(v, str):
            return self.entity[v]
        assert isinstance(v, tuple)
        return self.constructor[v[0]](*(self.ground(a) for a in v[1:]))

    def atom(self, atom: tuple) -> z3.BoolRef:
        """A ground fact or judgement atom as a Z3 Boolean."""
        return self.functions[atom[0]](*(self.ground(a) for a in atom[1:]))
