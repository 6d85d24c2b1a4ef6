"""Round trips between text and syntax trees (Hypothesis).

* ``parse(format_module(m)) == m`` for generated modules (syntax only),
* ``format_module`` is idempotent,
* generated valid worlds load, parse to the model they were rendered from (whatever
  the layout), and keep their resolved norms through ``fmt``.
"""

from __future__ import annotations

import treatycheck
from hypothesis import HealthCheck, given, settings
from strategies import FILENAME, modules, strip_comments, world_cases
from treatycheck import model as m
from treatycheck.fmt import format_module

EXAMPLES = 300
SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]


def _norm_key(n):  # type: ignore[no-untyped-def]
    return (
        n.ref,
        n.treaty,
        n.article,
        n.sentence,
        n.modality,
        n.bearer,
        n.bearer_group,
        n.action,
        n.condition,
        n.variables,
        n.commitment,
    )


def _world_key(world):  # type: ignore[no-untyped-def]
    return (
        tuple(_norm_key(n) for n in world.norms),
        tuple((t.id, t.signed, t.commitment, t.parties, t.articles) for t in world.treaties),
        tuple((c.ref, c.kind, c.treaties) for t in world.treaties for c in t.precedence),
        tuple((e.kind, e.refs, e.status, e.winner) for e in world.expectations),
    )


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SLOW_OK)
@given(modules())
def test_parse_of_format_is_identity(module: m.Module) -> None:
    text = format_module(module)
    assert treatycheck.parse(text, FILENAME) == module, text


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SLOW_OK)
@given(modules())
def test_format_is_idempotent(module: m.Module) -> None:
    once = format_module(module)
    twice = format_module(treatycheck.parse(once, FILENAME))
    assert twice == once


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SLOW_OK)
@given(world_cases())
def test_valid_worlds_load_and_keep_their_norms_through_fmt(case: tuple[m.Module, str]) -> None:
    model, text = case
    world = treatycheck.loads(text, filename=FILENAME, builtin=False)
    parsed = treatycheck.parse(text, FILENAME)
    # the layout (whitespace, comments, redundant parentheses) does not change the tree
    assert strip_comments(parsed) == model
    canonical = format_module(parsed)
    assert treatycheck.parse(canonical, FILENAME) == parsed
    again = treatycheck.loads(canonical, filename=FILENAME, builtin=False)
    assert [(n.ref, n.modality) for n in again.norms] == [(n.ref, n.modality) for n in world.norms]
    assert _world_key(again) == _world_key(world)


def test_language_reference_example_round_trips() -> None:
    text = """\
state US "United States of America".
state RU "Russian Federation".
state PL "Poland".
organization NATO "North Atlantic Treaty Organization" members US, PL.
group NEW_MEMBERS members PL.

action use_force(actor, target) "{actor} uses armed force against {target}".
action assist(actor, victim) "{actor} assists {victim}".
fact armed_attack(attacker, victim) "{attacker} carries out an armed attack against {victim}".
judgement affects_security(act: action, party) "{party} considers its security significantly affected when {act}".

axiom assistance_by_force: assist(X, V) and armed_attack(A, V) implies use_force(X, A).
assume no_self_attack: not armed_attack(X, X).

treaty NAT "North Atlantic Treaty" signed 1949-04-04:
  parties: members of NATO.
  article 5: each party X shall assist(X, V) if armed_attack(A, V) and V is a party.
  article 8: this treaty prevails over all other treaties.

treaty EST "Draft European Security Treaty" signed 2009-11-29:
  parties: US, RU, PL.
  article 2.1:
    each party X shall not take any action A
      if affects_security(A, Y) and Y is a party and Y is not X.
  article 9.1: this treaty prevails over all other treaties.

expect conflict NAT:5 EST:2.1 resolved deadlock.
"""
    world = treatycheck.loads(text, filename=FILENAME, builtin=False)
    module = treatycheck.parse(text, FILENAME)
    canonical = format_module(module)
    assert treatycheck.parse(canonical, FILENAME) == module
    assert format_module(treatycheck.parse(canonical, FILENAME)) == canonical
    again = treatycheck.loads(canonical, filename=FILENAME, builtin=False)
    assert _world_key(again) == _world_key(world)
    assert [n.ref for n in world.norms] == ["EST:2.1", "NAT:5"]
