"""Baselines: the ids of known conflicts, so a team can adopt treatycheck on a corpus
that already has some and fail only on new ones (``--write-baseline`` / ``--baseline``)."""

from __future__ import annotations

import json
from dataclasses import replace

from ..diagnostics import Diagnostic, TreatyError
from ..files import FileError, read_bounded
from ..model import Span
from . import Report, Summary

SCHEMA = "treatycheck/baseline/v1"


def baseline_text(report: Report) -> str:
    """The baseline file for a report: its conflict ids, sorted, as JSON."""
    data = {"schema": SCHEMA, "conflicts": sorted(c.id for c in report.conflicts)}
    return json.dumps(data, indent=2) + "\n"


def read_baseline(path: str) -> frozenset[str]:
    """The conflict ids of a baseline file; a missing, unreadable or foreign file is an
    input error (exit 2), never silently an empty baseline."""

    def fail(message: str) -> TreatyError:
        return TreatyError(
            [Diagnostic("E100", "error", message, Span(path, 0, 0, 0, 0), (), "write one with --write-baseline FILE")]
        )

    # read whatever the path is (a pipe, a device), but at most 64 MiB (a million ids)
    try:
        data = json.loads(read_bounded(path, 64 * 2**20).decode("utf-8"))
    except FileError as e:
        raise fail(f"no such baseline file `{path}`" if e.kind == "missing" else str(e)) from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:  # RecursionError: [[[[...
        raise fail(f"`{path}` is not a readable baseline ({type(e).__name__})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("conflicts"), list):
        raise fail(f"`{path}` is not a treatycheck baseline (schema `{SCHEMA}`)")
    if not all(isinstance(i, str) for i in data["conflicts"]):
        raise fail(f"`{path}` holds conflict ids that are not strings")
    return frozenset(data["conflicts"])


def without(report: Report, known: frozenset[str]) -> Report:
    """The report less the conflicts in the baseline, with its summary recounted."""
    kept = tuple(c for c in report.conflicts if c.id not in known)
    s = report.summary
    summary = Summary(
        errors=sum(c.severity == "error" for c in kept),
        warnings=sum(c.severity == "warning" for c in kept),
        unknown=sum(c.verdict == "unknown" for c in kept),
        norms=s.norms,
        queries=s.queries,
        seconds=s.seconds,
    )
    return replace(report, conflicts=kept, summary=summary)
