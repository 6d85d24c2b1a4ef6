"""The package's shape, as the architecture document promises it: one-way imports
(no cycle, counting imports inside functions), no private name imported from
another module, small modules, and the heavy libraries each behind its stage."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine"
MAX_LINES = 600


def modules() -> dict[str, Path]:
    """Dotted module name (relative to the package, '' for the package) -> file."""
    out = {}
    for path in sorted(ENGINE.rglob("*.py")):
        parts = list(path.relative_to(ENGINE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = modules()


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of import nodes under ``if TYPE_CHECKING:`` (never run)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            out |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return out


def imports(name: str) -> list[tuple[str, str | None, str]]:
    """(target module, imported name or None, external top-level package or '') for
    every import a module runs, at the top or inside a function."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    if name == "":
        package = []
    out: list[tuple[str, str | None, str]] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("treatycheck"):
                    out.append((alias.name.removeprefix("treatycheck").lstrip("."), None, ""))
                else:
                    out.append(("", None, alias.name.split(".")[0]))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "treatycheck":
                target = node.module.removeprefix("treatycheck").lstrip(".")
            else:
                out.append(("", None, (node.module or "").split(".")[0]))
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}".lstrip(".")
                if sub in MODULES:
                    out.append((sub, None, ""))
                else:
                    out.append((target, alias.name, ""))
    return out


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name in MODULES:
        edges[name] = {t for t, _, ext in imports(name) if not ext and t in MODULES and t != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_counting_imports_inside_functions() -> None:
    assert cycles(graph()) == []


def test_the_checker_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_no_private_name_is_imported_from_another_module() -> None:
    bad = [
        f"{name or '__init__'} imports {what} from {target or 'treatycheck'}"
        for name in MODULES
        for target, what, ext in imports(name)
        if not ext and what is not None and what.startswith("_") and not what.startswith("__")
    ]
    assert bad == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_the_size_limit(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(ENGINE.parent)}: {lines} lines"


def test_the_analysis_does_not_choose_its_executor() -> None:
    edges = graph()
    assert not edges["analysis"] & {"search.pool", "search.cluster"}


def importers(package: str) -> set[str]:
    return {name for name in MODULES for _, _, ext in imports(name) if ext == package}


def test_each_heavy_library_stays_behind_its_stage() -> None:
    assert importers("lark") == {"syntax", "syntax_errors"}
    # the solving stages: encoding, the pair search, the law, and the analyses that
    # ask their own questions (diff's comparison, control, overlap, vacuity)
    assert importers("z3") == {"encode", "search.pair", "search.law", "compare", "control", "overlap", "vacuity"}
    assert importers("click") <= {"entry"} | {n for n in MODULES if n.startswith("cli")}
