"""Running the search on a Dask cluster (``--scheduler ADDRESS``): the ``Cluster``
executor.

The same work as :mod:`treatycheck.search.pool`, on an existing Dask cluster. Z3
objects never cross a process: the picklable World is scattered to the workers once,
and each task examines one contiguous batch of a round of the plan with its own
examiner (batches are formed as for local jobs). Findings are merged and sorted, so
the report is the same as a serial run's. Needs ``pip install treatycheck[distributed]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..codes import Code
from ..diagnostics import Diagnostic, TreatyError
from ..index import ChainIndex
from ..interrupt import checkpoint
from ..world import World
from .examine import Examiner
from .execute import CheckOptions, Progress, Serial, batches
from .result import Analysis, Pair, from_rows, merged, to_rows


def _task(world: World, pairs: list[Pair], timeout: float, stop_at: float | None) -> tuple[list[tuple], int]:
    analysis = Examiner(world, timeout).run(pairs, len(pairs), stop_at)
    return to_rows(analysis.findings), analysis.queries


class Cluster:
    """The executor on the Dask cluster at ``scheduler`` (an address such as
    ``tcp://10.0.0.5:8786``, or a ``distributed.Client``)."""

    def __init__(self, scheduler: object, tasks: int = 0):
        self.scheduler = scheduler
        self.tasks = tasks
        self.serial = Serial()  # for no work at all, or a snapshot re-check
        self.client: Any = None
        self.own = False
        self.remote: Any = None
        self.world: World | None = None
        self.options = CheckOptions()
        self.soon = True

    def start(self, world: World, options: CheckOptions, chains: ChainIndex, soon: bool = True) -> None:
        self.world, self.options, self.soon = world, options, soon
        self.serial.start(world, options, chains)

    def _connect(self) -> Any:
        try:
            from distributed import Client
        except ImportError:
            message = "`--scheduler` needs Dask: pip install 'treatycheck[distributed]'"
            raise TreatyError([Diagnostic.of(Code.NEEDS_DASK, message)]) from None
        if self.client is None:
            self.own = not isinstance(self.scheduler, Client)
            self.client = Client(self.scheduler) if self.own else self.scheduler
            self.remote = self.client.scatter(self.world, broadcast=True)
        return self.client

    def run(
        self,
        pairs: Iterable[Pair],
        total: int,
        first_round: bool = True,
        stop_at: float | None = None,
        progress: Progress | None = None,
    ) -> Analysis:
        if not self.soon or total == 0:
            return self.serial.run(pairs, total, first_round, stop_at, progress)
        from distributed import wait

        client = self._connect()
        world = self.world
        assert world is not None
        parts = (self.tasks or max(2, sum(client.nthreads().values()))) * 4
        futures = [
            client.submit(_task, self.remote, batch, self.options.timeout, stop_at, pure=False)
            for batch in batches(pairs, total, first_round, parts)
        ]
        while True:  # wake up twice a second, for Ctrl-C and the progress bar
            checkpoint()
            if progress is not None and first_round:
                progress(sum(f.done() for f in futures), len(futures))
            try:
                wait(futures, timeout=0.5)
                break
            except TimeoutError:
                continue
        return merged(*(Analysis(from_rows(world, data), q) for data, q in client.gather(futures)))

    def script(self) -> str | None:
        return None

    def close(self) -> None:
        self.serial.close()
        if self.own and self.client is not None:
            self.client.close()
        self.client = None

    def abort(self) -> None:
        self.close()
