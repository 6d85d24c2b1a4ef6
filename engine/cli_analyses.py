"""The ``control`` and ``overlap`` commands: who decides a duty, and what a text adds.

In: FILES and the shared world, reading and solver options. Out: the report
(text or json) on standard output or ``--output``; exit 0 (these analyses find
facts, not faults), 2 when the input cannot be used.
"""

from __future__ import annotations

import sys

import click

from .casting import cast, parse_prefer
from .cli_options import TIMEOUT, F, cache_directory, load, prefer_option, reading_option, show_warnings, world_options
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


def _analysis_options(fn: F) -> F:
    fn = reading_option(fn)
    fn = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)(fn)
    fn = _cache_options(fn)
    fn = _TIMEOUT(fn)
    fn = world_options(fn)
    return click.argument("files", nargs=-1, required=True)(fn)


def _run(which: str, files, no_builtin, against, output, timeout, cache_dir, no_cache, fmt, reading, prefer) -> None:
    """Load the world, run ``control`` or ``overlap`` on it, write the report."""

    def run() -> int:
        from .report import analyses_text

        world = cast(_world(files, no_builtin, against, reading), parse_prefer(prefer))
        show_warnings(world)
        if which == "control":
            from .control import control as analyse

            render = analyses_text.render_control
        else:
            from .overlap import overlap as analyse  # type: ignore[assignment]

            render = analyses_text.render_overlap  # type: ignore[assignment]
        report = analyse(world, timeout=timeout, cache_dir=cache_directory(cache_dir, no_cache))
        if fmt == "json":
            write_output(report.to_json(), output)
        else:
            write_output(render(report, painter(output is None and use_colour(sys.stdout))), output)
        return 0

    guard(run, fmt, output)


@click.command("control")
@_analysis_options
@prefer_option
def control_cmd(files, no_builtin, against, output, timeout, cache_dir, no_cache, fmt, reading, prefer) -> None:
    """Who controls each obligation and prohibition of FILES: the entities whose
    consent or opinion (`decided by`) switches a bearer's duty on or off."""
    _run("control", files, no_builtin, against, output, timeout, cache_dir, no_cache, fmt, reading, prefer)


@click.command("overlap")
@_analysis_options
def overlap_cmd(files, no_builtin, against, output, timeout, cache_dir, no_cache, fmt, reading) -> None:
    """What each norm of FILES adds to the other instruments: covered by, equivalent
    to, or new (with a scenario only it reaches)."""
    _run("overlap", files, no_builtin, against, output, timeout, cache_dir, no_cache, fmt, reading, None)
