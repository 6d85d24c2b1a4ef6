"""An independent oracle for conflicts on tiny worlds, by enumeration from the syntax tree.

``conflicts(text)`` reads a world's text with :func:`treatycheck.parse` (the syntax
tree is the input language, nothing more) and decides every conflict from
docs/language.md alone (the liberties, not yet described there, from their contract:
see KINDS): it computes the entities, flattened memberships, parties and references
itself, places each norm's local variables itself ("some entity", at the
smallest ``not`` or ``unless`` that holds all their uses), follows ``implies`` chains
and ``excludes`` axioms with its own ground enumeration, and keeps its own table of
conflict kinds. It imports nothing of the engine's evaluator, resolver or kind tables,
so that the differential test (tests/test_oracle.py) compares two readings of the
language written apart.

Every scenario (truth assignment of the ground fact and judgement atoms) is
enumerated; worlds with more than ``max_atoms`` ground atoms give None.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from treatycheck import model as m
from treatycheck import parse

#: A ground action or atom: ``(name, arg, ...)``; an argument is an entity name or a
#: ground action.
Ground = tuple
Env = dict[str, object]

# The conflict kinds of docs/language.md section 7 and of the liberties, for an
# unordered pair of modalities: the kind, which modality is named first, and how the
# two acts must meet: "amounts" (the first norm's act amounts to the second's, along
# an `implies` chain of zero or more steps), "amounted" (the chain runs the other way:
# the second norm's act amounts to the first's) or "excludes" (what the two amount to
# is excluded by an axiom).
#
# A liberty (`need not`, `may refrain from`: "exemption") lets its bearer leave an act
# undone; it meets only an obligation whose act amounts to that act. An exemption is
# no duty, so the obligation is named first and its chain leads ("amounts"). A
# protected liberty (`has the right to refrain from`) against such an obligation is a
# `right-obligation` with the protected liberty named first, so the chain that decides
# it runs from the second norm's act ("amounted"), unlike a right's `right-obligation`,
# which an `excludes` axiom decides. Liberties meet nothing else: no prohibition,
# permission, right or liberty, and no `excludes` axiom.
KINDS: dict[frozenset[str], tuple[str, str, str]] = {
    frozenset(["obligation", "prohibition"]): ("obligation-prohibition", "obligation", "amounts"),
    frozenset(["obligation"]): ("obligation-obligation", "obligation", "excludes"),
    frozenset(["right", "prohibition"]): ("right-prohibition", "right", "amounts"),
    frozenset(["right", "obligation"]): ("right-obligation", "right", "excludes"),
    frozenset(["permission", "prohibition"]): ("permission-prohibition", "permission", "amounts"),
    frozenset(["obligation", "exemption"]): ("obligation-exemption", "obligation", "amounts"),
    frozenset(["protected-exemption", "obligation"]): ("right-obligation", "protected-exemption", "amounted"),
}


def _modality(norm: m.Norm) -> str:
    return str(norm.modality.value if hasattr(norm.modality, "value") else norm.modality)


# ------------------------------------------------------------------ the vocabulary


@dataclass
class Vocabulary:
    """What the declarations and treaties of one text say, computed from the tree."""

    entities: list[str] = field(default_factory=list)  # states and organizations, in order
    states: list[str] = field(default_factory=list)
    raw_members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # org/group -> as written
    members: dict[str, frozenset[str]] = field(default_factory=dict)  # flattened
    predicates: dict[str, m.PredicateDecl] = field(default_factory=dict)
    axioms: list[m.AxiomDecl] = field(default_factory=list)
    assumptions: list[m.AssumeDecl] = field(default_factory=list)
    treaties: list[m.Treaty] = field(default_factory=list)
    parties: dict[str, frozenset[str]] = field(default_factory=dict)
    actions: list[Ground] = field(default_factory=list)  # every ground action


def vocabulary(module: m.Module) -> Vocabulary:
    v = Vocabulary()
    for item in module.items:
        if isinstance(item, m.StateDecl):
            if item.name not in v.entities:
                v.entities.append(item.name)
                v.states.append(item.name)
        elif isinstance(item, m.OrganizationDecl):
            if item.name not in v.entities:
                v.entities.append(item.name)
            v.raw_members[item.name] = item.members or ()
        elif isinstance(item, m.GroupDecl):
            v.raw_members[item.name] = item.members or ()
        elif isinstance(item, m.PredicateDecl):
            v.predicates[item.name] = item
        elif isinstance(item, m.AxiomDecl):
            v.axioms.append(item)
        elif isinstance(item, m.AssumeDecl):
            v.assumptions.append(item)
        elif isinstance(item, m.Treaty):
            v.treaties.append(item)
    for g in v.raw_members:
        v.members[g] = _members(g, v.raw_members, ())
    for t in v.treaties:
        ps: set[str] = set()
        for p in t.parties:
            if isinstance(p, m.PartyEntity):
                ps.add(p.name)
            elif isinstance(p, m.PartyMembersOf):
                ps |= v.members[p.name]
            else:
                ps |= set(v.states)
        v.parties[t.id] = frozenset(ps)
    for p in v.predicates.values():
        if p.kind == "action":
            for combo in itertools.product(v.entities, repeat=len(p.params)):
                v.actions.append((p.name, *combo))
    return v


def _members(name: str, raw: dict[str, tuple[str, ...]], seen: tuple[str, ...]) -> frozenset[str]:
    """A group's or organization's members, nested groups and organizations flattened
    (a nested organization, being an entity, is not itself a member: it stands for
    its members)."""
    if name in seen:
        raise ValueError(f"membership loops through {name}")
    out: set[str] = set()
    for x in raw[name]:
        if x in raw:
            out |= _members(x, raw, (*seen, name))
        else:
            out.add(x)
    return frozenset(out)


# ------------------------------------------------------------------ norms and refs


@dataclass
class OracleNorm:
    ref: str
    treaty: str
    modality: str
    subject: m.Subject
    action: m.Call | m.AnyAction
    condition: m.Cond | None  # `if C unless U` as `C and not U`
    own: tuple[str, ...]  # the variables enumerated per binding: subject's and action's
    local: dict[int, list[tuple[str, str]]]  # id of a Not node (or 0: the top) -> locals placed there


def sentences(t: m.Treaty) -> Iterator[tuple[str, m.Article, Any]]:
    """(ref, article, sentence) for every sentence of ``t``: ``T:A`` for an article's
    first sentence, ``T:A#N`` for the N-th (norms and precedence sentences count
    alike); an article id written twice counts once (the first)."""
    seen: set[str] = set()
    for art in t.articles:
        if art.id in seen:
            continue
        seen.add(art.id)
        for n, sent in enumerate(art.sentences, 1):
            yield f"{t.id}:{art.id}" + (f"#{n}" if n > 1 else ""), art, sent


def norms_of(v: Vocabulary) -> list[OracleNorm]:
    """Every norm with its ref (see :func:`sentences`)."""
    out = []
    for t in v.treaties:
        for ref, _, sent in sentences(t):
            if isinstance(sent, m.Norm):
                cond = sent.condition
                if sent.unless is not None:
                    neg = m.Not(sent.unless)
                    cond = neg if cond is None else m.And((cond, neg))
                own: list[str] = []
                if not isinstance(sent.subject, m.NamedBearer):
                    own.append(sent.subject.var)
                if isinstance(sent.action, m.AnyAction):
                    own.append(sent.action.var)
                else:
                    for a in sent.action.args:
                        for x in _vars_of_term(a):
                            if x not in own:
                                own.append(x)
                local = _place_locals(cond, set(own), v) if cond is not None else {}
                out.append(OracleNorm(ref, t.id, _modality(sent), sent.subject, sent.action, cond, tuple(own), local))
    return out


def _vars_of_term(t: m.Term) -> Iterator[str]:
    if isinstance(t, m.Var):
        yield t.name
    elif isinstance(t, m.Call):
        for a in t.args:
            yield from _vars_of_term(a)


def _uses(cond: m.Cond, path: tuple[int, ...], out: dict[str, list[tuple[int, ...]]], bound: frozenset[str]) -> None:
    """Every free variable use in ``cond`` with the ids of the ``Not`` nodes above it
    (outermost first)."""
    if isinstance(cond, m.Not):
        _uses(cond.body, (*path, id(cond)), out, bound)
    elif isinstance(cond, m.And | m.Or):
        for c in cond.items:
            _uses(c, path, out, bound)
    elif isinstance(cond, m.Quant):
        _uses(cond.body, path, out, bound | {cond.var})
    else:
        terms: list[m.Term]
        if isinstance(cond, m.Call):
            terms = list(cond.args)
        elif isinstance(cond, m.InGroup | m.IsParty):
            terms = [cond.term]
        elif isinstance(cond, m.Same):
            terms = [cond.left, cond.right]
        else:
            raise TypeError(f"oracle: unexpected condition {cond!r}")
        for t in terms:
            for x in _vars_of_term(t):
                if x not in bound:
                    out.setdefault(x, []).append(path)


def _types(cond: m.Cond, v: Vocabulary, out: dict[str, str]) -> None:
    """Variables that fill an action parameter are actions; the rest entities."""
    for node in m.walk(cond):
        if isinstance(node, m.Call) and node.name in v.predicates:
            for p, a in zip(v.predicates[node.name].params, node.args, strict=False):
                if isinstance(a, m.Var) and str(getattr(p.type, "value", p.type)) == "action":
                    out[a.name] = "action"


def _place_locals(cond: m.Cond, own: set[str], v: Vocabulary) -> dict[int, list[tuple[str, str]]]:
    """Each local variable goes to the smallest ``not`` that holds all its uses (the
    top of the condition if no ``not`` does)."""
    uses: dict[str, list[tuple[int, ...]]] = {}
    _uses(cond, (), uses, frozenset())
    types: dict[str, str] = {}
    _types(cond, v, types)
    placed: dict[int, list[tuple[str, str]]] = {}
    for var, paths in sorted(uses.items()):
        if var in own:
            continue
        common: tuple[int, ...] = paths[0]
        for p in paths[1:]:
            k = 0
            while k < min(len(common), len(p)) and common[k] == p[k]:
                k += 1
            common = common[:k]
        where = common[-1] if common else 0
        placed.setdefault(where, []).append((var, types.get(var, "entity")))
    return placed


# ------------------------------------------------------------------ evaluation


class Semantics:
    """Ground evaluation of conditions, axioms and assumptions over one vocabulary."""

    def __init__(self, v: Vocabulary) -> None:
        self.v = v
        self.atoms: list[Ground] = []
        for p in v.predicates.values():
            if p.kind == "action":
                continue
            domains = [self.domain(str(getattr(q.type, "value", q.type))) for q in p.params]
            for combo in itertools.product(*domains):
                self.atoms.append((p.name, *combo))

    def domain(self, typ: str) -> list:
        return list(self.v.actions) if typ == "action" else list(self.v.entities)

    def term(self, t: m.Term, env: Env) -> object:
        if isinstance(t, m.Var):
            return env[t.name]
        if isinstance(t, m.Const):
            return t.name
        return (t.name, *(self.term(a, env) for a in t.args))

    def holds(
        self,
        c: m.Cond,
        env: Env,
        facts: frozenset,
        treaty: str | None,
        local: dict[int, list[tuple[str, str]]] | None = None,
    ) -> bool:
        """Does ``c`` hold under ``env`` in the scenario ``facts``; ``treaty`` is the
        norm's treaty (for ``is a party``, ``party`` quantifiers); ``local`` the
        local variables to bind at each ``not``."""
        if isinstance(c, m.Not):
            if local and id(c) in local:
                return not self._some(local[id(c)], c.body, env, facts, treaty, local)
            return not self.holds(c.body, env, facts, treaty, local)
        if isinstance(c, m.And):
            return all(self.holds(x, env, facts, treaty, local) for x in c.items)
        if isinstance(c, m.Or):
            return any(self.holds(x, env, facts, treaty, local) for x in c.items)
        if isinstance(c, m.Call):
            return (c.name, *(self.term(a, env) for a in c.args)) in facts
        if isinstance(c, m.InGroup):
            return self.term(c.term, env) in self.v.members[c.group]
        if isinstance(c, m.IsParty):
            if treaty is None:
                raise ValueError("`is a party` outside a treaty")
            return (self.term(c.term, env) in self.v.parties[treaty]) != c.negated
        if isinstance(c, m.Same):
            return (self.term(c.left, env) == self.term(c.right, env)) != c.negated
        if isinstance(c, m.Quant):
            if c.domain == "party":
                if treaty is None:
                    raise ValueError("`party` quantifier outside a treaty")
                dom = sorted(self.v.parties[treaty])
            else:
                dom = self.v.entities
            results = (self.holds(c.body, {**env, c.var: e}, facts, treaty, local) for e in dom)
            return all(results) if c.quantifier == "every" else any(results)
        raise TypeError(f"oracle: unexpected condition {c!r}")

    def _some(self, vars_: list[tuple[str, str]], body: m.Cond, env: Env, facts, treaty, local) -> bool:
        names = [n for n, _ in vars_]
        for combo in itertools.product(*(self.domain(t) for _, t in vars_)):
            if self.holds(body, {**env, **dict(zip(names, combo, strict=True))}, facts, treaty, local):
                return True
        return False

    # -- axioms and assumptions: every variable universal

    def _bindings(self, nodes: tuple, bound: frozenset[str] = frozenset()) -> Iterator[Env]:
        free: list[str] = []
        types: dict[str, str] = {}
        for n in nodes:
            if n is None:
                continue
            uses: dict[str, list] = {}
            if isinstance(n, m.Call) and n.name in self.v.predicates and self.v.predicates[n.name].kind == "action":
                for a in n.args:
                    for x in _vars_of_term(a):
                        uses.setdefault(x, [])
            else:
                _uses(n, (), uses, bound)
                _types(n, self.v, types)
            for x in uses:
                if x not in free:
                    free.append(x)
        for combo in itertools.product(*(self.domain(types.get(x, "entity")) for x in free)):
            yield dict(zip(free, combo, strict=True))

    def assumptions_hold(self, facts: frozenset) -> bool:
        for a in self.v.assumptions:
            for env in self._bindings((a.condition,)):
                if not self.holds(a.condition, env, facts, None):
                    return False
        return True

    def implications(self, facts: frozenset) -> dict[Ground, set[Ground]]:
        """Each ground action -> what it amounts to in one step (axioms whose
        condition holds in ``facts``)."""
        out: dict[Ground, set[Ground]] = {}
        for ax in self.v.axioms:
            if ax.kind != "implies":
                continue
            for env in self._bindings((ax.left, ax.condition, ax.right)):
                if ax.condition is not None and not self.holds(ax.condition, env, facts, None):
                    continue
                out.setdefault(self.term(ax.left, env), set()).add(self.term(ax.right, env))
        return out

    def exclusions(self) -> set[frozenset]:
        out: set[frozenset] = set()
        for ax in self.v.axioms:
            if ax.kind != "excludes":
                continue
            for env in self._bindings((ax.left, ax.right)):
                out.add(frozenset([self.term(ax.left, env), self.term(ax.right, env)]))
        return out


def closure(a: Ground, step: dict[Ground, set[Ground]]) -> frozenset[Ground]:
    """``a`` and everything it amounts to, along chains."""
    seen = {a}
    todo = [a]
    while todo:
        x = todo.pop()
        for y in step.get(x, ()):
            if y not in seen:
                seen.add(y)
                todo.append(y)
    return frozenset(seen)


# ------------------------------------------------------------------ norms bound


def _bearers(n: OracleNorm, v: Vocabulary) -> list[str]:
    parties = v.parties[n.treaty]
    if isinstance(n.subject, m.NamedBearer):
        return [n.subject.name] if n.subject.name in parties else []
    if isinstance(n.subject, m.EachMember):
        return [e for e in v.entities if e in parties and e in v.members[n.subject.group]]
    return [e for e in v.entities if e in parties]


def norm_bindings(n: OracleNorm, v: Vocabulary) -> list[tuple[str, Ground, Env]]:
    """Every (bearer, ground action, environment) of a norm's own variables."""
    out = []
    for bearer in _bearers(n, v):
        env0: Env = {} if isinstance(n.subject, m.NamedBearer) else {n.subject.var: bearer}
        if isinstance(n.action, m.AnyAction):
            for a in v.actions:
                if a[1] == bearer:
                    out.append((bearer, a, {**env0, n.action.var: a}))
            continue
        rest = [x for x in n.own if x not in env0]
        for combo in itertools.product(v.entities, repeat=len(rest)):
            env = {**env0, **dict(zip(rest, combo, strict=True))}
            sem_action = (n.action.name, *(_ground_term(t, env) for t in n.action.args))
            if sem_action[1] != bearer:
                continue  # the action's actor is the bearer by the language's rule
            out.append((bearer, sem_action, env))
    return out


