"""Which instrument gives way: the pairwise resolution of a conflict by treaty law.

``Law(world, implies).resolve(a, b) -> Resolution`` for two conflicting norms (the
same norm twice for a conflict of one norm with itself). Rules, first that applies
(docs/language.md sections 5 and 8.1-8.4; VCLT art. 30):

Between two instruments:

1. a commitment on either side: ``political`` (treaty law ranks nothing against it);
2. full rankings: deference (``is subject to``, 30(2)) and the Charter rule
   (``this treaty's obligations prevail``, 30(1) and art. 103, for an obligation or
   prohibition of the ranking side): one way ``prevails``, both ``deadlock``;
3. claims (``prevails over``), effective toward an earlier, undated or same-date
   instrument only: both ways ``deadlock``, one way see *among parties*;
4. lex posterior (30(3), 30(4)(a)), drafts latest: see *among parties*;
5. otherwise ``unresolved``.

*Among parties*: the winner prevails outright when every party of the loser is one
of its parties; else ``partial``: the loser still binds the bearer toward the
loser's other parties (``toward``, 30(4)(b)). An earlier instrument's undertaking not
to enter conflicting engagements (or its claim over a later one) is then breached
(``breaches``, 30(5)).

Inside one instrument: article-level sentences, then lex specialis (the special
rule: fewer bearers or a narrower action, or, both equal, a stricter condition),
else ``unresolved``.

Displacement by a third norm is :mod:`treatycheck.search.settle`'s business; it
uses :meth:`Law.outranks` from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import model as m
from .kinds import Modality, Status
from .world import Norm, PrecedenceClause, Treaty, World

#: ``implies(special, general, binding)``: under the world's assumptions, whenever
#: ``special`` applies, ``general`` applies with its variables bound by ``binding``
#: (names of the general norm's variables to terms of the special norm's).
Implication = Callable[[Norm, Norm, dict[str, m.Term]], bool]

LEX_POSTERIOR = "lex posterior"
LEX_SPECIALIS = "lex specialis"

_DUTIES = (Modality.OBLIGATION, Modality.PROHIBITION)


@dataclass(frozen=True)
class Resolution:
    """How a conflict plays out.

    ``winner``: the prevailing (or, when displaced, standing) instrument; ``by``: the
    deciding sentences' refs and rule names, sorted; ``overrides``: refs of the norms
    that give way, sorted; ``toward``: the parties toward which the loser still binds
    (``partial``); ``breaches``: refs of the undertakings a bearer breaches;
    ``reason``: all of it in words.
    """

    status: Status
    winner: str | None
    by: tuple[str, ...]
    overrides: tuple[str, ...]
    reason: str
    toward: tuple[str, ...] = ()
    breaches: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "winner": self.winner,
            "by": list(self.by),
            "overrides": list(self.overrides),
            "toward": list(self.toward),
            "breaches": list(self.breaches),
        }

    @property
    def settles(self) -> bool:
        """Does one side give way everywhere (``prevails``)?"""
        return self.status == Status.PREVAILS


# ---------------------------------------------------------------- dates


def order_key(t: Treaty) -> tuple[int, str] | None:
    """Where an instrument stands in time: dated ones by date, drafts after every
    dated one (all drafts together), undated ones nowhere (None)."""
    if t.draft:
        return (1, "")
    return (0, t.date) if t.date else None


def earlier(x: Treaty, y: Treaty) -> bool:
    """Is ``x`` strictly earlier than ``y``? Never for an undated instrument."""
    kx, ky = order_key(x), order_key(y)
    return kx is not None and ky is not None and kx < ky


def _when(t: Treaty) -> str:
    if t.draft:
        return "a draft, read as concluded after every dated instrument"
    return f"{'signed' if t.signed else 'in force'} {t.date}"


# ---------------------------------------------------------------- treaty-level sentences


def subject_clauses(a: Treaty, b: Treaty) -> list[PrecedenceClause]:
    """``a``'s sentences that make it subject to ``b`` (30(2))."""
    out = []
    for c in a.precedence:
        if c.kind == "subject_to" and b.id in c.treaties:
            out.append(c)
        elif c.kind == "subject_all" and b.id != a.id:
            out.append(c)
        elif c.kind == "subject_earlier" and earlier(b, a):
            out.append(c)
    return out


def claim_clauses(a: Treaty, b: Treaty) -> list[PrecedenceClause]:
    """``a``'s claims of priority that cover ``b`` (effective or not). ``all other`` /
    ``all earlier`` never cover an instrument ``a`` is itself subject to."""
    deferring = bool(subject_clauses(a, b))
    out = []
    for c in a.precedence:
        if c.kind == "prevails_over" and b.id in c.treaties:
            out.append(c)
        elif c.kind == "prevails_all" and b.id != a.id and not deferring:
            out.append(c)
        elif c.kind == "prevails_earlier" and earlier(b, a) and not deferring:
            out.append(c)
    return out


