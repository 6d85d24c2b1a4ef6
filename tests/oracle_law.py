"""An independent oracle for the treaty-law resolution of conflicts, on tiny worlds.

``resolutions(text)`` reads a world with :func:`treatycheck.parse` and decides, for
every conflict that tests/oracle.py's reading of the language finds, how treaty law
settles it, from docs/language.md sections 3, 5 and 8 alone:

- section 3: each instrument's date (``signed``, else ``in force``), drafts (after
  every dated instrument, all simultaneous), commitments;
- section 5: the precedence sentences, read from the syntax tree (``Precedence``
  nodes: deference, claims, the Charter rule, undertakings, article-level ranks);
- section 8.1-8.4: the pairwise resolution (political, full rankings, claims, lex
  posterior, among parties with ``toward``, undertakings with ``breaches``);
  section 8.3's lex specialis by bearers, syntactic action cover and, for (ii),
  condition implication decided by enumerating every scenario under the world's
  assumptions (this oracle's reading of "compared by the solver");
- section 8.5: displacement by a third norm, by enumerating every scenario and every
  binding (the acts at issue) in which the two norms collide;
- section 8.6: severities, ``hypothetical``.

It reuses tests/oracle.py (the vocabulary, the ground evaluation, the kind table and
the norms' bindings) and imports nothing of the engine but ``treatycheck.parse`` and
``treatycheck.model``: not the evaluator, the precedence module, the resolver, the
index, the kind tables, the world or the search, so that tests/test_oracle_law.py
compares two readings of the law written apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from oracle import (
    KINDS,
    Ground,
    OracleNorm,
    Semantics,
    Vocabulary,
    _applies,
    _bearers,
    closure,
    norm_bindings,
    norm_pairs,
    norms_of,
    sentences,
    vocabulary,
)
from treatycheck import model as m
from treatycheck import parse

LEX_POSTERIOR = "lex posterior"
LEX_SPECIALIS = "lex specialis"
# The duties (the Charter rule covers these only): a liberty, protected or not, is none.
DUTIES = ("obligation", "prohibition")
# Kinds that stay warnings whatever the status (8.6): refraining (or doing) honours both.
ALWAYS_WARNING = ("permission-prohibition", "obligation-exemption")

Key = tuple[str, str, str]


# ------------------------------------------------------------------ instruments


@dataclass
class Instrument:
    """What one treaty's header and precedence sentences say (sections 3 and 5)."""

    id: str
    # where it stands in time: (0, date) when dated, (1, "") for a draft (after every
    # dated one, all drafts together), None when undated (neither earlier nor later)
    key: tuple[int, str] | None
    commitment: bool
    draft: bool
    parties: frozenset[str]
    # treaty-level sentences: (ref, kind, named treaties)
    sentences: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    # article-level sentences per article id: (ref, kind, named articles)
    article_sentences: dict[str, list[tuple[str, str, tuple[str, ...]]]] = field(default_factory=dict)


def instruments(v: Vocabulary) -> dict[str, Instrument]:
    out: dict[str, Instrument] = {}
    for t in v.treaties:
        date = t.signed or t.in_force
        key = (1, "") if t.draft else (0, date) if date else None
        inst = Instrument(t.id, key, bool(t.commitment), bool(t.draft), v.parties[t.id])
        for ref, art, sent in sentences(t):
            if not isinstance(sent, m.Precedence):
                continue
            if sent.kind.startswith("article_"):
                inst.article_sentences.setdefault(art.id, []).append((ref, sent.kind, tuple(sent.articles)))
            else:
                inst.sentences.append((ref, sent.kind, tuple(sent.treaties)))
        out[t.id] = inst
    return out


def earlier(a: Instrument, b: Instrument) -> bool:
    """Is ``a`` earlier than ``b``? Never for an undated one; never between drafts."""
    return a.key is not None and b.key is not None and a.key < b.key


def subject(a: Instrument, b: Instrument) -> list[str]:
    """The sentences by which ``a`` is subject to ``b`` (30(2)): by name, all other,
    all earlier with ``b`` earlier."""
    out = []
    for ref, kind, names in a.sentences:
        if (
            (kind == "subject_to" and b.id in names)
            or kind == "subject_all"
            or (kind == "subject_earlier" and earlier(b, a))
        ):
            out.append(ref)
    return out


