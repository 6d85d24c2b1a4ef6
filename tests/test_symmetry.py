"""Symmetry classes (treatycheck.symmetry) never change what a check finds.

A "no conflict" is shared by every candidate pair of a class. These tests build
registers in which the same clauses recur in treaties with different party lists
(so classes really do merge pairs), and compare the report with the one computed
with every pair in a class of its own.
"""

from __future__ import annotations

import itertools

import pytest
import treatycheck
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from treatycheck.analysis import analyse
from treatycheck.run import executor_for
from treatycheck.search.execute import CheckOptions
from treatycheck.symmetry import PairClasses

STATES = ["AA", "BB", "CC", "DD", "EE"]

# clauses that clash with some of the others under some party lists and not others
CLAUSES = [
    "each party X shall not hit(X, Y) if Y is a party unless rr(Y, X)",
    "each party X has the right to hit(X, Y) if rr(Y, X)",
    "each party X may hit(X, Y) if Y in GG",
    "each party X shall hit(X, Y) if ff(Y) and Y is not X",
    "each member X of GG shall not hit(X, Y) unless some party P satisfies rr(P, Y)",
    "each party X shall act(X) if every party P satisfies not ff(P)",
    "each party X shall not act(X) if ff(X)",
    "each party X shall not go(X) if X in GG",
    "AA shall go(AA) unless ff(BB)",
    "each party X shall not take any action A if rr(X, AA)",
]

HEAD = """\
{states}
group GG members {group}.
action act(actor) "{{actor}} acts".
action go(actor) "{{actor}} goes".
action hit(actor, target) "{{actor}} hits {{target}}".
fact ff(x) "{{x}} is flagged".
fact rr(x, y) "{{x}} threatens {{y}}".
axiom ax: hit(X, Y) and ff(Y) implies act(X).
assume calm: not rr(X, X).
"""


@st.composite
def register(draw: st.DrawFn) -> str:
    group = draw(st.lists(st.sampled_from(STATES), min_size=1, max_size=4, unique=True))
    text = HEAD.format(states="\n".join(f'state {s} "State {s}".' for s in STATES), group=", ".join(sorted(group)))
    clauses = draw(st.lists(st.sampled_from(CLAUSES), min_size=2, max_size=4, unique=True))
    for t in range(draw(st.integers(3, 6))):
        parties = draw(st.lists(st.sampled_from(STATES), min_size=2, max_size=5, unique=True))
        text += f'treaty T{chr(65 + t)}{chr(65 + t)} "Treaty {t}":\n  parties: {", ".join(sorted(parties))}.\n'
        chosen = draw(st.lists(st.sampled_from(clauses), min_size=1, max_size=3, unique=True))
        for k, clause in enumerate(chosen):
            text += f"  article {k + 1}: {clause}.\n"
    return text


def unshared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pair in a class of its own."""
    counter = itertools.count()
    monkeypatch.setattr(PairClasses, "key", lambda self, kind, a, b: (kind, a.ref, b.ref, next(counter)))


def findings(world: treatycheck.World, jobs: int = 1) -> list[tuple]:
    result = analyse(world, None, CheckOptions(timeout=30.0), executor_for(jobs))
    return [(f.kind, f.first.ref, f.second.ref, f.verdict, f.bearers, f.atoms, f.absent) for f in result.findings]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(register())
def test_classes_never_change_the_findings(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    world = treatycheck.loads(text)
    shared = findings(world)
    with monkeypatch.context() as patch:
        unshared(patch)
        alone = findings(world)
    assert shared == alone, text


def test_classes_merge_pairs_and_save_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    # the same two clauses in bilateral treaties in a chain; GG (AA) sits at one end
    text = HEAD.format(states="\n".join(f'state {s} "State {s}".' for s in STATES), group="AA")
    for t, (a, b) in enumerate([("AA", "BB"), ("BB", "CC"), ("CC", "DD"), ("DD", "EE")]):
        text += f'treaty T{chr(65 + t)}{chr(65 + t)} "Treaty {t}":\n  parties: {a}, {b}.\n'
        text += f"  article 1: {CLAUSES[0]}.\n  article 2: {CLAUSES[2]}.\n"
    world = treatycheck.loads(text)
    classes = PairClasses(world)
    pairs = [("permission-prohibition", "TBB:2", "TCC:1"), ("permission-prohibition", "TCC:2", "TDD:1")]
    keys = {classes.key(k, world.norm(a), world.norm(b)) for k, a, b in pairs}
    assert len(keys) == 1  # the same shape: two bilateral treaties sharing one state
    shared = analyse(world, None, CheckOptions(timeout=30.0))
    with monkeypatch.context() as patch:
        unshared(patch)
        alone = analyse(world, None, CheckOptions(timeout=30.0))
    assert [f.first.ref for f in shared.findings] == [f.first.ref for f in alone.findings]
    assert shared.queries < alone.queries


def test_constants_and_group_members_are_told_apart() -> None:
    text = HEAD.format(states="\n".join(f'state {s} "State {s}".' for s in STATES), group="AA, BB")
    text += 'treaty TAA "Treaty 0":\n  parties: AA, CC.\n  article 1: AA shall go(AA) unless ff(BB).\n'
    text += 'treaty TBB "Treaty 1":\n  parties: BB, CC.\n  article 1: each party X shall not go(X) if X in GG.\n'
    text += 'treaty TCC "Treaty 2":\n  parties: CC, DD.\n  article 1: each party X shall not go(X) if X in GG.\n'
    world = treatycheck.loads(text)
    classes = PairClasses(world)
    first = world.norm("TAA:1")
    # T1 and T2 have party lists of one size, but AA (named) is in neither, and
    # only T1 holds a member of GG: different classes
    assert classes.key("obligation-prohibition", first, world.norm("TBB:1")) != classes.key(
        "obligation-prohibition", first, world.norm("TCC:1")
    )


def test_jobs_share_classes_with_the_same_findings() -> None:
    text = HEAD.format(states="\n".join(f'state {s} "State {s}".' for s in STATES), group="AA, CC")
    for t, parties in enumerate(["AA, BB", "BB, CC", "CC, DD", "AA, DD, EE", "BB, EE"]):
        text += f'treaty T{chr(65 + t)}{chr(65 + t)} "Treaty {t}":\n  parties: {parties}.\n'
        for k, clause in enumerate(CLAUSES[t : t + 4]):
            text += f"  article {k + 1}: {clause}.\n"
    world = treatycheck.loads(text)
    assert findings(world, jobs=2) == findings(world)
