"""The boundary between the parser and the rest: only ``syntax`` knows Lark.

* what the parser hands on is plain data (model nodes, strings, numbers, spans),
  never a Lark token or tree, in a parsed module or in a syntax error;
* a treaty's header options are a field of its node, so a header option given
  twice is reported (E222) also after the node went through ``dataclasses.replace``;
* no module of the engine but ``syntax.py`` imports Lark.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from treatycheck import model as m
from treatycheck.diagnostics import TreatyError, TreatyNameError
from treatycheck.loader import builtin_sources, parse_sources
from treatycheck.resolve import resolve, resolve_treaties
from treatycheck.syntax import parse

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"
LARK_MODULES = {"lark", "lark_cython"}

TWICE = {
    "signed": 'treaty NAT "North Atlantic Treaty" signed 1949-04-04 signed 1949-08-24:\n  parties: US.\n',
    "kind": 'treaty HFA "Helsinki Final Act" kind commitment kind commitment:\n  parties: US.\n',
}
VOCABULARY = 'state US "United States".\n'


def _leaves(root: object) -> Iterator[object]:
    """Every plain value inside ``root``: through dataclasses (all fields, those left
    out of equality too), tuples, lists and dicts."""
    stack = [root]
    while stack:
        x = stack.pop()
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            stack.extend(getattr(x, f.name) for f in dataclasses.fields(x))
        elif isinstance(x, (tuple, list)):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.keys())
            stack.extend(x.values())
        else:
            yield x


def _from_lark(x: object) -> bool:
    return type(x).__module__.split(".")[0] in LARK_MODULES


def _treaty_files() -> list[tuple[str, str]]:
    files = sorted(
        p for d in ("examples", "tests/cases/good", "tests/cases/engine") for p in (ROOT / d).rglob("*.treaty")
    )
    return [(str(p), p.read_text(encoding="utf-8")) for p in files] + builtin_sources()


# ------------------------------------------------------------------ plain data out of syntax


def test_parsed_modules_hold_plain_values_only() -> None:
    for mod in parse_sources(_treaty_files() + [("twice.treaty", VOCABULARY + TWICE["signed"])]):
        for leaf in _leaves(mod):
            # a Lark token is a str too: its type, not isinstance, tells it apart
            assert not _from_lark(leaf), f"{mod.file}: {type(leaf)!r} in the syntax tree"
            assert isinstance(leaf, (str, int, type(None))), f"{mod.file}: {type(leaf)!r} in the syntax tree"


def test_treaty_options_are_plain_and_as_written() -> None:
    (treaty,) = [i for i in parse(VOCABULARY + TWICE["signed"], "t.treaty").items if isinstance(i, m.Treaty)]
    assert [(k, v) for k, v, _ in treaty.options] == [("signed", "1949-04-04"), ("signed", "1949-08-24")]
    assert all(type(at) is m.Span and at.line == 2 for _, _, at in treaty.options)
    assert treaty.signed == "1949-04-04"  # the first one given is the one that counts


def test_syntax_errors_hold_no_lark_objects() -> None:
    bad = sorted((ROOT / "tests" / "cases" / "bad").glob("*.treaty"))
    seen = 0
    for path in bad:
        try:
            parse(path.read_text(encoding="utf-8"), str(path))
        except TreatyError as e:
            seen += 1
            assert not any(_from_lark(leaf) for leaf in _leaves(list(e.diagnostics))), path
    assert seen  # the corpus has syntax errors to look at


# ------------------------------------------------------------------ E222 through dataclasses.replace


def _replaced(text: str) -> m.Module:
    """The module parsed from ``text`` with its treaty rebuilt by
    ``dataclasses.replace`` (a new title), and the module rebuilt around it."""
    mod = parse(text, "twice.treaty")
    items = tuple(dataclasses.replace(i, title="Renamed") if isinstance(i, m.Treaty) else i for i in mod.items)
    return dataclasses.replace(mod, items=items)


@pytest.mark.parametrize("keyword", sorted(TWICE))
def test_option_given_twice_is_reported_after_replace(keyword: str) -> None:
    mod = _replaced(VOCABULARY + TWICE[keyword])
    assert [i.title for i in mod.items if isinstance(i, m.Treaty)] == ["Renamed"]
    with pytest.raises(TreatyNameError) as info:
        resolve([mod])
    found = [(d.code, d.message, d.span.line if d.span else 0) for d in info.value.diagnostics]
    assert [f for f in found if f[0] == "E222"] == [
        ("E222", f"`{keyword}` is given twice for treaty `{'NAT' if keyword == 'signed' else 'HFA'}`", 2)
    ]


@pytest.mark.parametrize("keyword", sorted(TWICE))
def test_option_given_twice_stops_an_incremental_resolve(keyword: str) -> None:
    world = resolve([parse(VOCABULARY, "vocabulary.treaty")])
    assert resolve_treaties([_replaced(TWICE[keyword])], world) is None  # an error: the full check reports it
    once = TWICE[keyword].replace(" signed 1949-08-24", "").replace(" kind commitment:", ":")
    assert resolve_treaties([_replaced(once)], world) is not None


def test_options_take_no_part_in_equality() -> None:
    """``fmt`` writes each option once, so ``parse(fmt(tree)) == tree`` must hold
    for a tree that was written with one twice."""
    (treaty,) = [i for i in parse(VOCABULARY + TWICE["kind"], "t.treaty").items if isinstance(i, m.Treaty)]
    assert len(treaty.options) == 2
    assert dataclasses.replace(treaty, options=()) == treaty
    assert hash(dataclasses.replace(treaty, options=())) == hash(treaty)


# ------------------------------------------------------------------ only syntax.py imports Lark


def _imported_roots(path: Path) -> set[str]:
    """The top-level names of the modules a file imports (anywhere in it, functions too)."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_syntax_imports_lark() -> None:
    files = sorted(ENGINE.rglob("*.py"))
    assert ENGINE / "syntax.py" in files
    importers = sorted(str(p.relative_to(ENGINE)) for p in files if _imported_roots(p) & LARK_MODULES)
    # syntax_errors words the parse errors of the same parse (Lark's exception types)
    assert importers == ["syntax.py", "syntax_errors.py"]


def test_a_diagnostic_inside_a_treaty_says_where_in_the_treaty_terms() -> None:
    """The legal breadcrumb (treaty > article > sentence) travels with a diagnostic
    found inside a treaty: in the text rendering and in the JSON form."""
    import treatycheck
    from treatycheck.diagnostics import render

    text = 'state AA "A".\ntreaty TA "T":\n  parties: AA, ZZ.\n  article 4: AA shall go(AA).\n'
    with pytest.raises(treatycheck.TreatyError) as caught:
        treatycheck.loads(text, "t.treaty")
    by_code = {d.code: d for d in caught.value.diagnostics}
    assert by_code["E200"].span is not None and by_code["E200"].span.breadcrumb == ("TA",)
    unknown_predicate = by_code["E201"]
    assert unknown_predicate.to_dict()["breadcrumb"] == ["TA", "article 4", "sentence 1"]
    assert "  = in: TA > article 4 > sentence 1" in render(unknown_predicate, {"t.treaty": text}).splitlines()