def charter(b: Instrument, norm: OracleNorm) -> list[str]:
    """``b``'s Charter sentences, when ``b``'s norm in the conflict is a duty."""
    if norm.modality not in DUTIES:
        return []
    return [ref for ref, kind, _ in b.sentences if kind == "obligations_prevail"]


def claims(a: Instrument, b: Instrument) -> list[str]:
    """``a``'s claims of priority that cover ``b`` (by name, all other, all earlier
    with ``b`` earlier); ``all ...`` never covers what ``a`` is subject to."""
    deferent = bool(subject(a, b))
    out = []
    for ref, kind, names in a.sentences:
        if (
            (kind == "prevails_over" and b.id in names)
            or (kind == "prevails_all" and not deferent)
            or (kind == "prevails_earlier" and earlier(b, a) and not deferent)
        ):
            out.append(ref)
    return out


def undertakings(loser: Instrument, winner: Instrument) -> list[str]:
    """``loser``'s undertakings breached by a later ``winner`` (8.4): not to enter
    conflicting engagements, or a claim that covers ``winner`` but is no ranking
    because ``winner`` is later."""
    if not earlier(loser, winner):
        return []
    out = [ref for ref, kind, _ in loser.sentences if kind == "forbids_engagements"]
    out += claims(loser, winner)
    return out


# ------------------------------------------------------------------ the pairwise law


@dataclass(frozen=True)
class Ruling:
    """The pairwise resolution of 8.1 / 8.3; ``side`` is the winning norm's ref."""

    status: str
    winner: str | None = None
    by: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()
    toward: tuple[str, ...] = ()
    breaches: tuple[str, ...] = ()
    side: str | None = None


def _prevails(w: OracleNorm, loser: OracleNorm, by: list[str]) -> Ruling:
    """A full ranking (8.1(2)) or an internal one (8.3): toward every party, no breach."""
    return Ruling("prevails", w.treaty, tuple(sorted(set(by))), (loser.ref,), side=w.ref)


def _among(w: OracleNorm, loser: OracleNorm, by: list[str], insts: dict[str, Instrument]) -> Ruling:
    """A claim's or lex posterior's winner, among parties (30(4)(b)), and the loser's
    undertakings it breaches (8.4)."""
    wi, li = insts[w.treaty], insts[loser.treaty]
    toward = tuple(sorted(li.parties - wi.parties))
    breaches = tuple(sorted(set(undertakings(li, wi))))
    status = "partial" if toward else "prevails"
    return Ruling(status, w.treaty, tuple(sorted(set(by))), (loser.ref,), toward, breaches, w.ref)


