"""The diagnostic registry (``treatycheck.codes``) against its documentation and its
call sites: docs/errors.md has one section per registered code and no other, every
code the engine writes is registered, and each call site gives its code the severity
the registry gives it. Also the one table of modality words (``treatycheck.kinds``).
"""

from __future__ import annotations

import ast
import json
import pickle
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import treatycheck
from treatycheck import safepickle
from treatycheck.codes import REGISTRY, Code, anchor, lookup
from treatycheck.diagnostics import Diagnostic
from treatycheck.kinds import MODALITY_WORDS, Modality, Severity
from treatycheck.model import Span
from treatycheck.resolve_names import Errors

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"
DOCS = ROOT / "docs" / "errors.md"

CODE = re.compile(r"[EW]\d{3}")
HEADING = re.compile(r"^### (?P<code>[EW]\d{3}): (?P<title>.+?)\s*$", re.M)
ROW = re.compile(r"^\| \[(?P<code>[EW]\d{3})\]\(#(?P<anchor>[^)]+)\) \| (?P<severity>\w+) \|", re.M)


def sources() -> Iterator[tuple[Path, str]]:
    """Every Python file of the engine but the registry itself, with its text."""
    for path in sorted(ENGINE.rglob("*.py")):
        if path.name != "codes.py" or path.parent != ENGINE:
            yield path, path.read_text(encoding="utf-8")


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"


def code_of(node: ast.expr | None) -> str | None:
    """The code an argument names: a literal ``"E202"`` or ``Code.UNKNOWN_TREATY``
    (an unknown member name is returned as written, so that it fails the lookup)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
        return node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Code":
        member = getattr(Code, node.attr, None)
        return str(member) if member is not None else f"Code.{node.attr}"
    return None


def literal_codes(tree: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``tree`` that name a code."""
    for node in ast.walk(tree):
        if isinstance(node, ast.expr) and code_of(node) is not None:
            yield node


#: Calls that take a code as their first argument (or as ``code=``).
CODE_CALLS = frozenset({"Diagnostic", "of", "error", "warning", "warn", "report"})


