"""A world to Z3 terms (one ``z3.Context`` per check).

``Encoder(world)`` builds the sorts and the background once:

- ``Entity``: an enumeration sort of the declared entities (canonical order);
- ``Action``: a datatype with one constructor per declared action, so unifying two
  action patterns is datatype equality and ``take any action A`` is one variable;
- facts and judgements: uninterpreted Boolean functions (any value is possible);
- party lists and memberships: decided in Python when the term is an entity, else a
  disjunction of equalities (no background tables);
- assumptions: asserted once (expanded over entities when small, else quantified).

Norm variables stay symbolic constants of these sorts: the engine never grounds a
norm over every entity. Only this module and ``analysis`` import Z3.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

import z3

from . import model as m
from .world import Axiom, Norm, World

# Ctrl-C is handled by the caller (see treatycheck.interrupt); Z3 must not swallow
# it by silently giving up on the query at hand.
z3.set_param("ctrl_c", False)
# A runaway query must not take the machine down: Z3 gives up (the query is then
# `unknown`) past this many megabytes. TREATYCHECK_Z3_MEMORY_MB overrides it.
z3.set_param("memory_max_size", int(os.environ.get("TREATYCHECK_Z3_MEMORY_MB", "4096")))
# Not `sat.smt`: Z3's SAT-based SMT core is about 40% faster on our queries, but the
# differential test against brute force caught it answering unsat to a satisfiable
# query (tests/test_differential.py, REGRESSIONS), so the default core is kept.

#: Expand a quantifier over entities into a finite conjunction/disjunction when it
#: has at most this many instances; beyond it, use a Z3 quantifier (MBQI decides
#: finite sorts). Ground formulas are much faster for the common small cases.
EXPAND_LIMIT = 4096


# The Python API checks and coerces every argument of every term it builds; for
# the many small terms of a large register that costs more than solving. These
# helpers build terms straight through the C API from terms already well-sorted.


def _array(xs: list[z3.ExprRef]):
    arr = (z3.Ast * len(xs))()
    for i, x in enumerate(xs):
        arr[i] = x.as_ast()
    return arr


def _bool(ast, ctx: z3.Context) -> z3.BoolRef:
    return z3.BoolRef(ast, ctx)


def _app(f: z3.FuncDeclRef, args: list[z3.ExprRef]) -> z3.ExprRef:
    """``f(args)`` without the Python API's per-argument checks."""
    ctx = f.ctx
    ast = z3.Z3_mk_app(ctx.ref(), f.as_ast(), len(args), _array(args))
    return z3.z3._to_expr_ref(ast, ctx)


def _eq(a: z3.ExprRef, b: z3.ExprRef) -> z3.BoolRef:
    ctx = a.ctx
    return _bool(z3.Z3_mk_eq(ctx.ref(), a.as_ast(), b.as_ast()), ctx)


def _not(a: z3.BoolRef) -> z3.BoolRef:
    true, false = _truth(a.ctx)
    i = a.get_id()
    if i == true or i == false:
        return z3.BoolVal(i == false, a.ctx)
    return _bool(z3.Z3_mk_not(a.ctx.ref(), a.as_ast()), a.ctx)


def _truth(ctx: z3.Context) -> tuple[int, int]:
    """The ids of `true` and `false` in a context (cheaper than ``z3.is_true``)."""
    ids = getattr(ctx, "_treatycheck_truth", None)
    if ids is None:
        ids = (z3.BoolVal(True, ctx).get_id(), z3.BoolVal(False, ctx).get_id())
        ctx._treatycheck_truth = ids
    return ids


def all_of(xs: list[z3.BoolRef], ctx: z3.Context) -> z3.BoolRef:
    true, false = _truth(ctx)
    ids = [x.get_id() for x in xs]
    if false in ids:
        return z3.BoolVal(False, ctx)
    xs = [x for x, i in zip(xs, ids, strict=True) if i != true]
    if not xs:
        return z3.BoolVal(True, ctx)
    return xs[0] if len(xs) == 1 else _bool(z3.Z3_mk_and(ctx.ref(), len(xs), _array(xs)), ctx)


def any_of(xs: list[z3.BoolRef], ctx: z3.Context) -> z3.BoolRef:
    true, false = _truth(ctx)
    ids = [x.get_id() for x in xs]
    if true in ids:
        return z3.BoolVal(True, ctx)
    xs = [x for x, i in zip(xs, ids, strict=True) if i != false]
    if not xs:
        return z3.BoolVal(False, ctx)
    return xs[0] if len(xs) == 1 else _bool(z3.Z3_mk_or(ctx.ref(), len(xs), _array(xs)), ctx)


