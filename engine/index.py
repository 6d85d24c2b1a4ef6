"""Which norm pairs can conflict at all, and through which axiom chains.

Pure Python, no Z3. Two norms can only conflict if one's action can reach the
other's through ``implies`` axioms (or, for exclusion kinds, their consequences meet
an ``excludes`` axiom) and some entity can be bound by both. Chains are computed once
over action constructors; only the surviving pairs reach the solver.

A chain through a recursive axiom (one whose constructor graph has a cycle) is
followed at most :data:`RECURSION_LIMIT` times per axiom; the world gets a warning
when that bound applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from . import model as m
from .evaluate import CHAIN_KINDS, pair_kind
from .world import Axiom, Norm, World

RECURSION_LIMIT = 3
MAX_CHAIN = 8
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
                if len(path) >= MAX_CHAIN:
                    return
                for ax in self.implies:
                    if ax.left.name != node:
                        continue
                    limit = RECURSION_LIMIT if ax.name in self.cyclic else 1
                    if path.count(ax) >= limit:
                        continue
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


def candidates(world: World, chains: ChainIndex, focus: frozenset[str] | None = None) -> Iterator[Candidate]:
    """Norm pairs that might conflict, in canonical order (by kind, then refs).

    ``focus``: only pairs with at least one norm whose ref is in it (None: all).
    Norms are bucketed by the actions they can reach so pairs that share nothing are
    never formed (the cost grows with the pairs that can touch, not with all pairs).
    """
    norms = world.norms
    bearers = {n.ref: world.bearers(n) for n in norms}
    by_action: dict[str, list[Norm]] = {}
    any_norms: list[Norm] = []
    for n in norms:
        if n.action_name is None:
            any_norms.append(n)
        else:
            by_action.setdefault(n.action_name, []).append(n)
    # constructors whose norms can meet a given constructor's consequences
    back: dict[str, set[str]] = {a: set() for a in chains.actions}
    for a in chains.actions:
        for b in chains.reachable(a):
            back[b].add(a)

    out: set[tuple[str, str, str]] = set()
    for n in norms:
        if not bearers[n.ref]:
            continue
        name = n.action_name
        reach = chains.reachable(name)
        # partners whose action relates to ours by a chain in either direction, or exclusion
        related: set[str] = set(reach)
        for r in list(reach):
            related |= back.get(r, set())
        for x, y in chains.excluded_pairs:
            if x in reach:
                related |= back.get(y, set()) | {y}
        if name is None:
            partners = list(norms)
        else:
            partners = [p for a in sorted(related) for p in by_action.get(a, [])] + any_norms
        for p in partners:
            if not (bearers[n.ref] & bearers[p.ref]):
                continue
            pk = pair_kind(n.modality, p.modality)
            if pk is None:
                continue
            kind, swap = pk
            first, second = (p, n) if swap else (n, p)
            if first.ref == second.ref and kind != "obligation-obligation":
                continue
            if kind == "obligation-obligation" and first.ref > second.ref:
                first, second = second, first
            if focus is not None and first.ref not in focus and second.ref not in focus:
                continue
            if kind in CHAIN_KINDS:
                ok = chains.can_reach(first.action_name, second.action_name)
            else:
                ok = chains.can_exclude(first.action_name, second.action_name)
            if ok:
                out.add((first.ref, second.ref, kind))
    for a, b, kind in sorted(out, key=lambda t: (t[2], t[0], t[1])):
        yield Candidate(kind, world.norm(a), world.norm(b))


def is_any(norm: Norm) -> bool:
    return isinstance(norm.action, m.AnyAction)
