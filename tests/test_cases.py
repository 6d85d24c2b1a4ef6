"""Every world in tests/cases/good and tests/cases/engine: loads, checks, and every
``expect`` line in it passes (each file is read alone, without the built-in library)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import treatycheck

CASES = Path(__file__).parent / "cases"
FILES = sorted((CASES / "good").glob("*.treaty")) + sorted((CASES / "engine").glob("*.treaty"))


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
    engine = sorted((CASES / "engine").glob("*.treaty"))
    assert len(engine) >= 30
    total = sum(len(outcomes(p)) for p in engine)
    assert total >= 100


def test_worked_example_section_7() -> None:
    """LANGUAGE.md section 7: NAT:5 against EST:2.1, obligation-prohibition, deadlock."""
    world = treatycheck.load([str(CASES / "good" / "language_s2_s7.treaty")], builtin=False)
    report = treatycheck.check(world)
    [c] = [c for c in report.conflicts if c.id == "EST:2.1~NAT:5/obligation-prohibition"]
    assert c.kind == "obligation-prohibition"
    assert c.verdict == "proved" and c.severity == "error"
    assert c.resolution.status == "deadlock"
    assert c.resolution.by == ("EST:9.1", "NAT:8")
    assert c.resolution.winner is None and c.resolution.overrides == ()
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
    assert "FAIL" in run.stdout and "resolved deadlock" in run.stdout
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
    }
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
