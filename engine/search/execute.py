"""Executors: who examines the planned pairs. Serial here; a process pool in
:mod:`treatycheck.search.pool`, a Dask cluster in :mod:`treatycheck.search.cluster`.

Every executor has the same three steps, driven by :func:`treatycheck.analysis.analyse`:

- ``start(world, options, chains, soon)``: called as soon as the world is known, so
  that worker processes boot while the candidate pairs are built; ``soon`` is False
  when few pairs are expected (a snapshot re-check), and then nothing is started;
- ``run(pairs, total, first_round, stop_at, progress) -> Analysis``: examine one
  round of the plan (an iterable in canonical order; ``total`` is the number of
  candidate pairs, for sizing batches) and return its findings, sorted;
- ``close()`` after the last round, ``abort()`` on an error or Ctrl-C.

Findings are the same whichever executor ran them: each pair's answer depends only
on the pair and the world (see :mod:`treatycheck.search.pair`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from ..index import ChainIndex
from ..world import World
from .examine import Examiner
from .pair import EMPTY_SCRIPT
from .result import Analysis, Pair

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CheckOptions:
    """What a check's findings may depend on besides the world and the focus.

    ``timeout``: seconds per solver query; ``deadline``: seconds for the whole
    search, after which undecided pairs are ``unknown``; ``cache_dir``: the verdict
    cache (None: none); ``emit_smt``: keep the SMT-LIB script of every query (the
    serial executor only); ``progress(done, total)``: called now and then.
    """

    timeout: float = 10.0
    deadline: float | None = None
    cache_dir: str | None = None
    emit_smt: bool = False
    progress: Progress | None = None


class Executor(Protocol):
    """Examines rounds of planned pairs (see the module docstring)."""

    def start(self, world: World, options: CheckOptions, chains: ChainIndex, soon: bool) -> None: ...

    def run(
        self, pairs: Iterable[Pair], total: int, first_round: bool, stop_at: float | None, progress: Progress | None
    ) -> Analysis: ...

    def script(self) -> str | None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


class Serial:
    """Every pair in this process, with one examiner (one solver, memo and cache)
    for the whole check, made when the first pair comes."""

    def __init__(self) -> None:
        self.examiner: Examiner | None = None
        self.setup: tuple[World, CheckOptions, ChainIndex] | None = None

    def start(self, world: World, options: CheckOptions, chains: ChainIndex, soon: bool = True) -> None:
        # started again (the next reading's world): a fresh examiner for it
        if self.examiner is not None:
            self.examiner.close()
            self.examiner = None
        self.setup = (world, options, chains)

    def run(
        self,
        pairs: Iterable[Pair],
        total: int,
        first_round: bool = True,
        stop_at: float | None = None,
        progress: Progress | None = None,
    ) -> Analysis:
        if self.examiner is None:
            assert self.setup is not None, "start() first"
            world, options, chains = self.setup
            if total == 0 and not options.emit_smt:
                return Analysis([])  # nothing to ask: no solver to build
            self.examiner = Examiner(world, options.timeout, options.cache_dir, chains, record=options.emit_smt)
        return self.examiner.run(pairs, total, stop_at, progress)

    def script(self) -> str | None:
        if self.setup is None or not self.setup[1].emit_smt:
            return None
        return EMPTY_SCRIPT if self.examiner is None else self.examiner.script()

    def close(self) -> None:
        if self.examiner is not None:
            self.examiner.close()

    def abort(self) -> None:
        self.close()


def batches(pairs: Iterable[Pair], total: int, first_round: bool, parts: int) -> Iterator[list[Pair]]:
    """One round of the plan cut into contiguous runs of the canonical order, about
    ``parts`` of them (more than workers, so that none idles at the end). The first
    round is lazy and its length not known until every pair is classed, so its runs
    are sized on the benchmark's ratio, about one class for 8 of the ``total``
    candidate pairs; the second round's length is known."""
    if first_round:
        size = max(4, min(256, total // (8 * parts)))
    else:
        pairs = list(pairs)
        size = max(1, -(-len(pairs) // parts))
    batch: list[Pair] = []
    for pair in pairs:
        batch.append(pair)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
