"""The ``control`` and ``overlap`` commands: who decides a duty, and what a text adds.

In: FILES and the shared world, reading and solver options. Out: the report
(text or json) on standard output or ``--output``; exit 0 (these analyses find
facts, not faults), 2 when the input cannot be used.
"""

from __future__ import annotations

import sys

import click

from .cli_options import TIMEOUT, F, cache_directory, load, reading_option, show_warnings, world_options
from .cli_output import guard, painter, use_colour, write_output
from .readings import one_reading
from .world import World

_TIMEOUT = click.option("--timeout", type=TIMEOUT, default=10.0, show_default=True, help="Seconds per solver query.")


def _world(files: tuple[str, ...], no_builtin: bool, against: tuple[str, ...], reading: str | None) -> World:
    """The world to analyse: one reading of it (the first declared, if not named)."""
    world = load(files, no_builtin, against)
    if reading is None and world.readings:
        reading = world.readings[0].name
        click.echo(f"treatycheck: analysing reading `{reading}` (--reading to choose another)", err=True)
    return one_reading(world, reading)


def _cache_options(fn: F) -> F:
    fn = click.option(
        "--cache-dir", metavar="DIR", envvar="TREATYCHECK_CACHE_DIR", help="Where results are cached between runs."
    )(fn)
    return click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")(fn)


@click.command("control")
@click.argument("files", nargs=-1, required=True)
@world_options
@_TIMEOUT
@_cache_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reading_option
def control_cmd(files, no_builtin, against, output, timeout, cache_dir, no_cache, fmt, reading) -> None:
    """Who controls each obligation and prohibition of FILES: the entities whose
    consent or opinion (`decided by`) switches a bearer's duty on or off."""

    def run() -> int:
        from .control import control
        from .report.analyses_text import render_control

        world = _world(files, no_builtin, against, reading)
        show_warnings(world)
        report = control(world, timeout=timeout, cache_dir=cache_directory(cache_dir, no_cache))
        if fmt == "json":
            write_output(report.to_json(), output)
        else:
            write_output(render_control(report, painter(output is None and use_colour(sys.stdout))), output)
        return 0

    guard(run, fmt, output)


@click.command("overlap")
@click.argument("files", nargs=-1, required=True)
@world_options
@_TIMEOUT
@_cache_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reading_option
def overlap_cmd(files, no_builtin, against, output, timeout, cache_dir, no_cache, fmt, reading) -> None:
    """What each norm of FILES adds to the other instruments: covered by, equivalent
    to, or new (with a scenario only it reaches)."""

    def run() -> int:
        from .overlap import overlap
        from .report.analyses_text import render_overlap

        world = _world(files, no_builtin, against, reading)
        show_warnings(world)
        report = overlap(world, timeout=timeout, cache_dir=cache_directory(cache_dir, no_cache))
        if fmt == "json":
            write_output(report.to_json(), output)
        else:
            write_output(render_overlap(report, painter(output is None and use_colour(sys.stdout))), output)
        return 0

    guard(run, fmt, output)
