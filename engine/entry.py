"""The program's entry (``treatycheck`` and ``python -m treatycheck``).

In: ``sys.argv``. Out: the exit code of the command it names. This is the one module
that imports ``cli``'s command group, and ``cli`` never imports it back.

It imports nothing heavy itself, so that a Ctrl-C while Python is still importing
Z3, Lark and click (a few tenths of a second) is caught here, like one at any later
point: ``treatycheck: interrupted`` and exit 130, never a traceback. Click's own
reaction to Ctrl-C (``Aborted!``, exit 1) is replaced the same way.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:  # pragma: no cover - typing only
    import click


def _interrupted() -> NoReturn:
    """Say so and exit 130. Nothing has started that needs closing (no worker, no
    file), and ``os._exit`` is needed: a KeyboardInterrupt that passed through C code
    running Python source (some extension modules do, on import) makes CPython end
    the process with SIGINT at exit, whatever code ``sys.exit`` was given."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the exit
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is sys.stderr:
                stream.write("treatycheck: interrupted\n")
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(130)


def main() -> None:
    """Run the command line on ``sys.argv``; exits with the command's code."""
    try:
        from .cli import main as command

        code = _run(command)
    except KeyboardInterrupt:
        _interrupted()
    except Exception as e:
        # Python wraps an exception raised while a class is being made (a dataclass
        # field's __set_name__, on import) in a RuntimeError: a Ctrl-C then arrives
        # as its cause
        if _from_interrupt(e):
            _interrupted()
        raise
    sys.exit(code)


def _from_interrupt(e: BaseException) -> bool:
    """Does ``e`` come from a KeyboardInterrupt (its cause or context, at any depth)?"""
    seen: set[int] = set()
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, KeyboardInterrupt):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def _run(command: click.Command) -> int:
    """Click's standalone mode, except that Ctrl-C exits 130."""
    import click

    try:
        code = command.main(standalone_mode=False)
    except click.exceptions.Abort as e:
        if isinstance(e.__cause__, KeyboardInterrupt):
            _interrupted()
        click.echo("Aborted!", err=True)
        return 1
    except click.ClickException as e:  # a usage error: exit 2 with click's message
        e.show()
        return e.exit_code
    return code if isinstance(code, int) else 0
