"""Findings settled by treaty law: each conflict's resolution, and displacement.

``Settler(world, timeout, chains).settle(finding) -> Settlement``. Goes in: a
finding of the search (two norms, the bearers, a replayed scenario). Comes out: its
:class:`~treatycheck.precedence.Resolution` by the pairwise rules
(:class:`~treatycheck.precedence.Law`), and the finding to show, after asking
whether a third norm settles it (docs/language.md section 5.4):

- a norm ``c`` can displace one side ``n`` of the pair when ``c`` and ``n`` could
  conflict (their modalities and actions can meet, their bearers overlap) and ``c``
  outranks ``n`` (the pairwise resolution of ``(c, n)`` is ``prevails`` for ``c``).
  Most findings have no such norm and cost nothing more;
- otherwise the solver asks for which bearers the pair collides with neither side
  displaced (it *stands*): those are the bearers shown, with a scenario among the
  standing ones;
- when it stands for none, it is ``displaced``: the side never displaced (if one)
  stands, the displacing norms and their rankings are the ``by``, and the scenario
  shows one of them applying.

Every scenario is replayed by the plain evaluator, its displacement included.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..evaluate import CHAIN_KINDS, Env, Evaluator, FiniteScenario, Scenario, pair_kind
from ..index import Candidate, ChainIndex
from ..kinds import Modality, Status, Verdict
from ..precedence import Law, Resolution
from ..world import Norm, World
from .law import FIRST, SECOND, Displacers, LawSolver
from .replay import Keep, minimise
from .result import Finding


@dataclass(frozen=True)
class Settlement:
    """A finding as treaty law settles it: the resolution, the finding to show
    (bearers and scenario), and the norms that displace it (refs, sorted)."""

    resolution: Resolution
    finding: Finding
    displacers: tuple[str, ...] = ()


class Settler:
    """Settles the findings of one world; the solver is started on first need."""

    def __init__(self, world: World, timeout: float, chains: ChainIndex | None = None):
        self.world = world
        self.timeout = timeout
        self.chains = chains or ChainIndex(world)
        self.ev = Evaluator(world)
        self._solver: LawSolver | None = None
        self.law = Law(world, self._implies)
        self._buckets: dict[tuple[Modality, str | None], list[Norm]] = {}
        for n in world.norms:
            self._buckets.setdefault((n.modality, n.action_name), []).append(n)
        self._keys: dict[tuple[Modality, str | None], list[tuple[Modality, str | None]]] = {}
        self._bearers: dict[str, frozenset[str]] = {}

    @property
    def solver(self) -> LawSolver:
        if self._solver is None:
            self._solver = LawSolver(self.world, self.timeout, self.chains)
        return self._solver

    @property
    def queries(self) -> int:
        return self._solver.queries if self._solver is not None else 0

    def _implies(self, special: Norm, general: Norm, binding: dict) -> bool:
        return self.solver.implies(special, general, binding)

    # ------------------------------------------------------------ who can displace
    def _bearers_of(self, n: Norm) -> frozenset[str]:
        if n.ref not in self._bearers:
            self._bearers[n.ref] = self.world.bearers(n)
        return self._bearers[n.ref]

    def _partners(self, n: Norm) -> list[tuple[Modality, str | None]]:
        """The (modality, action) buckets whose norms could conflict with ``n``."""
        key = (n.modality, n.action_name)
        if key not in self._keys:
            out = []
            for mod, action in self._buckets:
                kinds = pair_kind(mod, n.modality)
                if kinds is None:
                    continue
                kind, swap = kinds
                acting, other = (n.action_name, action) if swap else (action, n.action_name)
                if kind in CHAIN_KINDS:
                    meet = self.chains.can_reach(acting, other)
                else:
                    meet = self.chains.can_exclude(acting, other) or self.chains.can_exclude(other, acting)
                if meet:
                    out.append((mod, action))
            self._keys[key] = sorted(out, key=lambda k: (k[0], k[1] or ""))
        return self._keys[key]

    def displacers(self, n: Norm, pair: Finding) -> list[Norm]:
        """Norms other than the pair's that could displace ``n``, in ref order: only
        a norm that binds one of the bearers for which the pair collides can."""
        mine = frozenset(pair.bearers)
        out = []
        for key in self._partners(n):
            for c in self._buckets[key]:
                if c.ref in (pair.first.ref, pair.second.ref) or self._bearers_of(c).isdisjoint(mine):
                    continue
                if self.law.outranks(c, n) is not None:
                    out.append(c)
        return sorted(out, key=lambda c: c.ref)

    # ------------------------------------------------------------ settling
    def settle(self, f: Finding) -> Settlement:
        """The settlement of one finding."""
        res = self.law.resolve(f.first, f.second)
        if f.verdict != Verdict.PROVED:
            return Settlement(res, f)
        found = (self.displacers(f.first, f), self.displacers(f.second, f))
        if not found[FIRST] and not found[SECOND]:
            return Settlement(res, f)
        cand = Candidate(f.kind, f.first, f.second)
        known = self._stands_as_found(cand, f, found)
        if known == frozenset(f.bearers):
            return Settlement(res, f)
        standing = self.solver.standing(cand, found, f.bearers, known)
        if standing is None:  # the solver gave up: the pairwise answer stands
            return Settlement(res, f)
        if standing:
            return Settlement(res, self._standing(cand, f, standing, found))
        return self._displaced(cand, f, res, found)

    def _stands_as_found(self, cand: Candidate, f: Finding, found: Displacers) -> frozenset[str]:
        """The bearers for which the finding's own scenario shows it standing: if
        the evaluator finds neither side displaced there, its bearer's images under
        the world's symmetries (among the finding's bearers); else none."""
        if not self._undisplaced(cand, found)(f.env1, f.env2, FiniteScenario(f.atoms)):
            return frozenset()
        bearer = self.ev.bearer_of(f.first, f.env1)
        return frozenset(self.world.symmetry_classes().get(bearer, (bearer,))) & frozenset(f.bearers)

    def _standing(self, cand: Candidate, f: Finding, bearers: tuple[str, ...], found: Displacers) -> Finding:
        """The finding for the bearers where it stands, with a standing scenario
        (from a fresh context, replayed with its displacement by the evaluator)."""
        keep = self._undisplaced(cand, found)
        if f.bearers[:1] == bearers[:1] and keep(f.env1, f.env2, FiniteScenario(f.atoms)):
            return replace(f, bearers=bearers)  # the scenario found already stands
        solution = self.solver.solver.witness(cand, bearers[0], LawSolver.undisplaced(found))
        if solution is None:
            return replace(f, bearers=bearers)
        return minimise(self.ev, cand, bearers, solution, keep)

    def _displaced(self, cand: Candidate, f: Finding, res: Resolution, found: Displacers) -> Settlement:
        """A finding displaced wherever the two norms meet."""
        norms = (f.first, f.second)
        actual = tuple([c for c in found[side] if self.solver.displaces(cand, side, c)] for side in (FIRST, SECOND))
        if not actual[FIRST] and not actual[SECOND]:  # undecided queries: keep the pairwise answer
            return Settlement(res, f)
        stands = FIRST if not actual[FIRST] else SECOND if not actual[SECOND] else None
        if stands is not None and res.status == Status.PREVAILS and res.overrides == (norms[1 - stands].ref,):
            return Settlement(res, f)  # a third norm agreeing with the winner changes nothing
        gone = [s for s in (FIRST, SECOND) if actual[s]]
        by: set[str] = set()
        breaches: set[str] = set()
        names: list[str] = []
        for side in gone:
            for c in actual[side]:
                ranking = self.law.outranks(c, norms[side])
                assert ranking is not None
                by.add(c.ref)
                by.update(ranking.by)
                breaches.update(ranking.breaches)
                names.append(f"{c.ref} ({ranking.reason})")
        overrides = tuple(sorted(norms[s].ref for s in gone))
        winner = norms[stands].treaty if stands is not None else None
        if stands is not None:
            head = f"{norms[1 - stands].ref} gives way, wherever it meets {norms[stands].ref}, to "
        else:
            head = f"wherever {f.first.ref} and {f.second.ref} meet, each gives way to "
        reason = head + "; ".join(names)
        displaced = Resolution(
            Status.DISPLACED, winner, tuple(sorted(by)), overrides, reason, (), tuple(sorted(breaches))
        )
        side = gone[0]
        c = actual[side][0]
        keep = self._displaces(cand, side, c)
        solution = self.solver.solver.witness(cand, f.bearers[0], LawSolver.displaced(side, c))
        shown = f if solution is None else minimise(self.ev, cand, f.bearers, solution, keep)
        refs = tuple(sorted({c.ref for s in gone for c in actual[s]}))
        return Settlement(displaced, shown, refs)

    # ------------------------------------------------------------ the evaluator's checks
    def _undisplaced(self, cand: Candidate, found: Displacers) -> Keep:
        ev = self.ev

        def keep(env1: Env, env2: Env, s: Scenario) -> bool:
            for side, norm, env in ((FIRST, cand.first, env1), (SECOND, cand.second, env2)):
                if any(ev.displaces(c, norm, env, s) is not None for c in found[side]):
                    return False
            return True

        return keep

    def _displaces(self, cand: Candidate, side: int, c: Norm) -> Keep:
        ev = self.ev
        norm = (cand.first, cand.second)[side]

        def keep(env1: Env, env2: Env, s: Scenario) -> bool:
            return ev.displaces(c, norm, (env1, env2)[side], s) is not None

        return keep
