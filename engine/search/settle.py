"""Findings settled by treaty law: each conflict's resolution, and displacement.

``Settler(world, timeout, chains).settle(finding) -> Settlement``. Goes in: a
finding of the search (two norms, the bearers, a replayed scenario). Comes out: its
:class:`~treatycheck.precedence.Resolution` by the pairwise rules
(:class:`~treatycheck.precedence.Law`), and the finding to show, after asking
whether a third norm settles it (docs/language.md section 8.5):

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

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from ..cache import VerdictCache, dump, law_fingerprint, load
from ..evaluate import Env, Evaluator, FiniteScenario, Link, Scenario, link, pair_kind
from ..index import Candidate, ChainIndex, asked
from ..kinds import Modality, Status, Verdict
from ..precedence import Law, Resolution
from ..world import Norm, World
from .law import FIRST, SECOND, Displacers, LawSolver
from .pair import Decision, ReplayError
from .replay import Keep, minimise
from .result import Finding


@dataclass(frozen=True)
class Settlement:
    """A finding as treaty law settles it: the resolution, the finding to show
    (bearers and scenario), the norms that displace it (refs, sorted), and for a
    displaced one, which displacer's ranking breaches which undertaking
    (``(undertaking ref, displacer ref)``, sorted): accepting that displacer is the
    breach."""

    resolution: Resolution
    finding: Finding
    displacers: tuple[str, ...] = ()
    accepting: tuple[tuple[str, str], ...] = ()


class Settler:
    """Settles the findings of one world; the solver is started on first need."""

    def __init__(
        self,
        world: World,
        timeout: float,
        chains: ChainIndex | None = None,
        cache: VerdictCache | None = None,
        record: bool = False,
        collisions: list[Finding] | None = None,
        focus: frozenset[str] | None = None,
    ):
        self.world = world
        #: the refs whose collisions ``collisions`` holds every one of (None: all)
        self._focus = focus
        #: every pair of norms that collides, with the bearers for which it does,
        #: when the caller has the whole list (the search's findings): a norm can
        #: only displace a norm it collides with, so only those are candidates
        self._collide: dict[str, list[tuple[Norm, frozenset[str]]]] | None = None
        if collisions is not None:
            self._collide = {}
            everyone = frozenset(world.entity_names)
            for f in collisions:
                if f.first.ref == f.second.ref:
                    continue
                # an undecided pair may collide for anyone
                bs = frozenset(f.bearers) if f.verdict == Verdict.PROVED else everyone
                self._collide.setdefault(f.first.ref, []).append((f.second, bs))
                self._collide.setdefault(f.second.ref, []).append((f.first, bs))
        self.record = record  # keep every query for --emit-smt
        #: settlements already worked out (the verdict cache's database), or None
        self.cache = cache
        self._law_key = law_fingerprint(world) if cache is not None else ""
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
        self._decided: dict[tuple[str, str, str], Decision] = {}
        self._implied: dict[tuple[str, str, tuple[tuple[str, str], ...]], bool] = {}

    @property
    def solver(self) -> LawSolver:
        if self._solver is None:
            self._solver = LawSolver(self.world, self.timeout, self.chains, self.record)
        return self._solver

    def script(self) -> str | None:
        """The recorded queries as an SMT-LIB script (``record=True``), None when
        none were asked."""
        return self._solver.solver.script() if self._solver is not None and self.record else None

    @property
    def queries(self) -> int:
        return self._solver.queries if self._solver is not None else 0

    def _implies(self, special: Norm, general: Norm, binding: dict) -> bool:
        # a pure question of the two norms (and the world's assumptions): asked once
        key = (special.ref, general.ref, tuple(sorted((k, repr(v)) for k, v in binding.items())))
        if key not in self._implied:
            self._implied[key] = self.solver.implies(special, general, binding)
        return self._implied[key]

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
                _, swap = kinds
                acting, other = (n.action_name, action) if swap else (action, n.action_name)
                how = link(n.modality, mod) if swap else link(mod, n.modality)
                if how == Link.CHAIN:
                    meet = self.chains.can_reach(acting, other)
                elif how == Link.BACK:
                    meet = self.chains.can_reach(other, acting)
                else:
                    meet = self.chains.can_exclude(acting, other) or self.chains.can_exclude(other, acting)
                if meet:
                    out.append((mod, action))
            self._keys[key] = sorted(out, key=lambda k: (k[0], k[1] or ""))
        return self._keys[key]

    def neighbours(self, n: Norm, pair: Finding) -> list[Norm]:
        """Norms other than the pair's that could conflict with ``n`` for a bearer
        of the pair, in ref order (whether they outrank ``n`` is not asked): those
        the search found colliding with ``n`` for such a bearer when it is known,
        else those whose modality, action and bearers could meet ``n``'s."""
        mine = frozenset(pair.bearers)
        out = []
        if self._knows(n):
            assert self._collide is not None
            for c, bs in self._collide.get(n.ref, ()):
                if c.ref not in (pair.first.ref, pair.second.ref) and not bs.isdisjoint(mine):
                    out.append(c)
            return sorted(out, key=lambda c: c.ref)
        for key in self._partners(n):
            for c in self._buckets[key]:
                if c.ref not in (pair.first.ref, pair.second.ref) and not self._bearers_of(c).isdisjoint(mine):
                    out.append(c)
        return sorted(out, key=lambda c: c.ref)

    def displacers(self, n: Norm, pair: Finding, near: list[Norm] | None = None) -> list[Norm]:
        """The :meth:`neighbours` of ``n`` (or ``near``) that outrank it and collide
        with it for a bearer of the pair, in ref order: only those can displace it.
        The same norms whether or not the search's collisions are known (the
        solver is asked otherwise), so that the settlement is too."""
        out = [c for c in (self.neighbours(n, pair) if near is None else near) if self.law.outranks(c, n) is not None]
        if not self._knows(n):
            out = [c for c in out if self._collides(c, n, frozenset(pair.bearers))]
        return out

    def _knows(self, n: Norm) -> bool:
        """Are all of ``n``'s collisions among the search's findings given?"""
        return self._collide is not None and (self._focus is None or n.ref in self._focus)

    def _collides(self, c: Norm, n: Norm, bearers: frozenset[str]) -> bool:
        """Does the solver find ``c`` and ``n`` in conflict for one of ``bearers``
        (undecided counts as yes)? As the search would ask it."""
        kinds = pair_kind(c.modality, n.modality)
        if kinds is None:
            return False
        kind, swap = kinds
        first, second = (n, c) if swap else (c, n)
        if not asked(kind, first.ref, second.ref):
            first, second = second, first
        key = (kind, first.ref, second.ref)
        if key not in self._decided:
            solver = self.solver.solver
            self._decided[key] = solver.decide(Candidate(kind, first, second))
            solver.release()  # the law's own queries are asked without that norm
        decision = self._decided[key]
        if decision.verdict is None:
            return False
        return decision.verdict != Verdict.PROVED or not bearers.isdisjoint(decision.bearers)

    # ------------------------------------------------------------ settling
    def settle(self, f: Finding) -> Settlement:
        """The settlement of one finding (from the cache when it holds one)."""
        if f.verdict != Verdict.PROVED or self.cache is None or f.witness is None:
            return self._settle(f, None)
        near = (self.neighbours(f.first, f), self.neighbours(f.second, f))
        key = self._key(f, near)
        found, body = self.cache.get_body(key, lambda data: settlement_from(data, f))
        if found and body is not None:
            return body
        before = self._unknowns()
        out = self._settle(f, near)
        if self._unknowns() == before:  # an answer the solver gave up on is not kept
            self.cache.put_body(key, settlement_data(out))
        return out

    def _unknowns(self) -> int:
        return self._solver.solver.unknowns if self._solver is not None else 0

    def _key(self, f: Finding, near: tuple[list[Norm], list[Norm]]) -> str:
        """The cache key of a finding's settlement: everything it is computed from."""
        cache = self.cache
        assert cache is not None
        data = [
            "settlement",
            self._law_key,
            cache.key(f.kind, f.first, f.second),
            f.first.ref,
            f.second.ref,
            finding_data(f),
            [[(c.ref, cache.digest(c)) for c in side] for side in near],
        ]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def _settle(self, f: Finding, near: tuple[list[Norm], list[Norm]] | None) -> Settlement:
        res = self.law.resolve(f.first, f.second)
        if f.verdict != Verdict.PROVED:
            return Settlement(res, f)
        if near is None:
            near = (self.neighbours(f.first, f), self.neighbours(f.second, f))
        found = (self.displacers(f.first, f, near[FIRST]), self.displacers(f.second, f, near[SECOND]))
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
        lead = self.world.lead(bearers)[0]
        if self.ev.bearer_of(f.first, f.env1) == lead and keep(f.env1, f.env2, FiniteScenario(f.atoms)):
            return replace(f, bearers=bearers)  # the scenario found already stands
        solution = self.solver.solver.witness(cand, lead, LawSolver.undisplaced(found))
        if solution is None:
            # the solver gave up on a standing scenario: the finding as the search
            # found it (a replayed collision, for all its bearers), as when the
            # standing query itself gives up
            return f
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
        accepting: set[tuple[str, str]] = set()
        names: list[str] = []
        for side in gone:
            for c in actual[side]:
                ranking = self.law.outranks(c, norms[side])
                assert ranking is not None
                by.add(c.ref)
                by.update(ranking.by)
                accepting.update((b, c.ref) for b in ranking.breaches)
                name = f"{c.ref} ({ranking.reason})"
                if name not in names:  # a norm against itself: both sides, once
                    names.append(name)
        # a norm in conflict with itself is one displaced norm, not two
        overrides = tuple(sorted({norms[s].ref for s in gone}))
        winner = norms[stands].treaty if stands is not None else None
        if stands is not None:
            head = f"{norms[1 - stands].ref} gives way, wherever it meets {norms[stands].ref}, to "
        elif f.first.ref == f.second.ref:
            head = f"wherever two applications of {f.first.ref} meet, it gives way to "
        else:
            head = f"wherever {f.first.ref} and {f.second.ref} meet, each gives way to "
        reason = head + "; ".join(names)
        displaced = Resolution(
            Status.DISPLACED, winner, tuple(sorted(by)), overrides, reason, (), tuple(sorted({b for b, _ in accepting}))
        )
        shown = self._displaced_scenario(cand, f, gone, actual)
        refs = tuple(sorted({c.ref for s in gone for c in actual[s]}))
        return Settlement(displaced, shown, refs, tuple(sorted(accepting)))

    def _displaced_scenario(
        self, cand: Candidate, f: Finding, gone: list[int], actual: tuple[list[Norm], ...]
    ) -> Finding:
        """The finding shown with a displacement: a scenario where the first
        displacing norm (in side, ref and bearer order) that can displace for some
        bearer does. A displacer need not reach every bearer (its condition may be
        ruled out for one), so each (displacer, bearer) is tried in turn; the
        finding's own scenario when the solver gives up."""
        for side in gone:
            for c in actual[side]:
                for bearer in self.world.lead(f.bearers):
                    try:
                        solution = self.solver.solver.witness(cand, bearer, LawSolver.displaced(side, c))
                    except ReplayError:
                        continue  # c displaces nothing for this bearer
                    if solution is None:
                        return f
                    return minimise(self.ev, cand, f.bearers, solution, self._displaces(cand, side, c))
        return f

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