def charter_clauses(a: Treaty, norm: Norm) -> list[PrecedenceClause]:
    """``a``'s Charter rule, when ``norm`` (of ``a``) is an obligation or prohibition."""
    if norm.modality not in _DUTIES:
        return []
    return [c for c in a.precedence if c.kind == "obligations_prevail"]


def undertakings(loser: Treaty, winner: Treaty) -> list[PrecedenceClause]:
    """``loser``'s undertakings that a later ``winner`` breaches: not to enter
    conflicting engagements, and claims over ``winner`` that rank nothing because
    ``winner`` is later (3.3). None unless ``winner`` is later."""
    if not earlier(loser, winner):
        return []
    out = [c for c in loser.precedence if c.kind == "forbids_engagements"]
    return out + claim_clauses(loser, winner)


def _refs(clauses: list[PrecedenceClause]) -> tuple[str, ...]:
    return tuple(sorted({c.ref for c in clauses}))


# ---------------------------------------------------------------- the words


def say(c: PrecedenceClause) -> str:
    """What one precedence sentence does, in words (with its ref)."""
    targets = ", ".join(c.treaties)
    articles = ", ".join(c.articles)
    return {
        "prevails_over": f"{c.ref} claims priority for {c.treaty} over {targets}",
        "prevails_all": f"{c.ref} claims priority for {c.treaty} over all other treaties",
        "prevails_earlier": f"{c.ref} claims priority for {c.treaty} over all earlier treaties",
        "subject_to": f"{c.ref} makes {c.treaty} subject to {targets}",
        "subject_all": f"{c.ref} makes {c.treaty} subject to all other treaties",
        "subject_earlier": f"{c.ref} makes {c.treaty} subject to all earlier treaties",
        "obligations_prevail": f"{c.ref} makes {c.treaty}'s obligations prevail over all other treaties",
        "forbids_engagements": f"{c.ref} is an undertaking not to enter conflicting engagements",
        "article_prevails": f"{c.ref} puts article {c.article} above article(s) {articles}",
        "article_prevails_all": f"{c.ref} puts article {c.article} above all other articles of {c.treaty}",
        "article_subject_to": f"{c.ref} makes article {c.article} subject to article(s) {articles}",
    }[c.kind]


def _says(clauses: list[PrecedenceClause]) -> str:
    unique = sorted({c.ref: c for c in clauses}.values(), key=lambda c: c.ref)
    return "; ".join(say(c) for c in unique)


# ---------------------------------------------------------------- the law


