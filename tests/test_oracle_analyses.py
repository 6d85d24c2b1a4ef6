"""Differential test: ``control`` and ``overlap`` against an oracle written apart
(tests/oracle_analyses.py: every scenario enumerated, the contract's definitions
taken literally), on random tiny worlds (TREATYCHECK_ORACLE_EXAMPLES each, 200 by
default) and on the engine cases small enough to enumerate."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import treatycheck
from analysisworlds import analysis_world
from hypothesis import HealthCheck, assume, given, settings
from oracle_analyses import Enumerated
from test_oracle import assert_imports_only_the_parser_and_the_tree
from treatycheck.control import control
from treatycheck.overlap import overlap

EXAMPLES = int(os.environ.get("TREATYCHECK_ORACLE_EXAMPLES", "200"))
CASES = Path(__file__).parent / "cases" / "engine"


def test_oracle_imports_only_the_parser_and_the_tree() -> None:
    assert_imports_only_the_parser_and_the_tree(Path(__file__).with_name("oracle_analyses.py"))


def engine_control(text: str) -> dict[tuple[str, str], set[str]]:
    report = control(treatycheck.loads(text))
    assert not any(n.unknown for n in report.norms)
    return {(n.ref, b): set(es) for n in report.norms for b, es in n.bearers}


def engine_overlap(text: str, oracle: Enumerated) -> dict[str, tuple[str, set[str], set[str]]]:
    report = overlap(treatycheck.loads(text))
    out = {}
    for o in report.norms:
        assert not o.unknown
        status = "vacuous" if o.vacuous else o.status
        out[o.ref] = (status, set(o.equivalent), set(o.covered_by))
        if o.status == "new" and o.closest is not None:
            assert oracle.meets(o.ref, o.closest), f"{o.ref}: closest {o.closest} never meets it"
    return out


def same(text: str) -> None:
    oracle = Enumerated(text)
    assume(oracle.ok)
    assert engine_control(text) == oracle.control(), text
    assert engine_overlap(text, oracle) == oracle.overlap(), text


SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


@SETTINGS
@given(analysis_world())
def test_control_and_overlap_match_the_oracle(text: str) -> None:
    same(text)


@pytest.mark.parametrize(
    "name",
    [
        # the cases with few enough ground atoms to enumerate (an `: action`
        # parameter multiplies them)
        "070_control_no_one_else",
        "072_overlap_equivalent_and_covered",
        "073_overlap_covered_only_by_a_commitment",
    ],
)
def test_engine_cases_match_the_oracle(name: str) -> None:
    text = (CASES / f"{name}.treaty").read_text(encoding="utf-8")
    oracle = Enumerated(text, max_atoms=14)
    assert oracle.ok
    assert engine_control(text) == oracle.control()
    assert engine_overlap(text, oracle) == oracle.overlap()
