"""Re-checking an edited register from the previous check's snapshot.

A check that keeps a verdict cache also leaves a *snapshot* of what it checked in
the cache directory: the world as it is (a world has no positions), its source
map as plain data (where every declaration and sentence is written, with the
words), its warnings and ``expect`` sentences, the SHA-256 of every file it read,
and the conflicts it found, pair by pair.

``Session(cache_dir, sources, user_files, options).load() -> (World, Reuse)``. The
next check of the same files reads them all and compares their digests with the
snapshot's. When the only files whose contents differ hold nothing but treaties,
and those treaties keep their ids, titles, dates, kinds, parties, precedence
sentences and article ids, then everything a verdict depends on besides the two
norms (the vocabulary, memberships, axioms, assumptions and every treaty's
parties) is unchanged. So only those files are parsed and resolved, and only the
pairs with a norm that is new or says something new are examined
(:class:`Reuse`); every other pair keeps the snapshot's verdict, which is what
the verdict cache would answer for it. Anything else (another file changed, a file
added or renamed, a declaration edited, an error) falls back to the full check.
The report is the one the full check would give: the world's source map is the
snapshot's for the unchanged files and the changed files' own.

A snapshot is found by the names of the files read and the options, but nothing
is reused on that account: each file is compared by content. It is a pickle
written atomically, read only when the current user owns it and nobody else may
write it, and read by :mod:`treatycheck.safepickle`, which can build only
treatycheck's own data classes: a foreign or hostile file is ignored and costs only
the time of a full check.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from . import model as m
from . import safepickle
from .files import hold_for_tests
from .interrupt import checkpoint
from .loader import build_world, gather_sources, parse_sources
from .resolve import diagnostic_order, resolve_treaties
from .search.result import Analysis, Finding, Pair, from_rows, to_rows
from .sourcemap import SourceMap
from .world import Treaty, World

FORMAT = "treatycheck/snapshot/v2"


@dataclass
class Reuse:
    """What a check may take from the snapshot: a source of known answers for the
    search's plan (:class:`treatycheck.search.plan.Snapshot`).

    ``changed`` holds the refs of the norms to examine afresh: every pair with one
    of them is solved (or looked up in the verdict cache); every other pair keeps
    its finding from ``previous`` (none: no conflict). None means no snapshot
    applies and every pair is examined.
    """

    changed: frozenset[str] | None = None
    previous: dict[Pair, tuple] = field(default_factory=dict)

    def split(self, world: World, pairs: list[Pair]) -> tuple[list[Pair], list[Finding]]:
        """The pairs with a changed norm (to ask about), and the snapshot's findings
        for the others (a pair it holds no finding for has no conflict)."""
        changed, previous = self.changed or frozenset(), self.previous
        ask: list[Pair] = []
        rows: list[tuple] = []
        for pair in pairs:
            if pair[1] in changed or pair[2] in changed:
                ask.append(pair)
            elif pair in previous:
                rows.append(previous[pair])
        return ask, from_rows(world, rows)


def _code_fingerprint() -> str:
    """Every module of the package and the grammar. A snapshot holds parsed and
    resolved norms, so a snapshot left by other code (a changed parser, resolver or
    solver) is never used."""
    from importlib.util import find_spec

    grammar = find_spec(f"{__package__}.grammar")
    assert grammar is not None and grammar.origin is not None, "the grammar is installed with the package"
    digest = hashlib.sha256(FORMAT.encode())
    for directory in (os.path.dirname(os.path.abspath(__file__)), os.path.dirname(os.path.abspath(grammar.origin))):
        for root, dirs, names in os.walk(directory):
            dirs.sort()
            for name in sorted(names):
                if name.endswith((".py", ".lark")):
                    with open(os.path.join(root, name), "rb") as fh:
                        digest.update(name.encode() + b"\0" + fh.read())
    return digest.hexdigest()


_CODE = _code_fingerprint()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _well_formed(meta: object) -> bool:
    """The first record of a snapshot has this format's fields, of the right types
    (a file that passes the checksum may still have been written by someone else)."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return False
    kinds = {
        "digests": list,
        "user_files": list,
        "treaty_only": frozenset,
        "expectations": tuple,
        "warnings": tuple,
        "places": dict,
        "findings": dict,
    }
    if any(not isinstance(meta.get(key), kind) for key, kind in kinds.items()):
        return False
    digests_ok = all(
        isinstance(d, tuple) and len(d) == 2 and all(isinstance(x, str) for x in d) for d in meta["digests"]
    )
    names_ok = all(isinstance(f, str) for f in [*meta["user_files"], *meta["treaty_only"]])
    return digests_ok and names_ok


