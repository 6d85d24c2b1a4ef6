"""Every world in tests/cases/good and tests/cases/engine: loads, checks, and every
``expect`` line in it passes (each file is read alone, without the built-in library).
Every engine case also finds exactly the conflicts its ``# finds:`` header lists."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import treatycheck
from treatycheck.model import ref_matches

CASES = Path(__file__).parent / "cases"
ENGINE = sorted((CASES / "engine").glob("*.treaty"))
FILES = sorted((CASES / "good").glob("*.treaty")) + ENGINE


def outcomes(path: Path) -> list[treatycheck.Outcome]:
    world = treatycheck.load([str(path)], builtin=False)
    report = treatycheck.check(world, all_conflicts=True)
    return treatycheck.run_expectations(world, report)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case_expectations_pass(path: Path) -> None:
    results = outcomes(path)
    failed = [f"{o.text}: {o.detail}" for o in results if not o.passed]
    assert not failed, failed


def test_engine_corpus_is_large_enough() -> None:
    assert len(ENGINE) >= 47
    total = sum(len(outcomes(p)) for p in ENGINE)
    assert total >= 100


def test_engine_readme_lists_every_case() -> None:
    readme = (CASES / "engine" / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in ENGINE if f"`{p.name}`" not in readme]
    assert not missing, f"tests/cases/engine/README.md does not list {missing}"


# ---------------------------------------------------------------- the `# finds:` header

# One finding: (kind, the two refs sorted, resolution status, winner, and, when the line
# pins the whole resolution, (by, toward, breaches, severity); else None). A conflict
# of an obligation with itself has the same ref twice.
Detail = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str, bool]
Finding = tuple[str, tuple[str, str], str, str | None, Detail | None]

KINDS = {
    "obligation-prohibition",
    "obligation-obligation",
    "right-prohibition",
    "right-obligation",
    "permission-prohibition",
    "obligation-exemption",
}
STATUSES = "unresolved|deadlock|political|prevails|partial|displaced"
REF = r"[A-Z][A-Z0-9_]+:[0-9IVXLCDM][A-Za-z0-9().]*(?:#[0-9]+)?"
LIST = r"\{[^}]*\}"
FINDS = re.compile(
    rf"(?P<kind>[a-z-]+) (?P<a>{REF}) (?P<b>{REF}) (?P<status>{STATUSES})(?: (?P<winner>[A-Z][A-Z0-9_]+))?"
    rf"(?: by (?P<by>{LIST}))?(?: toward (?P<toward>{LIST}))?(?: breaches (?P<breaches>{LIST}))?"
    r"(?: (?P<severity>error|warning)(?P<hypothetical> hypothetical)?)?"
)


def _items(text: str | None) -> tuple[str, ...]:
    """``{A, B}`` -> ("A", "B"); absent -> ()."""
    if not text:
        return ()
    inner = text[1:-1].strip()
    return tuple(x.strip() for x in inner.split(",")) if inner else ()


def _list(items: tuple[str, ...]) -> str:
    return "{" + ", ".join(items) + "}"


def show(f: Finding) -> str:
    kind, (a, b), status, winner, detail = f
    out = f"# finds: {kind} {a} {b} {status}" + (f" {winner}" if winner else "")
    if detail is not None:
        by, toward, breaches, sev, hypothetical = detail
        out += f" by {_list(by)}" if by else ""
        out += f" toward {_list(toward)}" if toward else ""
        out += f" breaches {_list(breaches)}" if breaches else ""
        out += f" {sev}" + (" hypothetical" if hypothetical else "")
    return out


def declared(path: Path) -> list[Finding]:
    """The ``# finds:`` lines of the file's leading comment block, in order: one line
    ``# finds: KIND REF REF STATUS [WINNER] [by {..}] [toward {..}] [breaches {..}]
    [error|warning [hypothetical]]`` per conflict, or one ``# finds: nothing``. A line that ends in
    a severity pins the whole resolution (an absent list is empty); one without pins
    the status and winner only."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[: next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))]
    bodies = [line.removeprefix("# finds:").strip() for line in header if line.startswith("# finds:")]
    assert bodies, f"{path.name}: no `# finds:` line in the leading comment block"
    if "nothing" in bodies:
        assert bodies == ["nothing"], f"{path.name}: `# finds: nothing` must be the only `# finds:` line"
        return []
    out: list[Finding] = []
    for body in bodies:
        m = FINDS.fullmatch(body)
        assert m, f"{path.name}: cannot read `# finds: {body}` (KIND REF REF STATUS [WINNER] ... [SEVERITY])"
        assert m["kind"] in KINDS, f"{path.name}: unknown conflict kind {m['kind']!r}"
        a, b = sorted((m["a"], m["b"]))
        winner = m["winner"]
        if winner is not None:
            assert winner in (a.split(":")[0], b.split(":")[0]), f"{path.name}: winner {winner} is not in `{body}`"
        assert (winner is not None) == (m["status"] in ("prevails", "partial")) or m["status"] == "displaced", (
            f"{path.name}: `{body}`: a winner goes with prevails, partial or displaced"
        )
        detail = None
        if m["severity"]:
            pinned = (_items(m["by"]), _items(m["toward"]), _items(m["breaches"]))
            detail = (*pinned, m["severity"], bool(m["hypothetical"]))
        else:
            assert not (m["by"] or m["toward"] or m["breaches"]), f"{path.name}: `{body}` pins lists but no severity"
        out.append((m["kind"], (a, b), m["status"], winner, detail))
    assert len({f[:2] for f in out}) == len(out), f"{path.name}: a `# finds:` line is repeated"
    return out


