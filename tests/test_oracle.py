"""Differential test: the Z3 engine against an oracle written apart from it.

tests/oracle.py reads a world from its syntax tree only and decides conflicts with
its own reading of docs/language.md (its own kind table, local-variable placement,
axiom chains, assumptions and ground enumeration). Here the engine's conflicts must
equal the oracle's on random tiny worlds, on the differential test's regressions,
and on hand-written worlds whose answer is known; and the oracle must stay
independent: it may import nothing of the engine but the parser and the tree.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
import treatycheck
from hypothesis import HealthCheck, assume, given, settings
from oracle import conflicts
from test_differential import REGRESSIONS, engine_conflicts, normalise
from tinyworlds import tiny_world

EXAMPLES = int(os.environ.get("TREATYCHECK_ORACLE_EXAMPLES", "200"))

ORACLE = Path(__file__).with_name("oracle.py")


def engine(text: str) -> dict[tuple[str, str, str], set[str]]:
    return normalise(engine_conflicts(treatycheck.loads(text, builtin=False)))


def oracle(text: str) -> dict[tuple[str, str, str], set[str]]:
    found = conflicts(text)
    assert found is not None  # small enough to enumerate
    return normalise(found)


# ------------------------------------------------------------------ independence


def test_oracle_imports_only_the_parser_and_the_tree() -> None:
    assert_imports_only_the_parser_and_the_tree(ORACLE)


def assert_imports_only_the_parser_and_the_tree(path: Path) -> None:
    """``path`` imports of treatycheck only ``parse`` and the model (no evaluator,
    resolver or kind tables), nor the brute-force enumerator, nor anything dynamically."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("treatycheck") or alias.name == "treatycheck.model", alias.name
                assert alias.name not in ("importlib", "bruteforce"), alias.name
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            assert node.level == 0, "relative import"
            assert module not in ("importlib", "bruteforce"), module
            if module == "treatycheck":
                assert {a.name for a in node.names} <= {"parse", "model"}, [a.name for a in node.names]
            else:
                assert not module.startswith("treatycheck") or module == "treatycheck.model", module
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "__import__"


# ------------------------------------------------------------------ random worlds


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(tiny_world())
def test_engine_matches_oracle(text: str) -> None:
    expected = conflicts(text)
    assume(expected is not None)
    assert engine(text) == normalise(expected), text


@pytest.mark.parametrize("text", REGRESSIONS)
def test_regressions_match_oracle(text: str) -> None:
    assert engine(text) == oracle(text)


# ------------------------------------------------------------------ known answers

VOCABULARY = """\
state AA "State AA".
state BB "State BB".
group GG members AA.
action act(actor) "{actor} acts".
action hit(actor, target) "{actor} hits {target}".
action go(actor) "{actor} goes".
fact ff(x) "{x} is flagged".
"""