class Law:
    """Pairwise resolution of two norms (8.1, 8.3), memoised."""

    def __init__(
        self, v: Vocabulary, insts: dict[str, Instrument], implies: Callable[[OracleNorm, OracleNorm], bool]
    ) -> None:
        self.v = v
        self.insts = insts
        self.implies = implies
        self._memo: dict[tuple[str, str], Ruling] = {}

    def resolve(self, a: OracleNorm, b: OracleNorm) -> Ruling:
        key = (a.ref, b.ref)
        if key not in self._memo:
            self._memo[key] = self._resolve(a, b)
        return self._memo[key]

    def outranks(self, c: OracleNorm, b: OracleNorm) -> bool:
        """8.5: the pair's resolution is ``prevails`` with ``c``'s side winning (a
        ``partial`` win does not outrank)."""
        r = self.resolve(c, b)
        return r.status == "prevails" and r.side == c.ref

    def _resolve(self, a: OracleNorm, b: OracleNorm) -> Ruling:
        if a.treaty == b.treaty:
            return self._internal(a, b)
        A, B = self.insts[a.treaty], self.insts[b.treaty]
        # 1. political: treaty law ranks nothing against a commitment
        if A.commitment or B.commitment:
            return Ruling("political")
        # 2. full rankings: deference and the Charter rule, toward every party
        b_above = subject(A, B) + charter(B, b)
        a_above = subject(B, A) + charter(A, a)
        if a_above and b_above:
            return Ruling("deadlock", by=tuple(sorted(set(a_above + b_above))))
        if a_above:
            return _prevails(a, b, a_above)
        if b_above:
            return _prevails(b, a, b_above)
        # 3. claims, effective toward an instrument that is not later
        ca = claims(A, B) if not earlier(A, B) else []
        cb = claims(B, A) if not earlier(B, A) else []
        if ca and cb:
            return Ruling("deadlock", by=tuple(sorted(set(ca + cb))))
        if ca:
            return _among(a, b, ca, self.insts)
        if cb:
            return _among(b, a, cb, self.insts)
        # 4. lex posterior: both dated (drafts count), different dates
        if A.key is not None and B.key is not None and A.key != B.key:
            if A.key > B.key:
                return _among(a, b, [LEX_POSTERIOR], self.insts)
            return _among(b, a, [LEX_POSTERIOR], self.insts)
        return Ruling("unresolved")

    # -- one instrument

    def _article_above(self, inst: Instrument, x: str, y: str) -> list[str]:
        """The article sentences that rank article ``x`` above article ``y``."""
        out = []
        x_subject_to_y = any(
            kind == "article_subject_to" and y in names for _, kind, names in inst.article_sentences.get(x, [])
        )
        for ref, kind, names in inst.article_sentences.get(x, []):
            if (kind == "article_prevails" and y in names) or (kind == "article_prevails_all" and not x_subject_to_y):
                out.append(ref)
        for ref, kind, names in inst.article_sentences.get(y, []):
            if kind == "article_subject_to" and x in names:
                out.append(ref)
        return out

    def _internal(self, a: OracleNorm, b: OracleNorm) -> Ruling:
        inst = self.insts[a.treaty]
        xa, xb = _article(a.ref), _article(b.ref)
        if xa != xb:
            up_a = self._article_above(inst, xa, xb)
            up_b = self._article_above(inst, xb, xa)
            if up_a and up_b:
                return Ruling("deadlock", by=tuple(sorted(set(up_a + up_b))))
            if up_a:
                return _prevails(a, b, up_a)
            if up_b:
                return _prevails(b, a, up_b)
        if a.ref != b.ref:
            if self.special(a, b):
                return _prevails(a, b, [LEX_SPECIALIS])
            if self.special(b, a):
                return _prevails(b, a, [LEX_SPECIALIS])
        return Ruling("unresolved")

    def special(self, a: OracleNorm, b: OracleNorm) -> bool:
        """8.3(2): is ``a`` the special rule to ``b``?"""
        ba, bb = frozenset(_bearers(a, self.v)), frozenset(_bearers(b, self.v))
        if not ba <= bb or not covers(b, a):
            return False
        if ba < bb or not covers(a, b):
            return True  # (i) one of the two is strict
        # (ii) both equal: a's condition implies b's but not the other way round
        return self.implies(a, b) and not self.implies(b, a)


def _article(ref: str) -> str:
    return ref.split(":", 1)[1].split("#")[0]


# ------------------------------------------------------------------ action cover

BEARER = ("<bearer>",)


def _pattern(n: OracleNorm) -> tuple | None:
    """A norm's action with the bearer (its variable, or a named bearer's entity)
    replaced by one token; None for ``take any action``. Variables are ``("?", name)``,
    entities plain strings."""
    if isinstance(n.action, m.AnyAction):
        return None
    bearer = n.subject.name if isinstance(n.subject, m.NamedBearer) else n.subject.var

    def term(t: m.Term) -> object:
        if isinstance(t, m.Var):
            return BEARER if t.name == bearer and not isinstance(n.subject, m.NamedBearer) else ("?", t.name)
        if isinstance(t, m.Const):
            return BEARER if isinstance(n.subject, m.NamedBearer) and t.name == bearer else t.name
        return ("call", t.name, *(term(x) for x in t.args))

    return ("call", n.action.name, *(term(x) for x in n.action.args))


def _match(general: object, special: object, subst: dict[str, object]) -> bool:
    if isinstance(general, tuple) and len(general) == 2 and general[0] == "?":
        name = str(general[1])
        if name in subst:
            return subst[name] == special
        subst[name] = special
        return True
    if isinstance(general, tuple) and general and general[0] == "call":
        if not (isinstance(special, tuple) and special and special[0] == "call"):
            return False
        if len(general) != len(special) or general[1] != special[1]:
            return False
        return all(_match(g, s, subst) for g, s in zip(general[2:], special[2:], strict=True))
    return general == special