def found(path: Path) -> dict[tuple[str, tuple[str, str]], Finding]:
    """The engine's conflicts, by (kind, refs), each with its whole resolution."""
    world = treatycheck.load([str(path)], builtin=False)
    report = treatycheck.check(world, all_conflicts=True)
    undecided = [c.id for c in report.conflicts if c.verdict != "proved"]
    assert not undecided, f"{path.name}: the solver did not decide {undecided}"
    out: dict[tuple[str, tuple[str, str]], Finding] = {}
    for c in report.conflicts:
        refs = sorted(n.ref for n in c.norms)
        a, b = (refs[0], refs[0]) if len(refs) == 1 else refs  # a norm in conflict with itself
        r = c.resolution
        detail = (tuple(r.by), tuple(r.toward), tuple(r.breaches), c.severity, c.hypothetical)
        out[c.kind, (a, b)] = (c.kind, (a, b), r.status, r.winner, detail)
    return out


def severity(f: Finding) -> str:
    kind, _, status, _, detail = f
    if detail is not None:
        return detail[3]
    return (
        "warning"
        if kind in ("permission-prohibition", "obligation-exemption")
        or status in ("prevails", "displaced", "political")
        else "error"
    )


def as_declared(got: Finding, want: Finding | None) -> Finding:
    """The engine's finding, cut to what the header line pins (all when none)."""
    if want is not None and want[4] is None:
        return (*got[:4], None)
    return got


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: p.stem)
def test_engine_case_finds_exactly_its_header(path: Path) -> None:
    """The engine's conflicts are exactly the hand-derived ``# finds:`` set, no more and no less."""
    declared_ = {f[:2]: f for f in declared(path)}
    engine = found(path)
    want = set(declared_.values())
    got = {as_declared(f, declared_.get(k)) for k, f in engine.items()}
    if want != got:
        missing = "\n".join(f"  {show(f)}" for f in sorted(want - got, key=show)) or "  (none)"
        extra = "\n".join(f"  {show(f)}" for f in sorted(got - want, key=show)) or "  (none)"
        whole = "\n".join(show(f) for f in sorted(engine.values(), key=show)) or "# finds: nothing"
        pytest.fail(
            f"{path.name}: the engine's conflicts differ from the `# finds:` header\n"
            f"in the header, not found:\n{missing}\nfound, not in the header:\n{extra}\n"
            f"(the engine's whole set, to compare with the case's hand reasoning, never to copy blindly:)\n{whole}"
        )


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: p.stem)
def test_engine_case_header_agrees_with_its_expect_lines(path: Path) -> None:
    """Without running the engine: the ``# finds:`` set satisfies every ``expect`` line of the
    file, and names only norms the file has, so the header and the expectations cannot drift apart."""
    world = treatycheck.load([str(path)], builtin=False)
    finds = declared(path)
    norms = {n.ref for n in world.norms}
    for f in finds:
        assert set(f[1]) <= norms, f"{path.name}: `{show(f)}` names a sentence that is not a norm of the file"

    def touches(f: Finding, a: str, b: str) -> bool:
        x, y = f[1]
        return (ref_matches(a, x) and ref_matches(b, y)) or (ref_matches(a, y) and ref_matches(b, x))

    for e in world.expectations:
        if e.kind == "consistent":
            bad = [show(f) for f in finds if severity(f) == "error" and any(r.split(":")[0] == e.refs[0] for r in f[1])]
            assert not bad, f"{path.name}: expect consistent {e.refs[0]}, but the header has errors {bad}"
            continue
        if len(e.refs) == 1:  # control and overlap: tests/test_analyses.py holds them to their headers
            continue
        a, b = e.refs
        hits = [f for f in finds if touches(f, a, b)]
        if e.kind == "no_conflict":
            assert not hits, f"{path.name}: expect no conflict {a} {b}, but the header has {[show(f) for f in hits]}"
        else:
            assert any(e.status is None or (f[2] == e.status and e.winner in (None, f[3])) for f in hits), (
                f"{path.name}: no `# finds:` line satisfies expect conflict {a} {b} {e.status or ''} {e.winner or ''}"
            )