# ------------------------------------------------------------ settlements as data


def finding_data(f: Finding) -> dict[str, Any]:
    """A proved finding's scenario as JSON-ready data (the verdict cache's form)."""
    return dump(
        {
            "bearers": f.bearers,
            "env1": f.env1,
            "env2": f.env2,
            "atoms": f.atoms,
            "absent": f.absent,
            "witness": f.witness,
        }
    )


def settlement_data(s: Settlement) -> dict[str, Any]:
    """A settlement as JSON-ready data; :func:`settlement_from` reads it back."""
    r = s.resolution
    return {
        "resolution": [
            str(r.status),
            r.winner,
            list(r.by),
            list(r.overrides),
            r.reason,
            list(r.toward),
            list(r.breaches),
        ],
        "finding": finding_data(s.finding),
        "displacers": list(s.displacers),
        "accepting": [list(pair) for pair in s.accepting],
    }


def settlement_from(data: dict[str, Any], f: Finding) -> Settlement:
    """The settlement of finding ``f`` stored as ``data``; raises ValueError,
    KeyError or TypeError on data of another shape."""
    status, winner, by, overrides, reason, toward, breaches = data["resolution"]
    accepting = tuple((b, c) for b, c in data["accepting"])
    strings = (
        *by,
        *overrides,
        *toward,
        *breaches,
        *data["displacers"],
        *(x for pair in accepting for x in pair),
        reason,
    )
    if not all(isinstance(x, str) for x in strings) or not (winner is None or isinstance(winner, str)):
        raise TypeError("not a settlement")
    res = Resolution(Status(status), winner, tuple(by), tuple(overrides), reason, tuple(toward), tuple(breaches))
    payload = load(data["finding"])
    if payload is None:
        raise ValueError("a settlement shows a conflict")
    shown = Finding(f.kind, f.first, f.second, Verdict.PROVED, **payload)
    return Settlement(res, shown, tuple(data["displacers"]), accepting)