def covers(general: OracleNorm, special: OracleNorm) -> bool:
    """Does ``general``'s action cover ``special``'s (8.3: matching of terms)?"""
    g, s = _pattern(general), _pattern(special)
    if g is None:
        return True  # `take any action` covers every action of the bearer
    if s is None:
        return False
    return _match(g, s, {})


# ------------------------------------------------------------------ resolutions


@dataclass(frozen=True)
class Resolved:
    """What the report must say of one conflict."""

    bearers: tuple[str, ...]
    status: str
    winner: str | None
    by: tuple[str, ...]
    overrides: tuple[str, ...]
    toward: tuple[str, ...]
    breaches: tuple[str, ...]
    severity: str
    hypothetical: bool


def _severity(kind: str, status: str, breaches: tuple[str, ...], all_commitments: bool) -> str:
    if kind in ALWAYS_WARNING or all_commitments:
        return "warning"
    if breaches:
        return "error"
    return "error" if status in ("partial", "deadlock", "unresolved") else "warning"


@dataclass
class _Tally:
    """Per conflict: colliding and standing bearers, and per collision who displaces
    each side."""

    colliding: set[str] = field(default_factory=set)
    standing: set[str] = field(default_factory=set)
    # per collision: (displacers of the first norm, displacers of the second)
    collisions: list[tuple[frozenset[str], frozenset[str]]] = field(default_factory=list)


def _clash(
    how: str, x: Ground, y: Ground, amounts: Callable[[Ground], frozenset[Ground]], excl: set[frozenset]
) -> bool:
    """First side's ``x`` against ``y``: ``x`` amounts to ``y``, ``y`` amounts to
    ``x``, or what they amount to is excluded (as ``how`` says, tests/oracle.py's
    KINDS)."""
    if how == "amounts":
        return y in amounts(x)
    if how == "amounted":
        return x in amounts(y)
    cy = amounts(y)
    return any(frozenset([p, q]) in excl for p in amounts(x) for q in cy)


def _pairwise(base: Ruling, bearers: tuple[str, ...], severity: str, hypothetical: bool) -> Resolved:
    """The pairwise resolution ``base``, for ``bearers``."""
    return Resolved(
        bearers, base.status, base.winner, base.by, base.overrides, base.toward, base.breaches, severity, hypothetical
    )


