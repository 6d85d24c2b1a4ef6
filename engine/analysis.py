"""The conflict search: candidate pairs -> solver queries -> replayed scenarios.

``analyse(world, focus, timeout) -> Analysis``. One Z3 context and one incremental
solver per check; the background (the assumptions) is asserted once; each norm is compiled once per role; each candidate pair is one
``push / assert / check / pop``. A found conflict is then:

1. widened to every bearer it binds (block the bearer found, ask again);
2. narrowed to a canonical scenario for the first bearer, preferring fewer axioms;
3. replayed by the plain evaluator (:mod:`treatycheck.evaluate`), which also
   minimises the scenario to the atoms the conflict needs. A replay that disagrees
   with the solver raises :class:`ReplayError`: it is a bug, never a finding.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import z3

from .cache import VerdictCache
from .encode import Encoder, NormInstance, _and, _or
from .evaluate import CHAIN_KINDS, Evaluator, FiniteScenario, Witness
from .index import Candidate, ChainIndex, candidate_refs, candidates
from .interrupt import checkpoint
from .symmetry import PairClasses
from .world import Norm, World

if TYPE_CHECKING:
    from .incremental import Reuse


class ReplayError(RuntimeError):
    """The solver's scenario does not replay in the evaluator: an engine bug."""


@dataclass(frozen=True)
class Finding:
    """A conflict as the search found it, before resolution and rendering.

    ``verdict`` is ``proved`` or ``unknown``. For proved findings, ``env1``/``env2``
    bind the two norms, ``atoms`` is the minimal scenario (true atoms), ``absent`` the
    false atoms it needs, and ``witness`` the chain or exclusion that makes it bite.
    """

    kind: str
    first: Norm
    second: Norm
    verdict: str
    bearers: tuple[str, ...] = ()
    env1: dict = field(default_factory=dict)
    env2: dict = field(default_factory=dict)
    atoms: frozenset = frozenset()
    absent: tuple = ()
    witness: Witness | None = None


@dataclass
class Analysis:
    """The findings and how many solver queries they took."""

    findings: list[Finding]
    queries: int = 0
    chains_cut: bool = False  # some action had more axiom chains than are searched


class _Recording:
    """A scenario wrapper that remembers every atom it was asked about, in order."""

    def __init__(self, inner: object):
        self.inner = inner
        self.asked: dict[tuple, None] = {}

    def true(self, atom: tuple) -> bool:
        self.asked.setdefault(atom, None)
        return self.inner.true(atom)  # type: ignore[attr-defined, no-any-return]


class _ModelScenario:
    """Atoms answered by a Z3 model (unconstrained atoms read as false)."""

    def __init__(self, enc: Encoder, model: z3.ModelRef):
        self.enc, self.model = enc, model
        self.cache: dict[tuple, bool] = {}

    def true(self, atom: tuple) -> bool:
        if atom not in self.cache:
            self.cache[atom] = z3.is_true(self.model.eval(self.enc.atom(atom), model_completion=True))
        return self.cache[atom]


