"""Parse and resolve throughput on a generated register.

    python benchmarks/bench_parse.py [--seed 1] [--norms 10000] [--repeats 3]

Generates ``--norms`` norms (seeded, see generate.py), writes them to a temporary
directory and measures, best of ``--repeats``:

- ``treatycheck.parse`` over every file (spans kept, as the engine always does);
- a local copy of the engine's parser setup (same grammar and options, the
  engine's transformer ``treatycheck.syntax._Build`` run inline, the thread-local
  state it needs) with plain Lark, as the baseline for the next rows;
- the same with the ``lark-cython`` plugin (``Lark(..., _plugins=lark_cython.plugins)``),
  as is, and with the transformer taught lark-cython's token class;
- both without the transformer (a plain Lark tree: the cost of lexer and LALR alone);
- ``resolve`` on the parsed modules and ``treatycheck.loader.load_world`` on the
  written files (``builtin=False``: read + parse + resolve).

Each lark-cython row says whether its modules equal the engine's (every node and
every span), so a fast but wrong setup cannot pass for a speed-up.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

import lark
import treatycheck
import treatycheck.syntax as syntax
from lark import Lark
from treatycheck import model as m
from treatycheck.loader import load_world
from treatycheck.resolve import resolve

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import generate, write  # noqa: E402

try:
    import lark_cython
except ImportError:  # optional: pip install lark-cython
    lark_cython = None


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """(fastest wall time in seconds, the last result)."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


# ------------------------------------------------------------------ local parser setup


def make_parser(plugins: dict[str, Any] | None = None, transformer: bool = True) -> Lark:
    """The engine's parser (engine/syntax.py ``_parser``), rebuilt here; without the
    transformer it builds a plain Lark tree (the cost of lexing and LALR alone)."""
    grammar = resources.files("treatycheck.grammar").joinpath("treaty.lark").read_text(encoding="utf-8")
    kwargs: dict[str, Any] = {"_plugins": plugins} if plugins else {}
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        transformer=syntax._Build() if transformer else None,
        keep_all_tokens=True,
        maybe_placeholders=False,
        lexer_callbacks={"COMMENT": syntax._on_comment},
        **kwargs,
    )


def local_parse(parser: Lark, text: str, file: str) -> m.Module:
    """``syntax.parse`` with another parser object: the same thread-local state, the
    same post-pass (comments, breadcrumbs). Errors are not translated here."""
    local = syntax._local
    local.file, local.text = file, text
    local.comments, local.depths, local.keep, local.options = [], {}, [], {}
    try:
        items = parser.parse(text)
    finally:
        local.depths, local.keep, local.options = {}, [], {}
    comments, local.comments = local.comments, []
    return syntax._finish(file, list(items), comments, text)


@contextlib.contextmanager
def token_classes(*classes: type) -> Iterator[None]:
    """Let ``_Build`` (which tests ``isinstance(x, lark.Token)``) see other token
    classes as tokens: ``syntax.Token`` is rebound to a tuple for the duration."""
    saved = syntax.Token
    syntax.Token = classes  # type: ignore[assignment, misc]
    try:
        yield
    finally:
        syntax.Token = saved  # type: ignore[misc]


