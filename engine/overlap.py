"""What a text adds: each norm against the norms of other instruments (``treatycheck overlap``).

``overlap(world) -> OverlapReport``. A norm n is **covered** by a norm m of another
instrument when m imposes n's modality (or more: a right covers a permission, a
protected exemption an exemption) on every (scenario, bearer, act) on which n
imposes it; **equivalent** when each covers the other; otherwise **new**, with the
closest norm of the same family whose reach it shares in some scenario (if any) and
a replayed scenario that n reaches and that norm does not. Coverage is the scope
comparison ``diff`` makes between two versions of a sentence
(:func:`treatycheck.compare.only`), asked of two norms.

When every norm that covers a treaty's norm is in a commitment, the report says
that the treaty makes legally binding what the commitment says politically. A
summary line per instrument: "NRC: 2 of 4 norms add nothing beyond NRFA, CES".

How it scales. Candidates come from an index (the same family of modality, the same
action or ``take any action``, another instrument), and only a norm whose bearers
include every bearer n can bind in some scenario (n's live bearers, found by the
solver with the world's symmetry classes) can cover it. Two norms that say the same
thing to the same parties are one question (their digests), and a norm that says
exactly what n says, without party-relative conditions, covers n on its bearers
without a query.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace

import z3

from . import model as m
from .compare import only, scenario
from .content import said
from .encode import all_of
from .evaluate import Evaluator
from .kinds import MODALITY_WORDS, Modality
from .search.pair import PairSolver
from .symmetry import signature
from .version import VERSION
from .world import Norm, World

SCHEMA = "treatycheck/overlap/v1"
_M = Modality
#: A norm's modality -> the modalities that impose at least as much on the same act.
COVERS: dict[Modality, frozenset[Modality]] = {
    _M.OBLIGATION: frozenset({_M.OBLIGATION}),
    _M.PROHIBITION: frozenset({_M.PROHIBITION}),
    _M.PERMISSION: frozenset({_M.PERMISSION, _M.RIGHT}),
    _M.RIGHT: frozenset({_M.RIGHT}),
    _M.EXEMPTION: frozenset({_M.EXEMPTION, _M.PROTECTED_EXEMPTION}),
    _M.PROTECTED_EXEMPTION: frozenset({_M.PROTECTED_EXEMPTION}),
}
#: Families of modalities that speak of the same thing (so may overlap).
FAMILY = {mod: min(str(x) for x in COVERS if mod in COVERS[x] or x in COVERS[mod]) for mod in COVERS}
#: How many norms of the family a new norm is compared with, at most, to name the closest.
CLOSEST_TRIES = 12


@dataclass(frozen=True)
class NormOverlap:
    """One norm against the other instruments. ``status``: ``equivalent``,
    ``covered`` or ``new``. ``equivalent`` and ``covered_by`` are refs (a norm that
    is equivalent is not listed again as covering); ``closest`` and ``scenario``
    (minimal, replayed, as ``diff`` tells it) only for ``new``; ``note`` the
    binding-force note; ``vacuous``: the norm never applies (it adds nothing)."""

    ref: str
    treaty: str
    modality: Modality
    status: str
    equivalent: tuple[str, ...] = ()
    covered_by: tuple[str, ...] = ()
    closest: str | None = None
    scenario: dict | None = None
    note: str | None = None
    vacuous: bool = False
    unknown: bool = False

    @property
    def covering(self) -> tuple[str, ...]:
        return self.equivalent + self.covered_by

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "ref": self.ref,
            "treaty": self.treaty,
            "modality": str(self.modality),
            "status": self.status,
            "equivalent": list(self.equivalent),
            "covered_by": list(self.covered_by),
        }
        if self.closest is not None:
            out["closest"] = self.closest
        if self.scenario is not None:
            out["scenario"] = self.scenario
        if self.note is not None:
            out["note"] = self.note
        if self.vacuous:
            out["vacuous"] = True
        if self.unknown:
            out["unknown"] = True
        return out


@dataclass(frozen=True)
class Summary:
    """One instrument of the given files: how many of its norms add nothing, beyond which instruments."""

    treaty: str
    norms: int
    covered: int
    beyond: tuple[str, ...]

    def line(self, limit: int | None = None) -> str:
        """The summary in words; with ``limit``, at most that many instruments named."""
        beyond = list(self.beyond)
        if limit is not None and len(beyond) > limit:
            beyond = beyond[:limit]
            where = f" beyond {', '.join(beyond)} and {len(self.beyond) - limit} more"
        else:
            where = f" beyond {', '.join(beyond)}" if beyond else ""
        noun = "norm" if self.norms == 1 else "norms"
        verb = "adds" if self.covered == 1 else "add"
        return f"{self.treaty}: {self.covered} of {self.norms} {noun} {verb} nothing{where}"

    def to_dict(self) -> dict[str, object]:
        return {"treaty": self.treaty, "norms": self.norms, "covered": self.covered, "beyond": list(self.beyond)}


@dataclass(frozen=True)
class OverlapReport:
    norms: tuple[NormOverlap, ...]
    summaries: tuple[Summary, ...]
    queries: int = 0

    def norm(self, ref: str) -> list[NormOverlap]:
        return [n for n in self.norms if m.ref_matches(ref, n.ref)]

    def to_dict(self) -> dict[str, object]:
        return {
            "schema": SCHEMA,
            "version": VERSION,
            "norms": [n.to_dict() for n in self.norms],
            "summary": [s.to_dict() for s in self.summaries],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ analysis


def party_relative(n: Norm) -> bool:
    """Does the norm's condition depend on its own treaty's parties (``is a party``,
    ``every party``)? Two such norms of different treaties mean different things."""
    return any(
        isinstance(x, m.IsParty) or (isinstance(x, m.Quant) and x.domain == "party") for x in m.walk(n.condition)
    )


@dataclass
class _Asked:
    """What one overlap run has asked, by norm digests (norms that say the same
    thing to the same parties share the answers)."""

    live: dict[str, frozenset[str]] = field(default_factory=dict)
    covers: dict[tuple[str, str], bool | None] = field(default_factory=dict)
    meets: dict[tuple[str, str], bool | None] = field(default_factory=dict)


class _Overlap:
    def __init__(self, world: World, timeout: float, cache_dir: str | None):
        from .cache import VerdictCache, norm_digest

        self.world = world
        self.solver = PairSolver(world, timeout)
        self.ev = Evaluator(world)
        self.asked = _Asked()
        self.digests = {n.ref: norm_digest(world, n) for n in world.norms}
        self.bearers = {n.ref: world.bearers(n) for n in world.norms}
        self.scenario_solver: PairSolver | None = None
        # what a norm says but its modality, as one comparable value
        self.words = {n.ref: json.dumps(said(n)[1:], default=str) for n in world.norms}
        self.relative = {n.ref: party_relative(n) for n in world.norms}
        self.cache = VerdictCache(cache_dir, world) if cache_dir is not None else None

    # ---- the solver's questions, each asked once per pair of digests
    def _stored(self, kind: str, key: str) -> object:
        if self.cache is None:
            return None
        hit, body = self.cache.get_body(self._key(kind, key), lambda b: b)
        return body if hit else None

    def _store(self, kind: str, key: str, body: object) -> None:
        if self.cache is not None:
            self.cache.put_body(self._key(kind, key), body)

    def _key(self, kind: str, key: str) -> str:
        context = self.cache.context if self.cache else ""
        return hashlib.sha256(f"overlap\0{kind}\0{context}\0{key}".encode()).hexdigest()

    def live(self, n: Norm) -> frozenset[str]:
        """The bearers ``n`` binds in some scenario."""
        d = self.digests[n.ref]
        if d in self.asked.live:
            return self.asked.live[d]
        stored = self._stored("live", d)
        if isinstance(stored, list):
            out = frozenset(str(x) for x in stored)
        else:
            out = self._live(n)
            self._store("live", d, sorted(out))
        self.asked.live[d] = out
        return out

    def _live(self, n: Norm) -> frozenset[str]:
        solver, enc = self.solver, self.solver.enc
        inst = solver.instance(n, "lv")
        bearers = self.world.bearers(n)
        found: set[str] = set()
        while True:
            r = solver.check(inst.applies, *[inst.bearer != enc.entity[b] for b in sorted(found)])
            if r != z3.sat:
                if r == z3.unknown:  # not known to be dead: count every bearer as live
                    return frozenset(bearers)
                return frozenset(found)
            x = enc.read(solver.model.eval(inst.bearer, model_completion=True))  # type: ignore[union-attr]
            # a bearer the norm cannot tell from x is live too
            sig = signature(self.world, n)
            found |= {y for y in bearers if sig[y] == sig[x]}  # type: ignore[index]
            found.add(x)  # type: ignore[arg-type]

    def covers(self, m_: Norm, n: Norm) -> bool | None:
        """Does ``m_`` impose ``n``'s modality wherever ``n`` imposes it? (None: unknown)"""
        if m_.modality not in COVERS[n.modality]:
            return False
        live = self.live(n)
        if not live <= self.bearers[m_.ref]:
            return False
        if not live:
            return True
        # the same words and no condition on the parties: the same formula on m's bearers
        if self.words[m_.ref] == self.words[n.ref] and (
            not self.relative[n.ref] or self._parties(m_) == self._parties(n)
        ):
            return True
        key = (self.digests[n.ref], self.digests[m_.ref])
        if key in self.asked.covers:
            return self.asked.covers[key]
        stored = self._stored("covers", "\0".join(key))
        if isinstance(stored, bool):
            self.asked.covers[key] = stored
            return stored
        solver = self.solver
        r = solver.check(only(solver, solver.instance(n, "n"), solver.instance(m_, "m")))
        out = None if r == z3.unknown else r == z3.unsat
        if out is not None:
            self._store("covers", "\0".join(key), out)
        self.asked.covers[key] = out
        return out

    def _parties(self, n: Norm) -> frozenset[str]:
        return self.world.treaty(n.treaty).parties

    def meets(self, n: Norm, m_: Norm) -> bool | None:
        """Do the two impose on one (bearer, act) in some scenario?"""
        key = (self.digests[n.ref], self.digests[m_.ref])
        if key not in self.asked.meets:
            solver, ctx = self.solver, self.solver.enc.ctx
            a, b = solver.instance(n, "n"), solver.instance(m_, "m")
            r = solver.check(all_of([a.applies, b.applies, a.bearer == b.bearer, a.action == b.action], ctx))
            self.asked.meets[key] = None if r == z3.unknown else r == z3.sat
        return self.asked.meets[key]

    def new_scenario(self, n: Norm, other: Norm | None) -> dict | None:
        """A replayed scenario ``n`` reaches and ``other`` does not (None: ``n`` never applies).

        Asked of a solver of its own that is asked nothing else, the new norms in
        world order: a model depends on what its solver was asked before, and the
        main solver's questions depend on the cache (a hit is not asked again), so
        the scenarios would too."""
        if self.scenario_solver is None:
            self.scenario_solver = PairSolver(self.world, self.solver.timeout)
        solver = self.scenario_solver
        a = solver.instance(n, "n")
        if other is not None and solver.check(only(solver, a, solver.instance(other, "m"))) == z3.sat:
            assert solver.model is not None
            return scenario(self.world, solver, self.ev, n, other, a, solver.model, n.ref, (n.ref, other.ref))
        # nothing comes near, or the closest reaches every act but imposes less
        # (a permission where n gives a right): a scenario where n applies
        if solver.check(a.applies) != z3.sat:
            return None
        assert solver.model is not None
        if other is None:
            clause = "no norm of another instrument does"
        else:
            clause = f"{other.ref} only {MODALITY_WORDS[other.modality].imposes} it"
        return scenario(self.world, solver, self.ev, n, None, a, solver.model, n.ref, (n.ref, clause))

    def close(self) -> None:
        if self.cache is not None:
            self.cache.flush()
            self.cache.close()