KNOWN = {
    # the obligation applies only where the prohibition does not
    "disjoint-conditions": (
        """\
treaty TA "Treaty TA":
  parties: AA, BB.
  article 1: each party X shall act(X) if ff(X).
  article 2: each party X shall not act(X) if not ff(X).
""",
        {},
    ),
    # the same pair once the prohibition holds everywhere
    "overlapping-conditions": (
        """\
treaty TA "Treaty TA":
  parties: AA, BB.
  article 1: each party X shall act(X) if ff(X).
  article 2: each party X shall not act(X).
""",
        {("obligation-prohibition", "TA:1", "TA:2"): {"AA", "BB"}},
    ),
    # hitting amounts to acting, acting to going: hitting amounts to going
    "implies-chain": (
        """\
axiom ax_hit: hit(X, Y) implies act(X).
axiom ax_act: act(X) implies go(X).
treaty TA "Treaty TA":
  parties: AA.
  article 1: AA shall hit(AA, BB).
treaty TB "Treaty TB":
  parties: AA, BB.
  article 1: each party X shall not go(X).
""",
        {("obligation-prohibition", "TA:1", "TB:1"): {"AA"}},
    ),
    # a condition on the axiom that no scenario allows, through an assumption
    "implies-condition-ruled-out": (
        """\
axiom ax_hit: hit(X, Y) and ff(Y) implies go(X).
assume nobody_flagged: not ff(X).
treaty TA "Treaty TA":
  parties: AA, BB.
  article 1: each party X shall hit(X, Y).
  article 2: each party X shall not go(X).
""",
        {},
    ),
    # the right to go makes acting impossible, for the only member of GG; the
    # obligation and the right of the same article block get #N refs
    "excludes": (
        """\
axiom ex_act: act(X) excludes go(X).
treaty TA "Treaty TA":
  parties: AA, BB.
  article 1:
    each party X shall act(X).
    each member X of GG has the right to go(X).
""",
        {("right-obligation", "TA:1", "TA:1#2"): {"AA"}},
    ),
    # `not ff(Z)` is "no entity is flagged", not "some entity is not flagged", so
    # article 1 never meets article 2; `unless ff(Z)` reads the same way, and
    # article 3 meets article 1 when nobody is flagged
    "local-variable-under-not": (
        """\
treaty TA "Treaty TA":
  parties: AA, BB.
  article 1: each party X shall act(X) if not ff(Z).
  article 2: each party X shall not act(X) if ff(X).
  article 3: each party X shall not act(X) unless ff(Z).
""",
        {("obligation-prohibition", "TA:1", "TA:3"): {"AA", "BB"}},
    ),
    # the assumption rules out the only scenario where the obligation applies
    "assumption-rules-out": (
        """\
assume never_aa: not ff(AA).
treaty TA "Treaty TA":
  parties: AA, BB.
  article 1: AA shall act(AA) if ff(AA).
  article 2: each party X shall not act(X).
  article 3: BB shall act(BB) if ff(BB).
""",
        {("obligation-prohibition", "TA:3", "TA:2"): {"BB"}},
    ),
    # `take any action`, a party quantifier and `is not a party`, across treaties:
    # TB forbids hitting a non-party of TB (BB); TA permits AA anything
    "permission-any-action": (
        """\
treaty TA "Treaty TA":
  parties: AA.
  article 1: each party X may take any action A if every party P satisfies (P in GG).
treaty TB "Treaty TB":
  parties: AA.
  article 1: each party X shall not hit(X, Y) if Y is not a party.
  article 2: each party X shall not hit(X, Y) if Y is a party and Y is not X.
""",
        {("permission-prohibition", "TA:1", "TB:1"): {"AA"}},
    ),
    # a liberty meets an obligation whose act amounts to the act it leaves free (in
    # zero steps or along a chain), never the other way round: hitting BB amounts to
    # acting (articles 1 and 2); acting is not hitting (4 and 3, 4 and 5); hitting
    # BB is not hitting AA (1 and 3); `may refrain from` reads as `need not`
    "exemption-chain": (
        """\
axiom ax_hit: hit(X, Y) implies act(X).
treaty TA "Treaty TA":
  parties: AA, BB.
  article 1: each party X shall hit(X, BB).
  article 2: each party X need not act(X).
  article 3: each party X may refrain from hit(X, AA).
  article 4: AA shall act(AA).
  article 5: AA may refrain from hit(AA, BB).
""",
        {
            ("obligation-exemption", "TA:1", "TA:2"): {"AA", "BB"},
            ("obligation-exemption", "TA:1", "TA:5"): {"AA"},
            ("obligation-exemption", "TA:4", "TA:2"): {"AA"},
        },
    ),
    # a protected liberty against such an obligation is a right-obligation, the
    # liberty named first; its chain still runs from the obligation's act (4 and 3:
    # acting is not hitting)
    "protected-exemption-chain-backwards": (
        """\
axiom ax_hit: hit(X, Y) implies act(X).
treaty TA "Treaty TA":
  parties: AA, BB.
  article 1: each party X has the right to refrain from act(X) if ff(X).
  article 2: each party X shall hit(X, Y).
  article 3: each party X has the right to refrain from hit(X, BB).
  article 4: BB shall act(BB).
""",
        {
            ("right-obligation", "TA:1", "TA:2"): {"AA", "BB"},
            ("right-obligation", "TA:3", "TA:2"): {"AA", "BB"},
            ("right-obligation", "TA:1", "TA:4"): {"BB"},
        },
    ),
    # liberties meet no prohibition, permission, right or liberty, and an
    # `excludes` axiom plays no part for them (1, 2 and 6 against 7); the right to
    # act still excludes the obligation to go
    "liberties-meet-only-obligations": (
        """\
axiom ex_act: act(X) excludes go(X).
treaty TA "Treaty TA":
  parties: AA, BB.
  article 1: each party X need not act(X).
  article 2: each party X has the right to refrain from act(X).
  article 3: each party X shall not act(X).
  article 4: each party X may act(X).
  article 5: each party X has the right to act(X).
  article 6: each party X may refrain from act(X).
  article 7: each party X shall go(X).
""",
        {
            ("permission-prohibition", "TA:4", "TA:3"): {"AA", "BB"},
            ("right-prohibition", "TA:5", "TA:3"): {"AA", "BB"},
            ("right-obligation", "TA:5", "TA:7"): {"AA", "BB"},
        },
    ),
    # `take any action` with both forms: an exemption from any act of the bearer,
    # for a bearer party to both treaties
    "exemption-any-action": (
        """\
treaty TA "Treaty TA":
  parties: AA, BB.
  article 1: AA need not take any action A.
  article 2: each party X shall go(X).
treaty TB "Treaty TB":
  parties: BB.
  article 1: BB has the right to refrain from take any action A if ff(BB).
""",
        {
            ("obligation-exemption", "TA:2", "TA:1"): {"AA"},
            ("right-obligation", "TB:1", "TA:2"): {"BB"},
        },
    ),
}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_answers(name: str) -> None:
    world, expected = KNOWN[name]
    text = VOCABULARY + world
    assert oracle(text) == normalise(expected)
    assert engine(text) == normalise(expected)
