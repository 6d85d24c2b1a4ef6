"""Running a check on a Dask cluster (``--scheduler ADDRESS``).

``analyse_dask(world, pairs, ...) -> Analysis``: the same work as
:mod:`treatycheck.parallel`, on an existing Dask cluster. Z3 objects never cross a
process: the picklable World is scattered to the workers once, and each task
examines one contiguous batch of the candidate pairs in its own Z3 context (batches
are formed as for local jobs). Findings are merged and sorted,
so the report is the same as a serial run's. Needs ``pip install treatycheck[distributed]``.
"""

from __future__ import annotations

from collections.abc import Callable

from .analysis import Analysis, Finding, analyse_pairs, by_class
from .diagnostics import Diagnostic, TreatyError
from .index import Candidate
from .interrupt import checkpoint
from .world import World


def _task(
    world: World, pairs: list[tuple[str, str, str]], timeout: float, stop_at: float | None
) -> tuple[list[tuple], int]:
    from .analysis import rows

    analysis = analyse_pairs(world, pairs, timeout, None, stop_at=stop_at)
    return rows(analysis), analysis.queries


def analyse_dask(
    world: World,
    pairs: list[Candidate],
    timeout: float,
    scheduler: str,
    tasks: int = 0,
    progress: Callable[[int, int], None] | None = None,
    deadline: float | None = None,
) -> Analysis:
    """Examine the candidate pairs on the Dask cluster at ``scheduler`` (an address
    such as ``tcp://10.0.0.5:8786``, or a ``distributed.Client``)."""
    try:
        from distributed import Client, wait
    except ImportError:
        raise TreatyError(
            [
                Diagnostic(
                    "E300",
                    "error",
                    "`--scheduler` needs Dask: pip install 'treatycheck[distributed]'",
                )
            ]
        ) from None
    import time

    from .analysis import findings_from

    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        n = tasks or max(2, sum(client.nthreads().values()))
        stop_at = None if deadline is None else time.time() + deadline
        remote_world = client.scatter(world, broadcast=True)

        def submit(batch: list[tuple[str, str, str]]) -> object:
            return client.submit(_task, remote_world, batch, timeout, stop_at, pure=False)

        def gather(futures: list, first_round: bool) -> Analysis:
            while True:  # wake up twice a second, for Ctrl-C and the progress bar
                checkpoint()
                if progress is not None and first_round:
                    progress(sum(f.done() for f in futures), len(futures))
                try:
                    wait(futures, timeout=0.5)
                    break
                except TimeoutError:
                    continue
            findings: list[Finding] = []
            queries = 0
            for data, q in client.gather(futures):
                queries += q
                findings += findings_from(world, data)
            return Analysis(findings, queries)

        return by_class(world, pairs, submit, gather, n * 4)
    finally:
        if own:
            client.close()
