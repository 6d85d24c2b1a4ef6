"""The Python API behind ``import treatycheck``: load, loads, parse, check."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from . import model as m
from .loader import load_world
from .report import Report
from .run import executor_for, focus_refs, run_check
from .search.execute import CheckOptions, Serial
from .syntax import parse as parse_module
from .version import VERSION
from .world import World

if TYPE_CHECKING:
    from .incremental import Reuse

__all__ = ["VERSION", "CheckOptions", "check", "check_files", "executor_for", "focus_refs", "load", "loads", "parse"]


Paths = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def _paths(paths: Paths) -> list[str]:
    """One path (``str`` or ``os.PathLike``) or an iterable of them, as a list of
    strings: a single ``"file.treaty"`` is one file, not its characters."""
    if isinstance(paths, str | os.PathLike):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def load(paths: Paths, builtin: bool = True, against: Paths = ()) -> World:
    """Read treaty files (and directories of them) into one checked world.

    ``paths`` and ``against`` are each a path (``str`` or ``pathlib.Path``) or an
    iterable of them. Raises :class:`treatycheck.TreatyError` when a file cannot be used.
    """
    return load_world(_paths(paths), builtin=builtin, against=_paths(against))


def loads(text: str, filename: str = "<string>", builtin: bool = False) -> World:
    """Like :func:`load`, from a string."""
    return load_world([], builtin=builtin, texts=[(filename, text)])


def parse(text: str, filename: str = "<string>") -> m.Module:
    """Syntax only: the parsed module. Raises :class:`treatycheck.TreatySyntaxError`."""
    return parse_module(text, filename)


def check(
    world: World,
    all_conflicts: bool = False,
    timeout: float = 10.0,
    jobs: int = 1,
    cache_dir: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    deadline: float | None = None,
    emit: list[str] | None = None,
    scheduler: object | None = None,
    reuse: Reuse | None = None,
    reading: str | None = None,
    prefer: Sequence[str] = (),
) -> Report:
    """Every conflict that involves a norm of the user's files (all with
    ``all_conflicts``), resolved, replayed and in canonical order.

    ``jobs`` worker processes share the solving; ``cache_dir`` keeps verdicts
    between runs (none by default). The report is the same whatever either is.
    Pairs not decided within ``deadline`` seconds are ``unknown``; with ``emit`` (a
    list) the SMT-LIB script of every query is appended to it (the solving then
    runs in this process). ``scheduler`` (a Dask scheduler address or
    ``distributed.Client``) runs the solving on a Dask cluster. ``reuse`` (from
    :class:`treatycheck.incremental.Session`) limits the solving to the pairs an
    edit touched. A world with readings is checked once per reading and the
    report merged (``Conflict.readings``); ``reading`` checks that one reading only
    (a :class:`TreatyError`, E302, if the world declares no such reading).
    ``prefer`` (entity names) casts those entities first, in that order, in every
    scenario where a role allows (``--prefer``; E303 for an undeclared name): it
    changes the scenarios shown, never the findings.
    """
    if reading is not None:
        from .readings import one_reading

        world = one_reading(world, reading)
        reuse = None
    if prefer:
        from .casting import cast

        world = cast(world, tuple(prefer))
        reuse = None  # a snapshot's scenarios were cast without it
    options = CheckOptions(timeout, deadline, cache_dir, emit is not None, progress)
    executor = Serial() if emit is not None else executor_for(jobs, scheduler)
    report, analysis = run_check(world, all_conflicts, options, executor, reuse)
    if emit is not None and analysis.smt is not None:
        emit.append(analysis.smt)
    return report


def check_files(
    paths: Paths,
    builtin: bool = True,
    against: Paths = (),
    all_conflicts: bool = False,
    timeout: float = 10.0,
    jobs: int = 1,
    cache_dir: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    deadline: float | None = None,
    scheduler: object | None = None,
) -> Report:
    """``check(load(paths, builtin, against), ...)`` in one step, the way the command
    line does it: with a ``cache_dir``, a re-check of the same files starts from the
    snapshot the previous one left there, so that after an edit to treaty files only
    those files are parsed and only the pairs of the changed norms are solved. The
    report is the same either way, and ``report.world`` is the world checked, as
    :func:`load` gives it.
    """
    session = reuse = None
    if cache_dir is None or deadline is not None:
        world = load(paths, builtin, against)
    else:
        from .incremental import Session

        session = Session.of(_paths(paths), builtin, _paths(against), cache_dir, (all_conflicts, timeout))
        world, reuse = session.load()
    options = CheckOptions(timeout, deadline, cache_dir, False, progress)
    report, analysis = run_check(world, all_conflicts, options, executor_for(jobs, scheduler), reuse)
    if session is not None:
        session.save(world, analysis)
    return report
