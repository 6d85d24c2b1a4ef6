"""Hints ("did you mean `X`?") that stay fast with many names and many errors.

``did_you_mean(name, candidates) -> str | None``. A full search (``difflib``) costs
the size of the pool for each unknown name, so 20,000 unknown names among 20,000
declared ones took hours. Here each pool of candidates (the resolver's tables,
passed as the same object for every lookup) keeps its sorted names, the answers
already given (a missing declaration is often used thousands of times), and a
budget of full searches; past the budget, or for a pool of more than LARGE_POOL
names, the hint is searched among the NEAREST names one edit away from the
unknown one or sharing the most rare three-letter pieces with it.
"""

from __future__ import annotations

import difflib
import heapq
import threading
from collections.abc import Collection

#: Pools up to this size get the full search (while the budget lasts).
LARGE_POOL = 1_000
#: Comparisons of full search per pool; about a second of work.
EXACT_WORK = 500_000
#: Candidates given to difflib after the quick search.
NEAREST = 10
#: A key (trigram or deletion) shared by more names than this says too little.
COMMON_GRAM = 100

_KEPT = 16


class _Pool:
    """What is known about one pool of candidates."""

    def __init__(self, pool: Collection[str]):
        self.pool = pool  # held, so that its id is not reused while this entry lives
        self.size = len(pool)
        self.names = sorted(pool)
        self.work = 0
        self.memo: dict[str, str | None] = {}
        self._near: dict[str, list[int]] | None = None

    def nearby(self, name: str) -> list[str]:
        """Up to NEAREST names close to ``name``: those at most two edits away (found
        by their one-letter deletions), else those sharing the most rare trigrams (a
        near name, when there is one, is the hint; difflib then ranks a few, not ten)."""
        if self._near is None:
            near: dict[str, list[int]] = {}
            for i, n in enumerate(self.names):
                for key in _deletions(n) | _trigrams(n):
                    near.setdefault(key, []).append(i)
            self._near = {k: at for k, at in near.items() if len(at) <= COMMON_GRAM}
        edits: set[int] = set()
        for key in _deletions(name):
            edits.update(self._near.get(key, ()))
        if edits:
            return [self.names[i] for i in sorted(edits)[:NEAREST]]
        # nothing one or two edits away: the names sharing the most rare trigrams
        shared: dict[int, int] = {}
        for g in _trigrams(name):
            for i in self._near.get(g, ()):
                shared[i] = shared.get(i, 0) + 1
        best = heapq.nlargest(NEAREST, shared, key=lambda i: (shared[i], -i))
        return [self.names[i] for i in sorted(best)]


def _deletions(word: str) -> set[str]:
    """The word and every word one letter shorter (lowercase; trigrams are marked
    with ``^`` and ``$``, so the two kinds of key never meet)."""
    w = word.lower()
    return {w} | {w[:i] + w[i + 1 :] for i in range(len(w))}


def _trigrams(word: str) -> set[str]:
    w = f"^{word.lower()}$"
    return {w[i : i + 3] for i in range(max(1, len(w) - 2))}


_pools: dict[int, _Pool] = {}
_lock = threading.Lock()


def _pool(candidates: Collection[str]) -> _Pool:
    with _lock:
        entry = _pools.pop(id(candidates), None)
        if entry is None or entry.pool is not candidates or entry.size != len(candidates):
            entry = _Pool(candidates)
        _pools[id(candidates)] = entry  # most recently used last
        while len(_pools) > _KEPT:
            del _pools[next(iter(_pools))]
        return entry


def _best(word: str, pool: list[str]) -> str | None:
    """``difflib.get_close_matches(word, pool, n=1, cutoff=0.6)``, with each ratio
    worked out once instead of twice: the same answer, the highest (ratio, name)."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best: tuple[float, str] | None = None
    for x in pool:
        matcher.set_seq1(x)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
            score = matcher.ratio()
            if score >= 0.6 and (best is None or (score, x) > best):
                best = (score, x)
    return best[1] if best else None


def _closest(name: str, pool: list[str]) -> str | None:
    close = _best(name, pool)
    if close is None:
        lowered = {c.lower(): c for c in pool}
        close = _best(name.lower(), list(lowered))
        close = lowered[close] if close is not None else None
    return close


def did_you_mean(name: str, candidates: Collection[str]) -> str | None:
    """A close candidate to ``name`` for a "did you mean" hint, or None. Pass the same
    collection (unchanged) for every lookup in one pool, so that its work is shared."""
    p = _pool(candidates)
    if name in p.memo:
        return p.memo[name]
    if p.size <= LARGE_POOL and p.work + p.size <= EXACT_WORK:
        p.work += p.size
        hint = _closest(name, p.names)
    else:  # one case-blind comparison: the answer is approximate anyway
        lowered = {n.lower(): n for n in p.nearby(name)}
        close = _best(name.lower(), list(lowered))
        hint = lowered[close] if close is not None else None
    p.memo[name] = hint
    return hint
