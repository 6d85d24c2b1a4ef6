"""An independent oracle for ``control`` and ``overlap`` on tiny worlds, by enumeration.

Built on :mod:`oracle` (the syntax tree read on its own: entities, parties, local
variables, assumptions), never on the engine. The definitions are the contract's
(TREATY_LAW sections 6 and 7), taken literally over every scenario:

- entity e *controls* duty n for bearer x (e != x) when two scenarios in which the
  assumptions hold, alike in every atom e does not decide, have n impose on x some
  act in one and not in the other; an atom ``p(a1, ...)`` of a predicate declared
  ``decided by`` its k-th parameter is decided by ak;
- m *covers* n (another instrument's norm) when m's modality imposes at least n's
  (its own table: a right covers a permission, a protected exemption an exemption)
  and in every scenario m imposes on every (bearer, act) n imposes on;
  *equivalent* when both cover each other; a norm that imposes nothing anywhere is
  ``vacuous``.
"""

from __future__ import annotations

from oracle import Semantics, _applies, norm_bindings, norms_of, vocabulary
from treatycheck import parse

# A modality -> those that impose at least as much on the same act (written apart
# from the engine's table).
AT_LEAST = {
    "obligation": {"obligation"},
    "prohibition": {"prohibition"},
    "permission": {"permission", "right"},
    "right": {"right"},
    "exemption": {"exemption", "protected-exemption"},
    "protected-exemption": {"protected-exemption"},
}


class Enumerated:
    """Every scenario of a tiny world and what each norm imposes in it."""

    def __init__(self, text: str, max_atoms: int = 10):
        self.v = vocabulary(parse(text))
        self.sem = Semantics(self.v)
        self.ok = len(self.sem.atoms) <= max_atoms
        if not self.ok:
            return
        self.norms = norms_of(self.v)
        binds = {n.ref: norm_bindings(n, self.v) for n in self.norms}
        self.scenarios: list[frozenset] = []
        for mask in range(1 << len(self.sem.atoms)):
            facts = frozenset(x for i, x in enumerate(self.sem.atoms) if mask >> i & 1)
            if self.sem.assumptions_hold(facts):
                self.scenarios.append(facts)
        #: ref -> one set of (bearer, act) per scenario, in the order of ``scenarios``
        self.imposed: dict[str, list[frozenset]] = {}
        for n in self.norms:
            rows = []
            for facts in self.scenarios:
                rows.append(
                    frozenset(
                        (b, a) for b, a, env in binds[n.ref] if n.condition is None or _applies(self.sem, n, env, facts)
                    )
                )
            self.imposed[n.ref] = rows

    def decider(self, atom: tuple) -> str | None:
        decl = self.v.predicates[atom[0]]
        if decl.decided_by is None:
            return None
        k = [p.name for p in decl.params].index(decl.decided_by)
        value = atom[1 + k]
        return value if isinstance(value, str) else None

    def control(self) -> dict[tuple[str, str], set[str]]:
        """{(duty ref, bearer): controllers} for every controlled (duty, bearer)."""
        out: dict[tuple[str, str], set[str]] = {}
        duties = [n for n in self.norms if n.modality in ("obligation", "prohibition")]
        for e in self.v.entities:
            groups: dict[frozenset, list[int]] = {}
            for i, facts in enumerate(self.scenarios):
                rest = frozenset(a for a in facts if self.decider(a) != e)
                groups.setdefault(rest, []).append(i)
            for n in duties:
                rows = self.imposed[n.ref]
                for members in groups.values():
                    sets = [rows[i] for i in members]
                    every = frozenset.intersection(*sets)
                    for bearer, _ in frozenset.union(*sets) - every:
                        if bearer != e:
                            out.setdefault((n.ref, bearer), set()).add(e)
        return out

    def covers(self, m_ref: str, n_ref: str) -> bool:
        mods = {n.ref: n.modality for n in self.norms}
        if mods[m_ref] not in AT_LEAST[mods[n_ref]]:
            return False
        return all(a <= b for a, b in zip(self.imposed[n_ref], self.imposed[m_ref], strict=True))

    def overlap(self) -> dict[str, tuple[str, set[str], set[str]]]:
        """{ref: (status, equivalent, covered by)} for every norm."""
        out: dict[str, tuple[str, set[str], set[str]]] = {}
        for n in self.norms:
            if not any(self.imposed[n.ref]):
                out[n.ref] = ("vacuous", set(), set())
                continue
            equivalent, covering = set(), set()
            for m_ in self.norms:
                if m_.treaty == n.treaty or not self.covers(m_.ref, n.ref):
                    continue
                (equivalent if self.covers(n.ref, m_.ref) else covering).add(m_.ref)
            status = "equivalent" if equivalent else "covered" if covering else "new"
            out[n.ref] = (status, equivalent, covering)
        return out

    def meets(self, a: str, b: str) -> bool:
        return any(x & y for x, y in zip(self.imposed[a], self.imposed[b], strict=True))


__all__ = ["AT_LEAST", "Enumerated"]