class _Search:
    def __init__(
        self,
        world: World,
        timeout: float,
        chains: ChainIndex | None = None,
        cache: VerdictCache | None = None,
        classes: PairClasses | None = None,
    ):
        self.world = world
        self.cache = cache
        self.script: list[str] | None = None  # SMT-LIB commands, when recording
        self.depth = 0  # solver scopes open
        self.script_terms: list[z3.BoolRef] = []
        self.enc = Encoder(world)
        self.chains = chains or ChainIndex(world)
        self.memo: dict[tuple, Finding | None] = {}
        self.classes = classes or PairClasses(world)
        self.no_conflict: set[tuple] = set()  # symmetry classes found free of conflict
        self.ev = Evaluator(world)
        self.timeout_ms = max(1, int(timeout * 1000))
        self.instances: dict[tuple[str, str], NormInstance] = {}
        self.queries = 0
        self._new_solver()

    def _new_solver(self) -> None:
        # a recorded script goes on with one solver: close the scopes the old one
        # left open (the held first norm), so the script stays what was asked
        if self.script is not None:
            self.script.extend(["(pop 1)"] * self.depth)
        self.depth = 0
        self.solver = z3.Solver(ctx=self.enc.ctx)
        self.solver.set("timeout", self.timeout_ms)
        # check() asserts the background (the assumptions) before the first query,
        # through _add, so that --emit-smt records it too
        self.asserted = 0
        self.held: str | None = None  # the first norm asserted in an outer scope

    def _assert_background(self) -> None:
        background = self.enc.background
        if len(background) > self.asserted:  # assumptions the encoder added since
            self._add(*background[self.asserted :])
            self.asserted = len(background)

    def _hold(self, first: NormInstance) -> None:
        """Keep the first norm asserted in an outer scope while consecutive pairs
        share it (pairs come sorted by first norm): the solver then takes in only
        the second norm per query. Verdicts do not depend on this; scenarios come
        from a fresh context anyway (:meth:`explain`)."""
        if self.held == first.norm.ref:
            return
        if self.held is not None:
            self._pop()
        self._assert_background()
        self._push()
        self._add(first.applies)
        self.held = first.norm.ref

    def instance(self, norm: Norm, tag: str) -> NormInstance:
        key = (norm.ref, tag)
        if key not in self.instances:
            self.instances[key] = self.enc.instance(norm, tag)
        return self.instances[key]

    def check(self, *formulas: z3.BoolRef) -> z3.CheckSatResult:
        """Sat: the formulas (with the background) have a model; unsat: they cannot
        hold together; unknown: the solver gave up within the timeout."""
        self.queries += 1
        self._assert_background()
        self._push()
        try:
            self._add(*formulas)
            if self.script is not None:
                self.script.append("(check-sat)")
            result = self.solver.check()
            self.model = self.solver.model() if result == z3.sat else None
        finally:
            self._pop()
        return result

    # Solver calls go through these so that --emit-smt can record them in order.
    def _push(self) -> None:
        self.solver.push()
        self.depth += 1
        if self.script is not None:
            self.script.append("(push 1)")

    def _pop(self) -> None:
        self.solver.pop()
        self.depth -= 1
        if self.script is not None:
            self.script.append("(pop 1)")

    def _add(self, *formulas: z3.BoolRef) -> None:
        self.solver.add(*formulas)
        if self.script is not None:
            for f in formulas:
                self.script.append(f"(assert {f.sexpr()})")
                self.script_terms.append(f)

    # ------------------------------------------------------------ one candidate
    def relation(self, cand: Candidate, i1: NormInstance, i2: NormInstance) -> list[tuple[int, z3.BoolRef]]:
        """Alternatives (number of axioms used, formula) under which the first norm's
        action clashes with the second's as the kind requires."""
        enc, chains = self.enc, self.chains
        a_name, b_name = cand.first.action_name, cand.second.action_name
        alts: list[tuple[int, z3.BoolRef]] = []
        if cand.kind in CHAIN_KINDS:
            for k, walk in enumerate(chains.walks_between(a_name, b_name)):
                f, end = enc.chain(i1.action, walk, f"c{k}")
                alts.append((len(walk), _and([f, end == i2.action], enc.ctx)))
            return alts
        walks_a = chains.walks(a_name)
        walks_b = chains.walks(b_name)
        for ia, wa in enumerate(walks_a):
            end_a = wa[-1].right.name if wa else a_name
            fa, xa = enc.chain(i1.action, wa, f"l{ia}")
            for ib, wb in enumerate(walks_b):
                end_b = wb[-1].right.name if wb else b_name
                fb = xb = None
                for ax in chains.excludes:
                    pair = (ax.left.name, ax.right.name)
                    if not any(_fits(x, y, pair) for x, y in ((end_a, end_b), (end_b, end_a))):
                        continue
                    if fb is None:
                        fb, xb = enc.chain(i2.action, wb, f"r{ib}")
                    ex = enc.excludes(ax, xa, xb, f"x{ia}.{ib}")
                    alts.append((len(wa) + len(wb) + 1, _and([fa, fb, ex], enc.ctx)))
        return alts

    def known_free(self, cand: Candidate) -> bool:
        """Has the pair's symmetry class been found free of conflict in this run?"""
        return self.classes.key(cand.kind, cand.first, cand.second) in self.no_conflict

    def examine(self, cand: Candidate) -> Finding | None:
        """The conflict of one candidate pair, or None.

        Pairs that say the same thing (same norms up to their refs, same party
        lists) have the same answer, so it is computed once per run (and, with a
        cache, once across runs). Beyond that, "no conflict" is shared by every pair
        of a symmetry class (:mod:`treatycheck.symmetry`).
        """
        cls = self.classes.key(cand.kind, cand.first, cand.second)
        if cls in self.no_conflict:
            return None
        key = pair_key(self.world, cand)
        if key in self.memo:
            payload = self.memo[key]
        else:
            hit, verdict = (False, None)
            if self.cache is not None:
                # a class known free of conflict (the only verdict kept per class),
                # else this very pair's conflict
                hit, verdict = self.cache.get(self.cache.class_key(cls))
                if not hit:
                    hit, verdict = self.cache.get(self.cache.key(cand.kind, cand.first, cand.second))
            if hit:
                payload = None if verdict is None else Finding(cand.kind, cand.first, cand.second, "proved", **verdict)
            else:
                payload = self.decide(cand)
                if payload is not None and payload.verdict == "proved":
                    payload = self.explain(cand, payload.bearers)
                if self.cache is not None and payload is None:
                    self.cache.put(self.cache.class_key(cls), None)
                elif self.cache is not None and payload.verdict == "proved":
                    self.cache.put(self.cache.key(cand.kind, cand.first, cand.second), _verdict(payload))
            if payload is None or payload.verdict == "proved":
                self.memo[key] = payload
        if payload is None:
            # the whole class: no pair in it conflicts (see treatycheck.symmetry)
            self.no_conflict.add(cls)
            return None
        return replace(payload, first=cand.first, second=cand.second)

    def pair(self, cand: Candidate) -> tuple[NormInstance, NormInstance, list[tuple[int, z3.BoolRef]]]:
        i1 = self.instance(cand.first, "a")
        i2 = self.instance(cand.second, "b")
        return i1, i2, self.relation(cand, i1, i2)

    def decide(self, cand: Candidate) -> Finding | None:
        """Whether the pair conflicts, and for which bearers (no scenario yet)."""
        enc = self.enc
        i1, i2, alts = self.pair(cand)
        if not alts:
            return None
        self._hold(i1)
        base = _and([i2.applies, i1.bearer == i2.bearer], enc.ctx)
        everything = _or([f for _, f in alts], enc.ctx)
        result = self.check(base, everything)
        if result == z3.unsat:
            return None
        if result == z3.unknown:
            self._new_solver()
            return Finding(cand.kind, cand.first, cand.second, "unknown")
        # every bearer: widen the one found to the entities the world cannot tell
        # apart from it (a symmetry), block them, and ask again
        bearers: list[str] = []
        classes = self.world.symmetry_classes()
        self._push()
        try:
            self._add(base, everything)
            while result == z3.sat:
                b = enc.read(self.model.eval(i1.bearer, model_completion=True))
                found = classes.get(b, (b,))  # type: ignore[arg-type]
                bearers.extend(found)
                self._add(*[i1.bearer != enc.entity[x] for x in found])
                result = self.check()
        finally:
            self._pop()
        if result == z3.unknown:
            self._new_solver()
            return Finding(cand.kind, cand.first, cand.second, "unknown")
        return Finding(cand.kind, cand.first, cand.second, "proved", tuple(sorted(bearers)))

    def explain(self, cand: Candidate, bearers: tuple[str, ...]) -> Finding:
        """The canonical scenario for the first bearer, from a fresh context and
        solver, so it depends only on the pair and the world, never on what was
        asked before (determinism across --jobs, caches and file order)."""
        fresh = _Search(self.world, self.timeout_ms / 1000, self.chains, classes=self.classes)
        fresh.script, fresh.script_terms = self.script, self.script_terms
        enc = fresh.enc
        i1, i2, alts = fresh.pair(cand)
        base = _and([i1.applies, i2.applies, i1.bearer == i2.bearer], enc.ctx)
        first = enc.entity[bearers[0]]
        for limit in sorted({n for n, _ in alts}):
            chosen = _or([f for n, f in alts if n <= limit], enc.ctx)
            # Prefer stories a reader expects: distinct roles, played by states.
            for extra in fresh.preferences(i1, i2):
                fresh._new_solver()  # each attempt from a clean slate: no history
                result = fresh.check(base, chosen, i1.bearer == first, *extra)
                self.queries += 1
                if result == z3.sat:
                    return fresh.scenario(cand, i1, i2, fresh.model, bearers)
                if result == z3.unknown:
                    return Finding(cand.kind, cand.first, cand.second, "unknown", bearers)
        raise ReplayError(f"{cand.first.ref}/{cand.second.ref}: no scenario for bearer {bearers[0]}")

    def preferences(self, i1: NormInstance, i2: NormInstance) -> list[list[z3.BoolRef]]:
        """Extra constraints to try in order, the last being none at all."""
        enc = self.enc
        roles = [[v for v in inst.env.values() if v.sort() == enc.Entity] for inst in (i1, i2)]
        distinct = [z3.Distinct(*vs) for vs in roles if len(vs) > 1]
        states = [e for e in self.world.entities if e.kind == "state"]
        is_state = []
        if states and len(states) < len(self.world.entities):
            names = [enc.entity[e.name] for e in states]
            is_state = [_or([v == s for s in names], enc.ctx) for vs in roles for v in vs]
        # across the two norms too: every role but the shared bearer its own entity
        across = [v for v in roles[0]] + [v for v in roles[1] if not v.eq(i2.bearer)]
        everyone = [z3.Distinct(*across)] if len(across) > 1 else []
        out = []
        if everyone and is_state:
            out.append(everyone + is_state)
        if distinct and is_state:
            out.append(distinct + is_state)
        if distinct:
            out.append(distinct)
        out.append([])
        return out

    # ------------------------------------------------------------ scenarios
    def scenario(
        self, cand: Candidate, i1: NormInstance, i2: NormInstance, model: z3.ModelRef, bearers: tuple[str, ...]
    ) -> Finding:
        """Replay the model in the evaluator and minimise it to a canonical scenario."""
        enc, ev = self.enc, self.ev
        env1 = {n: enc.read(model.eval(v, model_completion=True)) for n, v in i1.env.items()}
        env2 = {n: enc.read(model.eval(v, model_completion=True)) for n, v in i2.env.items()}
        full = _Recording(_ModelScenario(enc, model))
        if ev.conflict_holds(cand.kind, cand.first, env1, cand.second, env2, full) is None:
            raise ReplayError(f"{cand.first.ref}/{cand.second.ref}: the solver's scenario does not replay")
        needed = set(full.asked)
        if not ev.assumptions_hold(full):
            raise ReplayError(f"{cand.first.ref}/{cand.second.ref}: the solver's scenario breaks an assumption")
        asked_by_assumptions = set(full.asked) - needed
        truth = full.inner
        atoms = {a for a in needed | asked_by_assumptions if truth.true(a)}  # type: ignore[attr-defined]

        def holds(candidate_atoms: set) -> Witness | None:
            s = FiniteScenario(frozenset(candidate_atoms))
            if not ev.assumptions_hold(s):
                return None
            return ev.conflict_holds(cand.kind, cand.first, env1, cand.second, env2, s)

        if holds(atoms) is None:
            raise ReplayError(f"{cand.first.ref}/{cand.second.ref}: the scenario does not replay on its own atoms")
        for atom in sorted(atoms, key=repr):  # fewer true atoms, canonically
            if holds(atoms - {atom}) is not None:
                atoms.discard(atom)
        rec = _Recording(FiniteScenario(frozenset(atoms)))
        witness = ev.conflict_holds(cand.kind, cand.first, env1, cand.second, env2, rec)
        assert witness is not None

        def bites(candidate_atoms: set) -> bool:  # the conflict alone, assumptions aside
            s = FiniteScenario(frozenset(candidate_atoms))
            return ev.conflict_holds(cand.kind, cand.first, env1, cand.second, env2, s) is not None

        absent = tuple(sorted((a for a in rec.asked if a not in atoms and not bites(atoms | {a})), key=repr))
        return Finding(
            cand.kind,
            cand.first,
            cand.second,
            "proved",
            bearers,
            env1,
            env2,
            frozenset(atoms),
            absent,
            witness,
        )


