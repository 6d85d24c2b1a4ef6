"""A content-addressed cache of pair verdicts, so a re-check after an edit re-solves
only what the edit touched.

``VerdictCache(directory, world)``; ``get(key)`` / ``put(key, finding)``. An entry is
named by the SHA-256 of everything its verdict depends on: what the two norms say
(never their file, path or position), their treaties' parties, the groups they name,
and the world's entities, predicates, axioms and assumptions. Precedence is not in
the pair's key: a pair's *settlement* (its resolution by treaty law and whether a
third norm displaces it, :mod:`treatycheck.search.settle`) is an entry of its own,
named by the pair's key, the refs, the finding, every instrument's law
(:func:`law_fingerprint`) and the norms that could displace either side. Entries
are written atomically and carry a checksum; a corrupted or foreign entry is ignored (and overwritten), and a
damaged database is replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .content import canon, groups_in, groups_named, said
from .evaluate import Step, Witness
from .symmetry import digest
from .version import VERSION
from .world import Norm, World

if TYPE_CHECKING:  # pragma: no cover - typing only
    import sqlite3

FORMAT = "treatycheck/cache/v1"

T = TypeVar("T")


def default_directory() -> str:
    """``$TREATYCHECK_CACHE_DIR``, else the user cache directory (XDG on Linux)."""
    explicit = os.environ.get("TREATYCHECK_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "treatycheck")


def _engine_fingerprint() -> str:
    """The code that computes verdicts: a changed engine never reads old entries."""
    here = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256(FORMAT.encode())
    for name in (
        "analysis.py",
        "search/pair.py",
        "search/replay.py",
        "search/examine.py",
        "content.py",
        "encode.py",
        "evaluate.py",
        "index.py",
        "cache.py",
        "world.py",
        "variables.py",
        "symmetry.py",
        # settlements (resolution and displacement) are cached too
        "search/settle.py",
        "search/law.py",
        "precedence.py",
    ):
        try:
            with open(os.path.join(here, name), "rb") as fh:
                digest.update(fh.read())
        except OSError:  # pragma: no cover - an unusual install: fall back on the version
            digest.update(VERSION.encode())
    return digest.hexdigest()


_ENGINE = _engine_fingerprint()


def context_fingerprint(world: World) -> str:
    """What every verdict of a world depends on besides the two norms themselves."""
    data = [
        _ENGINE,
        [(e.name, e.kind) for e in world.entities],
        [(p.name, p.kind, list(p.types)) for p in world.predicates],
        canon(world.axioms),
        canon(world.assumptions),
        # memberships that axioms and assumptions test (the norms' own are in their keys)
        sorted((g, sorted(world.group(g).members)) for g in groups_in(list(world.axioms) + list(world.assumptions))),
    ]
    if world.prefer:  # scenarios cast by --prefer are cached apart (the plain keys unchanged)
        data.append(["prefer", list(world.prefer)])
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def law_fingerprint(world: World) -> str:
    """What treaty law ranks by, for every instrument: ids, titles, status, dates,
    binding force, parties, articles and precedence sentences (not the file)."""
    data = [
        [t.id, t.title, t.signed, t.in_force, t.draft, t.commitment, sorted(t.parties), list(t.articles)]
        + [canon(t.precedence)]
        for t in sorted(world.treaties, key=lambda t: t.id)
    ]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def norm_digest(world: World, n: Norm) -> str:
    """What a norm contributes to a verdict's key: what it says, its treaty's parties
    and the members of the groups it names (not its ref, file or position)."""
    groups = sorted((g, sorted(world.group(g).members)) for g in groups_named(n))
    data = [*said(n), sorted(world.treaty(n.treaty).parties), groups]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def entry_key(context: str, kind: str, same: bool, first: str, second: str) -> str:
    """The cache key of one candidate pair, from the norms' digests."""
    return hashlib.sha256(f"{context}|{kind}|{same}|{first}|{second}".encode()).hexdigest()


# ------------------------------------------------------------------ payloads


def _value(v: Any) -> Any:
    return v if isinstance(v, str) else {"t": [_value(a) for a in v]}


def _unvalue(v: Any) -> Any:
    if isinstance(v, str):
        return v
    if isinstance(v, dict) and isinstance(v.get("t"), list):
        return tuple(_unvalue(a) for a in v["t"])
    raise ValueError("bad value")


def dump(payload: dict[str, Any] | None) -> dict[str, Any]:
    """A verdict (None: no conflict) as JSON-ready data."""
    if payload is None:
        return {"conflict": False}
    w: Witness = payload["witness"]
    return {
        "conflict": True,
        "bearers": list(payload["bearers"]),
        "env1": {k: _value(v) for k, v in payload["env1"].items()},
        "env2": {k: _value(v) for k, v in payload["env2"].items()},
        "atoms": sorted((_value(a) for a in payload["atoms"]), key=json.dumps),
        "absent": [_value(a) for a in payload["absent"]],
        "witness": {
            "first": _value(w.first),
            "second": _value(w.second),
            "steps": [[s.axiom, _value(s.source), _value(s.target)] for s in w.steps],
            "excludes": w.excludes,
            "first_steps": w.first_steps,
        },
    }


