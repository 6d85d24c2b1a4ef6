"""Mutation fuzzing of the reader: any text either loads or raises a located TreatyError.

Valid texts (the case files, the examples, the built-in library and generated worlds)
are mutated at byte level (delete, insert, replace or duplicate a range; insert
punctuation, keywords or odd characters) and at token level (drop, swap or duplicate
a whitespace-separated token). For every mutant, ``treatycheck.loads(text,
builtin=False)`` must succeed or raise :class:`treatycheck.TreatyError` with ``file``,
``line`` (an int >= 0) and ``column`` set, whose diagnostics render; never another
exception and never a hang.

The default run is about 3,100 inputs; ``test_long_campaign`` (marked ``slow``) runs
100,000 with a plain random loop.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import treatycheck
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from strategies import declarations_for, modules, worlds
from treatycheck import model as m
from treatycheck.diagnostics import render_all
from treatycheck.fmt import format_module

FUZZ_FILE = "fuzz.treaty"
ROOT = Path(__file__).resolve().parent.parent
DEADLINE = timedelta(seconds=5)
HANG_SECONDS = 20
FUZZ = settings(deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ------------------------------------------------------------------ the seed corpus


def _case_files() -> list[Path]:
    dirs = [ROOT / "tests" / "cases" / "good", ROOT / "tests" / "cases" / "engine", ROOT / "examples", ROOT / "rules"]
    return sorted(p for d in dirs if d.is_dir() for p in d.glob("*.treaty"))


FILE_SEEDS = [p.read_text(encoding="utf-8") for p in _case_files()]

#: A few hand-written seeds so the corpus is never empty and covers every form.
HAND_SEEDS = [
    """state US "United States". state RU. state PL.
organization NATO "North Atlantic Treaty Organization" members US, PL.
group NEW members PL.
action assist(actor, victim) "{actor} assists {victim}".
action use_force(actor, target).
fact armed_attack(attacker, victim).
judgement affects_security(act: action, party).
axiom a1: assist(X, V) and armed_attack(A, V) implies use_force(X, A).
axiom a2: assist(X, V) excludes use_force(X, V).
assume no_self: not armed_attack(X, X).
treaty NAT "North Atlantic Treaty" signed 1949-04-04:
  parties: members of NATO, RU, all states.
  article 5 "Defence":
    each party X shall assist(X, V) if armed_attack(A, V) and V is a party.
    each member X of NATO may take any action A if affects_security(A, Y) and Y is not X.
  article 9(3): this treaty prevails over all other treaties.
treaty EST signed 2009-11-29 kind commitment:
  parties: US, RU.
  article IV.2:
    RU has the right to use_force(RU, Y) unless every party P satisfies (P in NEW or P is RU).
    each party X shall not take any action A if some entity E satisfies armed_attack(E, X) or X is not a party.
  article 2.1: this treaty is subject to NAT. this treaty prevails over NAT.
