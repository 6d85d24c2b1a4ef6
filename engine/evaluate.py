"""The meaning of the language on one concrete scenario, in plain Python.

This is the independent witness: it never imports Z3 or the encoder. The engine
replays every scenario it reports through :func:`conflict_holds`, and the tests
compare the engine against brute-force enumeration with it on tiny worlds.

Values: an entity is its name (``"US"``); a ground action is a tuple
``("assist", "US", "PL")``; an atom is a tuple ``("armed_attack", "RU", "PL")`` whose
arguments may be ground actions. A scenario answers whether an atom is true.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from . import model as m
from .kinds import ConflictKind, Modality
from .world import Axiom, Norm, World

Value = object  # str (entity) or tuple (ground action)
Atom = tuple  # (predicate, *values)
Env = dict[str, object]


class Link(StrEnum):
    """How the two acts of a conflicting pair must meet (acting side first)."""

    CHAIN = "chain"  # doing the first's act amounts to the second's (an `implies` chain)
    BACK = "back"  # doing the second's act amounts to the first's
    EXCLUDES = "excludes"  # what the two amount to cannot both be done (an `excludes` axiom)


#: The conflict kind of each ordered pair of modalities that can conflict, acting
#: side first, and how their acts must meet. A liberty (``need not``) meets an
#: obligation whose act amounts to the act it leaves free: the obligation is the
#: acting side of `obligation-exemption`; a protected liberty is named first in
#: `right-obligation`, so its chain runs backwards, from the obligation's act.
PAIRS: dict[tuple[Modality, Modality], tuple[ConflictKind, Link]] = {
    (Modality.OBLIGATION, Modality.PROHIBITION): (ConflictKind.OBLIGATION_PROHIBITION, Link.CHAIN),
    (Modality.OBLIGATION, Modality.OBLIGATION): (ConflictKind.OBLIGATION_OBLIGATION, Link.EXCLUDES),
    (Modality.RIGHT, Modality.PROHIBITION): (ConflictKind.RIGHT_PROHIBITION, Link.CHAIN),
    (Modality.RIGHT, Modality.OBLIGATION): (ConflictKind.RIGHT_OBLIGATION, Link.EXCLUDES),
    (Modality.PERMISSION, Modality.PROHIBITION): (ConflictKind.PERMISSION_PROHIBITION, Link.CHAIN),
    (Modality.OBLIGATION, Modality.EXEMPTION): (ConflictKind.OBLIGATION_EXEMPTION, Link.CHAIN),
    (Modality.PROTECTED_EXEMPTION, Modality.OBLIGATION): (ConflictKind.RIGHT_OBLIGATION, Link.BACK),
}
#: The conflict kind of each ordered pair of modalities that can conflict, acting side first.
KINDS: dict[tuple[Modality, Modality], ConflictKind] = {mods: kind for mods, (kind, _) in PAIRS.items()}


def link(first: Modality | str, second: Modality | str) -> Link:
    """How the acts of a pair (acting side ``first``) must meet for a conflict."""
    return PAIRS[(Modality(first), Modality(second))][1]


def pair_kind(first: Modality, second: Modality) -> tuple[ConflictKind, bool] | None:
    """The conflict kind two modalities can form, and whether to swap them so the
    first is the acting side (obligation, right, permission). None: never conflict."""
    if (first, second) in KINDS:
        return KINDS[(first, second)], False
    if (second, first) in KINDS:
        return KINDS[(second, first)], True
    return None


class Scenario(Protocol):
    """Which atoms are true. Implementations may record what was asked."""

    def true(self, atom: Atom) -> bool: ...


@dataclass(frozen=True)
class FiniteScenario:
    """The atoms listed are true; every other atom is false."""

    atoms: frozenset[Atom]

    def true(self, atom: Atom) -> bool:
        return atom in self.atoms


@dataclass(frozen=True)
class Step:
    """One application of an axiom: ``source`` amounts to ``target`` by ``axiom``."""

    axiom: str
    source: tuple
    target: tuple


@dataclass(frozen=True)
class Witness:
    """Why a pair conflicts in a scenario: the actions involved and the axioms used.

    ``first`` and ``second`` are the two norms' ground actions; ``steps`` the chain(s)
    of axiom applications, the first ``first_steps`` of them from ``first`` (all of
    them for chain kinds; the rest from ``second``); ``excludes`` the excluding axiom,
    for exclusion kinds.
    """

    first: tuple
    second: tuple
    steps: tuple[Step, ...]
    excludes: str | None
    first_steps: int = -1  # -1: every step belongs to the first chain

    @property
    def axioms(self) -> tuple[str, ...]:
        names = {s.axiom for s in self.steps} | ({self.excludes} if self.excludes else set())
        return tuple(sorted(names))


class Evaluator:
    """Evaluates conditions, norms, axioms and conflicts of one world."""

    def __init__(self, world: World):
        self.world = world
        self.entities = world.entity_names
        self.parties = {t.id: t.parties for t in world.treaties}
        self.party_lists = {t.id: sorted(t.parties) for t in world.treaties}
        self.members = {g.name: g.members for g in world.groups}
        self.implies = [a for a in world.axioms if a.kind == "implies"]
        self.excludes = [a for a in world.axioms if a.kind == "excludes"]
        self._all_actions: list[tuple] | None = None
        # consequences of actions in the last scenario asked about (by identity: a
        # scenario is immutable, and the same one is asked about many times in a row)
        self._cons_in: Scenario | None = None
        self._cons: dict[tuple, dict[tuple, tuple[Step, ...]]] = {}

    # ------------------------------------------------------------ domains
    def all_actions(self) -> list[tuple]:
        """Every ground action of every actor (used only for action-typed variables)."""
        if self._all_actions is None:
            self._all_actions = [a for e in self.entities for a in self.world.ground_actions(e)]
        return self._all_actions

    def domain(self, type_: str) -> list:
        return list(self.entities) if type_ == "entity" else self.all_actions()

    # ------------------------------------------------------------ terms, conditions
    def value(self, t: m.Term, env: Env) -> Value:
        if isinstance(t, m.Var):
            return env[t.name]
        if isinstance(t, m.Const):
            return t.name
        return (t.name, *(self.value(a, env) for a in t.args))

    def holds(self, c: m.Cond | None, env: Env, s: Scenario, treaty: str | None) -> bool:
        """Truth of a condition under a binding in a scenario (``treaty`` for party forms)."""
        if c is None:
            return True
        if isinstance(c, m.Call):
            return s.true((c.name, *(self.value(a, env) for a in c.args)))
        if isinstance(c, m.Not):
            return not self.holds(c.body, env, s, treaty)
        if isinstance(c, m.And):
            return all(self.holds(i, env, s, treaty) for i in c.items)
        if isinstance(c, m.Or):
            return any(self.holds(i, env, s, treaty) for i in c.items)
        if isinstance(c, m.InGroup):
            return self.value(c.term, env) in self.members[c.group]
        if isinstance(c, m.IsParty):
            assert treaty is not None
            return (self.value(c.term, env) in self.parties[treaty]) != c.negated
        if isinstance(c, m.Same):
            return (self.value(c.left, env) == self.value(c.right, env)) != c.negated
        if isinstance(c, m.Quant):
            dom = self.party_lists[treaty] if c.domain == "party" else self.entities  # type: ignore[index]
            test = (self.holds(c.body, {**env, c.var: e}, s, treaty) for e in dom)
            return all(test) if c.quantifier == "every" else any(test)
        if isinstance(c, m.Exists):
            return any(self.holds(c.body, {**env, **b}, s, treaty) for b in self.bindings(c.vars))
        raise TypeError(f"not a condition: {c!r}")

    def bindings(self, variables: tuple[tuple[str, str], ...], fixed: Env | None = None) -> Iterator[Env]:
        """Every binding of ``variables`` over their domains (``fixed`` ones kept)."""
        fixed = fixed or {}
        free = [(n, t) for n, t in variables if n not in fixed]
        for combo in itertools.product(*(self.domain(t) for _, t in free)):
            yield {**fixed, **{n: v for (n, _), v in zip(free, combo, strict=True)}}

    # ------------------------------------------------------------ norms
    def action_of(self, norm: Norm, env: Env) -> tuple:
        """The ground action a norm speaks of under a binding."""
        if isinstance(norm.action, m.AnyAction):
            return env[norm.action.var]  # type: ignore[return-value]
        return self.value(norm.action, env)  # type: ignore[return-value]

    def bearer_of(self, norm: Norm, env: Env) -> str:
        return norm.bearer.name if isinstance(norm.bearer, m.Const) else env[norm.bearer.name]  # type: ignore[return-value]

    def applies(self, norm: Norm, env: Env, s: Scenario) -> bool:
        """Does the norm bind its bearer under ``env`` in scenario ``s``?"""
        bearer = self.bearer_of(norm, env)
        if bearer not in self.parties[norm.treaty]:
            return False
        if norm.bearer_group is not None and bearer not in self.members[norm.bearer_group]:
            return False
        if isinstance(norm.action, m.AnyAction):
            act = env[norm.action.var]
            if not isinstance(act, tuple) or act[1] != bearer:
                return False
        return self.holds(norm.condition, env, s, norm.treaty)

    def norm_bindings(self, norm: Norm, bearer: str | None = None) -> Iterator[Env]:
        """Bindings of a norm's own variables (bearer restricted to its parties)."""
        variables = norm.variables
        if isinstance(norm.bearer, m.Var):
            bearers = sorted(self.world.bearers(norm)) if bearer is None else [bearer]
            for b in bearers:
                rest = tuple(v for v in variables if v[0] != norm.bearer.name)
                for env in self._norm_rest(norm, rest, b):
                    yield {norm.bearer.name: b, **env}
        else:
            b = norm.bearer.name
            if bearer is None or bearer == b:
                yield from self._norm_rest(norm, variables, b)

    def imposes(self, norm: Norm, bearer: str, action: tuple, s: Scenario) -> bool:
        """Does ``norm`` impose its modality on ``bearer`` doing ``action`` in ``s``?"""
        return self.imposing(norm, bearer, action, s) is not None

    def imposing(self, norm: Norm, bearer: str, action: tuple, s: Scenario) -> Env | None:
        """A binding under which ``norm`` applies to ``bearer`` and speaks of the
        ground ``action`` in ``s``, or None."""
        if isinstance(norm.action, m.AnyAction):
            env0: Env | None = {norm.action.var: action}
        else:
            env0 = self._match(norm.action, action, {})
        if env0 is None:
            return None
        if isinstance(norm.bearer, m.Var):
            if env0.get(norm.bearer.name, bearer) != bearer:
                return None
            env0[norm.bearer.name] = bearer
        elif norm.bearer.name != bearer:
            return None
        for env in self.bindings(norm.variables, env0):
            if self.applies(norm, env, s):
                return env
        return None

    def _norm_rest(self, norm: Norm, variables: tuple[tuple[str, str], ...], bearer: str) -> Iterator[Env]:
        any_var = norm.action.var if isinstance(norm.action, m.AnyAction) else None
        doms = []
        for n, t in variables:
            if n == any_var:
                doms.append(self.world.ground_actions(bearer))
            else:
                doms.append(self.domain(t))
        for combo in itertools.product(*doms):
            yield {n: v for (n, _), v in zip(variables, combo, strict=True)}

    # ------------------------------------------------------------ axioms
    def _match(self, pattern: m.Call, action: tuple, env: Env) -> Env | None:
        if pattern.name != action[0] or len(pattern.args) != len(action) - 1:
            return None
        out = dict(env)
        for arg, val in zip(pattern.args, action[1:], strict=True):
            if isinstance(arg, m.Var):
                if arg.name in out and out[arg.name] != val:
                    return None
                out[arg.name] = val
            elif self.value(arg, out) != val:
                return None
        return out

    def consequences(self, action: tuple, s: Scenario) -> dict[tuple, tuple[Step, ...]]:
        """Every action that doing ``action`` amounts to in ``s`` (itself included),
        with a shortest chain of axiom steps to it (breadth first, canonical order)."""
        if s is not self._cons_in:
            self._cons_in, self._cons = s, {}
        if action not in self._cons:
            self._cons[action] = self._consequences(action, s)
        return dict(self._cons[action])

    def _consequences(self, action: tuple, s: Scenario) -> dict[tuple, tuple[Step, ...]]:
        paths: dict[tuple, tuple[Step, ...]] = {action: ()}
        frontier = [action]
        while frontier:
            nxt: list[tuple] = []
            for act in frontier:
                for ax in self.implies:
                    env0 = self._match(ax.left, act, {})
                    if env0 is None:
                        continue
                    for env in self.bindings(ax.variables, env0):
                        if not self.holds(ax.condition, env, s, None):
                            continue
                        # the right side of an axiom is an action: its value is a tuple
                        target = self.value(ax.right, env)
                        assert isinstance(target, tuple)
                        if target not in paths:
                            paths[target] = paths[act] + (Step(ax.name, act, target),)
                            nxt.append(target)
            frontier = sorted(nxt, key=repr)
        return paths

    def excluded(self, a: tuple, b: tuple) -> Axiom | None:
        """An ``excludes`` axiom that forbids doing both ground actions, if any."""
        for ax in self.excludes:
            for left, right in ((a, b), (b, a)):
                env = self._match(ax.left, left, {})
                if env is not None:
                    env = self._match(ax.right, right, env)
                    if env is not None:
                        return ax
        return None

    def assumptions_hold(self, s: Scenario) -> bool:
        """Do all ``assume``s hold in ``s`` (every binding of their variables)?"""
        for a in self.world.assumptions:
            for env in self.bindings(a.variables):
                if not self.holds(a.condition, env, s, None):
                    return False
        return True

    # ------------------------------------------------------------ conflicts
    def relation(self, how: Link, first: tuple, second: tuple, s: Scenario) -> Witness | None:
        """Does doing ``first`` clash with ``second`` as ``how`` requires, in ``s``?"""
        if first[1] != second[1]:
            return None
        if how == Link.BACK:
            b_paths = self.consequences(second, s)
            return Witness(first, second, b_paths[first], None, 0) if first in b_paths else None
        a_paths = self.consequences(first, s)
        if how == Link.CHAIN:
            if second in a_paths:
                return Witness(first, second, a_paths[second], None)
            return None
        b_paths = self.consequences(second, s)
        best: tuple | None = None
        for a2 in sorted(a_paths, key=repr):
            for b2 in sorted(b_paths, key=repr):
                ax = self.excluded(a2, b2)
                if ax is not None:
                    cand = (len(a_paths[a2]) + len(b_paths[b2]), a_paths[a2] + b_paths[b2], ax.name, len(a_paths[a2]))
                    if best is None or cand[0] < best[0]:
                        best = cand
        if best is None:
            return None
        return Witness(first, second, best[1], best[2], best[3])

    def conflict_holds(self, n1: Norm, env1: Env, n2: Norm, env2: Env, s: Scenario) -> Witness | None:
        """The conflict between two bound norms in ``s``, or None.

        ``n1`` is the acting side (named first in the kind). Both norms must
        apply to the same bearer; assumptions are not checked here (see
        :meth:`assumptions_hold`).
        """
        if self.bearer_of(n1, env1) != self.bearer_of(n2, env2):
            return None
        if not (self.applies(n1, env1, s) and self.applies(n2, env2, s)):
            return None
        how = link(n1.modality, n2.modality)
        return self.relation(how, self.action_of(n1, env1), self.action_of(n2, env2), s)

    def displaces(self, c: Norm, target: Norm, env: Env, s: Scenario) -> Env | None:
        """A binding under which ``c`` applies to ``target``'s bearer and conflicts
        with ``target`` (bound by ``env``) on ``target``'s very act in ``s``, or None
        (the displacement of docs/language.md section 8.5).

        The act is fixed, so only ``c``'s ground actions that can meet it are tried
        (for a chain kind with ``target`` acting, the acts it amounts to), and for
        each, whether ``c`` applies under some binding of its other variables.
        """
        kinds = pair_kind(c.modality, target.modality)
        if kinds is None:
            return None
        _, swap = kinds
        bearer = self.bearer_of(target, env)
        act = self.action_of(target, env)
        first_mod, second_mod = (target.modality, c.modality) if swap else (c.modality, target.modality)
        how = link(first_mod, second_mod)
        # ``c``'s acts that can meet ``act``: those it amounts to when ``target``'s act
        # leads the chain, those that amount to it when ``c``'s does
        if how == Link.EXCLUDES:
            meets = self.antecedents(self.excluded_with(self.consequences(act, s)), s)
        elif (how == Link.CHAIN) == swap:
            meets = set(self.consequences(act, s))
        else:
            meets = self.antecedents({act}, s)
        name = c.action_name
        for act_c in sorted(meets, key=repr):
            if act_c[1] != bearer or (name is not None and act_c[0] != name):
                continue
            first, second = (act, act_c) if swap else (act_c, act)
            if self.relation(how, first, second, s) is None:
                continue
            env_c = self.imposing(c, bearer, act_c, s)
            if env_c is not None:
                return env_c
        return None

    def antecedents(self, targets: Iterable[tuple], s: Scenario) -> set[tuple]:
        """Every ground action that amounts, in ``s``, to one of ``targets`` (they
        included): :meth:`consequences` run backwards."""
        seen = set(targets)
        frontier = sorted(seen, key=repr)
        while frontier:
            nxt: list[tuple] = []
            for act in frontier:
                for ax in self.implies:
                    env0 = self._match(ax.right, act, {})
                    if env0 is None:
                        continue
                    for env in self.bindings(ax.variables, env0):
                        if not self.holds(ax.condition, env, s, None):
                            continue
                        source = self.value(ax.left, env)
                        assert isinstance(source, tuple)
                        if source not in seen:
                            seen.add(source)
                            nxt.append(source)
            frontier = sorted(nxt, key=repr)
        return seen

    def excluded_with(self, acts: Iterable[tuple]) -> set[tuple]:
        """Every ground action an ``excludes`` axiom forbids doing with one of ``acts``."""
        out: set[tuple] = set()
        for act in acts:
            for ax in self.excludes:
                for mine, other in ((ax.left, ax.right), (ax.right, ax.left)):
                    env0 = self._match(mine, act, {})
                    if env0 is None:
                        continue
                    for env in self.bindings(ax.variables, env0):
                        x = self.value(other, env)
                        assert isinstance(x, tuple)
                        out.add(x)
        return out
