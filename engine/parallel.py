"""Spreading the solver's work over worker processes (``--jobs N``).

``analyse_parallel(world, pairs, ...) -> Analysis``. Z3 objects never cross a
process: each worker is started with ``spawn``, receives the picklable World once,
builds its own Z3 context and examines its share of the candidate pairs. Pairs that
say the same thing go to the same worker, so each worker's memo (and the shared disk
cache) saves what it can. Findings are merged and sorted, so the output is the same
whatever the number of jobs.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout

from .analysis import Analysis, Finding, analyse_pairs, pair_key
from .index import Candidate
from .interrupt import checkpoint
from .world import World

_WORLD: World | None = None


def _init(world: World) -> None:
    global _WORLD
    _WORLD = world
    # Ctrl-C is the parent's to handle: it cancels the pool and stops the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(args: tuple[list[tuple[str, str, str]], float, str | None, float | None]) -> tuple[list[tuple], int]:
    pairs, timeout, cache_dir, deadline = args
    assert _WORLD is not None
    analysis = analyse_pairs(_WORLD, pairs, timeout, cache_dir, deadline=deadline)
    # norms travel back as refs; the parent has the same world
    out = [
        (f.kind, f.first.ref, f.second.ref, f.verdict, f.bearers, f.env1, f.env2, f.atoms, f.absent, f.witness)
        for f in analysis.findings
    ]
    return out, analysis.queries


def _share(world: World, cand: Candidate, jobs: int) -> int:
    digest = hashlib.sha256(repr(pair_key(world, cand)).encode()).digest()
    return int.from_bytes(digest[:4], "big") % jobs


def analyse_parallel(
    world: World,
    pairs: list[Candidate],
    timeout: float,
    jobs: int,
    cache_dir: str | None,
    progress: Callable[[int, int], None] | None = None,
    deadline: float | None = None,
) -> Analysis:
    """The same analysis as the serial one, over ``jobs`` spawned processes."""
    shares: list[list[tuple[str, str, str]]] = [[] for _ in range(jobs)]
    for cand in pairs:
        shares[_share(world, cand, jobs)].append((cand.kind, cand.first.ref, cand.second.ref))
    # one task per worker: its compiled norms and its memo serve the whole share
    tasks = shares
    findings: list[Finding] = []
    queries = 0
    done = 0
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init, initargs=(world,))
    try:
        futures = [pool.submit(_work, (t, timeout, cache_dir, deadline)) for t in tasks if t]
        results = []
        for future in futures:
            while True:
                checkpoint()
                try:
                    results.append(future.result(timeout=0.2))
                    done += 1
                    if progress is not None:
                        progress(done, len(tasks))
                    break
                except FuturesTimeout:
                    continue
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    for rows, q in results:
        queries += q
        for kind, a, b, verdict, bearers, env1, env2, atoms, absent, witness in rows:
            findings.append(
                Finding(kind, world.norm(a), world.norm(b), verdict, bearers, env1, env2, atoms, absent, witness)
            )
    findings.sort(key=lambda f: (f.kind, f.first.ref, f.second.ref))
    return Analysis(findings, queries)
