"""Variables of norms, axioms and assumptions: binding, types and local scopes.

Used by the resolver's phases (:mod:`treatycheck.resolve_norms`,
:mod:`treatycheck.resolve_decls`). Goes in: one norm's subject, action and
condition (or an axiom's or assumption's atoms and condition), walked through the
methods of :class:`VariableChecker`. Comes out (``finish_norm``,
``finish_universal``): the typed variables, and a norm's condition with its local
variables made explicit.

A norm's own variables are those of its subject, its action and its ``if``
condition outside any ``not``; any other variable is local and means "some entity"
(or "some action") at the smallest ``not`` or ``unless`` that holds all its uses.
Variables of axioms and assumptions are all universal. Types are ``entity`` or
``action``, inferred from the parameters a variable fills.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model as m
from .codes import Code
from .resolve_names import Errors, Names
from .world import Predicate


@dataclass
class _Use:
    name: str
    span: m.Span
    negations: tuple[int, ...]  # ids of the enclosing Not nodes, outermost first


class VariableChecker:
    """Walks one norm (or axiom, or assumption), checking names and recording variables.

    ``names`` and ``errs`` are the resolver's lookup and error sink; ``treaty`` is the
    norm's treaty id, or None for axioms and assumptions (where party forms are errors).
    """

    def __init__(self, names: Names, errs: Errors, treaty: str | None) -> None:
        self.names = names
        self.errs = errs
        self.treaty = treaty
        self.types: dict[str, str] = {}
        self.type_spans: dict[str, m.Span] = {}
        self.same_pairs: list[tuple[str, str]] = []
        self.own: dict[str, m.Span] = {}
        self.uses: list[_Use] = []
        self.bound: list[str] = []  # quantifier scopes, innermost last
        self.quantified: dict[str, m.Span] = {}

    # ------------------------------------------------------------ recording
    def _type(self, name: str, type_: str, span: m.Span) -> None:
        prev = self.types.get(name)
        if prev is None:
            self.types[name] = type_
            self.type_spans[name] = span
        elif prev != type_:
            self.errs.error(
                Code.TWO_TYPES,
                f"variable `{name}` is used both as an {prev} and as an {type_}",
                span,
                "use a different variable for each",
            )

    def _use(self, var: m.Var, type_: str | None, negations: tuple[int, ...]) -> None:
        if var.name in self.bound:
            if type_ == "action":
                self.errs.error(
                    Code.ENTITY_FOR_ACTION,
                    f"`{var.name}` ranges over entities, but an action is expected here",
                    var.span,
                )
            return
        if var.name in self.quantified:
            self.errs.error(
                Code.QUANTIFIER_VARIABLE_REUSED,
                f"variable `{var.name}` is bound by a quantifier and also used outside it",
                var.span,
                "use a different variable outside the quantifier",
            )
        if type_ is not None:
            self._type(var.name, type_, var.span)
        self.uses.append(_Use(var.name, var.span, negations))

    def bind_own(self, name: str, type_: str, span: m.Span) -> None:
        """Record a variable bound by the subject or ``take any action``."""
        self._type(name, type_, span)
        self.own.setdefault(name, span)

    # ------------------------------------------------------------ terms and atoms
    def term(self, t: m.Term, type_: str, negations: tuple[int, ...], where: str) -> None:
        if isinstance(t, m.Var):
            self._use(t, type_, negations)
        elif isinstance(t, m.Const):
            if type_ == "action":
                self.errs.error(
                    Code.ENTITY_FOR_ACTION,
                    f"`{t.name}` is an entity, but {where} takes an action",
                    t.span,
                    "write an action term such as `assist(X, Y)` here",
                )
            else:
                self.names.entity(t.name, t.span)
        else:
            if type_ != "action":
                self.errs.error(
                    Code.ACTION_FOR_ENTITY,
                    f"the action term `{t.name}(...)` cannot stand where {where} takes an entity",
                    t.span,
                    "only `: action` parameters take action terms",
                )
                return
            pred = self.names.predicate(t.name, t.span)
            if pred is not None and pred.kind != "action":
                self.errs.error(
                    Code.NOT_AN_ACTION,
                    f"`{t.name}` is a {pred.kind}, not an action",
                    t.span,
                    f"{where} takes an action term",
                )
                return
            self._args(t, pred, negations)

    def _args(self, call: m.Call, pred: Predicate | None, negations: tuple[int, ...]) -> None:
        if pred is None:
            for a in call.args:
                if isinstance(a, m.Var):
                    self._use(a, None, negations)
            return
        if len(call.args) != len(pred.params):
            self.errs.error(
                Code.WRONG_ARITY,
                f"`{call.name}` takes {len(pred.params)} argument{'s' if len(pred.params) != 1 else ''}, not {len(call.args)}",
                call.span,
                f"declared as `{pred.name}({', '.join(p.name for p in pred.params)})`",
            )
            return
        for arg, param in zip(call.args, pred.params, strict=True):
            self.term(arg, param.type, negations, f"`{param.name}` of `{call.name}`")

    def action_atom(self, call: m.Call, what: str, negations: tuple[int, ...] = ()) -> bool:
        """Check an atom that must be an action (a norm's or an axiom's)."""
        pred = self.names.predicate(call.name, call.span)
        if pred is not None and pred.kind != "action":
            self.errs.error(
                Code.NOT_AN_ACTION,
                f"`{call.name}` is a {pred.kind}, but {what} needs an action",
                call.span,
                f"declare `{call.name}` with `action`, or put it in the `if` condition",
            )
            return False
        self._args(call, pred, negations)
        return pred is not None

    def norm_action(self, call: m.Call, bearer: m.Var | m.Const) -> None:
        """Check a norm's action and that its first argument is the bearer."""
        if not self.action_atom(call, "a norm"):
            return
        first = call.args[0] if call.args else None
        if first != bearer:
            shown = bearer.name
            self.errs.error(
                Code.ACTOR_NOT_BEARER,
                f"the first argument of `{call.name}` must be the bearer `{shown}`",
                (first.span if first is not None else call.span),
                f"a norm binds its bearer: write `{call.name}({shown}, ...)`",
            )

    # ------------------------------------------------------------ conditions
    def condition(self, cond: m.Cond, own_scope: bool = False, negations: tuple[int, ...] = ()) -> None:
        """Check a condition and record its variable uses."""
        if isinstance(cond, m.Call):
            pred = self.names.predicate(cond.name, cond.span)
            if pred is not None and pred.kind == "action":
                self.errs.error(
                    Code.ACTION_AS_CONDITION,
                    f"`{cond.name}` is an action, and an action is not a condition",
                    cond.span,
                    "an action appears only as a norm's action or inside a judgement or fact, "
                    "e.g. `affects_security(assist(X, Y), Z)`",
                )
                return
            self._args(cond, pred, negations)
        elif isinstance(cond, m.Not):
            self.condition(cond.body, own_scope, negations + (id(cond),))
        elif isinstance(cond, (m.And, m.Or)):
            for item in cond.items:
                self.condition(item, own_scope, negations)
        elif isinstance(cond, m.InGroup):
            self.term(cond.term, "entity", negations, "`in`")
            self.names.group(cond.group, cond.span)
        elif isinstance(cond, m.IsParty):
            if self.treaty is None:
                self.errs.error(
                    Code.PARTY_OUTSIDE_TREATY,
                    "`is a party` has no meaning outside a treaty",
                    cond.span,
                    "axioms and assumptions belong to no treaty; use membership of a group (`X in G`)",
                )
            self.term(cond.term, "entity", negations, "`is a party`")
        elif isinstance(cond, m.Same):
            self._same(cond, negations)
        elif isinstance(cond, m.Quant):
            if cond.domain == "party" and self.treaty is None:
                self.errs.error(
                    Code.PARTY_OUTSIDE_TREATY,
                    f"`{cond.quantifier} party` has no meaning outside a treaty",
                    cond.span,
                    f"axioms and assumptions belong to no treaty; use `{cond.quantifier} entity`",
                )
            if cond.var in self.types or cond.var in self.own or any(u.name == cond.var for u in self.uses):
                self.errs.error(
                    Code.QUANTIFIER_VARIABLE_REUSED,
                    f"variable `{cond.var}` is bound by a quantifier and also used outside it",
                    cond.span,
                    "use a different variable for the quantifier",
                )
            self.quantified.setdefault(cond.var, cond.span)
            self.bound.append(cond.var)
            self.condition(cond.body, own_scope, negations)
            self.bound.pop()
        elif isinstance(cond, m.Exists):  # pragma: no cover - never written by users
            self.condition(cond.body, own_scope, negations)

    def _same(self, cond: m.Same, negations: tuple[int, ...]) -> None:
        sides = (cond.left, cond.right)
        if any(isinstance(s, m.Call) for s in sides):
            type_ = "action"
        elif any(isinstance(s, m.Const) for s in sides):
            type_ = "entity"
        elif any(isinstance(s, m.Var) and s.name in self.bound for s in sides):
            type_ = "entity"  # quantifiers range over entities
        else:
            type_ = None
        for s in sides:
            if isinstance(s, m.Var):
                self._use(s, type_, negations)
            else:
                self.term(s, type_ or "entity", negations, "`is`")
        if type_ is None and isinstance(cond.left, m.Var) and isinstance(cond.right, m.Var):
            self.same_pairs.append((cond.left.name, cond.right.name))

    # ------------------------------------------------------------ results
    def _settle_types(self) -> None:
        changed = True
        while changed:
            changed = False
            for a, b in self.same_pairs:
                ta, tb = self.types.get(a), self.types.get(b)
                if ta and not tb:
                    self.types[b] = ta
                    changed = True
                elif tb and not ta:
                    self.types[a] = tb
                    changed = True
                elif ta and tb and ta != tb:
                    self.errs.error(
                        Code.TWO_TYPES, f"`{a}` and `{b}` are compared but have different types", self.type_spans[a]
                    )
                    return
        for use in self.uses:
            self.types.setdefault(use.name, "entity")

    def finish_universal(self) -> tuple[tuple[str, str], ...]:
        """All free variables (axioms, assumptions), sorted, with their types."""
        self._settle_types()
        names = sorted({u.name for u in self.uses} | set(self.own))
        return tuple((n, self.types.get(n, "entity")) for n in names)

    def finish_norm(
        self, condition: m.Cond | None, bearer: m.Var | m.Const
    ) -> tuple[tuple[tuple[str, str], ...], m.Cond | None]:
        """The norm's own variables (bearer first) and its condition with local
        variables wrapped in :class:`~treatycheck.model.Exists` where they belong."""
        self._settle_types()
        own = set(self.own) | {u.name for u in self.uses if not u.negations}
        placement: dict[int, list[str]] = {}
        for name in sorted({u.name for u in self.uses} - own):
            stacks = [u.negations for u in self.uses if u.name == name]
            common = _common_prefix(stacks)
            if not common:
                first = next(u for u in self.uses if u.name == name)
                self.errs.error(
                    Code.SEPARATE_NEGATIONS,
                    f"variable `{name}` is used under separate negations, so its meaning is unclear",
                    first.span,
                    f"bind it once: `some entity {name} satisfies (...)`, or use it outside `not`",
                )
                continue
            placement.setdefault(common[-1], []).append(name)
        if placement and condition is not None:
            condition = _place(condition, placement, self.types)
        rest = sorted(own - ({bearer.name} if isinstance(bearer, m.Var) else set()))
        variables = ([(bearer.name, "entity")] if isinstance(bearer, m.Var) else []) + [
            (n, self.types.get(n, "entity")) for n in rest
        ]
        return tuple(variables), condition


def _common_prefix(stacks: list[tuple[int, ...]]) -> tuple[int, ...]:
    first = stacks[0]
    n = min(len(s) for s in stacks)
    i = 0
    while i < n and all(s[i] == first[i] for s in stacks):
        i += 1
    return first[:i]


def _place(cond: m.Cond, placement: dict[int, list[str]], types: dict[str, str]) -> m.Cond:
    """Rebuild ``cond`` with ``Exists`` just inside the ``Not`` nodes named by id."""
    if isinstance(cond, m.Not):
        body = _place(cond.body, placement, types)
        names = placement.get(id(cond))
        if names:
            body = m.Exists(tuple((n, types.get(n, "entity")) for n in names), body, cond.body.span)
        return m.Not(body, cond.span)
    if isinstance(cond, m.And):
        return m.And(tuple(_place(i, placement, types) for i in cond.items), cond.span)
    if isinstance(cond, m.Or):
        return m.Or(tuple(_place(i, placement, types) for i in cond.items), cond.span)
    if isinstance(cond, m.Quant):
        return m.Quant(cond.quantifier, cond.domain, cond.var, _place(cond.body, placement, types), cond.span)
    return cond
