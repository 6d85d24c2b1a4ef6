"""One process's share of the search: a batch of pairs in, their findings out.

``Examiner(world, timeout, cache_dir)`` is what runs in the parent (serial), in each
pool worker and in each cluster task. ``run(pairs, stop_at) -> Analysis`` examines
the pairs in order. For each pair it asks the sources of known answers that live in
a process, in this order, and the solver only when none knows:

1. the memo: a pair that says the same as one examined before in this process (same
   norms up to their refs, same party lists) has its answer;
2. the verdict cache (:mod:`treatycheck.cache`), when there is one: "no conflict"
   for the pair's symmetry class, else this pair's conflict;
3. the solver: :meth:`PairSolver.decide`, then for a conflict
   :meth:`PairSolver.witness` for the first bearer, replayed and minimised by the
   evaluator (:func:`treatycheck.search.replay.minimise`).

What the solver answers is learnt by the memo and the cache. The sources that need
the whole list of pairs (the snapshot, symmetry classes) are the plan's
(:mod:`treatycheck.search.plan`). Pairs reached after the wall-clock time
``stop_at`` are ``unknown``: undecided, never "no conflict".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Literal

from ..cache import VerdictCache
from ..evaluate import Evaluator
from ..index import Candidate, ChainIndex
from ..interrupt import checkpoint
from ..kinds import Verdict
from ..symmetry import PairClasses
from ..world import Norm, World
from .pair import PairSolver
from .replay import minimise
from .result import Analysis, Finding, Pair, candidate, pair_of

#: How often (in pairs) ``run`` reports progress.
PROGRESS_EVERY = 64


class Examiner:
    """The memo, the verdict cache and the solver of one process."""

    def __init__(
        self,
        world: World,
        timeout: float,
        cache_dir: str | None = None,
        chains: ChainIndex | None = None,
        record: bool = False,
    ):
        self.world = world
        self.solver = PairSolver(world, timeout, chains, record)
        self.cache = VerdictCache(cache_dir, world) if cache_dir else None
        self.classes = PairClasses(world)
        self.ev = Evaluator(world)
        self.memo: dict[tuple, Finding | None] = {}

    def run(
        self,
        pairs: Iterable[Pair],
        total: int = 0,
        stop_at: float | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Analysis:
        """The findings of ``pairs`` (in canonical order) and the queries they took;
        ``progress(done, total)`` is called every few pairs."""
        findings = []
        before = self.solver.queries
        for i, pair in enumerate(pairs):
            checkpoint()
            cand = candidate(self.world, pair)
            if stop_at is not None and time.time() > stop_at:
                findings.append(Finding(cand.kind, cand.first, cand.second, Verdict.UNKNOWN))
                continue
            found = self.examine(cand)
            if found is not None:
                findings.append(found)
            if progress is not None and i % PROGRESS_EVERY == 0:
                progress(i, total)
        if self.cache is not None:
            self.cache.flush()
        findings.sort(key=pair_of)
        return Analysis(findings, self.solver.queries - before)

    def examine(self, cand: Candidate) -> Finding | None:
        """The conflict of one candidate pair (proved or unknown), or None."""
        key = pair_key(self.world, cand)
        if key in self.memo:
            known = self.memo[key]
        else:
            cached = self._cached(cand)
            if cached is False:
                known = self._solve(cand)
                self._learn(cand, known)
            else:
                known = cached
            if known is None or known.verdict == Verdict.PROVED:
                self.memo[key] = known
        if known is None:
            return None
        return replace(known, first=cand.first, second=cand.second)

    def _cached(self, cand: Candidate) -> Finding | None | Literal[False]:
        """The verdict cache's answer, or False when it has none."""
        if self.cache is None:
            return False
        # a class known free of conflict (the only verdict kept per class), else
        # this very pair's conflict
        hit, verdict = self.cache.get(self.cache.class_key(self.classes.key(cand.kind, cand.first, cand.second)))
        if not hit:
            hit, verdict = self.cache.get(self.cache.key(cand.kind, cand.first, cand.second))
        if not hit:
            return False
        return None if verdict is None else Finding(cand.kind, cand.first, cand.second, Verdict.PROVED, **verdict)

    def _solve(self, cand: Candidate) -> Finding | None:
        decision = self.solver.decide(cand)
        if decision.verdict is None:
            return None
        if decision.verdict == Verdict.UNKNOWN:
            return Finding(cand.kind, cand.first, cand.second, Verdict.UNKNOWN)
        solution = self.solver.witness(cand, self.world.lead(decision.bearers)[0])
        if solution is None:
            return Finding(cand.kind, cand.first, cand.second, Verdict.UNKNOWN, decision.bearers)
        return minimise(self.ev, cand, decision.bearers, solution)

    def _learn(self, cand: Candidate, found: Finding | None) -> None:
        if self.cache is None:
            return
        if found is None:
            self.cache.put(self.cache.class_key(self.classes.key(cand.kind, cand.first, cand.second)), None)
        elif found.verdict == Verdict.PROVED:
            self.cache.put(self.cache.key(cand.kind, cand.first, cand.second), cacheable(found))

    def script(self) -> str:
        """The SMT-LIB script of every query (``record=True`` only)."""
        return self.solver.script()

    def close(self) -> None:
        """Write what the cache learnt and close it."""
        if self.cache is not None:
            self.cache.close()


def norm_key(world: World, norm: Norm) -> tuple:
    """What a norm's part in a verdict depends on: what it says (not where), and
    its treaty's parties."""
    return (
        norm.modality,
        norm.bearer,
        norm.bearer_group,
        norm.action,
        norm.condition,
        norm.variables,
        world.treaty(norm.treaty).parties,
    )


def pair_key(world: World, cand: Candidate) -> tuple:
    """The content a pair's verdict depends on (the world's vocabulary, axioms and
    assumptions aside, which are fixed within a run)."""
    return (cand.kind, cand.first.ref == cand.second.ref, norm_key(world, cand.first), norm_key(world, cand.second))


def cacheable(f: Finding) -> dict:
    """The cacheable part of a proved finding (no norms: those are the pair's own)."""
    return {
        "bearers": f.bearers,
        "env1": f.env1,
        "env2": f.env2,
        "atoms": f.atoms,
        "absent": f.absent,
        "witness": f.witness,
    }
