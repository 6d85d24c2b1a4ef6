"""Which treaty gives way: ranking two treaties from their precedence sentences.

``resolve_pair(world, first, second) -> Resolution``. Ranking is decided for each
pair of treaties from their own sentences, never by chaining through a third:

- ``A prevails over all other treaties`` ranks A above every treaty A is not
  declared ``subject to``; ``A prevails over B`` ranks A above B;
- ``A is subject to B`` ranks B above A (VCLT art. 30(2));
- rankings both ways: deadlock; none: the later of two differently dated treaties
  prevails (lex posterior, VCLT art. 30(3)); otherwise unresolved.
"""

from __future__ import annotations

from dataclasses import dataclass

from .kinds import Status
from .world import PrecedenceClause, World


@dataclass(frozen=True)
class Resolution:
    """How a conflict plays out. ``by``: the ranking clauses' refs, sorted (or
    ``["lex posterior"]``); ``overrides``: refs of the losing norms, sorted."""

    status: Status
    winner: str | None
    by: tuple[str, ...]
    overrides: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"status": self.status, "winner": self.winner, "by": list(self.by), "overrides": list(self.overrides)}


def _above(world: World, a: str, b: str) -> list[PrecedenceClause]:
    """Clauses that rank treaty ``a`` above treaty ``b`` (directly)."""
    ta, tb = world.treaty(a), world.treaty(b)
    a_subject_to_b = any(c.kind == "subject_to" and b in c.treaties for c in ta.precedence)
    out = []
    for c in ta.precedence:
        if c.kind == "prevails_all" and not a_subject_to_b:
            out.append(c)
        elif c.kind == "prevails_over" and b in c.treaties:
            out.append(c)
    for c in tb.precedence:
        if c.kind == "subject_to" and a in c.treaties:
            out.append(c)
    return out


def _say(c: PrecedenceClause) -> str:
    if c.kind == "prevails_all":
        return f"{c.ref} puts {c.treaty} above all other treaties"
    if c.kind == "prevails_over":
        return f"{c.ref} puts {c.treaty} above {', '.join(c.treaties)}"
    return f"{c.ref} makes {c.treaty} subject to {', '.join(c.treaties)}"


def resolve_pair(world: World, first: tuple[str, str], second: tuple[str, str]) -> Resolution:
    """Rank the treaties of two conflicting norms, given as (treaty, ref) pairs."""
    (ta, ra), (tb, rb) = first, second
    if ta == tb:
        return Resolution(
            Status.UNRESOLVED, None, (), (), f"both clauses are in {ta}; a treaty does not rank its own articles"
        )
    up = _above(world, ta, tb)
    down = _above(world, tb, ta)
    if up and down:
        clauses = sorted({c.ref: c for c in up + down}.values(), key=lambda c: c.ref)
        reason = "; ".join(_say(c) for c in clauses) + ". Neither can give way."
        return Resolution(Status.DEADLOCK, None, tuple(c.ref for c in clauses), (), reason)
    if up or down:
        winner, loser, clauses = (ta, rb, up) if up else (tb, ra, down)
        clauses = sorted(clauses, key=lambda c: c.ref)
        reason = "; ".join(_say(c) for c in clauses) + f", so {winner} prevails."
        return Resolution(Status.PREVAILS, winner, tuple(c.ref for c in clauses), (loser,), reason)
    da, db = world.treaty(ta).signed, world.treaty(tb).signed
    if da and db and da != db:
        winner, loser = (ta, rb) if da > db else (tb, ra)
        later, earlier = (da, db) if da > db else (db, da)
        reason = (
            f"no clause ranks {ta} and {tb}; {winner} ({later}) is later than the other ({earlier}), "
            f"so it prevails between parties bound by both (lex posterior)"
        )
        return Resolution(Status.PREVAILS, winner, ("lex posterior",), (loser,), reason)
    why = "undated" if not (da and db) else "signed the same day"
    return Resolution(Status.UNRESOLVED, None, (), (), f"no clause ranks {ta} and {tb}, and they are {why}")