def test_worked_example_section_7() -> None:
    """The worked example: NAT:5 against EST:2.1, obligation-prohibition. v1 called it a
    deadlock (NAT:8 read as a supremacy clause); NAT:8's claim toward the later EST is
    an undertaking, so EST's claim EST:9.1 ranks, and NAT:8 is breached: an error."""
    world = treatycheck.load([str(CASES / "good" / "language_s2_s7.treaty")], builtin=False)
    report = treatycheck.check(world)
    [c] = [c for c in report.conflicts if c.id == "EST:2.1~NAT:5/obligation-prohibition"]
    assert c.kind == "obligation-prohibition"
    assert c.verdict == "proved" and c.severity == "error"
    assert c.resolution.status == "prevails"
    assert c.resolution.by == ("EST:9.1",)
    assert c.resolution.winner == "EST" and c.resolution.overrides == ("NAT:5",)
    assert c.resolution.breaches == ("NAT:8",) and c.resolution.toward == ()
    assert not c.hypothetical
    assert c.bearers == ("PL", "US") and c.bearer == "PL"
    assert c.scenario is not None
    assert any(f.startswith("armed_attack(") for f in c.scenario.facts)
    assert any(j.startswith("affects_security(") for j in c.scenario.judgements)
    assert "carries out an armed attack against" in c.scenario.story
    assert "considers its security significantly affected when" in c.scenario.story


def test_failing_expectation_exits_1(tmp_path: Path) -> None:
    text = (CASES / "good" / "language_s2_s7.treaty").read_text(encoding="utf-8")
    broken = tmp_path / "broken.treaty"
    broken.write_text(text + "expect conflict NAT:5 EST:2.1 resolved prevails NAT.\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "treatycheck", "test", "--no-builtin", str(broken)], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "FAIL" in run.stdout and "resolved prevails EST" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "2 passed, 1 failed"


def test_check_json_schema_shape() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "treatycheck",
            "check",
            "--no-builtin",
            "--format",
            "json",
            str(CASES / "good" / "language_s2_s7.treaty"),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1  # an error-severity conflict
    data = json.loads(run.stdout)
    assert data["schema"] == "treatycheck/report/v1"
    assert data["tool"]["name"] == "treatycheck"
    conflict = data["conflicts"][0]
    assert set(conflict) == {
        "id",
        "kind",
        "verdict",
        "severity",
        "bearer",
        "bearers",
        "norms",
        "axioms",
        "scenario",
        "resolution",
        "hypothetical",
    }
    assert set(conflict["resolution"]) == {"status", "winner", "by", "overrides", "toward", "breaches"}
    assert set(conflict["scenario"]) == {"facts", "judgements", "absent", "actions", "story"}
    assert [n["ref"] for n in conflict["norms"]] == sorted(n["ref"] for n in conflict["norms"])
    assert set(data["summary"]) == {"errors", "warnings", "unknown", "norms", "queries", "seconds"}


def test_shipped_files_are_in_canonical_layout() -> None:
    root = Path(__file__).resolve().parent.parent
    files = [str(p) for d in ("rules", "examples", "examples/edits") for p in sorted((root / d).glob("*.treaty"))]
    run = subprocess.run(
        [sys.executable, "-m", "treatycheck", "fmt", "--check", *files], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
