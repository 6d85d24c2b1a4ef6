"""The SARIF 2.1.0 form of a report, for code-scanning annotations on pull requests.

``to_sarif(report, user_files) -> dict``: one result per conflict; ``ruleId`` is the
conflict kind, ``level`` its severity; the location is the first norm (in ref order)
from the user's own files, the other norms are related locations; the scenario and
the precedence reasoning are in the message. ``partialFingerprints`` carries the
conflict's stable id so code-scanning services track it across edits.

``errors_to_sarif(diagnostics, version) -> dict``: the log of a run refused for its input
(exit 2), the diagnostics as tool execution notifications.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..diagnostics import Diagnostic
from ..kinds import ConflictKind
from .data import Conflict, NormRef, Report

_RULES: dict[ConflictKind, str] = {
    ConflictKind.OBLIGATION_PROHIBITION: "An obligation cannot be done without doing a prohibited action.",
    ConflictKind.OBLIGATION_OBLIGATION: "Two obligations cannot both be done.",
    ConflictKind.RIGHT_PROHIBITION: "A right cannot be exercised without doing a prohibited action.",
    ConflictKind.RIGHT_OBLIGATION: "Exercising a right makes an obligation impossible.",
    ConflictKind.PERMISSION_PROHIBITION: "A permitted action is prohibited elsewhere.",
    ConflictKind.OBLIGATION_EXEMPTION: "An obligation demands an act that a liberty lets its bearer leave undone.",
}


def _location(n: NormRef, message: str | None = None, index: int | None = None) -> dict[str, object]:
    region: dict[str, object] = {"startLine": max(1, n.line), "startColumn": max(1, n.column)}
    if n.end_line:
        region.update(endLine=n.end_line, endColumn=max(1, n.end_column))
    out: dict[str, object] = {"physicalLocation": {"artifactLocation": {"uri": n.file}, "region": region}}
    if index is not None:
        out["id"] = index
    if message:
        out["message"] = {"text": message}
    return out


def _message(c: Conflict) -> str:
    parts = [f"{c.headline}."]
    if c.verdict == "unknown":
        parts.append("The solver could not decide within the time limit; this is not a proof of consistency.")
    if c.bearers:
        parts.append(f"Bearers: {', '.join(c.bearers)}.")
    if c.scenario is not None:
        parts.append(f"Scenario: {c.scenario.story}.")
    if c.axioms:
        parts.append(f"Axioms: {', '.join(c.axioms)}.")
    parts.append(f"Precedence: {c.resolution.status}. {c.resolution.reason.rstrip('.')}.")
    parts += [f"{label.capitalize()}: {body}." for label, body in c.notes]
    return " ".join(parts)


def to_sarif(report: Report, user_files: Iterable[str]) -> dict[str, object]:
    """The report as a SARIF 2.1.0 log (a JSON-ready dict)."""
    users = set(user_files)
    kinds = sorted({c.kind for c in report.conflicts})
    results = []
    for c in report.conflicts:
        ordered = sorted(c.norms, key=lambda n: n.ref)
        primary = next((n for n in ordered if n.file in users), ordered[0])
        related = [
            _location(n, f"{n.ref} ({n.modality})", i)
            for i, n in enumerate((n for n in ordered if n is not primary), 1)
        ]
        result: dict[str, object] = {
            "ruleId": c.kind,
            "ruleIndex": kinds.index(c.kind),
            "level": "error" if c.severity == "error" else "warning",
            "message": {"text": _message(c)},
            "locations": [_location(primary, f"{primary.ref} ({primary.modality})")],
            "partialFingerprints": {"treatycheckConflictId/v1": c.id},
            "properties": {
                "id": c.id,
                "verdict": c.verdict,
                "resolution": c.resolution.to_dict(),
                "bearers": list(c.bearers),
                "hypothetical": c.hypothetical,
            }
            | (
                {"readings": {name: o.to_dict(c) for name, o in c.readings}, "everyReading": c.every_reading}
                if c.readings
                else {}
            ),
        }
        if related:
            result["relatedLocations"] = related
        results.append(result)
    rules = [{"id": k, "name": k, "shortDescription": {"text": _RULES[ConflictKind(k)]}} for k in kinds]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "treatycheck", "version": report.version, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _notification(d: Diagnostic) -> dict[str, object]:
    """One diagnostic as a SARIF ``notification``: its level, message (with the help
    after it), code as the descriptor, and where it is known the file and position."""
    text = d.message + (f" (help: {d.help})" if d.help else "")
    out: dict[str, object] = {
        "level": "error" if d.severity == "error" else "warning",
        "message": {"text": text},
        "descriptor": {"id": d.code},
    }
    locations = []
    spans = ([(d.span, None)] if d.span is not None else []) + [(r.span, r.message) for r in d.related]
    for span, note in spans:
        location: dict[str, object] = {"uri": span.file}
        physical: dict[str, object] = {"artifactLocation": location}
        if span.line > 0:  # 0: the whole file (it could not be read, or is empty)
            physical["region"] = {"startLine": span.line, "startColumn": max(1, span.column)}
        entry: dict[str, object] = {"physicalLocation": physical}
        if note:
            entry["message"] = {"text": note}
        locations.append(entry)
    if locations:
        out["locations"] = locations
    return out


def errors_to_sarif(diagnostics: Sequence[Diagnostic], version: str) -> dict[str, object]:
    """The SARIF 2.1.0 log of a run that could not use its input (exit 2).

    In: every diagnostic found and the tool's version. Out: a JSON-ready dict with one
    run whose ``invocations[0]`` has ``executionSuccessful: false`` and each diagnostic
    as a ``toolExecutionNotifications`` entry; ``results`` is an empty array (an upload
    to a code-scanning service needs one), which the failed invocation marks as not
    a finding that everything is clean.
    """
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "treatycheck", "version": version, "rules": []}},
                "invocations": [
                    {
                        "executionSuccessful": False,
                        "toolExecutionNotifications": [_notification(d) for d in diagnostics],
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": [],
            }
        ],
    }