def norm_key(world: World, norm: Norm) -> tuple:
    """What a norm's part in a verdict depends on: what it says (not where), and
    its treaty's parties."""
    return (
        norm.modality,
        norm.bearer,
        norm.bearer_group,
        norm.action,
        norm.condition,
        norm.variables,
        world.treaty(norm.treaty).parties,
    )


def pair_key(world: World, cand: Candidate) -> tuple:
    """The content a pair's verdict depends on (the world's vocabulary, axioms and
    assumptions aside, which are fixed within a run)."""
    return (cand.kind, cand.first.ref == cand.second.ref, norm_key(world, cand.first), norm_key(world, cand.second))


def _fits(x: str | None, y: str | None, pair: tuple[str, str]) -> bool:
    return (x is None or x == pair[0]) and (y is None or y == pair[1])


def _verdict(f: Finding) -> dict:
    """The cacheable part of a proved finding (no norms: those are the pair's own)."""
    return {
        "bearers": f.bearers,
        "env1": f.env1,
        "env2": f.env2,
        "atoms": f.atoms,
        "absent": f.absent,
        "witness": f.witness,
    }


def rows(analysis: Analysis) -> list[tuple]:
    """Findings as plain tuples; norms travel as refs (the receiver has the same world)."""
    return [
        (f.kind, f.first.ref, f.second.ref, f.verdict, f.bearers, f.env1, f.env2, f.atoms, f.absent, f.witness)
        for f in analysis.findings
    ]


