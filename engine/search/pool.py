"""Spreading the search over worker processes (``--jobs N``): the ``Pool`` executor.

``Pool(jobs)``: :meth:`Pool.start` starts the processes (``spawn``) as soon as the
world is known, sending it once, pickled as it is (a world holds no positions, and
equal clause parts are one object) into a temporary file, so that they boot while the candidate pairs are built. Each round
of the plan is then dealt out in batches: contiguous runs of the canonical order
handed to whichever worker is free, which keeps each worker's compiled norms and
memo effective (a worker keeps one :class:`~treatycheck.search.examine.Examiner`
from batch to batch). Z3 objects never cross a process. Findings come back as
refs, are merged and sorted, so the output is the same whatever the number of jobs.
With too little work to share (a snapshot re-check, a single pair) the pairs are
examined in this process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool

from .. import safepickle
from ..index import ChainIndex
from ..interrupt import checkpoint
from ..world import World
from .examine import Examiner
from .execute import CheckOptions, Progress, Serial, batches
from .result import Analysis, Pair, from_rows, merged, to_rows

_WORLD: World | None = None
_EXAMINER: Examiner | None = None


def _init(path: str) -> None:
    global _WORLD
    # Ctrl-C is the parent's to handle: it cancels the pool and stops the workers.
    # The worker was started with SIGINT blocked; ignore it first, then unblock it
    # (a Ctrl-C pending since then is dropped).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # the file is this check's own, but nothing read from disk may run code
    with open(path, "rb") as fh:
        _WORLD = safepickle.load(fh)
    gc.freeze()  # the world lives as long as the worker: keep it out of collections


def _ready() -> None:
    """A no-op: submitting it makes the pool start a worker."""


def _work(args: tuple[list[Pair], float, str | None, float | None]) -> tuple[list[tuple], int]:
    """One batch of pairs, examined by this worker's long-lived examiner (its
    compiled norms and its memo carry over from batch to batch)."""
    global _EXAMINER
    pairs, timeout, cache_dir, stop_at = args
    assert _WORLD is not None
    if _EXAMINER is None:
        _EXAMINER = Examiner(_WORLD, timeout, cache_dir)
    analysis = _EXAMINER.run(pairs, len(pairs), stop_at)
    return to_rows(analysis.findings), analysis.queries


_HIDDEN = object()


@contextlib.contextmanager
def _main_not_reimported() -> Iterator[None]:
    """While workers start, ``__main__`` looks like an interactive session's.

    ``spawn`` makes each worker import the parent's main script (as ``__mp_main__``)
    unless the main module has no file or spec. The workers need nothing from it
    (their functions live in this module and their world comes from a file), and a
    script that calls ``treatycheck.check(world, jobs=2)`` without an
    ``if __name__ == "__main__":`` guard would otherwise run that call again in each
    worker, which then dies, and the check ends in a broken pool. Workers are only
    started here (the pool never starts more than ``jobs``), so hiding the two
    attributes for this moment is enough.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {name: main.__dict__.get(name, _HIDDEN) for name in ("__file__", "__spec__")}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is _HIDDEN:
                main.__dict__.pop(name, None)
            else:
                main.__dict__[name] = value


class Workers:
    """``jobs`` spawned worker processes holding one world, started at once so that
    they boot while the caller builds the candidate pairs. Close with
    :meth:`close` (or :meth:`abort` on an error or Ctrl-C)."""

    def __init__(self, world: World, jobs: int):
        self.jobs = jobs
        # The world is pickled once, not once per worker, without source positions
        # (workers only solve; findings come back as refs into this process's
        # world), and goes through a file, not the start-up pipe: a worker killed
        # while booting (a terminal's Ctrl-C reaches it too) would leave the parent
        # blocked writing megabytes into that pipe, never reaching its interrupt check.
        fd, self.path = tempfile.mkstemp(prefix="treatycheck-world-", suffix=".pickle")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(world, fh, protocol=pickle.HIGHEST_PROTOCOL)
        ctx = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init, initargs=(self.path,))
        # Workers must ignore Ctrl-C from birth (it is the parent's to handle): a
        # terminal sends it to the whole process group, and a worker killed while
        # importing prints a fatal error. A blocked signal stays blocked across
        # exec, so SIGINT is blocked while they are started (the parent's own
        # Ctrl-C then waits, pending, until it is unblocked: none is lost) and each
        # worker ignores it before unblocking it (see _init).
        block = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if block else None
        try:
            with _main_not_reimported():
                for _ in range(jobs):  # the pool starts a worker per task it cannot place
                    self.pool.submit(_ready)
        finally:
            if mask is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def close(self) -> None:
        self.pool.shutdown()
        self._remove()

    def abort(self) -> None:
        # Wait (briefly: its workers are terminated) for the pool's manager thread to
        # close its wake-up pipe. Left running, it races Python's exit hook, which
        # writes to that pipe: before CPython 3.12 the loser prints "Bad file
        # descriptor" with a traceback after the interrupt message. (Taken before
        # shutdown, which forgets it.)
        manager = getattr(self.pool, "_executor_manager_thread", None)
        for process in list((getattr(self.pool, "_processes", None) or {}).values()):
            process.terminate()
        self.pool.shutdown(wait=False, cancel_futures=True)
        if manager is not None:
            manager.join(timeout=5.0)
        self._remove()

    def _remove(self) -> None:
        try:
            os.unlink(self.path)
        except OSError:
            pass


class Pool:
    """The executor over ``jobs`` worker processes (see the module docstring)."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.workers: Workers | None = None
        self.serial = Serial()  # for too little work to share
        self.world: World | None = None
        self.options = CheckOptions()

    def start(self, world: World, options: CheckOptions, chains: ChainIndex, soon: bool = True) -> None:
        self.world, self.options = world, options
        self.serial.start(world, options, chains)
        if soon and self.jobs > 1 and len(world.norms) > 1:
            self.workers = Workers(world, self.jobs)  # they boot while the pairs are built

    def run(
        self,
        pairs: Iterable[Pair],
        total: int,
        first_round: bool = True,
        stop_at: float | None = None,
        progress: Progress | None = None,
    ) -> Analysis:
        if self.workers is not None and total <= 1:  # too little work to share: stop them unwaited
            self.workers.abort()
            self.workers = None
        if self.workers is None:
            return self.serial.run(pairs, total, first_round, stop_at, progress)
        workers, world, options = self.workers, self.world, self.options
        assert world is not None
        futures: list[Future] = [
            workers.pool.submit(_work, (batch, options.timeout, options.cache_dir, stop_at))
            for batch in batches(pairs, total, first_round, workers.jobs * 48)
        ]
        results = []
        for future in futures:
            while True:
                checkpoint()
                try:
                    results.append(future.result(timeout=0.2))
                    if progress is not None and first_round:
                        progress(len(results), len(futures))
                    break
                except FuturesTimeout:
                    continue
                except BrokenProcessPool:
                    checkpoint()  # a worker killed by the same Ctrl-C: report the interrupt
                    raise
        return merged(*(Analysis(from_rows(world, data), queries) for data, queries in results))

    def script(self) -> str | None:
        return None

    def close(self) -> None:
        self.serial.close()
        if self.workers is not None:
            self.workers.close()
            self.workers = None

    def abort(self) -> None:
        self.serial.abort()
        if self.workers is not None:
            self.workers.abort()
            self.workers = None
