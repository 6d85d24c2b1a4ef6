"""How a command's result and its failures reach the user: standard output or
``--output``, colour, and the exit code.

In: the text a command made, or the exception that stopped it. Out: the text written
(a file whole or not at all), and an exit with a code and a one-line message, never
a traceback: the command's own code (0, or 1 for findings), 2 for input or output
that cannot be used (with ``--format json`` or ``sarif`` an error document is also
written), 3 for an internal error, 130 for Ctrl-C, 141 when standard output's reader
has gone.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import NoReturn

import click

from . import api, interrupt
from .diagnostics import MAX_SHOWN, TreatyError, render_all
from .files import FileError, write_file
from .loader import read_source


def use_colour(stream: object) -> bool:
    """Colour for ``stream``: only on a terminal, and never with ``NO_COLOR`` set."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def painter(enabled: bool) -> Callable[[str, str], str]:
    """``paint(text, style)`` with ANSI styles (``bold``, ``red`` ...), or returning
    the text as it is when colour is off."""
    if not enabled:
        return lambda text, style: text
    codes = {"bold": "1", "red": "31", "yellow": "33", "blue": "34", "green": "32"}

    def paint(text: str, style: str) -> str:
        seq = ";".join(codes[s] for s in style.split() if s in codes)
        return f"\x1b[{seq}m{text}\x1b[0m" if seq else text

    return paint


class Refused(Exception):
    """A request that cannot be carried out, with no position in a file (an
    unreachable ``--scheduler``): ``treatycheck: error: MESSAGE``, exit 2."""


class StdoutClosed(Exception):
    """The reader of standard output went away (``treatycheck ... | head -1``)."""


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that Python's last flush of
    what could not be written does not fail again, with a traceback, at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)  # opened, never replaced
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def write_output(text: str, output: str | None) -> None:
    """Print ``text`` on standard output, or write it to the file ``output``: a
    regular file whole or not at all, with ordinary permissions; a device or FIFO as
    a stream (see :func:`~treatycheck.files.write_file`). A Ctrl-C pressed before
    this call (during the last steps of a command) writes nothing. Raises FileError
    when the output cannot be written, StdoutClosed when standard output's reader
    has gone."""
    interrupt.checkpoint()
    if output is not None:
        write_file(output, text.encode("utf-8"))
        return
    try:
        click.echo(text, nl=False)
    except BrokenPipeError:
        _quiet_stdout()
        raise StdoutClosed from None
    except OSError as e:  # /dev/full, a disk that filled up, an I/O error
        _quiet_stdout()
        raise FileError(f"cannot write to standard output: {e.strerror or e}") from None


def _fail(err: TreatyError, fmt: str = "text", output: str | None = None) -> NoReturn:
    """Report input that cannot be used, and exit 2.

    In: the error, and the command's ``--format`` and ``--output``. The diagnostics
    always go to standard error, as ``FILE:LINE:COLUMN: error: message`` with the
    source line; with ``json`` or ``sarif`` an error document is also written where
    the report would have gone (:func:`_error_document`), so that a CI job that
    uploads or parses the file finds one. Out: never returns.
    """
    sources = dict(err.sources)
    for d in err.diagnostics:
        if d.span is not None and d.span.file not in sources and os.path.isfile(d.span.file):
            try:
                sources[d.span.file] = read_source(d.span.file)
            except TreatyError:
                pass
    click.echo(render_all(err.diagnostics, sources, MAX_SHOWN), err=True)
    errors = sum(d.severity == "error" for d in err.diagnostics)
    click.echo(f"treatycheck: {errors} error{'s' if errors != 1 else ''}; nothing was checked", err=True)
    if fmt in ("json", "sarif"):
        _error_document(err, fmt, output)
    sys.exit(2)


def _error_document(err: TreatyError, fmt: str, output: str | None) -> None:
    """Write the ``treatycheck/errors/v1`` JSON or the SARIF log of a refused run to
    ``output`` (standard output without one). A document that cannot be written is
    said on standard error; the exit code stays 2 either way."""
    from .report import error_document
    from .report.sarif import errors_to_sarif

    ctx = click.get_current_context(silent=True)
    command = ctx.info_name if ctx is not None and ctx.info_name else "treatycheck"
    data = (
        errors_to_sarif(err.diagnostics, api.VERSION)
        if fmt == "sarif"
        else error_document(err.diagnostics, api.VERSION, command)
    )
    try:
        write_output(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
    except StdoutClosed:
        pass  # nobody is reading: nothing to say, and exit 2 says the rest
    except FileError as e:
        click.echo(f"treatycheck: error: {e}", err=True)


def guard(fn: Callable[[], int | None], fmt: str = "text", output: str | None = None) -> None:
    """Run a command's body and exit with its code, turning every failure into a
    message and an exit code (never a traceback). ``fmt`` and ``output`` are the
    command's ``--format`` and ``--output``: with ``json`` or ``sarif``, input that
    cannot be used still writes an error document there (see :func:`_fail`)."""
    interrupt.install()
    try:
        code = fn()
    except TreatyError as err:
        _fail(err, fmt, output)
    except KeyboardInterrupt:
        click.echo("treatycheck: interrupted", err=True)
        sys.exit(130)
    except click.exceptions.Exit:
        raise
    except StdoutClosed:
        # as a program killed by SIGPIPE would (128 + 13), but without dying of it:
        # SIGPIPE stays ignored so that a closed socket to a worker is an error
        sys.exit(141)
    except (FileError, Refused) as exc:  # an output that cannot be written, an unreachable scheduler
        click.echo(f"treatycheck: error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # never a traceback for a user
        click.echo(f"treatycheck: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("treatycheck: please report this with the input that caused it", err=True)
        sys.exit(3)
    sys.exit(code or 0)
