"""``--emit-smt``: the script holds every query, in order, and another run of Z3 on it
gives the engine's answers, one per query."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import treatycheck
import z3
from treatycheck.search.pair import PairSolver

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "european_security_treaty.treaty"


def run_recorded(monkeypatch: pytest.MonkeyPatch, replace_solver: bool = False) -> tuple[str, list[str]]:
    """The emitted script and the engine's own answers, in the order asked."""
    answers: list[str] = []
    check, decide = PairSolver.check, PairSolver.decide

    def recorded(self: PairSolver, *formulas: z3.BoolRef) -> z3.CheckSatResult:
        result = check(self, *formulas)
        answers.append(str(result))
        return result

    def fresh_each_time(self: PairSolver, cand: object) -> object:
        self._new_solver()  # what the search does after an `unknown`
        return decide(self, cand)  # type: ignore[arg-type]

    monkeypatch.setattr(PairSolver, "check", recorded)
    if replace_solver:
        monkeypatch.setattr(PairSolver, "decide", fresh_each_time)
    emit: list[str] = []
    treatycheck.check(treatycheck.load([str(EXAMPLE)]), all_conflicts=True, emit=emit)
    return "".join(emit), answers


def replay(script: str) -> list[str]:
    ctx = z3.Context()
    return z3.Z3_eval_smtlib2_string(ctx.ref(), script).split()


@pytest.mark.parametrize("replace_solver", [False, True])
def test_the_script_gives_the_engines_answers(monkeypatch: pytest.MonkeyPatch, replace_solver: bool) -> None:
    script, answers = run_recorded(monkeypatch, replace_solver)
    assert answers and "sat" in answers and "unsat" in answers
    assert script.count("(check-sat)") == len(answers)
    assert replay(script) == answers
    # every scope the script opens is closed before it is reopened for another norm
    depth = 0
    for line in script.splitlines():
        if line == "(reset)":  # the settlement's queries follow the search's
            assert depth <= 1
            depth = 0
        depth += line == "(push 1)"
        depth -= line == "(pop 1)"
        assert depth >= 0
    assert depth <= 1  # at most the first norm of the last pairs is still held


def test_the_cli_writes_one_check_per_query(tmp_path: Path) -> None:
    out = tmp_path / "queries.smt2"
    done = subprocess.run(
        [sys.executable, "-m", "treatycheck", "check", str(EXAMPLE), "--format", "json", "--emit-smt", str(out)],
        capture_output=True,
        text=True,
    )
    # exit 1: the example's NAT:1 and NAT:4 against EST:2.1 (EST:2.1 breaches NAT:8) are
    # error-level conflicts, and --fail-on defaults to error; 0 would mean the check lost
    # them, 2 an input error
    assert done.returncode == 1, done.stderr
    import json

    summary = json.loads(done.stdout)["summary"]
    assert summary["errors"] > 0, summary  # what the exit code 1 stands for
    queries = summary["queries"]
    script = out.read_text()
    assert script.startswith("; treatycheck:")
    assert script.count("(check-sat)") == queries
    assert len(replay(script)) == queries