class Law:
    """The pairwise resolution of conflicts in one world.

    ``implies`` decides lex specialis's condition comparison (the solver's job; see
    :mod:`treatycheck.search.law`); without it, equal bearers and actions are never
    a special rule. Treaty-level results are kept per pair of instruments.
    """

    def __init__(self, world: World, implies: Implication | None = None):
        self.world = world
        self.implies = implies
        self._memo: dict[tuple[str, str, bool, bool], Resolution] = {}
        # inside one instrument the result is the pair's own (its articles, lex
        # specialis); asked again for every conflict a norm could displace
        self._internal_memo: dict[tuple[str, str], Resolution] = {}

    # ------------------------------------------------------------ entry point
    def resolve(self, a: Norm, b: Norm) -> Resolution:
        """The resolution of a conflict between ``a`` and ``b`` (either order)."""
        if a.treaty == b.treaty:
            pair = (a.ref, b.ref)
            if pair not in self._internal_memo:
                self._internal_memo[pair] = self._internal(a, b)
            return self._internal_memo[pair]
        # the result depends on the instruments and on whether each norm is a duty
        # (the Charter rule); the losing norm's ref is filled in per conflict
        key = (a.treaty, b.treaty, a.modality in _DUTIES, b.modality in _DUTIES)
        if key not in self._memo:
            self._memo[key] = self._between(a, b)
        res = self._memo[key]
        if res.winner is None:
            return res
        loser = b if res.winner == a.treaty else a
        return Resolution(res.status, res.winner, res.by, (loser.ref,), res.reason, res.toward, res.breaches)

    def outranks(self, c: Norm, b: Norm) -> Resolution | None:
        """The resolution by which ``c`` outranks ``b`` (``prevails`` with ``c``'s side
        winning), or None."""
        if c.ref == b.ref:
            return None
        res = self.resolve(c, b)
        if res.status == Status.PREVAILS and res.overrides == (b.ref,):
            return res
        return None

    # ------------------------------------------------------------ two instruments
    def _between(self, a: Norm, b: Norm) -> Resolution:
        w = self.world
        ta, tb = w.treaty(a.treaty), w.treaty(b.treaty)
        if ta.commitment or tb.commitment:
            which = [t.id for t in (ta, tb) if t.commitment]
            what = f"{which[0]} is" if len(which) == 1 else f"{which[0]} and {which[1]} are"
            reason = (
                f"{what} politically, not legally, binding: treaty law (VCLT art. 30) does not rank "
                f"{'it' if len(which) == 1 else 'them'}; a political tension, not a legal conflict"
            )
            return Resolution(Status.POLITICAL, None, (), (), reason)
        # 2. full rankings hold toward every party: a treaty can give way by its own terms
        up = subject_clauses(tb, ta) + charter_clauses(ta, a)  # a's side above
        down = subject_clauses(ta, tb) + charter_clauses(tb, b)
        if up and down:
            return Resolution(Status.DEADLOCK, None, _refs(up + down), (), _says(up + down) + ". Neither can give way")
        if up or down:
            winner, clauses = (ta, up) if up else (tb, down)
            loser = tb if winner is ta else ta
            reason = _says(clauses) + f", so {winner.id} prevails over {loser.id} toward every party"
            return Resolution(Status.PREVAILS, winner.id, _refs(clauses), (), reason)
        # 3. claims, effective toward an instrument that is not later
        up = [] if earlier(ta, tb) else claim_clauses(ta, tb)
        down = [] if earlier(tb, ta) else claim_clauses(tb, ta)
        if up and down:
            return Resolution(
                Status.DEADLOCK, None, _refs(up + down), (), _says(up + down) + ". Each claims priority over the other"
            )
        if up or down:
            winner, clauses = (ta, up) if up else (tb, down)
            loser = tb if winner is ta else ta
            return self._among(winner, loser, _refs(clauses), _says(clauses))
        # 4. lex posterior
        ka, kb = order_key(ta), order_key(tb)
        if ka is not None and kb is not None and ka != kb:
            winner, loser = (ta, tb) if ka > kb else (tb, ta)
            why = (
                f"no sentence ranks {ta.id} and {tb.id}; {winner.id} ({_when(winner)}) is later than "
                f"{loser.id} ({_when(loser)}) (lex posterior, VCLT art. 30(3)-(4))"
            )
            return self._among(winner, loser, (LEX_POSTERIOR,), why)
        if ka is None or kb is None:
            undated = [t.id for t in (ta, tb) if order_key(t) is None]
            why = f"{' and '.join(undated)} {'is' if len(undated) == 1 else 'are'} undated"
        else:
            why = "they are of the same date" if not ta.draft else "both are drafts"
        return Resolution(Status.UNRESOLVED, None, (), (), f"no sentence ranks {ta.id} and {tb.id}, and {why}")

    def _among(self, winner: Treaty, loser: Treaty, by: tuple[str, ...], why: str) -> Resolution:
        """A winner by claim or lex posterior, among the parties of both (30(4))."""
        broken = undertakings(loser, winner)
        breaches = _refs(broken)
        outside = tuple(sorted(loser.parties - winner.parties))
        if not outside:
            reason = f"{why}; {winner.id} prevails, every party of {loser.id} being a party of {winner.id}"
            status = Status.PREVAILS
        else:
            reason = (
                f"{why}; {winner.id} prevails between parties to both, and {loser.id} still binds them "
                f"toward {', '.join(outside)} (VCLT art. 30(4)(b))"
            )
            status = Status.PARTIAL
        if broken:
            reason += (
                f"; a bearer bound by {winner.id} breaches {loser.id}'s undertaking ({_says(broken)}; VCLT art. 30(5))"
            )
        return Resolution(status, winner.id, by, (), reason, outside, breaches)

    # ------------------------------------------------------------ one instrument
    def _internal(self, a: Norm, b: Norm) -> Resolution:
        t = self.world.treaty(a.treaty)
        up = article_clauses(t, a.article, b.article)
        down = article_clauses(t, b.article, a.article)
        if up and down:
            return Resolution(Status.DEADLOCK, None, _refs(up + down), (), _says(up + down) + ". Neither can give way")
        if up or down:
            winner, loser, clauses = (a, b, up) if up else (b, a, down)
            reason = _says(clauses) + f", so {winner.ref} prevails over {loser.ref}"
            return Resolution(Status.PREVAILS, t.id, _refs(clauses), (loser.ref,), reason)
        for special, general in ((a, b), (b, a)):
            if a.ref != b.ref and self._special(special, general):
                reason = (
                    f"{special.ref} is the special rule and {general.ref} the general one "
                    f"(lex specialis: no fewer conditions, narrower bearers or action), so {special.ref} prevails"
                )
                return Resolution(Status.PREVAILS, t.id, (LEX_SPECIALIS,), (general.ref,), reason)
        if a.ref == b.ref:
            reason = (
                f"{a.ref} clashes with itself in two of its applications, which no sentence can rank; "
                "narrow its condition or its action to settle it"
            )
        else:
            reason = (
                f"both clauses are in {t.id}, no article sentence ranks them and neither is the special rule; "
                "write `this article prevails over article ...` to settle it"
            )
        return Resolution(Status.UNRESOLVED, None, (), (), reason)

    def _special(self, s: Norm, g: Norm) -> bool:
        """Is ``s`` the special rule against ``g`` (3.2.2)?"""
        w = self.world
        bs, bg = w.bearers(s), w.bearers(g)
        if not bs <= bg:
            return False
        theta = cover(g, s)
        if theta is None:
            return False
        if bs < bg or cover(s, g) is None:
            return True  # (i) strictly fewer bearers or a strictly narrower action
        # (ii) equal bearers and actions: a's condition strictly stronger
        if self.implies is None:
            return False
        back = cover(s, g)
        assert back is not None
        return self.implies(s, g, theta) and not self.implies(g, s, back)