def signature(x: Any) -> Any:
    """Every field of a model tree, spans included (model equality skips spans)."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__, tuple(signature(getattr(x, f.name)) for f in dataclasses.fields(x)))
    if isinstance(x, (tuple, list)):
        return tuple(signature(i) for i in x)
    if isinstance(x, dict):
        return tuple(sorted((k, signature(v)) for k, v in x.items()))
    if isinstance(x, (str, int, float, bool, type(None))):
        return x
    return ("<foreign>", type(x).__module__ + "." + type(x).__qualname__, str(x))


# ------------------------------------------------------------------ the benchmark


def bare_parse(parser: Lark, text: str) -> Any:
    """A parse without the transformer (the comment callback still needs its list)."""
    syntax._local.comments = []
    return parser.parse(text)


def count_norms(modules: list[m.Module]) -> int:
    return sum(
        isinstance(s, m.Norm)
        for mod in modules
        for item in mod.items
        if isinstance(item, m.Treaty)
        for art in item.articles
        for s in art.sentences
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="parse and resolve throughput")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--norms", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", help="write the register here (default: a temporary directory)")
    args = ap.parse_args(argv)

    files = generate(args.seed, args.norms)
    total_bytes = sum(len(t.encode()) for _, t in files)
    out_dir = args.out or tempfile.mkdtemp(prefix="treatycheck-bench-")
    paths = write(files, out_dir)
    sources = [(p, t) for p, (_, t) in zip(paths, files, strict=True)]
    print(f"register: {len(files)} files, {args.norms} norms, {total_bytes / 1e6:.2f} MB in {out_dir}")
    print(f"lark {lark.__version__}, lark-cython {getattr(lark_cython, '__version__', 'not installed')}")
    print(f"best of {args.repeats}\n")

    rows: list[tuple[str, float, str]] = []

    def row(name: str, seconds: float, note: str = "") -> None:
        rows.append((name, seconds, note))
        print(f"  {name:<44} {seconds:8.3f} s  {args.norms / seconds:10.0f} norms/s  {note}", flush=True)

    # the engine's own parse (first call pays the grammar's construction: warm up)
    treatycheck.parse(files[0][1], files[0][0])
    t, engine_mods = best_of(args.repeats, lambda: [treatycheck.parse(text, f) for f, text in sources])
    assert count_norms(engine_mods) == args.norms, "the generator's norm count is off"
    reference = signature(engine_mods)
    row("treatycheck.parse", t)

    t0 = time.perf_counter()
    plain = make_parser()
    build_plain = time.perf_counter() - t0
    t, mods = best_of(args.repeats, lambda: [local_parse(plain, text, f) for f, text in sources])
    row("local copy, plain lark", t, "identical" if signature(mods) == reference else "DIFFERS")

    bare = make_parser(transformer=False)
    t, _ = best_of(args.repeats, lambda: [bare_parse(bare, text) for _, text in sources])
    row("  same, no transformer (Lark tree)", t, "lexer + LALR + tree only")

    if lark_cython is None:
        print("  lark-cython: not installed (pip install lark-cython)")
    else:
        t0 = time.perf_counter()
        fast = make_parser(lark_cython.plugins)
        build_fast = time.perf_counter() - t0
        try:
            t, mods = best_of(args.repeats, lambda: [local_parse(fast, text, f) for f, text in sources])
            same = signature(mods) == reference
            foreign = _foreign_tokens(mods)
            note = "identical" if same else f"DIFFERS: {foreign} lark-cython tokens leak into the model"
            row("local copy, lark-cython, _Build as is", t, note)
        except Exception as e:  # report, don't die: the point is to learn whether it works
            print(f"  local copy, lark-cython, _Build as is: fails: {type(e).__name__}: {e}")
        with token_classes(lark.Token, lark_cython.Token):
            t, mods = best_of(args.repeats, lambda: [local_parse(fast, text, f) for f, text in sources])
        row(
            "local copy, lark-cython, Token -> (lark, cython)",
            t,
            "identical" if signature(mods) == reference else "DIFFERS",
        )
        bare_fast = make_parser(lark_cython.plugins, transformer=False)
        t, _ = best_of(args.repeats, lambda: [bare_parse(bare_fast, text) for _, text in sources])
        row("  same, no transformer (Lark tree)", t, "lexer + LALR + tree only")
        print(f"\n  grammar construction: plain {build_plain:.3f} s, lark-cython {build_fast:.3f} s")

    # resolve
    modules = engine_mods
    user = [f for f, _ in sources]
    t, world = best_of(args.repeats, lambda: resolve(modules, user_files=user))
    print()
    row("resolve (parsed modules -> world)", t, f"{len(world.treaties)} treaties")
    t, world = best_of(args.repeats, lambda: load_world(paths, builtin=False))
    row("load_world(files, builtin=False)", t, "read + parse + resolve")

    print("\n| step | seconds | norms/s | note |\n|---|---:|---:|---|")
    for name, seconds, note in rows:
        print(f"| {name.strip()} | {seconds:.3f} | {args.norms / seconds:,.0f} | {note} |")
    if not args.out:
        shutil.rmtree(out_dir, ignore_errors=True)
    return 0


def _foreign_tokens(modules: list[m.Module]) -> int:
    """How many non-engine token objects ended up inside the model."""
    count = 0

    def walk(x: Any) -> None:
        nonlocal count
        if lark_cython is not None and isinstance(x, lark_cython.Token):
            count += 1
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            for f in dataclasses.fields(x):
                walk(getattr(x, f.name))
        elif isinstance(x, (tuple, list)):
            for i in x:
                walk(i)

    for mod in modules:
        walk(mod)
    return count


if __name__ == "__main__":
    raise SystemExit(main())
