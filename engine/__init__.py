"""treatycheck: checks treaty clauses for conflicts.

The public API::

    world = treatycheck.load(["examples/european_security_treaty.treaty"], builtin=True)
    report = treatycheck.check(world)
    report.to_json()

``check_files(paths, cache_dir=...)`` loads and checks in one step, re-checking from
the previous check's snapshot after an edit; ``loads`` reads from a string,
``parse`` checks syntax only, and every input problem raises :class:`TreatyError`
(``file``, ``line``, ``column``, ``message``).
"""

from .api import VERSION as __version__
from .api import check, check_files, load, loads, parse
from .diagnostics import Diagnostic, TreatyError, TreatyNameError, TreatySyntaxError
from .diff import DiffReport, diff
from .expectations import Outcome, run_expectations
from .report import Conflict, Report
from .world import World

__all__ = [
    "Conflict",
    "Diagnostic",
    "DiffReport",
    "Outcome",
    "Report",
    "TreatyError",
    "TreatyNameError",
    "TreatySyntaxError",
    "World",
    "__version__",
    "check",
    "check_files",
    "diff",
    "load",
    "loads",
    "parse",
    "run_expectations",
]