def article_clauses(t: Treaty, high: str, low: str) -> list[PrecedenceClause]:
    """``t``'s article sentences that rank article ``high`` above article ``low``."""
    if high == low:
        return []
    deferring = any(c.kind == "article_subject_to" and c.article == high and low in c.articles for c in t.precedence)
    out = []
    for c in t.precedence:
        if c.kind == "article_prevails" and c.article == high and low in c.articles:
            out.append(c)
        elif c.kind == "article_prevails_all" and c.article == high and not deferring:
            out.append(c)
        elif c.kind == "article_subject_to" and c.article == low and high in c.articles:
            out.append(c)
    return out


# ---------------------------------------------------------------- action cover

#: The bearer of either norm, in both norms' actions.
BEARER = m.Var("BEARER!")


def _normal(n: Norm) -> m.Call | m.AnyAction:
    """``n``'s action with its bearer (variable or named entity) written as :data:`BEARER`."""
    if isinstance(n.action, m.AnyAction):
        return n.action
    bearer = n.bearer

    def sub(t: m.Term) -> m.Term:
        if isinstance(t, (m.Var, m.Const)) and type(t) is type(bearer) and t.name == bearer.name:
            return BEARER
        if isinstance(t, m.Call):
            return m.Call(t.name, tuple(sub(x) for x in t.args))
        return t

    result = sub(n.action)
    assert isinstance(result, m.Call)
    return result


def cover(general: Norm, special: Norm) -> dict[str, m.Term] | None:
    """Does ``general``'s action cover ``special``'s (3.2.2)? The substitution of
    ``general``'s variables that makes them equal (``BEARER!`` for the bearer), or
    None. ``take any action`` covers every action of the bearer."""
    g, s = _normal(general), _normal(special)
    theta: dict[str, m.Term] = {}
    if isinstance(general.bearer, m.Var):
        theta[general.bearer.name] = BEARER
    if isinstance(g, m.AnyAction):
        theta[g.var] = m.Var(s.var) if isinstance(s, m.AnyAction) else s
        return theta
    if isinstance(s, m.AnyAction):
        return None
    return theta if _match(g, s, theta) else None


def _is_bearer(t: m.Term) -> bool:
    return isinstance(t, m.Var) and t.name == BEARER.name


def _match(p: m.Term, t: m.Term, theta: dict[str, m.Term]) -> bool:
    if _is_bearer(p):
        return _is_bearer(t)
    if isinstance(p, m.Var):
        if p.name in theta:
            return _same(theta[p.name], t)
        theta[p.name] = t
        return True
    if isinstance(p, m.Const):
        return isinstance(t, m.Const) and t.name == p.name
    if isinstance(p, m.Call):
        return (
            isinstance(t, m.Call)
            and t.name == p.name
            and len(t.args) == len(p.args)
            and all(_match(x, y, theta) for x, y in zip(p.args, t.args, strict=True))
        )
    return False


def _same(x: m.Term, y: m.Term) -> bool:
    """Equal terms, positions aside."""
    if isinstance(x, m.Call) and isinstance(y, m.Call):
        return x.name == y.name and len(x.args) == len(y.args) and all(map(_same, x.args, y.args))
    return type(x) is type(y) and getattr(x, "name", None) == getattr(y, "name", None)
