"""The report: its data classes and canonical JSON, and the renderers beside them.

In: nothing of its own; importing the package gives the names of :mod:`.data`
(:class:`Report`, :class:`Conflict`, :class:`NormRef`, :func:`error_document`, ...),
so that ``from treatycheck.report import Report`` reads as it always has. Out: those
names, and :class:`Report` shown as its HTML page in a notebook.

The modules of the package import :mod:`.data`, never the package itself; the
renderers are :mod:`.text`, :mod:`.html`, :mod:`.sarif`, and :mod:`.build` makes a
report of an analysis.
"""

from __future__ import annotations

from .data import (
    ERROR_SCHEMA,
    SCHEMA,
    Conflict,
    NormRef,
    Report,
    Scenario,
    Summary,
    diagnostic_dict,
    error_document,
)

__all__ = [
    "ERROR_SCHEMA",
    "SCHEMA",
    "Conflict",
    "NormRef",
    "Report",
    "Scenario",
    "Summary",
    "diagnostic_dict",
    "error_document",
]


def _repr_html(report: Report) -> str:
    """In a notebook, a report shows itself as the HTML report."""
    # imported on first use: a command-line check that prints text or JSON does
    # not pay for the HTML renderer's import
    from .html_report import render_html

    return render_html(report, report.world)  # type: ignore[arg-type]


# Attached here rather than written in data.py: the renderer imports the data
# classes, so data importing the renderer would make a cycle. The package sees both,
# and runs before any of its modules can be used.
Report._repr_html_ = _repr_html  # type: ignore[attr-defined]