expect conflict NAT:5 EST:IV.2#2 resolved prevails NAT.
expect no conflict NAT:5#2 EST:2.1.
expect consistent EST.
# a trailing comment
""",
]

_WORDS = sorted(treatycheck.model.KEYWORDS) + ["US", "X", "V2", "NAT:5", "CES:8#2", "1949-04-04", "assist", "IV.2"]
_PUNCT = list(".,:;()#\"\\{}[]*-_=!?'`/") + ["\n", "\t", "\r", " ", "\x00", "\ufeff", "\u00e9", "\u2028", "\U0001f600"]
SNIPPETS = (
    _WORDS
    + _PUNCT
    + [
        "(",
        ")",
        "((",
        "))",
        ":",
        '"',
        '"unterminated',
        "# comment\n",
        "\n#",
        " not ",
        " and ",
        " or ",
        " is a party",
        " every party P satisfies ",
        "take any action A",
        "members of ",
        "all states",
        "article 1:",
        "treaty ZZ: parties: US.",
        " shall ",
        "9999-99-99",
        "0000-00-00",
        "x(" * 30,
        "not " * 40,
        "(" * 50,
    ]
)


# ------------------------------------------------------------------ the oracle


class Hang(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: int):  # type: ignore[no-untyped-def]
    """Fail (instead of hanging the run) when one input takes far too long."""
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_alarm(signum, frame):  # type: ignore[no-untyped-def]
        raise Hang(f"one input took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def check_input(text: str, filename: str = FUZZ_FILE) -> str:
    """Load ``text``; return "ok" or the error code. Fails on anything but a located TreatyError."""
    with _time_limit(HANG_SECONDS):
        try:
            treatycheck.loads(text, filename=filename, builtin=False)
        except treatycheck.TreatyError as e:
            _check_error(e, text, filename)
            return e.code
    return "ok"


def _check_error(e: treatycheck.TreatyError, text: str, filename: str) -> None:
    assert e.file == filename, (e.file, str(e))
    assert isinstance(e.line, int) and e.line >= 0, (e.line, str(e))
    assert isinstance(e.column, int) and e.column >= 0, (e.column, str(e))
    if e.line > 0:
        assert e.line <= text.count("\n") + 1, (e.line, str(e))
    assert e.message
    render_all(e.diagnostics, e.sources)  # reporting must not crash either
    for d in e.diagnostics:
        d.to_dict()


# ------------------------------------------------------------------ mutations


def _token_spans(text: str) -> list[tuple[int, int]]:
    return [mo.span() for mo in re.finditer(r"\S+", text)]


def mutate(text: str, rnd: random.Random, rounds: int | None = None) -> str:
    """Apply 1-4 random byte- or token-level mutations (a plain-``random`` version of
    :func:`mutations`, used by the long campaign)."""
    for _ in range(rounds or rnd.randint(1, 4)):
        text = _apply(text, rnd.choice(OPS), rnd.random, rnd.randrange, rnd.choice)
    return text


OPS = ["delete", "insert", "replace", "duplicate", "snippet", "drop_token", "swap_tokens", "dup_token", "bytes"]


def _apply(text, op, random_, randrange, choice):  # type: ignore[no-untyped-def]
    n = len(text)

    def pos() -> int:
        return randrange(n + 1)

    def rng() -> tuple[int, int]:
        i = pos()
        return i, min(n, i + 1 + int(random_() ** 3 * 40))

    if op == "delete" and n:
        i, j = rng()
        return text[:i] + text[j:]
    if op == "insert":
        i = pos()
        return text[:i] + choice(SNIPPETS) + text[i:]
    if op == "replace" and n:
        i, j = rng()
        return text[:i] + choice(SNIPPETS) + text[j:]
    if op == "duplicate" and n:
        i, j = rng()
        k = pos()
        return text[:k] + text[i:j] + text[k:]
    if op == "snippet":
        i = pos()
        return text[:i] + " " + choice(_WORDS) + " " + text[i:]
    if op == "bytes" and n:
        data = bytearray(text.encode("utf-8"))
        i = randrange(len(data))
        data[i] = randrange(256)
        return data.decode("utf-8", errors="replace")
    spans = _token_spans(text)
    if not spans:
        return text + choice(SNIPPETS)
    a = choice(spans)
    if op == "drop_token":
        return text[: a[0]] + text[a[1] :]
    if op == "dup_token":
        return text[: a[1]] + " " + text[a[0] : a[1]] + text[a[1] :]
    if op == "swap_tokens":
        b = choice(spans)
        (i1, j1), (i2, j2) = sorted([a, b])
        if j1 > i2:
            return text
        return text[:i1] + text[i2:j2] + text[j1:i2] + text[i1:j1] + text[j2:]
    return text


@st.composite
def mutations(draw: st.DrawFn, seeds: st.SearchStrategy[str], ops: list[str] = OPS) -> str:
    """A seed text with 1-4 mutations chosen by Hypothesis (so failures shrink)."""
    text = draw(seeds)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(ops))
        text = _apply(
            text,
            op,
            lambda: draw(st.floats(0, 1)),
            lambda k: draw(st.integers(0, k - 1)),
            lambda seq: seq[draw(st.integers(0, len(seq) - 1))],
        )
    return text


SEEDS = FILE_SEEDS + HAND_SEEDS
seed_texts = st.sampled_from(SEEDS)
BYTE_OPS = ["delete", "insert", "replace", "duplicate", "snippet", "bytes"]
TOKEN_OPS = ["drop_token", "swap_tokens", "dup_token"]

# ------------------------------------------------------------------ tests


def test_seeds_are_valid() -> None:
    assert len(SEEDS) >= 1
    for text in HAND_SEEDS + [p.read_text(encoding="utf-8") for p in _case_files() if "cases" in p.parts]:
        assert check_input(text) == "ok"


@settings(FUZZ, max_examples=1200)
@given(mutations(seed_texts, BYTE_OPS))
def test_byte_mutations_of_corpus(text: str) -> None:
    check_input(text)


@settings(FUZZ, max_examples=800)
@given(mutations(seed_texts, TOKEN_OPS))
def test_token_mutations_of_corpus(text: str) -> None:
    check_input(text)


@settings(FUZZ, max_examples=250)
@given(mutations(worlds()))
def test_mutations_of_generated_worlds(text: str) -> None:
    check_input(text)


@settings(FUZZ, max_examples=600)
@given(st.lists(st.sampled_from(SNIPPETS + _WORDS * 3), max_size=40).map(" ".join))
def test_token_soup(text: str) -> None:
    check_input(text)


@settings(FUZZ, max_examples=250)
@given(mutations(seed_texts, BYTE_OPS), st.binary(max_size=4), st.integers(0, 10**6))
def test_files_with_raw_bytes(tmp_path_factory: pytest.TempPathFactory, text: str, junk: bytes, where: int) -> None:
    """Through ``load`` (the file reader): invalid UTF-8, BOMs and empty files too."""
    data = text.encode("utf-8")
    i = where % (len(data) + 1)
    data = data[:i] + junk + data[i:]
    path = tmp_path_factory.mktemp("fuzz") / "input.treaty"
    path.write_bytes(data)
    with _time_limit(HANG_SECONDS):
        try:
            treatycheck.load([str(path)], builtin=False)
        except treatycheck.TreatyError as e:
            assert e.file == str(path), (e.file, str(e))
            assert isinstance(e.line, int) and e.line >= 0
            assert isinstance(e.column, int) and e.column >= 0
            render_all(e.diagnostics, e.sources)


@pytest.mark.slow
def test_long_campaign() -> None:
    """100,000 mutants (``FUZZ_CAMPAIGN`` overrides the count, ``FUZZ_SEED`` the seed)."""
    total = int(os.environ.get("FUZZ_CAMPAIGN", "100000"))
    rnd = random.Random(int(os.environ.get("FUZZ_SEED", "20240601")))
    pool = list(SEEDS)
    for i in range(total):
        base = rnd.choice(pool)
        text = mutate(base, rnd)
        try:
            code = check_input(text)
        except BaseException as e:  # report the input that broke it
            raise AssertionError(f"input {i} failed: {type(e).__name__}: {e}\n--- input ---\n{text!r}") from e
        if code == "ok" and len(pool) < 400 and text not in pool:
            pool.append(text)  # valid mutants become seeds too


@settings(FUZZ, max_examples=300)
@given(modules())
def test_random_modules_with_their_names_declared(module: m.Module) -> None:
    """Syntactically valid but semantically random files reach resolution's deeper
    checks (arities, types, variable scopes) and must fail cleanly there, or load."""
    text = declarations_for(module) + format_module(module)
    check_input(text)


# ------------------------------------------------------------------ metamorphic: `and`/`or` commute


def _reversed_cond(c: m.Cond) -> m.Cond:
    if isinstance(c, (m.And, m.Or)):
        return type(c)(tuple(_reversed_cond(i) for i in reversed(c.items)))
    if isinstance(c, m.Not):
        return m.Not(_reversed_cond(c.body))
    if isinstance(c, m.Quant):
        return replace(c, body=_reversed_cond(c.body))
    return c


def _reversed_module(mod: m.Module) -> m.Module:
    def opt(c: m.Cond | None) -> m.Cond | None:
        return None if c is None else _reversed_cond(c)

    items: list[m.Item] = []
    for it in mod.items:
        if isinstance(it, (m.AssumeDecl, m.AxiomDecl)):
            it = replace(it, condition=opt(it.condition))
        elif isinstance(it, m.Treaty):
            arts = tuple(
                replace(
                    a,
                    sentences=tuple(
                        replace(s, condition=opt(s.condition), unless=opt(s.unless)) if isinstance(s, m.Norm) else s
                        for s in a.sentences
                    ),
                )
                for a in it.articles
            )
            it = replace(it, articles=arts)
        items.append(it)
    return replace(mod, items=tuple(items))


@settings(FUZZ, max_examples=300)
@given(modules())
@example(treatycheck.parse("assume a: every entity Y satisfies f(Y) or Y is Z.", FUZZ_FILE))
def test_and_or_order_does_not_change_acceptance(module: m.Module) -> None:
    """`and` and `or` commute: reversing their items never turns an error into a load
    (or back). Checked on random modules with their names declared."""
    decls = declarations_for(module)
    before = check_input(decls + format_module(module))
    after = check_input(decls + format_module(_reversed_module(module)))
    assert (before == "ok") == (after == "ok"), (before, after)


def test_quantified_variable_used_before_quantifier_is_an_error() -> None:
    base = "state AA. fact f(x). action act(x).\ntreaty TT: parties: AA. article 1: each party X shall act(X) if "
    with pytest.raises(treatycheck.TreatyError) as after:
        treatycheck.loads(base + "every entity Y satisfies f(Y) and X is Y.", builtin=False)
    assert after.value.code == "E227"
    with pytest.raises(treatycheck.TreatyError) as before:
        treatycheck.loads(base + "X is Y and every entity Y satisfies f(Y).", builtin=False)
    assert before.value.code == "E227"
