"""Many conflicts that share one norm, grouped for reading.

``group(conflicts) -> Grouping``: a norm that takes part in ``GROUP_AT`` conflicts
or more (EST art. 2(1) against every positive norm of its bearers, say) is a
*hub*; each conflict goes to the largest hub among its norms (ties: by ref), and
conflicts with no hub stay ``single``. A group says how many norms of how many
treaties its hub collides with and how many of its conflicts are errors; the text
and HTML reports show its first ``SHOWN`` conflicts in full (errors first) and the
rest one line each. Nothing is dropped: JSON and SARIF list every conflict, and
``check --full`` or ``explain REF`` shows every one in full.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .data import Conflict, NormRef

#: A norm in this many conflicts or more is shown as a group.
GROUP_AT = 30
#: Conflicts of a group shown in full; the rest get one line each.
SHOWN = 3


@dataclass(frozen=True)
class Group:
    """The conflicts of one hub norm, errors first, each in report order."""

    ref: str
    conflicts: tuple[Conflict, ...]

    def _met(self) -> list[NormRef]:
        """The norms the hub collides with (itself, for a norm against itself)."""
        out = []
        for c in self.conflicts:
            rest = [n for n in c.norms if n.ref != self.ref]
            out += rest or list(c.norms)
        return out

    @property
    def others(self) -> tuple[str, ...]:
        """The refs the hub collides with, sorted."""
        return tuple(sorted({n.ref for n in self._met()}))

    @property
    def treaties(self) -> tuple[str, ...]:
        """The treaties of the norms the hub collides with, sorted."""
        return tuple(sorted({n.treaty for n in self._met()}))

    @property
    def errors(self) -> int:
        return sum(1 for c in self.conflicts if c.severity == "error")

    def headline(self) -> str:
        """``EST:2.1 collides with 412 norms of 37 treaties (412 conflicts: 3 errors, 409 warnings)``."""
        n, t, k = len(self.others), len(self.treaties), len(self.conflicts)
        e = self.errors
        w = k - e
        return (
            f"{self.ref} collides with {n} norm{'s' if n != 1 else ''} of {t} treat{'ies' if t != 1 else 'y'} "
            f"({k} conflicts: {e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''})"
        )


@dataclass(frozen=True)
class Grouping:
    """The conflicts of a report, split into groups and the rest (both in report
    order, errors before warnings)."""

    single: tuple[Conflict, ...]
    groups: tuple[Group, ...]


def group(conflicts: Sequence[Conflict], at: int | None = GROUP_AT) -> Grouping:
    """Split ``conflicts`` (report order) into hub groups and single conflicts;
    ``at=None`` groups nothing (``check --full``)."""
    ordered = [c for sev in ("error", "warning") for c in conflicts if c.severity == sev]
    if at is None:
        return Grouping(tuple(ordered), ())
    counts = Counter(r for c in ordered for r in {n.ref for n in c.norms})
    hubs = {r for r, k in counts.items() if k >= at}
    members: dict[str, list[Conflict]] = {}
    single = []
    for c in ordered:
        mine = sorted((r for r in {n.ref for n in c.norms} if r in hubs), key=lambda r: (-counts[r], r))
        if mine:
            members.setdefault(mine[0], []).append(c)
        else:
            single.append(c)
    # a smaller hub whose conflicts mostly went to a larger one is no group
    kept = {r: cs for r, cs in members.items() if len(cs) >= at}
    rank = {id(c): i for i, c in enumerate(ordered)}
    single += [c for r, cs in members.items() if r not in kept for c in cs]
    single.sort(key=lambda c: rank[id(c)])
    groups = sorted((Group(r, tuple(cs)) for r, cs in kept.items()), key=lambda g: (-len(g.conflicts), g.ref))
    return Grouping(tuple(single), tuple(groups))