def resolutions(text: str, max_atoms: int = 12) -> dict[Key, Resolved] | None:
    """``{(kind, first_ref, second_ref): Resolved}`` for every conflict (acting side
    first, as tests/oracle.py), or None when the world has more than ``max_atoms``
    ground atoms."""
    v = vocabulary(parse(text))
    sem = Semantics(v)
    if len(sem.atoms) > max_atoms:
        return None
    insts = instruments(v)
    norms = norms_of(v)
    by_ref = {n.ref: n for n in norms}
    bindings = {n.ref: norm_bindings(n, v) for n in norms}
    excl = sem.exclusions()

    # Every scenario, with what each norm demands/forbids/permits there per bearer.
    scenarios: list[tuple[dict[Ground, set[Ground]], dict[str, dict[str, set[Ground]]]]] = []
    for mask in range(1 << len(sem.atoms)):
        facts = frozenset(x for i, x in enumerate(sem.atoms) if mask >> i & 1)
        if not sem.assumptions_hold(facts):
            continue
        applying: dict[str, dict[str, set[Ground]]] = {}
        for n in norms:
            per: dict[str, set[Ground]] = {}
            for bearer, action, env in bindings[n.ref]:
                if n.condition is None or _applies(sem, n, env, facts):
                    per.setdefault(bearer, set()).add(action)
            applying[n.ref] = per
        scenarios.append((sem.implications(facts), applying))

    def implies(a: OracleNorm, b: OracleNorm) -> bool:
        # 8.3(ii), with equal bearers and actions that are variants of each other:
        # the matched binding gives b the same bearer and the same ground act, so
        # "a's condition implies b's" is: wherever a applies to (bearer, act), b does
        for _, applying in scenarios:
            for bearer, acts in applying[a.ref].items():
                if not acts <= applying[b.ref].get(bearer, set()):
                    return False
        return True

    law = Law(v, insts, implies)

    pairs = norm_pairs(norms)

    def displacers(
        side: OracleNorm,
        act: Ground,
        bearer: str,
        others: tuple[str, str],
        applying: dict[str, dict[str, set[Ground]]],
        amounts: Callable[[Ground], frozenset[Ground]],
    ) -> frozenset[str]:
        """The third norms that displace ``side`` on ``act`` for ``bearer`` here:
        they apply to the bearer, would conflict with ``side`` on that very act, and
        outrank it."""
        out = set()
        for c in norms:
            if c.ref in others:
                continue
            acts_c = applying[c.ref].get(bearer)
            if not acts_c:
                continue
            entry = KINDS.get(frozenset([c.modality, side.modality]))
            if entry is None:
                continue
            _, acting, how = entry
            if c.modality == acting:
                hit = any(_clash(how, x, act, amounts, excl) for x in acts_c)
            else:
                hit = any(_clash(how, act, x, amounts, excl) for x in acts_c)
            if hit and law.outranks(c, side):
                out.add(c.ref)
        return frozenset(out)

    tallies: dict[Key, _Tally] = {}
    for step, applying in scenarios:
        closures: dict[Ground, frozenset[Ground]] = {}

        def amounts(a: Ground, _step=step, _c=closures) -> frozenset[Ground]:
            if a not in _c:
                _c[a] = closure(a, _step)
            return _c[a]

        for kind, how, first, second in pairs:
            key = (kind, first.ref, second.ref)
            others = (first.ref, second.ref)
            for bearer, acts1 in applying[first.ref].items():
                acts2 = applying[second.ref].get(bearer)
                if not acts2:
                    continue
                for x in acts1:
                    for y in acts2:
                        if not _clash(how, x, y, amounts, excl):
                            continue
                        tally = tallies.setdefault(key, _Tally())
                        tally.colliding.add(bearer)
                        d1 = displacers(first, x, bearer, others, applying, amounts)
                        d2 = displacers(second, y, bearer, others, applying, amounts)
                        tally.collisions.append((d1, d2))
                        if not d1 and not d2:
                            tally.standing.add(bearer)

    out: dict[Key, Resolved] = {}
    for (kind, r1, r2), tally in tallies.items():
        a, b = by_ref[r1], by_ref[r2]
        base = law.resolve(a, b)
        all_commitments = insts[a.treaty].commitment and insts[b.treaty].commitment
        hypothetical = insts[a.treaty].draft or insts[b.treaty].draft

        severity = _severity(kind, base.status, base.breaches, all_commitments)
        if tally.standing:
            out[kind, r1, r2] = _pairwise(base, tuple(sorted(tally.standing)), severity, hypothetical)
            continue
        # 8.5: displaced everywhere the two collide
        bearers = tuple(sorted(tally.colliding))
        a_never = all(not d1 for d1, _ in tally.collisions)
        a_always = all(d1 for d1, _ in tally.collisions)
        b_never = all(not d2 for _, d2 in tally.collisions)
        b_always = all(d2 for _, d2 in tally.collisions)
        if a_never and b_always:
            stand: OracleNorm | None = a
            lost = [b]
        elif b_never and a_always:
            stand, lost = b, [a]
        else:
            stand, lost = None, [a, b]
        if stand is not None and base.status == "prevails" and base.side == stand.ref:
            # a third norm that agrees with the winner changes nothing
            out[kind, r1, r2] = _pairwise(base, bearers, severity, hypothetical)
            continue
        by: set[str] = set()
        breaches: set[str] = set()
        for d1, d2 in tally.collisions:
            for side, ds in ((a, d1), (b, d2)):
                for c in ds:
                    ruling = law.resolve(by_ref[c], side)
                    by.add(c)
                    by |= set(ruling.by)
                    breaches |= set(ruling.breaches)
                    hypothetical = hypothetical or insts[by_ref[c].treaty].draft
        br = tuple(sorted(breaches))
        out[kind, r1, r2] = Resolved(
            bearers,
            "displaced",
            stand.treaty if stand is not None else None,
            tuple(sorted(by)),
            tuple(sorted({n.ref for n in lost})),
            (),
            br,
            _severity(kind, "displaced", br, all_commitments),
            hypothetical,
        )
    return out


__all__ = ["Instrument", "Law", "Resolved", "Ruling", "covers", "instruments", "resolutions"]