def findings_from(world: World, data: list[tuple]) -> list[Finding]:
    """The inverse of :func:`rows`."""
    return [
        Finding(kind, world.norm(a), world.norm(b), verdict, bearers, env1, env2, atoms, absent, witness)
        for kind, a, b, verdict, bearers, env1, env2, atoms, absent, witness in data
    ]


def analyse(
    world: World,
    focus: frozenset[str] | None = None,
    timeout: float = 10.0,
    jobs: int = 1,
    cache_dir: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    deadline: float | None = None,
    emit: list[str] | None = None,
    scheduler: object | None = None,
    reuse: Reuse | None = None,
) -> Analysis:
    """Find every conflict among the world's norms that involves a ref in ``focus``
    (every conflict when None), with ``jobs`` worker processes (or on the Dask
    cluster at ``scheduler``) and an optional verdict cache. Findings come back in
    canonical order whatever the jobs. With ``reuse`` (from a snapshot, see
    :mod:`treatycheck.incremental`) only the pairs it names are examined; the
    result is also left in it."""
    result = _analyse(world, focus, timeout, jobs, cache_dir, progress, deadline, emit, scheduler, reuse)
    if reuse is not None:
        reuse.result = result
    return result


def _analyse(
    world: World,
    focus: frozenset[str] | None,
    timeout: float,
    jobs: int,
    cache_dir: str | None,
    progress: Callable[[int, int], None] | None,
    deadline: float | None,
    emit: list[str] | None,
    scheduler: object | None,
    reuse: Reuse | None,
) -> Analysis:
    if not world.norms:
        if emit is not None:
            emit.append("; treatycheck: no solver queries\n")
        return Analysis([], 0)
    delta = reuse is not None and reuse.changed is not None
    workers = None
    if jobs > 1 and emit is None and scheduler is None and len(world.norms) > 1 and not delta:
        from .parallel import Workers

        workers = Workers(world, jobs)  # they boot while the pairs are built
    try:
        chains = ChainIndex(world)
        if delta:
            assert reuse is not None
            result = _reanalyse(
                world, candidate_refs(world, chains, focus), reuse, timeout, cache_dir, chains, progress
            )
            result.chains_cut = "(too many chains)" in chains.truncated
            return result
        pairs = list(candidates(world, chains, focus))
        _walk(world, chains, {r for c in pairs for r in (c.first.ref, c.second.ref)})
        if scheduler is not None and pairs and emit is None:
            from .distributed import analyse_dask

            result = analyse_dask(world, pairs, timeout, scheduler, progress=progress, deadline=deadline)
        elif workers is not None and len(pairs) > 1:
            from .parallel import analyse_parallel

            result = analyse_parallel(world, pairs, timeout, workers, cache_dir, progress, deadline)
        else:
            if workers is not None:  # too little work to share: stop them unwaited
                workers.abort()
                workers = None
            result = analyse_pairs(
                world, [_refs(c) for c in pairs], timeout, cache_dir, chains, progress, deadline, emit
            )
    except BaseException:
        if workers is not None:
            workers.abort()
        raise
    if workers is not None:
        workers.close()
    result.chains_cut = "(too many chains)" in chains.truncated
    return result