def string_codes(tree: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``tree`` that write a code as a string: any string constant that
    is a code (``"E202"``; docstrings and comments are not constants of that form),
    any string given as ``code=`` to a call in :data:`CODE_CALLS`, and any string,
    plain or formatted, given as the code of ``Diagnostic(...)`` or
    ``Diagnostic.of(...)`` (the first argument of ``warn``, ``error`` and the like
    may be a message elsewhere, so there only a code-shaped string counts)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
            yield node
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name not in CODE_CALLS:
                continue
            given = [k.value for k in node.keywords if k.arg == "code"]
            given += node.args[:1] if name in ("Diagnostic", "of") else []
            for arg in given:
                if isinstance(arg, ast.JoinedStr) or (
                    isinstance(arg, ast.Constant) and isinstance(arg.value, str) and not CODE.fullmatch(arg.value)
                ):
                    yield arg


def scan() -> tuple[list[tuple[str, str, str | None]], list[str]]:
    """Every call that names a code, as (place, code, severity the site gives it or
    None when the registry's is used), and every code named anywhere else.

    The calls are ``Diagnostic.of(CODE, ...)`` and the resolver's
    ``errs.error(CODE, ...)`` and ``errs.warning(CODE, ...)``; the constructor
    ``Diagnostic(CODE, SEVERITY, ...)`` is recorded with severity ``"?"`` (a
    severity of the call site's, which the registry should give instead)."""
    sites: list[tuple[str, str, str | None]] = []
    stray: list[str] = []
    for path, text in sources():
        tree = ast.parse(text, str(path))
        at_call: set[int] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args or code_of(node.args[0]) is None:
                continue
            code = code_of(node.args[0])
            assert code is not None
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            severity: str | None
            if name == "Diagnostic":  # the constructor: the site states a severity
                severity = "?"
            elif name == "of":
                severity = None
            elif name in ("error", "warning"):
                severity = name
            else:
                continue
            sites.append((where(path, node), code, severity))
            at_call.add(id(node.args[0]))
        stray += [f"{where(path, n)}: {code_of(n)}" for n in literal_codes(tree) if id(n) not in at_call]  # type: ignore[arg-type]
    return sites, stray


# ------------------------------------------------------------------ the registry itself


def test_every_code_has_one_entry_with_a_title_and_a_matching_letter() -> None:
    assert list(REGISTRY) == sorted(Code)
    for code, entry in REGISTRY.items():
        assert CODE.fullmatch(code) and entry.code == code
        assert entry.title and "\n" not in entry.title and entry.title == entry.title.strip()
        assert entry.severity is (Severity.ERROR if code.startswith("E") else Severity.WARNING), code
        assert entry.anchor == anchor(f"{code}: {entry.title}")
        assert code.severity is entry.severity and lookup(str(code)) is code


def test_lookup_refuses_unregistered_codes() -> None:
    for bad in ("E999", "e202", "E20", "W300 ", ""):
        with pytest.raises(ValueError, match="not a registered diagnostic code"):
            lookup(bad)


# ------------------------------------------------------------------ docs/errors.md


def test_docs_have_one_section_per_registered_code_and_no_other() -> None:
    text = DOCS.read_text(encoding="utf-8")
    found = [(m["code"], m["title"]) for m in HEADING.finditer(text)]
    codes = [c for c, _ in found]
    assert len(codes) == len(set(codes)), (
        f"codes with more than one section: {sorted({c for c in codes if codes.count(c) > 1})}"
    )
    assert sorted(codes) == [str(c) for c in REGISTRY], (
        f"documented but not registered: {sorted(set(codes) - set(REGISTRY))}; "
        f"registered but not documented: {sorted(set(REGISTRY) - set(codes))}"
    )
    for code, title in found:
        entry = REGISTRY[Code(code)]
        assert title == entry.title, f"{code}: the docs say {title!r}, the registry {entry.title!r}"
        assert anchor(f"{code}: {title}") == entry.anchor


def test_docs_table_lists_every_code_once_with_its_anchor_and_severity() -> None:
    rows = [(m["code"], m["anchor"], m["severity"]) for m in ROW.finditer(DOCS.read_text(encoding="utf-8"))]
    assert [c for c, _, _ in rows] == [str(c) for c in REGISTRY], "the table lists each code once, in order"
    for code, link, severity in rows:
        entry = REGISTRY[Code(code)]
        assert (link, severity) == (entry.anchor, entry.severity), code


# ------------------------------------------------------------------ the engine's call sites


def test_every_code_written_in_the_engine_is_registered() -> None:
    """Literal codes and ``Code.NAME`` in the code, and codes named in comments and
    docstrings (a stale mention misleads as much as a stale call)."""
    unknown = []
    for path, text in sources():
        for node in literal_codes(ast.parse(text, str(path))):
            code = code_of(node)  # type: ignore[arg-type]
            if code not in REGISTRY:
                unknown.append(f"{where(path, node)}: {code}")
        for number, line in enumerate(text.splitlines(), 1):
            for mention in re.findall(r"\b[EW]\d{3}\b", line):
                if mention not in REGISTRY:
                    unknown.append(f"{path.relative_to(ROOT)}:{number}: {mention} (mentioned)")
    assert not unknown, "unregistered codes:\n" + "\n".join(unknown)


def test_every_registered_code_is_used_by_the_engine() -> None:
    used = {code_of(node) for path, text in sources() for node in literal_codes(ast.parse(text, str(path)))}  # type: ignore[arg-type]
    unused = sorted(str(c) for c in REGISTRY if c not in used)
    assert not unused, f"registered codes that nothing raises: {unused}"


def test_no_code_is_written_as_a_string_in_the_engine() -> None:
    """Every code is a ``Code`` member named by its meaning: a string ``"E202"``
    anywhere in ``engine/`` (but the registry), or a string given as the code of
    ``Diagnostic``, ``Diagnostic.of``, ``error``, ``warning``, ``warn`` or
    ``report``, fails here (and ``Diagnostic`` refuses it with TypeError)."""
    found = [
        f"{where(path, n)}: {ast.unparse(n)}"
        for path, text in sources()
        for n in string_codes(ast.parse(text, str(path)))
    ]
    assert not found, "codes written as strings (write Code.NAME):\n" + "\n".join(found)


def test_the_string_scan_finds_strings_given_as_codes() -> None:
    tree = ast.parse(
        'Diagnostic("E202", "error", "m")\nDiagnostic.of(f"W{n}", "m")\nDiagnostic.of("X1", "m")\n'
        'errs.error("E205", "m", s)\nerrs.report(code="E2", message="m")\nCODES = ("W300",)\n'
        'errs.error(Code.UNKNOWN_TREATY, "E202 is fine in a message")\nwarnings.warn("old", DeprecationWarning)\n'
    )
    found = sorted(ast.unparse(n) for n in string_codes(tree))
    assert found == sorted(["'E202'", "f'W{n}'", "'X1'", "'E205'", "'E2'", "'W300'"])


def test_every_code_is_given_at_a_call_that_takes_its_severity_from_the_registry() -> None:
    """A code appears only as the first argument of ``Diagnostic.of(...)`` or of the
    resolver's ``error(...)``/``warning(...)``, never of the constructor with a
    severity of the call site's; and a helper named for a severity is given only
    codes the registry gives that severity."""
    sites, stray = scan()
    assert sites, "no call sites found: the scan is broken"
    assert not stray, "codes outside a call whose severity can be checked:\n" + "\n".join(stray)
    stated = [f"{place}: {code} given with a severity of its own" for place, code, sev in sites if sev == "?"]
    assert not stated, "use Diagnostic.of(Code.NAME, ...), which takes the registry's severity:\n" + "\n".join(stated)
    wrong = [
        f"{place}: {code} given as {severity}, registered as {REGISTRY[Code(code)].severity}"
        for place, code, severity in sites
        if severity is not None and severity != REGISTRY[Code(code)].severity
    ]
    assert not wrong, "\n".join(wrong)


# ------------------------------------------------------------------ Diagnostic


def test_a_diagnostic_takes_only_a_code_member_and_its_registered_severity() -> None:
    d = Diagnostic(Code.UNKNOWN_TREATY, "error", "unknown treaty `UNC`")
    assert d.code is Code.UNKNOWN_TREATY and d.severity is Severity.ERROR
    assert Diagnostic.of(Code.NEVER_BINDS, "m").severity is Severity.WARNING
    for written in ("E202", "E2O2"):  # a code as a string, right or mistyped
        with pytest.raises(TypeError, match="must be a member of Code"):
            Diagnostic(written, "error", "m")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="must be a member of Code"):
            Diagnostic.of(written, "m")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="registered with severity error"):
        Diagnostic(Code.UNKNOWN_TREATY, "warning", "m")


