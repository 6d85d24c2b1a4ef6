"""What the search hands back: findings, one analysis, and their wire form.

``Finding`` is one conflicting (or undecided) candidate pair before resolution and
rendering; ``Analysis`` is every finding of one check with the number of solver
queries they took. Pairs travel between processes as ``Pair`` tuples of refs and
findings as :func:`to_rows` tuples: the receiving side holds the same world and maps
refs back to its own norms (:func:`from_rows`). Nothing here imports Z3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..evaluate import Witness
from ..index import Candidate
from ..kinds import Verdict
from ..world import Norm, World

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .settle import Settlement

#: A candidate pair as it travels: (conflict kind, first ref, second ref).
Pair = tuple[str, str, str]


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
    verdict: Verdict
    bearers: tuple[str, ...] = ()
    env1: dict = field(default_factory=dict)
    env2: dict = field(default_factory=dict)
    atoms: frozenset = frozenset()
    absent: tuple = ()
    witness: Witness | None = None


@dataclass
class Analysis:
    """The findings of one check, how many solver queries they took, and (when asked
    for) the SMT-LIB script of those queries."""

    findings: list[Finding]
    queries: int = 0
    chains_cut: bool = False  # some action had more axiom chains than are searched
    smt: str | None = None
    # each finding as treaty law settles it (by pair_of); the findings above stay
    # as the search found them, which is what snapshots keep
    settlements: dict[Pair, Settlement] = field(default_factory=dict)


def pair_of(x: Candidate | Finding) -> Pair:
    """A candidate or finding as the pair it is about (the canonical sort key)."""
    return (x.kind, x.first.ref, x.second.ref)


def candidate(world: World, pair: Pair) -> Candidate:
    """The candidate a pair of refs names, with the world's norms."""
    kind, a, b = pair
    return Candidate(kind, world.norm(a), world.norm(b))


def to_rows(findings: list[Finding]) -> list[tuple]:
    """Findings as plain tuples (plain strings, no enumeration members: snapshots
    keep them); norms travel as refs (the receiver has the same world)."""
    return [
        (f.kind, f.first.ref, f.second.ref, str(f.verdict), f.bearers, f.env1, f.env2, f.atoms, f.absent, f.witness)
        for f in findings
    ]


def from_rows(world: World, data: list[tuple]) -> list[Finding]:
    """The inverse of :func:`to_rows`, with ``world``'s norms."""
    return [
        Finding(kind, world.norm(a), world.norm(b), Verdict(verdict), bearers, env1, env2, atoms, absent, witness)
        for kind, a, b, verdict, bearers, env1, env2, atoms, absent, witness in data
    ]


def merged(*parts: Analysis) -> Analysis:
    """One analysis of several, findings in canonical order."""
    findings = sorted((f for p in parts for f in p.findings), key=pair_of)
    return Analysis(findings, sum(p.queries for p in parts))