def _walk(world: World, chains: ChainIndex, refs: set[str]) -> None:
    """Enumerate the axiom chains from the actions of the norms in ``refs`` now, so
    that whether some were cut off (W311) is known, whichever pairs are then solved."""
    for action in sorted({world.norm(r).action_name or "" for r in refs}):
        chains.walks(action or None)


def _reanalyse(
    world: World,
    pairs: list[tuple[str, str, str]],
    reuse: Reuse,
    timeout: float,
    cache_dir: str | None,
    chains: ChainIndex,
    progress: Callable[[int, int], None] | None,
) -> Analysis:
    """The pairs with a changed norm examined afresh; every other pair's finding (or
    none) taken from the snapshot. Norms held without positions get them back."""
    assert reuse.changed is not None
    changed = reuse.changed
    fresh, kept = [], []
    for pair in pairs:
        _, a, b = pair
        if a in changed or b in changed:
            fresh.append(pair)
        elif pair in reuse.previous:
            kept.append(reuse.previous[pair])
    _walk(world, chains, {r for _, a, b in pairs for r in (a, b)})
    found = analyse_pairs(world, fresh, timeout, cache_dir, chains, progress)
    findings = sorted(findings_from(world, kept) + found.findings, key=_refs)
    return Analysis([reuse.restored(f) for f in findings], found.queries)