def _ground_term(t: m.Term, env: Env) -> object:
    if isinstance(t, m.Var):
        return env[t.name]
    if isinstance(t, m.Const):
        return t.name
    return (t.name, *(_ground_term(a, env) for a in t.args))


# ------------------------------------------------------------------ conflicts


Found = dict[tuple[str, str, str], set[str]]


def norm_pairs(norms: list[OracleNorm]) -> list[tuple[str, str, OracleNorm, OracleNorm]]:
    """Every pair of norms whose modalities can conflict, as (kind, how, the side
    named first, the other side); a norm with itself only for an obligation."""
    pairs: list[tuple[str, str, OracleNorm, OracleNorm]] = []
    for i, a in enumerate(norms):
        for b in norms[i:]:
            entry = KINDS.get(frozenset([a.modality, b.modality]))
            if entry is None:
                continue
            kind, acting, how = entry
            first, second = (a, b) if a.modality == acting else (b, a)
            if first is second and kind != "obligation-obligation":
                continue
            pairs.append((kind, how, first, second))
    return pairs


def conflicts(text: str, max_atoms: int = 12) -> Found | None:
    """``{(kind, first_ref, second_ref): bearers}`` for every conflicting pair (the
    acting side's ref first; a norm in conflict with itself has its ref twice), or
    None when the world has more than ``max_atoms`` ground atoms."""
    v = vocabulary(parse(text))
    sem = Semantics(v)
    if len(sem.atoms) > max_atoms:
        return None
    norms = norms_of(v)
    bindings = {n.ref: norm_bindings(n, v) for n in norms}
    pairs = norm_pairs(norms)
    excl = sem.exclusions()
    found: Found = {}
    for mask in range(1 << len(sem.atoms)):
        facts = frozenset(x for i, x in enumerate(sem.atoms) if mask >> i & 1)
        if not sem.assumptions_hold(facts):
            continue
        step = sem.implications(facts)
        applying: dict[str, dict[str, set[Ground]]] = {}
        for n in norms:
            per: dict[str, set[Ground]] = {}
            for bearer, action, env in bindings[n.ref]:
                if n.condition is None or _applies(sem, n, env, facts):
                    per.setdefault(bearer, set()).add(action)
            applying[n.ref] = per
        closures: dict[Ground, frozenset[Ground]] = {}

        def amounts(a: Ground, _step=step, _c=closures) -> frozenset[Ground]:
            if a not in _c:
                _c[a] = closure(a, _step)
            return _c[a]

        for kind, how, first, second in pairs:
            key = (kind, first.ref, second.ref)
            for bearer, acts1 in applying[first.ref].items():
                if bearer in found.get(key, ()):
                    continue
                acts2 = applying[second.ref].get(bearer)
                if not acts2:
                    continue
                if _clash(how, acts1, acts2, amounts, excl):
                    found.setdefault(key, set()).add(bearer)
    return found


def _applies(sem: Semantics, n: OracleNorm, env: Env, facts: frozenset) -> bool:
    assert n.condition is not None
    top = n.local.get(0)
    if top:
        return sem._some(top, n.condition, env, facts, n.treaty, n.local)
    return sem.holds(n.condition, env, facts, n.treaty, n.local)


def _clash(
    how: str,
    acts1: set[Ground],
    acts2: set[Ground],
    amounts: Callable[[Ground], frozenset[Ground]],
    excl: set[frozenset],
) -> bool:
    for a in acts1:
        ca = amounts(a)
        for b in acts2:
            if how == "amounts":
                if b in ca:
                    return True
            elif how == "amounted":
                if a in amounts(b):
                    return True
            else:
                cb = amounts(b)
                if any(frozenset([x, y]) in excl for x in ca for y in cb):
                    return True
    return False


__all__ = ["KINDS", "conflicts", "closure", "norms_of", "vocabulary"]