def load(data: dict[str, Any]) -> dict[str, Any] | None:
    """The inverse of :func:`dump`; raises ValueError/KeyError/TypeError on bad data."""
    if not data["conflict"]:
        return None
    w = data["witness"]
    return {
        "bearers": tuple(str(b) for b in data["bearers"]),
        "env1": {str(k): _unvalue(v) for k, v in data["env1"].items()},
        "env2": {str(k): _unvalue(v) for k, v in data["env2"].items()},
        "atoms": frozenset(_unvalue(a) for a in data["atoms"]),
        "absent": tuple(_unvalue(a) for a in data["absent"]),
        "witness": Witness(
            _unvalue(w["first"]),
            _unvalue(w["second"]),
            tuple(Step(str(a), _unvalue(s), _unvalue(t)) for a, s, t in w["steps"]),
            w["excludes"],
            int(w.get("first_steps", -1)),
        ),
    }


class VerdictCache:
    """Verdicts in one SQLite database in the cache directory.

    SQLite gives atomic, concurrent-safe writes (worker processes share it) without a
    dependency; entries are buffered and written in one transaction per batch. A
    database that cannot be opened or read is treated as empty, and a damaged one is
    replaced: a broken cache only ever costs time.
    """

    def __init__(self, directory: str, world: World):
        self.directory = directory
        self.world = world
        self.context = context_fingerprint(world)
        self.hits = 0
        self.misses = 0
        self._digests: dict[str, str] = {}
        self._pending: list[tuple[str, str, str]] = []
        self._db = self._open()

    def _open(self) -> sqlite3.Connection | None:
        import sqlite3

        path = os.path.join(self.directory, "verdicts.sqlite")
        for attempt in (1, 2):
            try:
                os.makedirs(self.directory, exist_ok=True)
                db = sqlite3.connect(path, timeout=60)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, sha TEXT, body TEXT)")
                db.execute("SELECT count(*) FROM verdicts LIMIT 1").fetchone()
                return db
            except sqlite3.DatabaseError:  # not a database, or damaged: start afresh
                if attempt == 2:
                    return None
                for suffix in ("", "-wal", "-shm"):
                    try:
                        os.unlink(path + suffix)
                    except OSError:
                        pass
            except OSError:
                return None
        return None

    def digest(self, n: Norm) -> str:
        """:func:`norm_digest` of ``n``, computed once per norm."""
        if n.ref not in self._digests:
            self._digests[n.ref] = norm_digest(self.world, n)
        return self._digests[n.ref]

    def key(self, kind: str, first: Norm, second: Norm) -> str:
        return entry_key(self.context, kind, first.ref == second.ref, self.digest(first), self.digest(second))

    def class_key(self, cls: tuple) -> str:
        """The cache key of a symmetry class's "no conflict" (see treatycheck.symmetry)."""
        return hashlib.sha256(f"{self.context}|class|{digest(cls)}".encode()).hexdigest()

    def get(self, key: str) -> tuple[bool, dict[str, Any] | None]:
        """(found, verdict). A missing, corrupted or foreign entry is not found."""
        return self.get_body(key, load)

    def get_body(self, key: str, read: Callable[[Any], T]) -> tuple[bool, T | None]:
        """(found, ``read(body)``) for the entry ``key``, whatever its body holds;
        an entry that is missing, corrupted, foreign or that ``read`` rejects
        (ValueError, KeyError, TypeError, AttributeError) is not found."""
        import sqlite3

        if self._db is None:
            return False, None
        try:
            row = self._db.execute("SELECT sha, body FROM verdicts WHERE key = ?", (key,)).fetchone()
            if row is None:
                raise KeyError(key)
            sha, text = row
            if hashlib.sha256(text.encode()).hexdigest() != sha:
                raise ValueError("corrupted entry")
            data = json.loads(text)
            if data.get("format") != FORMAT or data.get("key") != key:
                raise ValueError("foreign entry")
            body = read(data["body"])
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError, AttributeError):
            self.misses += 1
            return False, None
        self.hits += 1
        return True, body

    def put(self, key: str, verdict: dict[str, Any] | None) -> None:
        """Queue a verdict; :meth:`flush` writes the queue in one transaction."""
        self.put_body(key, dump(verdict))

    def put_body(self, key: str, body: Any) -> None:
        """Queue an entry with a JSON-ready ``body`` (see :meth:`get_body`)."""
        text = json.dumps({"format": FORMAT, "key": key, "body": body}, sort_keys=True)
        self._pending.append((key, hashlib.sha256(text.encode()).hexdigest(), text))
        if len(self._pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        """Write the queued verdicts (all or none of them); errors only cost time."""
        import sqlite3

        rows, self._pending = self._pending, []
        if self._db is None or not rows:
            return
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO verdicts (key, sha, body) VALUES (?, ?, ?)", rows)
        except sqlite3.DatabaseError:
            pass

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None