def by_class(
    world: World,
    pairs: list[Candidate],
    submit: Callable[[list[tuple[str, str, str]]], object],
    gather: Callable[[list[object], bool], Analysis],
    parts: int,
) -> Analysis:
    """Examine ``pairs`` on a pool of workers or a cluster, one symmetry class at a
    time: first one pair of each class, then the other pairs of the classes whose
    first pair was not "no conflict" (workers with separate memos would otherwise
    each solve the same class).

    ``submit(batch)`` hands a batch of (kind, first ref, second ref) to a worker and
    returns a handle; ``gather(handles, first_round)`` waits for them and returns
    their findings. First-round batches are submitted while the pairs are still
    being classed, so the workers start at once; ``parts`` is about how many
    batches to cut the work into (more than workers, so that none idles at the end).
    """
    classes = PairClasses(world)
    # the number of classes is not known until all pairs are classed: size the
    # batches on the benchmark's ratio, about one class for 8 pairs
    size = max(4, min(256, len(pairs) // (8 * parts)))
    keys: list[tuple] = []
    first_of: dict[tuple, int] = {}
    batch: list[tuple[str, str, str]] = []
    handles = []
    for i, c in enumerate(pairs):
        k = classes.key(c.kind, c.first, c.second)
        keys.append(k)
        if k in first_of:
            continue
        first_of[k] = i
        batch.append(_refs(c))
        if len(batch) >= size:
            handles.append(submit(batch))
            batch = []
        if i % 4096 == 0:
            checkpoint()
    if batch:
        handles.append(submit(batch))
    first = gather(handles, True)
    found = {_refs(f) for f in first.findings}
    open_ = {keys[i] for i in first_of.values() if _refs(pairs[i]) in found}
    rest = [_refs(c) for i, c in enumerate(pairs) if keys[i] in open_ and first_of[keys[i]] != i]
    second = Analysis([], 0)
    if rest:
        step = max(1, -(-len(rest) // parts))
        second = gather([submit(rest[i : i + step]) for i in range(0, len(rest), step)], False)
    findings = sorted(first.findings + second.findings, key=_refs)
    return Analysis(findings, first.queries + second.queries)


def _refs(x: Candidate | Finding) -> tuple[str, str, str]:
    """A pair as (kind, first ref, second ref), as it travels to workers."""
    return (x.kind, x.first.ref, x.second.ref)


def analyse_pairs(
    world: World,
    pairs: list[tuple[str, str, str]],
    timeout: float,
    cache_dir: str | None,
    chains: ChainIndex | None = None,
    progress: Callable[[int, int], None] | None = None,
    deadline: float | None = None,
    emit: list[str] | None = None,
    search: _Search | None = None,
    stop_at: float | None = None,
) -> Analysis:
    """Examine the given candidate pairs (kind, first ref, second ref) in order.

    Pairs not reached within ``deadline`` seconds (or by the wall-clock time
    ``stop_at``) are reported ``unknown``. With ``emit`` (a list), the SMT-LIB script
    of every query is appended to it. A worker passes its own ``search`` to keep its
    compiled norms and memo from one batch of pairs to the next.
    """
    own = search is None
    if search is None:
        cache = VerdictCache(cache_dir, world) if cache_dir else None
        search = _Search(world, timeout, chains, cache)
    if emit is not None:
        search.script = []
    findings = []
    queries_before = search.queries
    stop = stop_at if stop_at is not None else None if deadline is None else time.time() + deadline
    for i, (kind, a, b) in enumerate(pairs):
        checkpoint()
        cand = Candidate(kind, world.norm(a), world.norm(b))
        if stop is not None and time.time() > stop and not search.known_free(cand):
            # out of time: undecided, never "no conflict" (unless its class was
            # decided free already, as with --jobs, which asks one pair per class)
            findings.append(Finding(kind, cand.first, cand.second, "unknown"))
            continue
        found = search.examine(cand)
        if found is not None:
            findings.append(found)
        if progress is not None and i % 64 == 0:
            progress(i, len(pairs))
    if search.cache is not None:
        if own:
            search.cache.close()
        else:
            search.cache.flush()
    findings.sort(key=_refs)
    if emit is not None and search.script is not None:
        emit.append(smt_script(search))
    return Analysis(findings, search.queries - queries_before)


def smt_script(search: _Search) -> str:
    """The recorded queries as one SMT-LIB 2 script: the declarations, then every
    push / assert / check-sat / pop in the order run."""
    ctx = search.enc.ctx
    collect = z3.Solver(ctx=ctx)
    for f in search.script_terms:
        collect.add(f if f.ctx == ctx else f.translate(ctx))
    declarations = [cmd for cmd in _commands(collect.sexpr()) if cmd.startswith("(declare")]
    header = ["; treatycheck: every solver query of one check, in the order run"]
    return "\n".join(header + declarations + (search.script or [])) + "\n"


def _commands(text: str) -> list[str]:
    """Top-level S-expressions of an SMT-LIB text."""
    out, depth, start, in_string = [], 0, 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            in_string = not in_string
        if in_string:
            continue
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                out.append(text[start : i + 1])
    return out


# ------------------------------------------------------------------ comparing versions

_IMPOSES = {"obligation": "obliges", "prohibition": "forbids", "permission": "permits", "right": "protects"}


def compare_norms(world: World, pairs: list[tuple[Norm, Norm]], timeout: float = 10.0) -> list[tuple[str, dict | None]]:
    """For each (old, new) pair of one sentence, ``equivalent``, ``broader``,
    ``narrower``, ``different`` or ``unknown``, with a scenario that tells them apart.

    ``world`` must hold both norms' treaties and groups (see :func:`treatycheck.diff.merge`).
    """
    from .tell import tell, written

    search = _Search(world, timeout)
    enc, ev = search.enc, search.ev
    out: list[tuple[str, dict | None]] = []
    for old, new in pairs:
        io, inew = search.instance(old, "o"), search.instance(new, "n")

        def only(a: NormInstance, b: NormInstance) -> z3.BoolRef:
            """Sat iff in some scenario ``a`` imposes its modality on a (bearer, action)
            on which ``b`` imposes nothing; unsat iff ``b`` covers all of ``a``."""
            covered = _and([b.applies, b.bearer == a.bearer, b.action == a.action], enc.ctx)
            bound = list(b.env.values())
            return _and([a.applies, z3.Not(z3.Exists(bound, covered) if bound else covered)], enc.ctx)

        results = []
        for a, b in ((io, inew), (inew, io)):
            r = search.check(only(a, b))
            results.append((r, search.model if r == z3.sat else None))
        (r_old, m_old), (r_new, m_new) = results
        if z3.unknown in (r_old, r_new):
            out.append(("unknown", None))
            continue
        change = {
            (False, False): "equivalent",
            (False, True): "broader",
            (True, False): "narrower",
            (True, True): "different",
        }[(r_old == z3.sat, r_new == z3.sat)]
        if change == "equivalent":
            out.append((change, None))
            continue
        side, other, inst, model, label = (
            (new, old, inew, m_new, "new") if r_new == z3.sat else (old, new, io, m_old, "old")
        )
        env = {n: enc.read(model.eval(v, model_completion=True)) for n, v in inst.env.items()}
        bearer, action = ev.bearer_of(side, env), ev.action_of(side, env)

        def differs(
            s: object, side: Norm = side, other: Norm = other, env: dict = env, who: str = bearer, act: tuple = action
        ) -> bool:
            return ev.applies(side, env, s) and not _imposes(ev, other, who, act, s)  # type: ignore[arg-type]

        full = _Recording(_ModelScenario(enc, model))
        if not differs(full):
            raise ReplayError(f"{side.ref}: the solver's scenario does not tell the versions apart")
        atoms = {a for a in full.asked if full.inner.true(a)}  # type: ignore[attr-defined]
        for atom in sorted(atoms, key=repr):
            if differs(FiniteScenario(frozenset(atoms - {atom}))):
                atoms.discard(atom)
        if not differs(FiniteScenario(frozenset(atoms))):
            raise ReplayError(f"{side.ref}: the minimal scenario does not replay")
        kinds = {p.name: p.kind for p in world.predicates}
        facts = sorted((a for a in atoms if kinds[a[0]] == "fact"), key=written)
        judgements = sorted((a for a in atoms if kinds[a[0]] == "judgement"), key=written)
        told = [tell(world, a) for a in facts + judgements]
        other_label = "old" if label == "new" else "new"
        told.append(
            f"the {label} text {_IMPOSES[side.modality]} {bearer}: {tell(world, action)}; the {other_label} text does not"
        )
        out.append(
            (
                change,
                {
                    "facts": [written(a) for a in facts],
                    "judgements": [written(a) for a in judgements],
                    "bearer": bearer,
                    "action": written(action),
                    "applies": label,
                    "story": "; ".join(told),
                },
            )
        )
    return out


def _imposes(ev: Evaluator, norm: Norm, bearer: str, action: tuple, s: object) -> bool:
    """Does ``norm`` impose its modality on ``bearer`` doing ``action`` in ``s``?"""
    from . import model as m

    if isinstance(norm.action, m.AnyAction):
        env0: dict | None = {norm.action.var: action}
    else:
        env0 = ev._match(norm.action, action, {})
    if env0 is None:
        return False
    if isinstance(norm.bearer, m.Var):
        if env0.get(norm.bearer.name, bearer) != bearer:
            return False
        env0[norm.bearer.name] = bearer
    elif norm.bearer.name != bearer:
        return False
    return any(ev.applies(norm, env, s) for env in ev.bindings(norm.variables, env0))  # type: ignore[arg-type]
