"""One check: a world in, its report (and the analysis behind it) out.

``run_check(world, all_conflicts, options, executor, snapshot) -> (Report, Analysis)``
focuses the search on the user's files, runs :func:`treatycheck.analysis.analyse`
with the executor chosen by :func:`executor_for`, and builds the report. The API
(:mod:`treatycheck.api`), ``diff`` and the incremental re-check all check this way.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .analysis import analyse
from .report import Report
from .report.build import build_report
from .search.execute import CheckOptions, Executor, Serial
from .search.result import Analysis
from .version import VERSION
from .world import World

if TYPE_CHECKING:
    from .incremental import Reuse


def focus_refs(world: World) -> frozenset[str]:
    """Refs of the norms written in the user's files."""
    return frozenset(n.ref for n in world.norms if n.file in world.user_files)


def executor_for(jobs: int = 1, scheduler: object | None = None) -> Executor:
    """Who examines the pairs: the Dask cluster at ``scheduler`` (an address or a
    ``distributed.Client``), else ``jobs`` worker processes, else this process."""
    if scheduler is not None:
        from .search.cluster import Cluster

        return Cluster(scheduler)
    if jobs > 1:
        from .search.pool import Pool

        return Pool(jobs)
    return Serial()


def run_check(
    world: World,
    all_conflicts: bool,
    options: CheckOptions,
    executor: Executor,
    reuse: Reuse | None,
    only: frozenset[str] | None = None,
) -> tuple[Report, Analysis]:
    """The report of one check and the analysis it was built from: the conflicts
    of a norm in the user's files (of any norm with ``all_conflicts``; of a norm in
    ``only`` when given, as ``explain`` asks). A world with readings is checked once
    per reading and the reports merged (:mod:`treatycheck.readings`); the analysis
    is then the first reading's."""
    if world.readings:
        from .readings import check_readings

        def one(w: World, given: Reuse | None) -> tuple[Report, Analysis]:
            return run_check(w, all_conflicts, options, executor, given, only)

        size = len(world.norms) if all_conflicts else len(only if only is not None else focus_refs(world))
        return check_readings(world, one, reuse, size)
    start = time.perf_counter()
    focus = None if all_conflicts else only if only is not None else focus_refs(world)
    snapshot = reuse if reuse is not None and reuse.changed is not None else None
    analysis = analyse(world, focus, options, executor, snapshot)
    n = len(world.norms) if focus is None else len(focus)
    return build_report(world, analysis, time.perf_counter() - start, VERSION, n), analysis
