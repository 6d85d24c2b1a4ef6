"""The SARIF 2.1.0 form of a report, for code-scanning annotations on pull requests.

``to_sarif(report, user_files) -> dict``: one result per conflict; ``ruleId`` is the
conflict kind, ``level`` its severity; the location is the first norm (in ref order)
from the user's own files, the other norms are related locations; the scenario and
the precedence reasoning are in the message. ``partialFingerprints`` carries the
conflict's stable id so code-scanning services track it across edits.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import Conflict, NormRef, Report

_RULES = {
    "obligation-prohibition": "An obligation cannot be done without doing a prohibited action.",
    "obligation-obligation": "Two obligations cannot both be done.",
    "right-prohibition": "A right cannot be exercised without doing a prohibited action.",
    "right-obligation": "Exercising a right makes an obligation impossible.",
    "permission-prohibition": "A permitted action is prohibited elsewhere.",
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
    parts.append(f"Precedence: {c.resolution.status}. {c.resolution.reason}")
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
            },
        }
        if related:
            result["relatedLocations"] = related
        results.append(result)
    rules = [{"id": k, "name": k, "shortDescription": {"text": _RULES[k]}} for k in kinds]
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