@dataclass
class NormInstance:
    """One copy of a norm with fresh variables: its bearer, action and applicability."""

    norm: Norm
    env: dict[str, z3.ExprRef]
    bearer: z3.ExprRef
    action: z3.ExprRef
    applies: z3.BoolRef


_NEW_CONTEXT = threading.Lock()


class Encoder:
    """Compiles a world's vocabulary, norms and axioms into one Z3 context."""

    def __init__(self, world: World):
        self.world = world
        with _NEW_CONTEXT:  # Z3 does not make contexts safely from two threads at once
            self.ctx = z3.Context()
            # Python's cycle collector may free this context's terms from whichever
            # thread it runs in, while the owner thread is inside Z3 with the same
            # context: let Z3 queue those releases instead of racing on them
            z3.Z3_enable_concurrent_dec_ref(self.ctx.ref())
        #: When a list, every constant :meth:`named` or :meth:`instance` makes is
        #: appended to it (a caller that will quantify over them reads it back).
        self.record: list[z3.ExprRef] | None = None
        #: Formulas derived once per context by later stages, by their own keys.
        self.derived: dict[object, object] = {}
        #: While set, the atoms of these predicates are built by the given function
        #: instead of the predicate's own (``control`` encodes a second scenario so).
        self.alternate: dict[str, Callable[[list[z3.ExprRef]], z3.BoolRef]] = {}
        names = list(world.entity_names) or ["__nobody"]
        self.Entity, consts = z3.EnumSort("Entity", names, ctx=self.ctx)
        self.entity = dict(zip(names, consts, strict=True))
        # by the constant's declared name, read through the API (printing a term costs
        # far more, and this is built for every context)
        self.entity_name = {c.decl().name(): n for n, c in self.entity.items()}
        self.entity_ids = {c.get_id(): n for n, c in self.entity.items()}
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
        # treaty ids and group names are separate namespaces (a treaty may share its id
        # with an organization), so the two kinds of set are keyed apart
        self.sets: dict[tuple[str, str], frozenset[str]] = {("treaty", t.id): t.parties for t in world.treaties}
        self.sets |= {("group", g.name): g.members for g in world.groups}
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
        x = z3.Const(name, self.Action if type_ == "action" else self.Entity)
        if self.record is not None:
            self.record.append(x)
        return x

    def _member(self, set_name: tuple[str, str], term: z3.ExprRef) -> z3.BoolRef:
        """``term`` belongs to a party list or group, as a formula over equalities.

        A table asserted once per set would grow the background with every treaty,
        and the solver pays for the background on every query; a disjunction of
        equalities (or a conjunction of disequalities, whichever is shorter) stays
        local to the norm that uses it.
        """
        members = self.sets[set_name]
        known = self.entity_ids.get(term.get_id())
        if known is not None:  # an entity constant: decide membership here
            return z3.BoolVal(known in members, self.ctx)
        inside = [c for n, c in self.entity.items() if n in members]
        if len(inside) * 2 <= len(self.entity):
            return any_of([_eq(term, c) for c in inside], self.ctx)
        outside = [c for n, c in self.entity.items() if n not in members]
        return all_of([_not(_eq(term, c)) for c in outside], self.ctx)

    def actor_is(self, action: z3.ExprRef, who: z3.ExprRef) -> z3.BoolRef:
        """The action's first argument (its actor) is ``who``."""
        cases = []
        for p in self.actions:
            recog = getattr(self.Action, f"is_{p.name}")
            field = getattr(self.Action, f"{p.name}__0")
            cases.append(z3.And(recog(action), field(action) == who))
        return any_of(cases, self.ctx)

    # ------------------------------------------------------------ terms, conditions
    def term(self, t: m.Term, env: dict[str, z3.ExprRef]) -> z3.ExprRef:
        if isinstance(t, m.Var):
            return env[t.name]
        if isinstance(t, m.Const):
            return self.entity[t.name]
        return _app(self.constructor[t.name], [self.term(a, env) for a in t.args])

    def cond(self, c: m.Cond | None, env: dict[str, z3.ExprRef], treaty: str | None) -> z3.BoolRef:
        """The Z3 formula of a condition under a binding of its free variables."""
        ctx = self.ctx
        if c is None:
            return z3.BoolVal(True, ctx)
        if isinstance(c, m.Call):
            args = [self.term(a, env) for a in c.args]
            other = self.alternate.get(c.name) if self.alternate else None
            return other(args) if other is not None else _app(self.functions[c.name], args)
        if isinstance(c, m.Not):
            return _not(self.cond(c.body, env, treaty))
        if isinstance(c, m.And):
            return all_of([self.cond(i, env, treaty) for i in c.items], ctx)
        if isinstance(c, m.Or):
            return any_of([self.cond(i, env, treaty) for i in c.items], ctx)
        if isinstance(c, m.InGroup):
            return self._member(("group", c.group), self.term(c.term, env))
        if isinstance(c, m.IsParty):
            inside = self._member(("treaty", treaty), self.term(c.term, env))  # type: ignore[arg-type]
            return _not(inside) if c.negated else inside
        if isinstance(c, m.Same):
            eq = _eq(self.term(c.left, env), self.term(c.right, env))
            return _not(eq) if c.negated else eq
        if isinstance(c, m.Quant):
            dom = sorted(self.sets[("treaty", treaty)]) if c.domain == "party" else list(self.entity)  # type: ignore[index]
            parts = [self.cond(c.body, {**env, c.var: self.entity[e]}, treaty) for e in dom]
            return all_of(parts, ctx) if c.quantifier == "every" else any_of(parts, ctx)
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
        """``some binding of c.vars satisfies c.body``, with the quantifier pushed
        inward first: over a disjunction it distributes, and from a conjunction
        only the items that use its variables stay under it. Expanding
        ``unless attacked(Y, Z) or acted(Y)`` over 56 entities then copies one atom
        56 times instead of the whole disjunction (the solver's cost follows the
        formula's size)."""
        body, used = c.body, _free(c.body)
        vars_ = tuple(v for v in c.vars if v[0] in used)  # an unused variable is vacuous
        if not vars_:
            return self.cond(body, env, treaty)
        if isinstance(body, m.Or):
            return any_of([self._exists(m.Exists(vars_, item, c.span), env, treaty) for item in body.items], self.ctx)
        if isinstance(body, m.And):
            names = {n for n, _ in vars_}
            outside = [i for i in body.items if not (_free(i) & names)]
            groups = _components([i for i in body.items if _free(i) & names], names)
            if outside or len(groups) > 1:
                # items that share no quantified variable are quantified apart
                parts = [self.cond(i, env, treaty) for i in outside]
                for items in groups:
                    rest = items[0] if len(items) == 1 else m.And(tuple(items), body.span)
                    parts.append(self._exists(m.Exists(vars_, rest, c.span), env, treaty))
                return all_of(parts, self.ctx)
        return self._expand(m.Exists(vars_, body, c.span), env, treaty)

    def _expand(self, c: m.Exists, env: dict[str, z3.ExprRef], treaty: str | None) -> z3.BoolRef:
        size = self._size(c.vars)
        if size is not None and size <= EXPAND_LIMIT:
            parts = []
            for combo in itertools.product(list(self.entity.values()), repeat=len(c.vars)):
                parts.append(
                    self.cond(c.body, {**env, **{n: v for (n, _), v in zip(c.vars, combo, strict=True)}}, treaty)
                )
            return any_of(parts, self.ctx)
        bound = {n: self.fresh(f"ex!{n}", t) for n, t in c.vars}
        return z3.Exists(list(bound.values()), self.cond(c.body, {**env, **bound}, treaty))

    def universal(self, variables: tuple[tuple[str, str], ...], cond: m.Cond, tag: str) -> z3.BoolRef:
        """``cond`` for every binding of ``variables`` (expanded when small)."""
        size = self._size(variables)
        if size is not None and size <= EXPAND_LIMIT:
            parts = []
            for combo in itertools.product(list(self.entity.values()), repeat=len(variables)):
                parts.append(self.cond(cond, {n: v for (n, _), v in zip(variables, combo, strict=True)}, None))
            return all_of(parts, self.ctx)
        bound = {n: self.fresh(f"{tag}!{n}", t) for n, t in variables}
        return z3.ForAll(list(bound.values()), self.cond(cond, bound, None))

    # ------------------------------------------------------------ norms and axioms
    def instance(self, norm: Norm, tag: str) -> NormInstance:
        """A copy of ``norm`` whose constants are named after ``tag`` and its variables.

        The names do not mention the norm, so two norms that say the same thing
        compile to the same terms (the solver then behaves the same on both); a
        query must hold at most one instance per tag.
        """
        env: dict[str, z3.ExprRef] = {}
        for name, type_ in norm.variables:
            sort = self.Action if type_ == "action" else self.Entity
            env[name] = z3.Const(f"{tag}!{name}", sort)
            if self.record is not None:
                self.record.append(env[name])
        return self.instance_with(norm, env)

    def instance_with(self, norm: Norm, env: dict[str, z3.ExprRef]) -> NormInstance:
        """``norm`` with its variables bound to the terms of ``env`` (every variable)."""
        bearer = self.term(norm.bearer, env)
        parts = [self._member(("treaty", norm.treaty), bearer)]
        if norm.bearer_group is not None:
            parts.append(self._member(("group", norm.bearer_group), bearer))
        if isinstance(norm.action, m.AnyAction):
            action = env[norm.action.var]
            parts.append(self.actor_is(action, bearer))
        else:
            action = self.term(norm.action, env)
        parts.append(self.cond(norm.condition, env, norm.treaty))
        return NormInstance(norm, env, bearer, action, all_of(parts, self.ctx))

    def step(self, axiom: Axiom, current: z3.ExprRef, tag: str) -> tuple[z3.BoolRef, z3.ExprRef, dict[str, z3.ExprRef]]:
        """One application of an ``implies`` axiom to ``current``: (condition, result, binding)."""
        env = {n: self.named(f"ax!{axiom.name}!{tag}!{n}", t) for n, t in axiom.variables}
        formula = all_of([_eq(current, self.term(axiom.left, env)), self.cond(axiom.condition, env, None)], self.ctx)
        return formula, self.term(axiom.right, env), env

    def chain(self, start: z3.ExprRef, path: tuple[Axiom, ...], tag: str) -> tuple[z3.BoolRef, z3.ExprRef]:
        """Doing ``start`` amounts, along ``path``, to the returned action (if the formula holds)."""
        parts, current = [], start
        for i, ax in enumerate(path):
            f, current, _ = self.step(ax, current, f"{tag}.{i}")
            parts.append(f)
        return all_of(parts, self.ctx), current

    def excludes(self, axiom: Axiom, a: z3.ExprRef, b: z3.ExprRef, tag: str) -> z3.BoolRef:
        """``axiom`` forbids doing both ``a`` and ``b`` (either way round)."""
        env = {n: self.named(f"ax!{axiom.name}!{tag}!{n}", t) for n, t in axiom.variables}
        left, right = self.term(axiom.left, env), self.term(axiom.right, env)
        return any_of(
            [all_of([_eq(a, left), _eq(b, right)], self.ctx), all_of([_eq(a, right), _eq(b, left)], self.ctx)], self.ctx
        )

    # ------------------------------------------------------------ reading models
    def read(self, value: z3.ExprRef) -> object:
        """A model value back to Python: entity name or ground action tuple."""
        if value.sort() == self.Entity:
            return self.entity_name[value.decl().name()]
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
        return _app(self.functions[atom[0]], [self.ground(a) for a in atom[1:]])


