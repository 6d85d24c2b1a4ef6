"""Which candidate pairs the solver must be asked about, and which answers are known.

``plan(world, pairs, snapshot) -> Plan``. The sources of known answers are asked in
one order; the first two need the whole list of pairs and so are the plan's, the
last two live in each process that examines pairs
(:class:`treatycheck.search.examine.Examiner`):

1. the snapshot of the previous check (:mod:`treatycheck.incremental`): a pair whose
   two norms say what they said then keeps its finding (or its absence);
2. the symmetry class (:mod:`treatycheck.symmetry`): "no conflict" holds for every
   pair of a class or for none, so the solver is first asked about one pair of each
   class (``Plan.first_round``), then about the other pairs of the classes whose
   first pair was not found free of conflict (:meth:`Plan.second_round`);
3. the memo, and 4. the verdict cache (per process).

Both rounds keep the canonical order, so consecutive pairs share their first norm
and every executor hands out contiguous runs of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from ..interrupt import checkpoint
from ..symmetry import PairClasses
from ..world import World
from .result import Analysis, Finding, Pair, pair_of


class Snapshot(Protocol):
    """Answers a previous check left (see :class:`treatycheck.incremental.Reuse`)."""

    def split(self, world: World, pairs: list[Pair]) -> tuple[list[Pair], list[Finding]]:
        """The pairs whose answer the snapshot does not know, and the findings of
        those it does (a known pair without a finding has no conflict)."""
        ...


@dataclass
class Plan:
    """The pairs to ask about, in two rounds, and the findings already known."""

    world: World
    pairs: list[Pair]
    known: list[Finding] = field(default_factory=list)
    classes: list[tuple] = field(default_factory=list)  # the class of each pair
    firsts: list[int] = field(default_factory=list)  # the first pair of each class

    def first_round(self) -> Iterator[Pair]:
        """One pair of each symmetry class, in canonical order. Lazy: an executor can
        start solving while the rest are classed."""
        key = PairClasses(self.world).key
        norm = self.world.norm
        seen: set[tuple] = set()
        for i, pair in enumerate(self.pairs):
            kind, a, b = pair
            k = key(kind, norm(a), norm(b))
            self.classes.append(k)
            if i % 4096 == 0:
                checkpoint()
            if k in seen:
                continue
            seen.add(k)
            self.firsts.append(i)
            yield pair

    def second_round(self, first: Analysis) -> list[Pair]:
        """The other pairs of every class whose first pair has a finding (a conflict,
        or undecided), in canonical order."""
        found = {pair_of(f) for f in first.findings}
        open_ = {self.classes[i] for i in self.firsts if self.pairs[i] in found}
        if not open_:
            return []
        firsts = set(self.firsts)
        return [p for i, p in enumerate(self.pairs) if self.classes[i] in open_ and i not in firsts]


def plan(world: World, pairs: list[Pair], snapshot: Snapshot | None = None) -> Plan:
    """The plan for ``pairs`` (canonical order): the snapshot's answers taken, the
    rest left to ask."""
    if snapshot is None:
        return Plan(world, pairs)
    ask, known = snapshot.split(world, pairs)
    return Plan(world, ask, known)