def _header(body: bytes) -> bytes:
    """The first line of a snapshot file: its format and the SHA-256 of the rest."""
    return f"{FORMAT} {hashlib.sha256(body).hexdigest()}".encode()


def _trusted(path: str) -> bool:
    """The file is ours and nobody else can write it (as ssh asks of its keys)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return not st.st_mode & 0o022


class Session:
    """One check's dealings with its snapshot: :meth:`load` the world (reusing what
    it can), and :meth:`save` what the check found for the next one.

    ``sources`` are the (file, text) pairs in parse order and ``user_files`` the
    files whose conflicts are reported (see :func:`treatycheck.loader.gather_sources`);
    ``options`` is whatever else decides the findings (``--all``, the timeout).
    """

    def __init__(self, cache_dir: str, sources: list[tuple[str, str]], user_files: list[str], options: tuple):
        self.sources = sources
        self.user_files = user_files
        self.digests = [(name, _digest(text)) for name, text in sources]
        locator = json.dumps([_CODE, [n for n, _ in sources], user_files, list(options)])
        self.path = os.path.join(cache_dir, "snapshots", hashlib.sha256(locator.encode()).hexdigest() + ".pickle")
        self.reuse = Reuse()
        self.treaty_only: frozenset[str] = frozenset()

    @classmethod
    def of(cls, paths: Sequence[str], builtin: bool, against: Sequence[str], cache_dir: str, options: tuple) -> Session:
        """A session for checking ``paths`` (with the built-in library and ``against``
        files as context, as :func:`treatycheck.load` reads them)."""
        sources, user_files = gather_sources(paths, builtin, against)
        return cls(cache_dir, sources, user_files, options)

    # ---------------------------------------------------------------- loading

    def load(self) -> tuple[World, Reuse]:
        """The checked world of the sources, and what the analysis may reuse.

        Raises what :func:`treatycheck.loader.load_world` raises for bad input.
        """
        try:
            patched = self._patch()
        except Exception:  # noqa: BLE001 - a snapshot never stops a check: check in full
            patched = None
        if patched is not None:
            return patched, self.reuse
        world, modules = build_world(self.sources, self.user_files)
        self.treaty_only = frozenset(mod.file for mod in modules if all(isinstance(i, m.Treaty) for i in mod.items))
        self.reuse = Reuse()
        return world, self.reuse

    def _read(self) -> tuple[dict[str, Any], World] | None:
        if not _trusted(self.path):
            return None
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
            head, _, body = data.partition(b"\n")
            # a byte damaged on disk can still unpickle into something plausible
            if head != _header(body):
                return None
            stream = io.BytesIO(body)
            # only treatycheck's data classes can come out (safepickle); nothing runs
            meta = safepickle.load(stream)
            if not _well_formed(meta):
                return None
            world = safepickle.load(stream)
        except Exception:  # noqa: BLE001 - a damaged or foreign snapshot only costs time
            return None
        return (meta, world) if isinstance(world, World) else None

    def _patch(self) -> World | None:
        """The world built from the snapshot and the changed files, or None."""
        read = self._read()
        if read is None:
            return None
        meta, old = read
        if [n for n, _ in meta["digests"]] != [n for n, _ in self.digests] or meta["user_files"] != self.user_files:
            return None
        digests = dict(meta["digests"])
        changed = sorted(name for name, d in self.digests if digests[name] != d)
        treaty_only = meta["treaty_only"]
        if any(name not in treaty_only for name in changed):
            return None
        text = dict(self.sources)
        # a syntax error raises here; load() then checks in full, which reports it
        modules = parse_sources([(name, text[name]) for name in changed])
        resolved = resolve_treaties(modules, old)
        if resolved is None:
            return None
        treaties, norms, warnings, places = resolved
        files = set(changed)
        old_norms = {n.ref: n for n in old.norms if n.file in files}
        if meta["expectations"] and set(old_norms) != {n.ref for n in norms}:
            return None  # `expect` sentences are checked against the sentences there are

        def header(t: Treaty) -> Treaty:
            # only `expect` sentences look at a treaty's article ids
            return t if meta["expectations"] else replace(t, articles=())

        before = sorted((header(t) for t in old.treaties if t.file in files), key=lambda t: t.id)
        if sorted((header(t) for t in treaties), key=lambda t: t.id) != before:
            return None  # a treaty's id, title, date, kind, parties or precedence changed
        fresh = frozenset(n.ref for n in norms if old_norms.get(n.ref) != n)
        kept = [n for n in old.norms if n.file not in files]
        treaty_ids = {t.id for t in treaties}
        world = replace(
            old,
            treaties=tuple(sorted([t for t in old.treaties if t.id not in treaty_ids] + treaties, key=lambda t: t.id)),
            norms=tuple(sorted(kept + norms, key=lambda n: n.ref)),
            expectations=meta["expectations"],
            warnings=tuple(
                sorted(
                    [w for w in meta["warnings"] if w.span is None or w.span.file not in files] + warnings,
                    key=diagnostic_order,
                )
            ),
            # where everything is written: the snapshot's places outside the changed
            # files, the changed files' own, and every file's text as read now
            source_map=SourceMap(stored=meta["places"]).without_files(files).merged(SourceMap(places), texts=text),
        )
        self.reuse = Reuse(fresh, meta["findings"])
        self.treaty_only = treaty_only
        return world

    # ---------------------------------------------------------------- saving

    def save(self, world: World, result: Analysis) -> None:
        """Leave the snapshot of this check (after :meth:`load` and the analysis
        ``result``).

        Not written when a verdict was ``unknown`` (it is not a fact of the files),
        nor when the cache directory cannot be written: a snapshot only saves time.
        """
        if any(f.verdict != "proved" for f in result.findings):
            return
        meta = {
            "format": FORMAT,
            "digests": self.digests,
            "user_files": self.user_files,
            "treaty_only": self.treaty_only,
            "expectations": world.expectations,
            "warnings": world.warnings,
            "places": world.source_map.to_stored(),
            "findings": {(row[0], row[1], row[2]): row for row in to_rows(result.findings)},
        }
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".snapshot-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    body = pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL)
                    # the world as it is (a pickled world leaves out its source map,
                    # which the record above holds); expect sentences and warnings
                    # are in that record too
                    body += pickle.dumps(replace(world, expectations=(), warnings=()), protocol=pickle.HIGHEST_PROTOCOL)
                    fh.write(_header(body) + b"\n" + body)
                # a Ctrl-C pressed during the check's last steps stops here, and the
                # snapshot (only ever a saving of time) is not left half-made
                hold_for_tests()
                checkpoint()
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
            _prune(directory, keep=self.path)
        except OSError:
            pass


#: Snapshots kept per cache directory (one per set of input files and options); the
#: least recently written go first.
MAX_SNAPSHOTS = 16


def _prune(directory: str, keep: str) -> None:
    """Delete all but the MAX_SNAPSHOTS most recently written snapshots."""
    found = []
    for entry in os.scandir(directory):
        try:
            if entry.name.endswith(".pickle") and entry.path != keep:
                found.append((entry.stat().st_mtime_ns, entry.name, entry.path))
        except OSError:
            continue
    found.sort(reverse=True)
    old = [path for _, _, path in found[MAX_SNAPSHOTS - 1 :]]
    for entry in os.scandir(directory):  # half-written ones left by a killed check
        try:
            if entry.name.startswith(".snapshot-") and entry.stat().st_mtime < time.time() - 3600:
                old.append(entry.path)
        except OSError:
            continue
    for path in old:
        try:
            os.unlink(path)
        except OSError:
            pass
