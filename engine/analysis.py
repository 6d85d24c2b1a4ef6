"""The conflict search: candidate pairs -> plan -> execute -> merge -> sort.

``analyse(world, focus, options, executor, snapshot) -> Analysis``:

1. candidates: the norm pairs that might conflict and involve a ref in ``focus``
   (every pair when None), in canonical order (:mod:`treatycheck.index`);
2. plan: the answers already known (the snapshot's), and which pairs to ask, one of
   each symmetry class first (:mod:`treatycheck.search.plan`);
3. execute: the executor (chosen by the caller: serial, a process pool, a Dask
   cluster; :mod:`treatycheck.search.execute`) examines the first round, then the
   second; each pair is decided by the solver and each conflict replayed by the
   plain evaluator (:mod:`treatycheck.search.examine`);
4. merge and sort: known and found findings in canonical order;
5. settle: each finding's resolution by treaty law and, where a third norm could
   displace one of its norms, whether it still stands and for whom
   (:mod:`treatycheck.search.settle`; ``Analysis.settlements``).

The findings are the same whatever the executor, the cache or the snapshot.
"""

from __future__ import annotations

import time

from .cache import VerdictCache
from .index import ChainIndex, candidate_refs
from .search.execute import CheckOptions, Executor, Serial
from .search.pair import EMPTY_SCRIPT
from .search.plan import Snapshot, plan
from .search.result import Analysis, merged, pair_of
from .search.settle import Settler
from .world import World

TOO_MANY_CHAINS = "(too many chains)"


def then(search: str, law: str | None) -> str:
    """One script of the search's queries and then the settlement's (which live in
    a context of their own): SMT-LIB's ``(reset)`` clears the first one's
    declarations and scopes before the second's are declared."""
    if law is None:
        return search
    if search == EMPTY_SCRIPT:
        return law
    return search + "(reset)\n" + law.split("\n", 1)[1]


def analyse(
    world: World,
    focus: frozenset[str] | None = None,
    options: CheckOptions | None = None,
    executor: Executor | None = None,
    snapshot: Snapshot | None = None,
) -> Analysis:
    """Every conflict among the world's norms that involves a ref in ``focus``
    (every conflict when None), proved or undecided, in canonical order."""
    options = options or CheckOptions()
    executor = executor or Serial()
    if not world.norms:
        return Analysis([], 0, smt=EMPTY_SCRIPT if options.emit_smt else None)
    chains = ChainIndex(world)
    executor.start(world, options, chains, soon=snapshot is None)
    try:
        pairs = candidate_refs(world, chains, focus)
        # enumerate the axiom chains of every action involved now, so that whether
        # some were cut off (W311) is known whichever pairs are then solved
        refs = {a for _, a, _ in pairs} | {b for _, _, b in pairs}
        for action in sorted({world.norm(r).action_name or "" for r in refs}):
            chains.walks(action or None)
        todo = plan(world, pairs, snapshot)
        stop_at = None if options.deadline is None else time.time() + options.deadline
        total = len(todo.pairs)
        first = executor.run(todo.first_round(), total, True, stop_at, options.progress)
        rest = todo.second_round(first)
        second = executor.run(rest, total, False, stop_at, None) if rest else Analysis([])
        smt = executor.script()
    except BaseException:
        executor.abort()
        raise
    executor.close()
    result = merged(Analysis(todo.known), first, second)
    result.chains_cut = TOO_MANY_CHAINS in chains.truncated
    result.smt = smt
    # 5. settle: each conflict's resolution by treaty law, and whether a third norm
    # displaces it (asked only where some norm could)
    cache = VerdictCache(options.cache_dir, world) if options.cache_dir else None
    # the findings are every collision of a norm in focus (of every norm when
    # None): a norm can only displace a norm it collides with
    settler = Settler(
        world, options.timeout, chains, cache, record=options.emit_smt, collisions=result.findings, focus=focus
    )
    try:
        result.settlements = {pair_of(f): settler.settle(f) for f in result.findings}
    finally:
        if cache is not None:
            cache.close()
    result.queries += settler.queries
    if smt is not None:
        result.smt = then(smt, settler.script())
    return result
