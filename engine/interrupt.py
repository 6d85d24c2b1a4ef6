"""Ctrl-C for the command line: stop at the next safe point, within a second.

A KeyboardInterrupt raised at an arbitrary bytecode can land inside a ctypes call
into Z3 or inside the parser, where it surfaces as some other error. The command
line therefore installs :func:`install`: the signal only sets a flag, and the stages
call :func:`checkpoint` between units of work (a pair, a file, a sentence), which
raises KeyboardInterrupt there. A second Ctrl-C exits at once. Library users who do
not install it keep Python's default behaviour.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

requested = False


def _handler(signum: int, frame: FrameType | None) -> None:
    global requested
    if requested:  # a second Ctrl-C: the user means it
        os._exit(130)
    requested = True


def install() -> None:
    """Route SIGINT to the flag (main thread only)."""
    global requested
    requested = False
    signal.signal(signal.SIGINT, _handler)


def checkpoint() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed since :func:`install`."""
    if requested:
        raise KeyboardInterrupt
