"""Which norm pairs can conflict at all, and through which axiom chains.

Pure Python, no Z3. Two norms can only conflict if one's action can reach the
other's through ``implies`` axioms (or, for exclusion kinds, their consequences meet
an ``excludes`` axiom) and some entity can be bound by both. Chains are computed once
over action constructors; only the surviving pairs reach the solver.

An axiom that is not recursive is used at most once in a chain. A recursive axiom
(its actions lie on a cycle) is followed as many times as its action has distinct
ground instances for one actor, which makes the search exact, up to
:data:`RECURSION_CAP`; a world whose recursive axioms need more gets a warning
(W310) naming them, since longer chains are then not searched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .evaluate import PAIRS, Link
from .kinds import ConflictKind
from .world import Axiom, Norm, World

RECURSION_CAP = 6
#: Most chains enumerated from one action; beyond it the world gets a warning.
MAX_WALKS = 20000
ANY = "*"


@dataclass(frozen=True)
class Candidate:
    """A pair the solver must look at: ``first`` acts, ``second`` forbids or demands."""

    kind: str
    first: Norm
    second: Norm


class ChainIndex:
    """Walks of ``implies`` axioms over action constructors, and exclusions."""

    def __init__(self, world: World):
        self.world = world
        self.actions = sorted(p.name for p in world.predicates if p.kind == "action")
        self.implies = [a for a in world.axioms if a.kind == "implies"]
        self.excludes = [a for a in world.axioms if a.kind == "excludes"]
        succ: dict[str, set[str]] = {a: set() for a in self.actions}
        for ax in self.implies:
            succ[ax.left.name].add(ax.right.name)
        self.succ = succ
        self.cyclic = {ax.name for ax in self.implies if ax.left.name in self._reach_from(ax.right.name)}
        self.reach = {a: self._reach_from(a) for a in self.actions}
        arity = {p.name: len(p.params) for p in world.predicates if p.kind == "action"}
        entities = max(1, len(world.entities))
        # a chain never needs the same ground action twice, so an axiom is applied at
        # most as often as its result has ground instances for one actor
        self.limit: dict[str, int] = {}
        self.truncated: list[str] = []
        for ax in self.implies:
            if ax.name not in self.cyclic:
                self.limit[ax.name] = 1
                continue
            exact = entities ** max(0, arity.get(ax.right.name, 1) - 1)
            self.limit[ax.name] = min(exact, RECURSION_CAP)
            if exact > RECURSION_CAP:
                self.truncated.append(ax.name)
        self.excluded_pairs = set()
        for ax in self.excludes:
            self.excluded_pairs.add((ax.left.name, ax.right.name))
            self.excluded_pairs.add((ax.right.name, ax.left.name))
        self._walks: dict[str, list[tuple[Axiom, ...]]] = {}

    def _reach_from(self, start: str) -> frozenset[str]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in self.succ.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return frozenset(seen)

    def reachable(self, action: str | None) -> frozenset[str]:
        """Constructors that doing ``action`` (None: any action) can amount to."""
        return frozenset(self.actions) if action is None else self.reach.get(action, frozenset({action}))

    def walks(self, start: str | None) -> list[tuple[Axiom, ...]]:
        """Every axiom sequence that can apply from ``start`` (None: any), shortest first."""
        key = start or ANY
        if key not in self._walks:
            out: list[tuple[Axiom, ...]] = [()]
            starts = self.actions if start is None else [start]

            def extend(node: str, path: tuple[Axiom, ...]) -> None:
                for ax in self.implies:
                    if ax.left.name != node or path.count(ax) >= self.limit[ax.name]:
                        continue
                    if len(out) >= MAX_WALKS:
                        if "(too many chains)" not in self.truncated:
                            self.truncated.append("(too many chains)")
                        return
                    nxt = path + (ax,)
                    out.append(nxt)
                    extend(ax.right.name, nxt)

            for s in starts:
                extend(s, ())
            out.sort(key=lambda p: (len(p), [a.name for a in p]))
            self._walks[key] = out
        return self._walks[key]

    def walks_between(self, start: str | None, end: str | None) -> list[tuple[Axiom, ...]]:
        """Walks from ``start`` whose last action is ``end`` (None: anything)."""
        out = []
        for w in self.walks(start):
            last = w[-1].right.name if w else start
            if end is None or last is None or last == end:
                out.append(w)
        return out

    def can_exclude(self, a: str | None, b: str | None) -> bool:
        ra, rb = self.reachable(a), self.reachable(b)
        return any((x, y) in self.excluded_pairs for x in ra for y in rb)

    def can_reach(self, a: str | None, b: str | None) -> bool:
        return a is None or b is None or b in self.reachable(a)


def asked(kind: str, first: str, second: str) -> bool:
    """Is ``(kind, first, second)`` the way the search asks about that pair? An
    obligation-obligation conflict is symmetric, so each unordered pair is asked once,
    in ref order; every other kind has its acting side first."""
    return kind != ConflictKind.OBLIGATION_OBLIGATION or first <= second


def candidates(world: World, chains: ChainIndex, focus: frozenset[str] | None = None) -> Iterator[Candidate]:
    """Norm pairs that might conflict, in canonical order (by kind, then refs); see
    :func:`candidate_refs`."""
    for kind, a, b in candidate_refs(world, chains, focus):
        yield Candidate(kind, world.norm(a), world.norm(b))


def candidate_refs(world: World, chains: ChainIndex, focus: frozenset[str] | None = None) -> list[tuple[str, str, str]]:
    """Norm pairs that might conflict as (kind, first ref, second ref), sorted.

    ``focus``: only pairs with at least one norm whose ref is in it (None: all).
    Norms are bucketed by modality, action and treaty, so a pair is only formed
    when the actions can meet and the treaties share a party: the cost grows with
    the pairs that can touch, not with all pairs.
    """
    bearers = {n.ref: world.bearers(n) for n in world.norms}
    # (modality, action or None for `take any action`) -> treaty -> norms
    buckets: dict[tuple[str, str | None], dict[str, list[Norm]]] = {}
    for n in world.norms:
        if bearers[n.ref]:
            buckets.setdefault((n.modality, n.action_name), {}).setdefault(n.treaty, []).append(n)
    parties = {t.id: t.parties for t in world.treaties}
    all_actions: list[str | None] = [*chains.actions, None]
    # which second-role actions each first-role action can meet, per kind family
    reach_to = {a: [b for b in all_actions if chains.can_reach(a, b)] for a in all_actions}
    excl_to = {a: [b for b in all_actions if chains.can_exclude(a, b)] for a in all_actions}
    reach_from = {a: [b for b in all_actions if chains.can_reach(b, a)] for a in all_actions}
    targets_of = {Link.CHAIN: reach_to, Link.BACK: reach_from, Link.EXCLUDES: excl_to}

    out: list[tuple[str, str, str]] = []
    for (first_mod, second_mod), (kind, how) in PAIRS.items():
        targets = targets_of[how]
        for (mod, action), by_treaty in buckets.items():
            if mod != first_mod:
                continue
            for first_list in by_treaty.values():
                for first in first_list:
                    mine = bearers[first.ref]
                    for b in targets[action]:
                        for treaty, seconds in buckets.get((second_mod, b), {}).items():
                            if parties[treaty].isdisjoint(mine):
                                continue
                            for second in seconds:
                                if mine.isdisjoint(bearers[second.ref]):
                                    continue
                                x, y = first.ref, second.ref
                                if not asked(kind, x, y):
                                    continue
                                if focus is not None and x not in focus and y not in focus:
                                    continue
                                out.append((kind, x, y))
    out.sort()
    return out
