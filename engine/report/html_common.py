"""What the parts of the HTML report share: escaping and wording, and the filing of
conflicts by treaty pair.

In: conflicts (:class:`~treatycheck.report.data.Conflict`) and plain strings. Out:
escaped text (``esc``), words (``plural``, ``sentence``, ``slug``), the group a
conflict is filed under (``pair_groups``), each pair's anchor and label, each card's
id (``card_ids``), and the gravest severity and the precedence outcome of a set of
conflicts. No markup beyond escaping is written here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

from .data import Conflict

#: Severities, gravest first when sorted by descending rank.
_RANK = {"error": 2, "warning": 1}


def esc(text: object) -> str:
    """``text`` as HTML text or attribute value (quotes escaped too)."""
    return escape(str(text), quote=True)


def slug(text: str) -> str:
    """``text`` made fit for an id: runs of other characters become one ``-``."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors`` (``many`` when the plural is not ``word + 's'``)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def sentence(text: str) -> str:
    """``text`` with a capital and a full stop, unless it is empty."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


# ------------------------------------------------------------------ grouping


def treaties_of(c: Conflict) -> tuple[str, ...]:
    """The treaties whose clauses a conflict holds, sorted."""
    return tuple(sorted({n.treaty for n in c.norms}))


def _pair_key(treaties: Sequence[str]) -> tuple[str, ...]:
    """The group a conflict is filed under: its treaties, sorted (one treaty: itself twice)."""
    ts = tuple(sorted(set(treaties)))
    return ts * 2 if len(ts) == 1 else ts


def pair_anchor(key: Sequence[str]) -> str:
    """The id of a pair's section of cards: ``pair-A-B``."""
    return "pair-" + "-".join(slug(t) for t in key)


def pair_label(key: Sequence[str]) -> str:
    """A pair for people: ``A \u2194 B``, or ``within A``."""
    if len(key) == 2 and key[0] == key[1]:
        return f"within {key[0]}"
    return " \u2194 ".join(key)


def by_severity(conflicts: Iterable[Conflict]) -> list[Conflict]:
    """Errors first, then warnings; by id within each."""
    return sorted(conflicts, key=lambda c: (-_RANK.get(c.severity, 0), c.id))


def pair_groups(conflicts: Iterable[Conflict]) -> list[tuple[tuple[str, ...], list[Conflict]]]:
    """The conflicts filed by treaty pair: groups holding an error first, then by pair."""
    groups: dict[tuple[str, ...], list[Conflict]] = {}
    for c in conflicts:
        groups.setdefault(_pair_key(treaties_of(c)), []).append(c)
    items = [(k, by_severity(v)) for k, v in groups.items()]
    return sorted(items, key=lambda kv: (-max(_RANK.get(c.severity, 0) for c in kv[1]), kv[0]))


def worst(conflicts: Iterable[Conflict]) -> str:
    """The gravest severity among ``conflicts`` (``warning`` for none)."""
    return max((c.severity for c in conflicts), key=lambda s: _RANK.get(s, 0), default="warning")


def outcome_text(conflicts: Sequence[Conflict]) -> str:
    """How precedence settles a group: ``EST prevails``, or each outcome with its count."""
    parts: dict[str, int] = {}
    for c in conflicts:
        r = c.resolution
        label = f"{r.winner} prevails" if r.status == "prevails" and r.winner else r.status
        parts[label] = parts.get(label, 0) + 1
    return ", ".join(f"{k} ({v})" if len(parts) > 1 else k for k, v in sorted(parts.items()))


def card_ids(conflicts: Iterable[Conflict], prefix: str = "c-") -> dict[str, str]:
    """Each conflict's card id: ``prefix`` and its id as a slug, numbered on when two
    ids make the same slug (ids differ only in characters a slug drops)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for c in sorted(conflicts, key=lambda c: c.id):
        if c.id in out:
            continue
        base = prefix + slug(c.id)
        anchor, i = base, 2
        while anchor in used:
            anchor, i = f"{base}-{i}", i + 1
        used.add(anchor)
        out[c.id] = anchor
    return out
