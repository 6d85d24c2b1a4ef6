"""The ``treatycheck`` command line: its commands and their options (click is
imported only here, in ``cli_output`` and in ``entry``).

In: the arguments click parsed. Out: each command's report on standard output or
``--output``, and its exit code: 0 nothing at or above ``--fail-on``; 1 findings at
or above it (or a failed ``expect``); 2 the input could not be used. A user never
sees a traceback: input problems print ``FILE:LINE:COLUMN: error: message`` with the
line and a caret (see ``cli_output``). The program starts in ``entry``, which is the
only module that imports this one's ``main``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

import click

from . import api
from .casting import cast, parse_prefer
from .cli_analyses import control_cmd, overlap_cmd

# under the private names the commands are written with: they are cli's helpers,
# not part of its interface
from .cli_output import Refused as _Refused
from .cli_output import guard as _guard
from .cli_output import painter as _painter
from .cli_output import use_colour as _colour
from .cli_output import write_output
from .expectations import run_expectations
from .explain import decided_by, english, logic, only_in, precedence_words, unknown_ref
from .fmt import format_module
from .loader import expand_paths, read_source
from .model import ref_matches
from .readings import one_reading
from .report import Report
from .report.baseline import baseline_text, read_baseline, without
from .report.groups import GROUP_AT
from .report.sarif import to_sarif
from .report.text import render_conflict, render_diff, render_text
from .run import executor_for, run_check
from .search.execute import CheckOptions, Serial
from .syntax import parse as parse_text
from .world import World

if TYPE_CHECKING:  # pragma: no cover - typing only
    from distributed import Client
    from rich.progress import Progress, TaskID

from .cli_options import TIMEOUT, prefer_option, reading_option, solver_options, world_options
from .cli_options import cache_directory as _cache
from .cli_options import load as _load
from .cli_options import settled as _settled
from .cli_options import show_warnings as _warnings


def _exit_for(report: Report, fail_on: str) -> int:
    worst = report.worst()
    if fail_on == "never" or worst is None:
        return 0
    if fail_on == "warning" or worst == "error":
        return 1
    return 0


#: Seconds to wait for a ``--scheduler`` to answer before giving up.
SCHEDULER_CONNECT_SECONDS = 5


def _connect(address: str | None) -> Client | str | None:
    """A Dask client for ``--scheduler ADDRESS`` (None without one), or _Refused when
    the scheduler cannot be reached within SCHEDULER_CONNECT_SECONDS. Without Dask
    installed the address itself is returned, and the check says what to install."""
    if not address:
        return None
    try:
        from distributed import Client
        from distributed.comm.addressing import get_address_host_port, parse_address
        from distributed.comm.registry import get_backend
    except ImportError:
        return address
    try:
        # a malformed address is refused before a Client exists: a half-built one
        # hangs for seconds in its finaliser
        scheme = parse_address(address)[0]
        get_backend(scheme)
        if scheme in ("tcp", "tls", "ws", "wss"):
            get_address_host_port(address)
        return Client(address, timeout=SCHEDULER_CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError, TypeError) as e:
        raise _Refused(f"cannot reach the Dask scheduler at `{address}`: {e}") from None


class _Progress:
    """A progress bar on stderr, only on a terminal, shown once a check passes a second."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.enabled = _colour(sys.stderr)
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < 1.0:
            return
        from rich.console import Console
        from rich.progress import Progress

        if self.bar is None:
            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("checking pairs", total=total)
        assert self.task is not None  # added with the bar
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(api.VERSION, prog_name="treatycheck")
def main() -> None:
    """Check treaty clauses for conflicts."""


