"""treatycheck: checks treaty clauses for conflicts.

The public API::

    world = treatycheck.load(["examples/european_security_treaty.treaty"], builtin=True)
    report = treatycheck.check(world)
    report.to_json()

``check_files(paths, cache_dir=...)`` loads and checks in one step, re-checking from
the previous check's snapshot after an edit; ``loads`` reads from a string,
``parse`` checks syntax only, and every input problem raises :class:`TreatyError`
(``file``, ``line``, ``column``, ``message``). ``control(world)`` says who controls
each duty, ``overlap(world)`` what each norm adds to the other instruments, and
``diff(old, new)`` what an edit changed.

The names are imported on first use (PEP 562), so that importing the package, or a
small module of it such as the command line's entry, does not load Z3 and Lark.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from .api import VERSION as __version__
    from .api import check, check_files, load, loads, parse
    from .control import ControlReport, control
    from .diagnostics import Diagnostic, TreatyError, TreatyNameError, TreatySyntaxError
    from .diff import DiffReport, diff
    from .expectations import Outcome, run_expectations
    from .overlap import OverlapReport, overlap
    from .report import Conflict, Report
    from .world import World

#: public name -> (module, attribute)
_LAZY = {
    "__version__": ("api", "VERSION"),
    "check": ("api", "check"),
    "check_files": ("api", "check_files"),
    "load": ("api", "load"),
    "loads": ("api", "loads"),
    "parse": ("api", "parse"),
    "Diagnostic": ("diagnostics", "Diagnostic"),
    "TreatyError": ("diagnostics", "TreatyError"),
    "TreatyNameError": ("diagnostics", "TreatyNameError"),
    "TreatySyntaxError": ("diagnostics", "TreatySyntaxError"),
    "DiffReport": ("diff", "DiffReport"),
    "diff": ("diff", "diff"),
    "ControlReport": ("control", "ControlReport"),
    "control": ("control", "control"),
    "OverlapReport": ("overlap", "OverlapReport"),
    "overlap": ("overlap", "overlap"),
    "Outcome": ("expectations", "Outcome"),
    "run_expectations": ("expectations", "run_expectations"),
    "Conflict": ("report", "Conflict"),
    "Report": ("report", "Report"),
    "World": ("world", "World"),
}

__all__ = [
    "Conflict",
    "ControlReport",
    "Diagnostic",
    "DiffReport",
    "Outcome",
    "OverlapReport",
    "Report",
    "TreatyError",
    "TreatyNameError",
    "TreatySyntaxError",
    "World",
    "__version__",
    "check",
    "check_files",
    "control",
    "diff",
    "load",
    "loads",
    "overlap",
    "parse",
    "run_expectations",
]


def __getattr__(name: str) -> object:
    """A public name (imported now, then kept), or a submodule (``treatycheck.model``
    after a bare ``import treatycheck``, as when everything was imported eagerly)."""
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        globals()[name] = value
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


#: Submodules named like the function they hold: the public name is the function.
_SAME_NAME = ("control", "diff", "overlap")


class _Package(types.ModuleType):
    """Importing the submodule ``treatycheck.diff`` (``control``, ``overlap``) binds
    the package's attribute to that module; the public name is the function."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _SAME_NAME and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
