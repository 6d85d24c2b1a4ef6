"""Files to a world: reading, decoding, the built-in library, parse and resolve.

``load_world(paths, builtin, against) -> World``. Reading problems (missing file,
directory without ``.treaty`` files, bad UTF-8, empty or oversized file) become
diagnostics with code E100, like any other error, never a traceback.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path

from . import model as m
from .codes import Code
from .diagnostics import Diagnostic, TreatyError, TreatySyntaxError
from .files import FileError, read_bounded
from .interrupt import checkpoint
from .resolve import resolve
from .syntax import parse
from .world import World

#: Largest file accepted, in bytes. A register of thousands of treaties is split in
#: files far below this; a larger file is almost surely not a treaty file.
MAX_FILE_BYTES = 16 * 1024 * 1024

BUILTIN_PREFIX = "builtin:rules/"


def _error(file: str, message: str, help: str | None = None) -> TreatyError:
    span = m.Span(file, 0, 0, 0, 0)
    return TreatySyntaxError([Diagnostic.of(Code.FILE_UNREADABLE, message, span, (), help)])


def builtin_sources() -> list[tuple[str, str]]:
    """The built-in library as (``builtin:rules/FILE``, text), sorted by name."""
    root = resources.files("treatycheck.rules")
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".treaty"):
            out.append((BUILTIN_PREFIX + entry.name, entry.read_text(encoding="utf-8")))
    return out


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files named directly, plus every ``*.treaty`` below a named directory (sorted)."""
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            found = sorted(str(f) for f in Path(p).glob("*.treaty") if f.is_file())
            if not found:
                raise _error(
                    p, f"directory `{p}` holds no `.treaty` files", "name .treaty files or a folder that has some"
                )
            out.extend(found)
        else:
            out.append(p)
    seen: set[str] = set()
    unique = []
    for f in out:
        key = os.path.normpath(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def read_source(path: str) -> str:
    """Read one file as UTF-8 text, or raise a TreatyError that says why not.

    Any kind of file is read (a pipe such as ``<(cat f)``, a FIFO, a device), but never
    more than MAX_FILE_BYTES, and never waiting for ever on a silent pipe
    (:func:`~treatycheck.files.read_bounded`)."""
    try:
        data = read_bounded(path, MAX_FILE_BYTES)
    except FileError as e:
        helps = {
            "missing": "check the path",
            "too-large": "split the register into several files",
            "silent": "name a file, or start the program that writes to the pipe first",
        }
        raise _error(path, str(e), helps.get(e.kind)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, e.start) + 1
        column = len(data[line_start : e.start].decode("utf-8", errors="replace")) + 1  # characters, not bytes
        span = m.Span(path, line, column, line, column + 1)
        diag = Diagnostic.of(
            Code.FILE_UNREADABLE,
            f"`{path}` is not valid UTF-8 (byte 0x{data[e.start]:02x})",
            span,
            (),
            "save the file as UTF-8",
        )
        raise TreatySyntaxError([diag]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise _error(path, f"`{path}` is empty", "a treaty file holds declarations, treaties or expect sentences")
    return text


def read_inputs(spec: str) -> list[tuple[str, str]]:
    """(name, text) pairs for a file, a directory, or ``git:REV:PATH`` (a file or a
    directory at a git revision, read with ``git show`` in the current directory)."""
    if not spec.startswith("git:"):
        return [(f, read_source(f)) for f in expand_paths([spec])]
    import subprocess

    rev, sep, path = spec[4:].partition(":")
    if not sep or not rev or not path:
        raise _error(spec, f"`{spec}` is not of the form `git:REV:PATH`", "e.g. `git:HEAD~1:examples/treaty.treaty`")

    def git(*args: str) -> str:
        try:
            run = subprocess.run(["git", *args], capture_output=True, check=False)
        except OSError as e:
            raise _error(spec, f"cannot run git: {e}") from None
        if run.returncode != 0:
            msg = run.stderr.decode("utf-8", "replace").strip().splitlines()
            raise _error(spec, f"git cannot read `{rev}:{path}`: {msg[-1] if msg else 'unknown error'}")
        return run.stdout.decode("utf-8", "replace")

    # PATH is read as git reads `REV:PATH`: from the top of the repository, or from the
    # current directory when it starts with `./`. A trailing slash changes nothing, and
    # `.` is the current directory, as for a plain path (git itself refuses `REV:.`).
    where = path.rstrip("/")
    if where == ".":
        where = "./"
    kind = git("cat-file", "-t", f"{rev}:{where}").strip()
    if kind == "tree":
        # the direct children only, as a plain directory is read (expand_paths).
        # --full-tree: in a subdirectory, ls-tree would otherwise list only the entries
        # under that subdirectory's own path inside the tree; -z: names unquoted
        prefix = where if not where or where.endswith("/") else where + "/"
        names = []
        for entry in git("ls-tree", "-z", "--full-tree", f"{rev}:{where}").split("\0"):
            info, _, name = entry.partition("\t")
            if info.split()[1:2] == ["blob"] and name.endswith(".treaty"):
                names.append(prefix + name)
        if not names:
            raise _error(spec, f"`{path}` at `{rev}` holds no `.treaty` files")
        return [(f"git:{rev}:{n}", git("show", f"{rev}:{n}")) for n in sorted(names)]
    return [(spec, git("show", f"{rev}:{where}"))]


def parse_sources(sources: Sequence[tuple[str, str]]) -> list[m.Module]:
    """Parse (file, text) pairs; syntax errors of all files are gathered."""
    modules: list[m.Module] = []
    diags: list[Diagnostic] = []
    texts: dict[str, str] = {}
    for file, text in sources:
        checkpoint()
        texts[file] = text
        try:
            modules.append(parse(text, file))
        except TreatyError as e:
            diags.extend(e.diagnostics)
    if diags:
        raise TreatySyntaxError(diags, texts)
    return modules


def gather_sources(
    paths: Sequence[str] = (),
    builtin: bool = True,
    against: Sequence[str] = (),
    texts: Sequence[tuple[str, str]] = (),
) -> tuple[list[tuple[str, str]], list[str]]:
    """Read the inputs of a world: ``(sources, user files)``, where ``sources`` are
    (file, text) pairs in the order they are parsed (the user's first, then the
    built-in library and ``against`` files) and ``user files`` are sorted."""
    user: list[tuple[str, str]] = []
    texts = [(name, text[1:] if text.startswith("\ufeff") else text) for name, text in texts]
    for name, text in [pair for p in paths for pair in read_inputs(p)] + list(texts):
        if name not in {n for n, _ in user}:
            user.append((name, text))
    context = [pair for p in against for pair in read_inputs(p)]
    if builtin:
        context = builtin_sources() + context
    user_names = {f for f, _ in user}
    # a user who names a copy of a built-in file gets it once (as their own)
    user_texts = {t for _, t in user}
    context = [(f, t) for f, t in context if f not in user_names and t not in user_texts]
    return user + context, sorted(user_names)


def load_world(
    paths: Sequence[str] = (),
    builtin: bool = True,
    against: Sequence[str] = (),
    texts: Sequence[tuple[str, str]] = (),
) -> World:
    """Read files (and in-memory ``texts``) into one checked world.

    The files in ``paths`` and ``texts`` are the user's; ``against`` files and the
    built-in library are context (their own conflicts are reported only with --all).
    """
    sources, user_files = gather_sources(paths, builtin, against, texts)
    return build_world(sources, user_files)[0]


def build_world(sources: Sequence[tuple[str, str]], user_files: Sequence[str]) -> tuple[World, list[m.Module]]:
    """Parse and resolve (file, text) pairs: the world, and the parsed modules.

    Python's cycle collector is paused meanwhile: parsing allocates hundreds of
    thousands of small objects, none of them in reference cycles, and the collector's
    repeated passes over them took a third of the time (0.6 s of 1.9 s for 10,000
    norms). Everything it would free is freed by reference counting anyway.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        modules = parse_sources(sources)
        world = resolve(modules, user_files=user_files)
        from .vacuity import vacuous  # Z3 only when a condition needs the solver

        never = vacuous(world)
        if never:
            world = replace(world, warnings=(*world.warnings, *never))
        return world, modules
    finally:
        if was_enabled:
            gc.enable()