@main.command()
@click.argument("files", nargs=-1, required=True)
@world_options
@solver_options
@click.option("--all", "all_", is_flag=True, help="Also report conflicts among the built-in and --against files.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "sarif", "html"]), default="text", show_default=True
)
@click.option(
    "--baseline",
    metavar="FILE",
    help="Report and fail only on conflicts that FILE does not hold with the same severity and resolution.",
)
@click.option("--write-baseline", metavar="FILE", help="Write the conflicts found (id, severity, resolution) to FILE.")
@click.option("--emit-smt", metavar="FILE", help="Write every solver query, in order, as one SMT-LIB 2 script.")
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run the solving on the Dask cluster at ADDRESS (needs treatycheck[distributed]).",
)
@click.option(
    "--full",
    is_flag=True,
    help=f"Show every conflict in full (text); without it a norm in {GROUP_AT}+ conflicts is shown as a group.",
)
@reading_option
@prefer_option
def check(
    files,
    no_builtin,
    against,
    output,
    fail_on,
    timeout,
    jobs,
    deadline,
    cache_dir,
    no_cache,
    all_,
    fmt,
    baseline,
    write_baseline,
    emit_smt,
    scheduler,
    full,
    reading,
    prefer,
) -> None:
    """Report every conflict that involves a norm of FILES."""

    def run() -> int:
        known = read_baseline(baseline) if baseline else None
        # the script must hold every query, so nothing may come from the cache
        cache = None if emit_smt else _cache(cache_dir, no_cache)
        session = None
        reuse = None
        # the snapshot of the last check lets a re-check after an edit solve only what
        # the edit touched
        if cache is not None and deadline is None:
            from .incremental import Session

            # one snapshot per reading checked: its findings are that reading's
            session = Session.of(
                files,
                not no_builtin,
                against,
                cache,
                (all_, timeout) + ((reading,) if reading else ()) + ((parse_prefer(prefer),) if prefer else ()),
            )
            whole, reuse = session.load()
            _settled(whole)
        else:
            whole = _load(files, no_builtin, against)
        world = cast(one_reading(whole, reading), parse_prefer(prefer))
        _warnings(world)
        progress = _Progress()
        client = _connect(scheduler)
        options = CheckOptions(timeout, deadline, cache, bool(emit_smt), progress)
        # the script is one solver's: with --emit-smt the search runs in this process
        executor = Serial() if emit_smt else executor_for(jobs, client)
        try:
            report, analysis = run_check(world, all_, options, executor, reuse)
        finally:
            progress.close()
            if client is not None and not isinstance(client, str):
                client.close()
        if session is not None:
            session.save(whole, analysis)
        if emit_smt and analysis.smt is not None:
            write_output(analysis.smt, emit_smt)
        if write_baseline:
            write_output(baseline_text(report), write_baseline)
        if known is not None:
            report = without(report, known)
        if fmt == "json":
            write_output(report.to_json(), output)
        elif fmt == "html":
            from .control import control
            from .report.html import render_html

            # the page shows the whole world: every norm with its text and position,
            # and who decides the duties of the user's files
            who = control(world, timeout=timeout, cache_dir=_cache(cache_dir, no_cache)) if world.decided else None
            write_output(render_html(report, world, who), output)
        elif fmt == "sarif":
            data = to_sarif(report, world.user_files)
            write_output(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
        else:
            paint = _painter(output is None and _colour(sys.stdout))
            at = None if full else GROUP_AT
            write_output(render_text(report, world.sources, paint, at), output)
        return _exit_for(report, fail_on)

    _guard(run, fmt, output)


@main.command("parse")
@click.argument("files", nargs=-1, required=True)
@world_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def parse_cmd(files, no_builtin, against, output, fmt) -> None:
    """Check syntax and names; print each norm in logic and in plain words."""

    def run() -> int:
        world = _load(files, no_builtin, against)
        _warnings(world)
        shown = [n for n in world.norms if n.file in world.user_files]
        if fmt == "json":
            data = {
                "schema": "treatycheck/parse/v1",
                "files": [{"file": f, "treaties": list(ts)} for f, ts in world.files if f in world.user_files],
                "treaties": [
                    {
                        "id": t.id,
                        "title": t.title,
                        "signed": t.signed,
                        "in_force": t.in_force,
                        "status": t.status,
                        "commitment": t.commitment,
                        "parties": sorted(t.parties),
                        "precedence": [
                            {
                                "ref": c.ref,
                                "kind": c.kind,
                                "treaties": list(c.treaties),
                                "article": c.article,
                                "articles": list(c.articles),
                            }
                            for c in t.precedence
                        ],
                    }
                    for t in world.treaties
                    if t.file in world.user_files
                ],
                "norms": [
                    {
                        "ref": n.ref,
                        "modality": n.modality,
                        "file": n.file,
                        "line": at.span.line,
                        "column": at.span.column,
                        "text": at.text,
                        "variables": [list(v) for v in n.variables],
                        "logic": logic(world, n),
                        "english": english(world, n),
                    }
                    for n in shown
                    for at in [world.source_map.norm(n.ref)]
                ],
            }
            write_output(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
        else:
            out = []
            for n in shown:
                out.append(
                    f"{n.ref}  ({n.file}:{_at(world, n.ref)})\n  logic: {logic(world, n)}\n  words: {english(world, n)}"
                )
            out.append(
                f"{len(shown)} norm{'s' if len(shown) != 1 else ''} in {len(world.user_files)} file{'s' if len(world.user_files) != 1 else ''}: ok"
            )
            write_output("\n".join(out) + "\n", output)
        return 0

    _guard(run, fmt, output)


def _at(world: World, ref: str, kind: str = "norm") -> str:
    """``LINE:COLUMN`` where the sentence ``ref`` is written."""
    span = world.source_map.span(kind, ref)
    return f"{span.line}:{span.column}"


@main.command()
@click.argument("ref")
@click.argument("files", nargs=-1)
@world_options
@click.option("--timeout", type=TIMEOUT, default=10.0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reading_option
@prefer_option
def explain(ref, files, no_builtin, against, output, timeout, fmt, reading, prefer) -> None:
    """Show a norm (such as EST:2.1) or a precedence sentence (NAT:8) in plain words, with its conflicts."""

    def run() -> int:
        world = cast(one_reading(_load(files, no_builtin, against), reading), parse_prefer(prefer))
        _warnings(world)
        norms = [n for n in world.norms if ref_matches(ref, n.ref)]
        clauses = [c for t in world.treaties for c in t.precedence if ref_matches(ref, c.ref)]
        if not norms and not clauses:
            raise unknown_ref(world, ref)
        # a precedence sentence ranks its own treaty against others, but through a
        # displacement it also decides conflicts between norms of other treaties:
        # with a sentence to explain, every conflict is looked at
        only = None if clauses else frozenset(n.ref for n in norms)
        report, _ = run_check(world, only is None, CheckOptions(timeout=timeout), Serial(), None, only)
        decides = {c.ref: [k for k in report.conflicts if decided_by(k, c.ref)] for c in clauses}
        own = {n.ref for n in norms}
        decided = {k.id for ks in decides.values() for k in ks}
        conflicts = [k for k in report.conflicts if k.id in decided or any(x.ref in own for x in k.norms)]
        if fmt == "json":
            data = {
                "schema": "treatycheck/explain/v1",
                "norms": [
                    {
                        "ref": n.ref,
                        "logic": logic(world, n),
                        "english": english(world, n),
                        "text": world.source_map.norm(n.ref).text,
                    }
                    | ({"readings": list(n.readings)} if n.readings else {})
                    for n in norms
                ],
                "precedence": [
                    {
                        "ref": c.ref,
                        "treaty": c.treaty,
                        "kind": c.kind,
                        "treaties": list(c.treaties),
                        "text": at.text,
                        "file": at.span.file,
                        "line": at.span.line,
                        "column": at.span.column,
                        "english": f"{c.ref} {precedence_words(world, c)}.",
                        "decides": [k.id for k in decides[c.ref]],
                    }
                    | ({"readings": list(c.readings)} if c.readings else {})
                    for c in clauses
                    for at in [world.source_map.place("precedence", c.ref)]
                ],
                "conflicts": [k.to_dict() for k in conflicts],
            }
            write_output(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
            return 0
        paint = _painter(output is None and _colour(sys.stdout))
        out = []
        for n in norms:
            out.append(
                f"{paint(n.ref, 'bold')}  ({n.file}:{_at(world, n.ref)})\n  text:  {world.source_map.norm(n.ref).text}\n"
                f"  logic: {logic(world, n)}\n  words: {english(world, n)}" + only_in(n.readings)
            )
        for c in clauses:
            count = len(decides[c.ref])
            out.append(
                f"{paint(c.ref, 'bold')}  ({world.source_map.span('precedence', c.ref).file}:{_at(world, c.ref, 'precedence')})\n  text:  {world.source_map.place('precedence', c.ref).text}\n"
                f"  kind:  {c.kind}\n  words: {c.ref} {precedence_words(world, c)}.\n"
                f"  decides: {count} conflict{'s' if count != 1 else ''}" + only_in(c.readings)
            )
        if conflicts:
            out.append(f"{len(conflicts)} conflict{'s' if len(conflicts) != 1 else ''}:")
            out += [render_conflict(k, world.sources, paint) for k in conflicts]
        else:
            out.append("no conflicts")
        write_output("\n\n".join(out) + "\n", output)
        return 0

    _guard(run, fmt, output)


@main.command("test")
@click.argument("files", nargs=-1, required=True)
@world_options
@solver_options
@click.option("--each-file", is_flag=True, help="Read every file as a world of its own.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reading_option
def test_cmd(
    files, no_builtin, against, output, fail_on, timeout, jobs, deadline, cache_dir, no_cache, each_file, fmt, reading
) -> None:
    """Run the `expect` sentences in FILES; exit 1 if any fails."""

    def run() -> int:
        groups = [[f] for f in expand_paths(files)] if each_file else [list(files)]
        outcomes = []
        for group in groups:
            world = one_reading(_load(group, no_builtin, against), reading)
            _warnings(world)
            report = api.check(
                world,
                all_conflicts=True,
                timeout=timeout,
                jobs=jobs,
                cache_dir=_cache(cache_dir, no_cache),
                deadline=deadline,
            )
            outcomes += run_expectations(world, report, set(world.user_files))
        passed = sum(o.passed for o in outcomes)
        failed = len(outcomes) - passed
        if fmt == "json":
            data = {
                "schema": "treatycheck/test/v1",
                "expectations": [o.to_dict() for o in outcomes],
                "passed": passed,
                "failed": failed,
            }
            write_output(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
        else:
            paint = _painter(output is None and _colour(sys.stdout))
            lines = []
            for o in outcomes:
                e = o.expectation
                where = f"{e.file}:{e.span.line}:{e.span.column}"
                if o.passed:
                    lines.append(f"{paint('pass', 'green')} {where}: {o.text}")
                else:
                    lines.append(f"{paint('FAIL', 'bold red')} {where}: {o.text}\n     {o.detail}")
            lines.append(f"{passed} passed, {failed} failed")
            write_output("\n".join(lines) + "\n", output)
        return 1 if failed and fail_on != "never" else 0

    _guard(run, fmt, output)


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--no-builtin", is_flag=True, help="Do not load the built-in commitments library.")
@click.option("--against", multiple=True, metavar="FILE_OR_DIR", help="Context files for both versions.")
@click.option("--output", "-o", metavar="FILE", help="Write the report to FILE (atomically).")
@solver_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@reading_option
def diff_cmd(
    old, new, no_builtin, against, output, fail_on, timeout, jobs, deadline, cache_dir, no_cache, fmt, reading
) -> None:
    """What an edit changed: OLD and NEW are files, directories or git:REV:PATH."""

    def run() -> int:
        from .diff import diff

        before = one_reading(_load([old], no_builtin, against), reading)
        after = one_reading(_load([new], no_builtin, against), reading)
        report = diff(
            before, after, timeout=timeout, jobs=jobs, cache_dir=_cache(cache_dir, no_cache), deadline=deadline
        )
        if fmt == "json":
            write_output(report.to_json(), output)
        elif fmt == "html":
            from .report.html import render_diff_html

            write_output(render_diff_html(report, after), output)
        else:
            paint = _painter(output is None and _colour(sys.stdout))
            write_output(render_diff(report, after.sources, paint), output)
        return 1 if report.worsened(fail_on) else 0

    _guard(run, fmt, output)


@main.command("fmt")
@click.argument("files", nargs=-1, required=True)
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if a file is not in canonical layout.")
def fmt_cmd(files, check_only) -> None:
    """Print FILES in canonical layout (comments kept)."""

    def run() -> int:
        paths = expand_paths(files)
        texts = [(p, read_source(p)) for p in paths]
        modules = [parse_text(t, p) for p, t in texts]
        changed = 0
        chunks = []
        for (path, text), module in zip(texts, modules, strict=True):
            formatted = format_module(module)
            if check_only:
                if formatted != text:
                    changed += 1
                    click.echo(f"{path}: not in canonical layout", err=True)
            else:
                chunks.append((f"# ==> {path}\n" if len(paths) > 1 else "") + formatted)
        if check_only:
            return 1 if changed else 0
        write_output("\n".join(chunks), None)
        return 0

    _guard(run)


main.add_command(control_cmd)
main.add_command(overlap_cmd)


if __name__ == "__main__":  # pragma: no cover - ``python -m treatycheck.cli``
    # click's own standalone mode; it differs from ``entry`` only for a Ctrl-C that
    # falls outside every command's guard. Importing ``entry`` here would make a cycle.
    main()
