"""Baselines: the known conflicts, so a team can adopt treatycheck on a corpus that
already has some and fail only on new ones (``--write-baseline`` / ``--baseline``).

A baseline entry is a conflict's id *and* its severity and resolution (status and
winner): a known conflict is suppressed only while all of these are unchanged, so
one that turns from a warning into an error, or from ``prevails`` into ``deadlock``,
is reported again. Schema ``treatycheck/baseline/v2``; a v1 file (ids only) cannot
say what was accepted and is refused with advice to write it again.
"""

from __future__ import annotations

import json
from dataclasses import replace

from ..codes import Code
from ..diagnostics import Diagnostic, TreatyError
from ..files import FileError, read_bounded
from ..model import Span
from .data import Conflict, Report, Summary

SCHEMA = "treatycheck/baseline/v2"
OLD_SCHEMA = "treatycheck/baseline/v1"

#: A known conflict: (id, severity, resolution status, winner or None).
Entry = tuple[str, str, str, str | None]
_FIELDS = ("id", "severity", "status", "winner")


def _entry(c: Conflict) -> Entry:
    return (c.id, c.severity, c.resolution.status, c.resolution.winner)


def baseline_text(report: Report) -> str:
    """The baseline file for a report: each conflict's id, severity and resolution,
    sorted by id, as JSON."""
    entries = sorted(_entry(c) for c in report.conflicts)
    data = {"schema": SCHEMA, "conflicts": [dict(zip(_FIELDS, e, strict=True)) for e in entries]}
    return json.dumps(data, indent=2) + "\n"


def read_baseline(path: str) -> frozenset[Entry]:
    """The known conflicts of a baseline file; a missing, unreadable, foreign or v1
    file is an input error (exit 2), never silently an empty baseline."""

    def fail(message: str, help: str = "write one with --write-baseline FILE") -> TreatyError:
        return TreatyError([Diagnostic.of(Code.FILE_UNREADABLE, message, Span(path, 0, 0, 0, 0), (), help)])

    # read whatever the path is (a pipe, a device), but at most 64 MiB (a million ids)
    try:
        data = json.loads(read_bounded(path, 64 * 2**20).decode("utf-8"))
    except FileError as e:
        raise fail(f"no such baseline file `{path}`" if e.kind == "missing" else str(e)) from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:  # RecursionError: [[[[...
        raise fail(f"`{path}` is not a readable baseline ({type(e).__name__})") from None
    if isinstance(data, dict) and data.get("schema") == OLD_SCHEMA:
        raise fail(
            f"`{path}` is a {OLD_SCHEMA} baseline, which records ids only",
            "a baseline now also records each conflict's severity and resolution, so that a conflict that gets "
            "worse is reported; write it again with --write-baseline FILE",
        )
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("conflicts"), list):
        raise fail(f"`{path}` is not a treatycheck baseline (schema `{SCHEMA}`)")
    entries = []
    for item in data["conflicts"]:
        if not (isinstance(item, dict) and set(item) == set(_FIELDS)):
            raise fail(f"`{path}` holds an entry that is not {{id, severity, status, winner}}")
        entry = tuple(item[k] for k in _FIELDS)
        if not all(isinstance(x, str) for x in entry[:3]) or not (entry[3] is None or isinstance(entry[3], str)):
            raise fail(f"`{path}` holds an entry whose fields are not strings")
        entries.append(entry)
    return frozenset(entries)


def without(report: Report, known: frozenset[Entry]) -> Report:
    """The report less the conflicts in the baseline (same id, severity and
    resolution), with its summary recounted."""
    kept = tuple(c for c in report.conflicts if _entry(c) not in known)
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