def test_the_resolver_helpers_take_the_severity_of_the_registry() -> None:
    span = Span("f.treaty", 1, 1, 1, 2)
    errs = Errors()
    errs.error(Code.UNKNOWN_TREATY, "m", span)
    errs.warning(Code.NEVER_BINDS, "m", span)
    assert [(d.code, d.severity) for d in errs.items] == [("E202", "error"), ("W300", "warning")]
    with pytest.raises(ValueError, match="registered with severity warning, not error"):
        errs.error(Code.NEVER_BINDS, "m", span)
    with pytest.raises(ValueError, match="registered with severity error, not warning"):
        errs.warning(Code.UNKNOWN_TREATY, "m", span)
    with pytest.raises(TypeError, match="must be a member of Code"):
        errs.error("E202", "m", span)  # type: ignore[arg-type]


def test_a_diagnostic_writes_the_same_strings_as_before() -> None:
    d = Diagnostic(Code.UNKNOWN_TREATY, Severity.ERROR, "unknown treaty `UNC`")
    assert json.dumps(d.to_dict()) == '{"code": "E202", "severity": "error", "message": "unknown treaty `UNC`"}'
    assert f"{d.code} {d.severity}" == "E202 error"


def test_diagnostics_with_registered_codes_go_through_safepickle() -> None:
    world = treatycheck.loads(
        'state US "United States".\nstate RU "R".\naction go(actor).\n'
        "treaty TT: parties: US. article 1: RU shall go(RU).",
        builtin=False,
    )
    assert [d.code for d in world.warnings] == [Code.NEVER_BINDS]
    back = safepickle.loads(pickle.dumps(world, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == world and back.warnings[0].code is Code.NEVER_BINDS


# ------------------------------------------------------------------ modality words


def test_each_modality_has_its_words_and_its_keyword_reads_back_as_it() -> None:
    assert set(MODALITY_WORDS) == set(Modality)
    for modality, words in MODALITY_WORDS.items():
        text = f"state US.\naction go(actor).\ntreaty TT: parties: US. article 1: US {words.keyword} go(US)."
        [norm] = treatycheck.loads(text, builtin=False).norms
        assert norm.modality is modality
        assert words.english.startswith(words.english_any)
