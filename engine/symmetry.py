"""Candidate pairs that must have the same verdict, found without the solver.

``PairClasses(world).key(kind, first, second) -> tuple``: two pairs with the same key
either both conflict or both do not, so the solver is asked about one pair per key
(the first in canonical order) and a "no conflict" answers the whole class.

Why it holds: whether two norms can clash depends on what they say, on the world's
vocabulary, axioms and assumptions, and on *which entities* lie in the sets the
query tests: the two treaties' party lists, the groups the norms name, the groups
the axioms and assumptions name, and the entities written as constants. Any
permutation of the entities that keeps those sets (and constants and kinds) in place
maps every scenario of one pair onto a scenario of the other. So a pair's verdict
depends on its sets only through the *number* of entities in each cell of their
Venn diagram, split further by entity kind and by the world-wide groups, with
constants kept by name. Register treaties overlap in few shapes (two bilateral
treaties sharing one state, say), so on the benchmark registers this divides the
solver's queries by 2.4.

Only "no conflict" is shared across a class. A conflict is worked out pair by pair,
because its scenario names entities and must depend on the pair alone.

The key is plain data (digests of what the norms say and of the cell sizes; never
positions, refs or file names), stable across runs, so the verdict cache stores one
"no conflict" per class.
"""

from __future__ import annotations

import hashlib
import json

from .content import groups_in, groups_named, said
from .world import Norm, World, constants


class PairClasses:
    """The symmetry key of candidate pairs in one world (memoised per norm and per
    combination of sets, so keying a register's pairs costs little next to solving)."""

    def __init__(self, world: World):
        self.world = world
        names = list(world.entity_names)
        self.bit = {n: 1 << i for i, n in enumerate(names)}
        self.treaty_mask = {t.id: self._mask(t.parties) for t in world.treaties}
        self.group_mask = {g.name: self._mask(g.members) for g in world.groups}
        background: list[object] = [*(a.left for a in world.axioms), *(a.right for a in world.axioms)]
        background += [a.condition for a in world.axioms] + [a.condition for a in world.assumptions]
        named: set[str] = set()
        for node in background:
            named |= constants(node)
        global_groups = sorted(groups_in(background))
        # the entities the background alone can tell apart: by kind, the groups it
        # tests, and by name when it writes them as constants
        cells: dict[tuple, int] = {}
        for e in world.entities:
            if e.name in named:
                label: tuple = ("=", e.name)
            else:
                label = (e.kind, tuple(g for g in global_groups if e.name in world.group(g).members))
            cells[label] = cells.get(label, 0) | self.bit[e.name]
        self.base = sorted(cells.items())
        self._content: dict[str, tuple[str, tuple[str, ...], frozenset[str]]] = {}
        self._venn: dict[tuple, str] = {}

    def _mask(self, names: frozenset[str]) -> int:
        out = 0
        for n in names:
            out |= self.bit.get(n, 0)
        return out

    def content(self, norm: Norm) -> tuple[str, tuple[str, ...], frozenset[str]]:
        """(digest of what the norm says, the groups it names, the constants it writes)."""
        got = self._content.get(norm.ref)
        if got is None:
            digest = hashlib.sha256(json.dumps(said(norm), default=str).encode()).hexdigest()
            groups = groups_named(norm)
            consts = constants(norm.bearer) | constants(norm.action) | constants(norm.condition)
            got = (digest, tuple(sorted(groups)), frozenset(consts))
            self._content[norm.ref] = got
        return got

    def venn(self, t1: str, t2: str, groups: tuple[str, ...], consts: frozenset[str]) -> str:
        """The cell sizes of the two party lists and the groups, per background cell,
        with constants kept by name and their memberships (as a digest)."""
        key = (t1, t2, groups, consts)
        got = self._venn.get(key)
        if got is None:
            sets = [self.treaty_mask[t1], self.treaty_mask[t2], *(self.group_mask[g] for g in groups)]
            named = self._mask(consts)
            out: list[tuple] = []
            for label, base in self.base:
                parts = [(base & ~named, "")]
                for s in sets:
                    parts = [(x, bits + b) for part, bits in parts for x, b in ((part & s, "1"), (part & ~s, "0")) if x]
                out += [(label, bits, part.bit_count()) for part, bits in parts]
            for c in sorted(consts):
                if c in self.bit:
                    out.append((("=", c), "".join("1" if self.bit[c] & s else "0" for s in sets), 1))
            got = hashlib.sha256(json.dumps([groups, sorted(out)]).encode()).hexdigest()
            self._venn[key] = got
        return got

    def key(self, kind: str, first: Norm, second: Norm) -> tuple[str, bool, str, str, str]:
        """The class of a candidate pair: plain strings, stable across runs (see
        :func:`digest` for one string)."""
        c1, c2 = self.content(first), self.content(second)
        groups = c1[1] if c1[1] == c2[1] else tuple(sorted(set(c1[1]) | set(c2[1])))
        consts = c1[2] if c1[2] == c2[2] else c1[2] | c2[2]
        cells = self.venn(first.treaty, second.treaty, groups, consts)
        return (kind, first.ref == second.ref, c1[0], c2[0], cells)


def digest(key: tuple[str, bool, str, str, str]) -> str:
    """A class key as one hex string."""
    return hashlib.sha256("|".join(map(str, key)).encode()).hexdigest()


def signature(world: World, n: Norm) -> dict[str, tuple]:
    """Each entity's standing as far as norm ``n`` and the world's assumptions can
    tell: its kind, whether it is a party to n's treaty and a member of each group
    they name, and its name if they name it. Swapping two entities of one signature
    maps n's applicability (and who decides which atom, which goes by parameter)
    and the assumptions onto themselves: what holds of one for n holds, renamed,
    of the other. Axioms play no part (they are not read by applicability)."""
    cache = world.__dict__.setdefault("_signatures", {})
    if n.ref not in cache:
        assumed = [a.condition for a in world.assumptions]
        parties = world.treaty(n.treaty).parties
        groups = sorted(groups_named(n) | groups_in(assumed))
        members = [world.group(g).members for g in groups]
        named = constants(n.bearer) | constants(n.action) | constants(n.condition)
        for c in assumed:
            named |= constants(c)
        cache[n.ref] = {
            e.name: (e.kind, e.name in parties, tuple(e.name in g for g in members), e.name if e.name in named else "")
            for e in world.entities
        }
    return cache[n.ref]
