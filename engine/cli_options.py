"""The options and helpers the command line's commands share: loading a world,
its warnings, the world, reading and solver options, the cache directory.

In: what click parsed. Out: a loaded world, or option decorators. click is
imported here, in ``cli`` and ``cli_output`` only.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from . import api
from .diagnostics import MAX_SHOWN, render_all
from .world import World

#: A command function, given back by the option decorators with its type.
F = TypeVar("F", bound=Callable[..., Any])


def load(files: Sequence[str], no_builtin: bool, against: Sequence[str]) -> World:
    return settled(api.load(files, builtin=not no_builtin, against=against))


def settled(world: World) -> World:
    """The world, with everything allocated so far moved out of the cycle collector's
    sight (``gc.freeze``): the world lives until the command ends, and the solving
    that follows allocates steadily, so each collection would walk the whole world
    again (about 7% of a check of 10,000 norms). A command-line process only; the
    library leaves the collector alone."""
    gc.freeze()
    return world


def show_warnings(world: World) -> None:
    if world.warnings:
        click.echo(render_all(world.warnings, world.sources, MAX_SHOWN), err=True)


class _Seconds(click.FloatRange):
    """A number of seconds within a range. A plain FloatRange lets ``nan`` through
    (every comparison with it is false), and Z3 takes its time limit in milliseconds
    as an unsigned 32-bit number, so the bounds are finite and checked."""

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        return float(seconds)


#: ``--timeout``: one solver query, at most a day (86,400,000 ms fits Z3's limit).
TIMEOUT = _Seconds(min=0.001, max=86_400)
#: ``--deadline``: the whole search, at most a year.
DEADLINE = _Seconds(min=0.001, max=366 * 86_400)


def world_options(fn: F) -> F:
    fn = click.option("--no-builtin", is_flag=True, help="Do not load the built-in commitments library.")(fn)
    fn = click.option(
        "--against",
        multiple=True,
        metavar="FILE_OR_DIR",
        help="Context files: read, but their own conflicts are not reported.",
    )(fn)
    fn = click.option("--output", "-o", metavar="FILE", help="Write the report to FILE (atomically).")(fn)
    return fn


def reading_option(fn: F) -> F:
    return click.option(
        "--reading", metavar="NAME", help="Check one declared reading only (the report then has no `readings`)."
    )(fn)


def prefer_option(fn: F) -> F:
    return click.option(
        "--prefer",
        metavar="ENTITY,...",
        help="Cast these entities first, in this order, in every scenario where a role allows (e.g. RU,GE,PL).",
    )(fn)


def solver_options(fn: F) -> F:
    fn = click.option(
        "--fail-on", type=click.Choice(["error", "warning", "never"]), default="error", show_default=True
    )(fn)
    fn = click.option("--timeout", type=TIMEOUT, default=10.0, show_default=True, help="Seconds per solver query.")(fn)
    fn = click.option(
        "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes."
    )(fn)
    fn = click.option(
        "--deadline",
        type=DEADLINE,
        help="Seconds for the whole check; pairs not reached are `unknown`.",
    )(fn)
    fn = click.option(
        "--cache-dir",
        metavar="DIR",
        envvar="TREATYCHECK_CACHE_DIR",
        help="Where verdicts are cached between runs (default: the user cache directory).",
    )(fn)
    fn = click.option("--no-cache", is_flag=True, help="Neither read nor write the verdict cache.")(fn)
    return fn


def cache_directory(cache_dir: str | None, no_cache: bool) -> str | None:
    if no_cache:
        return None
    from .cache import default_directory

    return cache_dir or default_directory()