def _action_key(n: Norm) -> str:
    return n.action_name or "*"


def overlap(
    world: World,
    timeout: float = 10.0,
    files: frozenset[str] | None = None,
    cache_dir: str | None = None,
    refs: tuple[str, ...] = (),
) -> OverlapReport:
    """Every norm of ``files`` (default: the user's files) against the norms of the
    other instruments of the world."""
    mine = world.chosen(files, refs)
    index: dict[tuple[str, str], list[Norm]] = {}
    for x in world.norms:
        index.setdefault((FAMILY[x.modality], _action_key(x)), []).append(x)
    run = _Overlap(world, timeout, cache_dir)
    out: list[NormOverlap] = []
    lists: dict[tuple[str, str, str], list[Norm]] = {}
    try:
        for n in mine:
            key = (FAMILY[n.modality], _action_key(n), n.treaty)
            if key not in lists:
                lists[key] = _candidates(index, n)
            out.append(_one(run, n, lists[key]))
        # the new norms' scenarios, in world order, from a solver asked nothing else
        for i, o in enumerate(out):
            if o.status == "new":
                other = world.norm(o.closest) if o.closest else None
                out[i] = replace(o, scenario=run.new_scenario(world.norm(o.ref), other))
    finally:
        run.close()
    return OverlapReport(tuple(out), _summaries(world, out), run.solver.queries)