def _free(c: m.Cond) -> frozenset[str]:
    """The variable names free in a condition (quantified ones excluded)."""
    if isinstance(c, m.Quant):
        return _free(c.body) - {c.var}
    if isinstance(c, m.Exists):
        return _free(c.body) - {n for n, _ in c.vars}
    if isinstance(c, m.Not):
        return _free(c.body)
    if isinstance(c, (m.And, m.Or)):
        return frozenset().union(*(_free(i) for i in c.items))
    return frozenset(x.name for x in m.walk(c) if isinstance(x, m.Var))


def _components(items: list[m.Cond], names: set[str]) -> list[list[m.Cond]]:
    """``items`` grouped so that items sharing a variable of ``names`` (directly or
    through others) are together; groups in the order of their first item."""
    groups: list[tuple[set[str], list[m.Cond]]] = []
    for item in items:
        mine = set(_free(item) & names)
        joined = [g for g in groups if g[0] & mine]
        merged: tuple[set[str], list[m.Cond]] = (mine, [])
        for g in joined:
            merged[0].update(g[0])
            merged[1].extend(g[1])
            groups.remove(g)
        merged[1].append(item)
        groups.append(merged)
    order = {id(i): k for k, i in enumerate(items)}
    out = [sorted(g[1], key=lambda i: order[id(i)]) for g in groups]
    return sorted(out, key=lambda g: order[id(g[0])])