def _candidates(index: dict[tuple[str, str], list[Norm]], n: Norm) -> list[Norm]:
    """Norms of other instruments that speak of n's act in n's family, in world order."""
    fam = FAMILY[n.modality]
    keys = [(f, a) for f, a in index if f == fam and (a == "*" or _action_key(n) in ("*", a))]
    found = [x for k in keys for x in index[k] if x.treaty != n.treaty]
    order = {x.ref: i for i, x in enumerate(found)}
    return sorted(found, key=lambda x: (x.ref.split(":")[0], order[x.ref]))


def _one(run: _Overlap, n: Norm, cands: list[Norm]) -> NormOverlap:
    world = run.world
    if not run.live(n):
        return NormOverlap(
            n.ref, n.treaty, n.modality, "covered", vacuous=True, note="it never applies, so it adds nothing"
        )
    unknown = False
    covering: list[Norm] = []
    equivalent: list[Norm] = []
    # only a norm of a covering modality whose bearers include n's live ones can cover n
    live, wider = run.live(n), COVERS[n.modality]
    for c in (c for c in cands if c.modality in wider and live <= run.bearers[c.ref]):
        verdict = run.covers(c, n)
        if verdict is None:
            unknown = True
        elif verdict:
            back = run.covers(n, c)
            unknown = unknown or back is None
            (equivalent if back else covering).append(c)
    if covering or equivalent:
        status = "equivalent" if equivalent else "covered"
        every = equivalent + covering
        note = None
        if not world.treaty(n.treaty).commitment and all(world.treaty(c.treaty).commitment for c in every):
            refs = ", ".join(c.ref for c in every)
            verb = "commits" if len(every) == 1 else "commit"
            note = f"makes legally binding what {refs} {verb} to politically"
        return NormOverlap(
            n.ref,
            n.treaty,
            n.modality,
            status,
            tuple(c.ref for c in equivalent),
            tuple(c.ref for c in covering),
            note=note,
            unknown=unknown,
        )
    closest = _closest(run, n, cands)
    # the scenario is filled in once every norm is decided (see overlap())
    return NormOverlap(n.ref, n.treaty, n.modality, "new", closest=closest.ref if closest else None, unknown=unknown)


def _closest(run: _Overlap, n: Norm, cands: list[Norm]) -> Norm | None:
    """The first norm that meets ``n`` somewhere, preferring those whose modality
    would cover n's, then those of n's own act (not ``take any action``), then
    those sharing most of n's live bearers."""
    live = run.live(n)
    world = run.world
    ranked = sorted(
        (c for c in cands if live & world.bearers(c)),
        key=lambda c: (
            c.modality not in COVERS[n.modality],
            c.action_name != n.action_name,
            -len(live & world.bearers(c)),
            c.ref,
        ),
    )
    for c in ranked[:CLOSEST_TRIES]:
        if run.meets(n, c):
            return c
    return None


def _summaries(world: World, out: list[NormOverlap]) -> tuple[Summary, ...]:
    by: dict[str, list[NormOverlap]] = {}
    for o in out:
        by.setdefault(o.treaty, []).append(o)
    lines = []
    for tid in sorted(by):
        done = [o for o in by[tid] if o.status != "new"]
        beyond = sorted({r.split(":")[0] for o in done for r in o.covering})
        lines.append(Summary(tid, len(by[tid]), len(done), tuple(beyond)))
    return tuple(lines)
