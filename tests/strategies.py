"""Hypothesis strategies for the clause language.

``modules()`` builds syntactically valid :class:`treatycheck.model.Module` trees
directly from model objects (names may be undeclared), in exactly the normal form
the parser produces, so ``parse(format_module(m)) == m`` must hold.

``worlds()`` builds the text of semantically valid, self-contained files: every name
is declared, arities and types fit, a norm's action starts with its bearer, axioms
share their actor, variables follow the scoping rules. It renders the text itself,
with varied whitespace, comments between tokens and redundant parentheses, so it
exercises the parser on non-canonical layouts (``loads(text, builtin=False)`` must
accept it).

Sizes are kept small on purpose: these feed round-trip and fuzz tests.
"""

from __future__ import annotations

import datetime
import functools
import random
from dataclasses import dataclass, field, replace

from hypothesis import strategies as st
from treatycheck import model as m

FILENAME = "gen.treaty"

# ------------------------------------------------------------------ lexical pieces

KEYWORDS = sorted(m.KEYWORDS)

#: Names that start with (or contain) a keyword: the lexer must not split them.
TRICKY_NAMES = ["nota", "order", "isx", "ifx", "a1", "inx", "or_", "and2", "some_x", "every1", "alls", "taken", "hasty"]

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"


def _word(first: str, rest: str, max_rest: int, second: str | None = None) -> st.SearchStrategy[str]:
    """A word from character classes (much cheaper to draw than ``st.from_regex``)."""
    head = st.sampled_from(first)
    if second is not None:
        head = st.builds(str.__add__, head, st.sampled_from(second))
    return st.builds(str.__add__, head, st.text(alphabet=rest, max_size=max_rest))


variables = _word(_UPPER, _DIGITS, 2)
unames = st.one_of(
    st.sampled_from(["US", "RU", "PL", "NATO", "EU27", "OSCE_STATES", "A_", "NAT", "EST", "X_1", "V_"]),
    _word(_UPPER, _UPPER + _DIGITS + "_", 4, second=_UPPER + "_"),
)
pred_names = st.one_of(
    st.sampled_from(["assist", "use_force", "armed_attack", "affects_security", "join"] + TRICKY_NAMES),
    _word(_LOWER, _LOWER + _DIGITS + "_", 6),
).filter(lambda n: n not in m.KEYWORDS)
#: Parameter names are free lower-case words, keywords included.
param_names = st.one_of(_word(_LOWER, _LOWER + _DIGITS + "_", 5), st.sampled_from(KEYWORDS))
article_ids = st.one_of(
    st.sampled_from(["5", "2.1", "9(3)", "I", "IV.2", "1a", "12.3.4", "M(1)"]),
    st.builds(
        lambda head, parts: ".".join([head, *parts]),
        _word(_DIGITS + "IVXLCDM", _UPPER + _LOWER + _DIGITS + "()", 3),
        st.lists(st.text(alphabet=_UPPER + _LOWER + _DIGITS + "()", min_size=1, max_size=3), max_size=2),
    ),
)
dates = st.builds(
    lambda y, mo, d: f"{y:04d}-{mo:02d}-{d:02d}", st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99)
)
refs = st.builds(
    lambda t, a, n: f"{t}:{a}" + (f"#{n}" if n is not None else ""),
    unames,
    article_ids,
    st.none() | st.integers(0, 12),
)

_string_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n")
strings = st.one_of(
    st.text(alphabet=st.sampled_from('abc XYZ,.:#"\\{}()-'), max_size=12),
    st.text(alphabet=_string_chars, max_size=8),
)
titles = st.none() | strings

comment_text = st.one_of(
    st.text(alphabet=st.sampled_from("abc XYZ.,:#()\"'-"), max_size=20),
    st.text(alphabet=_string_chars, max_size=10),
)
#: A comment as the parser stores it: ``#`` ... with no trailing whitespace.
comments_one = comment_text.map(lambda s: ("# " + s).rstrip())
comment_lists = st.one_of(st.just(()), st.lists(comments_one, min_size=1, max_size=2).map(tuple))


def _tuple(s: st.SearchStrategy, min_size: int = 0, max_size: int = 3) -> st.SearchStrategy:
    return st.lists(s, min_size=min_size, max_size=max_size).map(tuple)


# ------------------------------------------------------------------ terms and conditions


@functools.cache
def terms(depth: int = 2) -> st.SearchStrategy[m.Term]:
    base = st.one_of(variables.map(m.Var), unames.map(m.Const))
    if depth <= 0:
        return base
    return st.one_of(base, calls(depth - 1))


@functools.cache
def calls(depth: int = 1) -> st.SearchStrategy[m.Call]:
    return st.builds(m.Call, pred_names, _tuple(terms(depth), 0, 3), parens=st.booleans())


atoms: st.SearchStrategy[m.Cond] = st.one_of(
    calls(2),
    st.builds(m.InGroup, terms(1), unames),
    st.builds(m.IsParty, terms(1), negated=st.booleans()),
    st.builds(m.Same, terms(1), terms(1), negated=st.booleans()),
)


def _compound(inner: st.SearchStrategy[m.Cond]) -> st.SearchStrategy[m.Cond]:
    return st.one_of(
        st.builds(m.Not, inner),
        st.builds(m.And, _tuple(inner, 2, 3)),
        st.builds(m.Or, _tuple(inner, 2, 3)),
        st.builds(m.Quant, st.sampled_from(["every", "some"]), st.sampled_from(["party", "entity"]), variables, inner),
    )


conditions: st.SearchStrategy[m.Cond] = st.recursive(atoms, _compound, max_leaves=6)


# ------------------------------------------------------------------ declarations

states = st.builds(m.StateDecl, unames, titles, comments=comment_lists)
_members = st.none() | _tuple(unames, 1, 3)
organizations = st.builds(m.OrganizationDecl, unames, titles, _members, comments=comment_lists)
groups = st.builds(m.GroupDecl, unames, titles, _members, comments=comment_lists)


_pred_kinds = st.sampled_from(["action", "fact", "judgement"])
_action_params = _tuple(st.builds(m.Param, param_names), 0, 3)
_cond_params = _tuple(st.builds(m.Param, param_names, st.sampled_from(["entity", "entity", "action"])), 0, 3)
_extra_args = _tuple(terms(1), 0, 2)
_maybe_cond = st.none() | conditions


@st.composite
def predicates(draw: st.DrawFn) -> m.PredicateDecl:
    kind = draw(_pred_kinds)
    params = draw(_action_params if kind == "action" else _cond_params)
    return m.PredicateDecl(
        kind,
        draw(pred_names),
        params,
        draw(titles),
        comments=draw(comment_lists),
        parens=draw(st.booleans()),
    )


_axiom_kinds = st.sampled_from(["implies", "excludes"])


@st.composite
def axioms(draw: st.DrawFn) -> m.AxiomDecl:
    actor = draw(terms(0))
    left = m.Call(draw(pred_names), (actor,) + draw(_extra_args))
    right = m.Call(draw(pred_names), (actor,) + draw(_extra_args))
    kind = draw(_axiom_kinds)
    cond = draw(_maybe_cond) if kind == "implies" else None
    return m.AxiomDecl(draw(pred_names), kind, left, cond, right, comments=draw(comment_lists))


assumes = st.builds(m.AssumeDecl, pred_names, conditions, comments=comment_lists)

# ------------------------------------------------------------------ treaties

subjects = st.one_of(
    st.builds(m.EachParty, variables),
    st.builds(m.EachMember, variables, unames),
    st.builds(m.NamedBearer, unames),
)


_modalities = st.sampled_from(m.MODALITIES)


@st.composite
def norms(draw: st.DrawFn) -> m.Norm:
    modality = draw(_modalities)
    if modality != "obligation" and draw(st.booleans()):
        action: m.Call | m.AnyAction = m.AnyAction(draw(variables))
    else:
        action = draw(calls(2))
    return m.Norm(
        draw(subjects),
        modality,
        action,
        draw(_maybe_cond),
        draw(_maybe_cond),
        comments=draw(comment_lists),
    )


precedences = st.one_of(
    st.builds(m.Precedence, st.just("prevails_all"), st.just(()), comments=comment_lists),
    st.builds(
        m.Precedence, st.sampled_from(["prevails_over", "subject_to"]), _tuple(unames, 1, 3), comments=comment_lists
    ),
)

sentences = st.one_of(norms(), norms(), precedences)
articles = st.builds(m.Article, article_ids, titles, _tuple(sentences, 1, 3), comments=comment_lists)
party_items = st.one_of(
    st.builds(m.PartyEntity, unames),
    st.builds(m.PartyMembersOf, unames),
    st.builds(m.PartyAllStates),
)
treaties = st.builds(
    m.Treaty,
    unames,
    titles,
    st.none() | dates,
    st.booleans(),
    _tuple(party_items, 1, 3),
    _tuple(articles, 0, 3),
    comments=comment_lists,
    parties_comments=comment_lists,
)


_expect_kinds = st.sampled_from(["conflict", "no_conflict", "consistent"])
_statuses = st.none() | st.sampled_from(["prevails", "deadlock", "unresolved"])
_maybe_uname = st.none() | unames


@st.composite
def expects(draw: st.DrawFn) -> m.Expect:
    kind = draw(_expect_kinds)
    comments = draw(comment_lists)
    if kind == "consistent":
        return m.Expect(kind, (draw(unames),), comments=comments)
    pair = (draw(refs), draw(refs))
    if kind == "no_conflict":
        return m.Expect(kind, pair, comments=comments)
    status = draw(_statuses)
    winner = draw(_maybe_uname) if status is not None else None
    return m.Expect(kind, pair, status, winner, comments=comments)


items = st.one_of(states, organizations, groups, predicates(), axioms(), assumes, treaties, expects())


def modules(filename: str = FILENAME, max_items: int = 6) -> st.SearchStrategy[m.Module]:
    """Syntactically valid modules, in the parser's normal form (names may be undeclared)."""
    return st.builds(
        m.Module,
        st.just(filename),
        _tuple(items, 0, max_items),
        trailing_comments=comment_lists,
    )


# ------------------------------------------------------------------ semantically valid worlds

_VAR_LETTERS = "XYZVWUABCDEFGHKMNPQRST"


@functools.cache
def _below(n: int) -> st.SearchStrategy[int]:
    return st.integers(0, n - 1)


def _pick(draw: st.DrawFn, seq):  # type: ignore[no-untyped-def]
    """``draw(st.sampled_from(seq))`` without building a new strategy each time."""
    return seq[draw(_below(len(seq)))]


_bools = st.booleans()
_ints = functools.lru_cache(maxsize=None)(st.integers)
_dates = st.none() | st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)).map(str)


@dataclass
class _Vocab:
    entities: list[str]  # states and organizations: usable as terms, parties, bearers
    group_likes: list[str]  # organizations and groups: `in`, `members of`, `each member`
    actions: list[tuple[str, tuple[str, ...]]]  # name, param types
    conds: list[tuple[str, tuple[str, ...]]]  # facts and judgements
    treaty_ids: list[str] = field(default_factory=list)


@dataclass
class _Scope:
    """Variables of one norm, axiom or assumption while it is generated."""

    names: list[str]
    own_entity: list[str] = field(default_factory=list)  # safe to reuse anywhere
    own_action: list[str] = field(default_factory=list)
    bound: list[str] = field(default_factory=list)  # enclosing quantifiers
    in_treaty: bool = True
    #: Variables first used inside each enclosing `not` (entity, action): a variable
    #: that is not the norm's own may be reused only under the `not` it started in.
    nots: list[tuple[list[str], list[str]]] = field(default_factory=list)

    def fresh(self) -> str:
        return self.names.pop()

    def fresh_var(self, type_: str) -> str:
        v = self.fresh()
        if self.nots:
            self.nots[-1][0 if type_ == "entity" else 1].append(v)
        else:
            (self.own_entity if type_ == "entity" else self.own_action).append(v)
        return v

    def reusable(self, type_: str) -> list[str]:
        i = 0 if type_ == "entity" else 1
        own = self.own_entity if type_ == "entity" else self.own_action
        return own + [v for scope in self.nots for v in scope[i]]


def _var_pool(draw: st.DrawFn) -> list[str]:
    k = draw(st.integers(0, len(_VAR_LETTERS) - 1))
    letters = list(_VAR_LETTERS[k:] + _VAR_LETTERS[:k])
    return [f"{c}{i}" for i in range(9, 0, -1) for c in letters] + list(letters)


class _Gen:
    def __init__(self, draw: st.DrawFn, vocab: _Vocab):
        self.draw = draw
        self.v = vocab

    def entity_term(self, sc: _Scope) -> m.Term:
        d = self.draw
        options = ["const", "fresh"]
        reusable = sc.reusable("entity")
        if reusable:
            options += ["reuse", "reuse"]
        if sc.bound:
            options += ["bound", "bound"]
        pick = _pick(d, options)
        if pick == "const":
            return m.Const(_pick(d, self.v.entities))
        if pick == "reuse":
            return m.Var(_pick(d, reusable))
        if pick == "bound":
            return m.Var(_pick(d, sc.bound))
        return m.Var(sc.fresh_var("entity"))

    def action_var(self, sc: _Scope) -> m.Var:
        reusable = sc.reusable("action")
        if reusable and self.draw(_bools):
            return m.Var(_pick(self.draw, reusable))
        return m.Var(sc.fresh_var("action"))

    def action_term(self, sc: _Scope, depth: int) -> m.Term:
        d = self.draw
        if depth > 0 and d(_bools):
            return self.action_call(sc, depth - 1)
        return self.action_var(sc)

    def args(self, sc: _Scope, types: tuple[str, ...], depth: int) -> tuple[m.Term, ...]:
        return tuple(self.entity_term(sc) if t == "entity" else self.action_term(sc, depth) for t in types)

    def action_call(self, sc: _Scope, depth: int, first: m.Term | None = None) -> m.Call:
        name, types = _pick(self.draw, self.v.actions)
        if first is not None:
            args = (first,) + self.args(sc, types[1:], depth)
        else:
            args = self.args(sc, types, depth)
        return m.Call(name, args, parens=bool(args) or self.draw(_bools))

    def atom(self, sc: _Scope) -> m.Cond:
        d = self.draw
        kinds = ["same"]
        if self.v.conds:
            kinds += ["call", "call", "call"]
        if self.v.group_likes:
            kinds.append("in")
        if sc.in_treaty:
            kinds.append("party")
        kind = _pick(d, kinds)
        if kind == "call":
            name, types = _pick(d, self.v.conds)
            args = self.args(sc, types, 1)
            return m.Call(name, args, parens=bool(args) or d(_bools))
        if kind == "in":
            return m.InGroup(self.entity_term(sc), _pick(d, self.v.group_likes))
        if kind == "party":
            return m.IsParty(self.entity_term(sc), d(_bools))
        negated = d(_bools)
        if d(_ints(0, 3)) == 0:
            # an action comparison: an action variable (never a quantified one) is an action term
            return m.Same(self.action_var(sc), self.action_call(sc, 0), negated)
        return m.Same(self.entity_term(sc), self.entity_term(sc), negated)

    def cond(self, sc: _Scope, depth: int) -> m.Cond:
        d = self.draw
        if depth <= 0 or d(_ints(0, 2)) == 0:
            return self.atom(sc)
        kind = _pick(d, ["not", "and", "or", "quant"])
        if kind == "not":
            return m.Not(self.negated(sc, depth - 1))
        if kind in ("and", "or"):
            n = d(_ints(2, 3))
            items = tuple(self.cond(sc, depth - 1) for _ in range(n))
            return m.And(items) if kind == "and" else m.Or(items)
        var = sc.fresh()
        domain = _pick(d, ["party", "entity"] if sc.in_treaty else ["entity"])
        sc.bound.append(var)
        body = self.cond(sc, depth - 1)
        sc.bound.pop()
        return m.Quant(_pick(d, ["every", "some"]), domain, var, body)

    def negated(self, sc: _Scope, depth: int) -> m.Cond:
        """A condition under one more `not`: variables it introduces stay inside."""
        sc.nots.append(([], []))
        try:
            return self.cond(sc, depth)
        finally:
            sc.nots.pop()

    # ------------------------------------------------------------ sentences
    def norm(self) -> m.Norm:
        d = self.draw
        sc = _Scope(_var_pool(d))
        kind = _pick(d, ["party", "member", "named"])
        if kind == "named":
            subject: m.Subject = m.NamedBearer(_pick(d, self.v.entities))
            bearer: m.Term = m.Const(subject.name)
        else:
            x = sc.fresh()
            if kind == "member" and self.v.group_likes:
                subject = m.EachMember(x, _pick(d, self.v.group_likes))
            else:
                subject = m.EachParty(x)
            bearer = m.Var(x)
            sc.own_entity.append(x)
        modality = _pick(d, m.MODALITIES)
        if modality != "obligation" and d(_ints(0, 2)) == 0:
            a = sc.fresh()
            action: m.Call | m.AnyAction = m.AnyAction(a)
            sc.own_action.append(a)
        else:
            name, types = _pick(d, self.v.actions)
            rest = []
            for _ in types[1:]:
                if d(_bools):
                    rest.append(m.Const(_pick(d, self.v.entities)))
                else:
                    v = sc.fresh()  # an own variable of the norm (it is in the action)
                    sc.own_entity.append(v)
                    rest.append(m.Var(v))
            action = m.Call(name, (bearer, *rest))
        cond = self.cond(sc, 2) if d(_bools) else None
        unless = self.negated(sc, 2) if d(_ints(0, 2)) == 0 else None  # read as `not C`
        return m.Norm(subject, modality, action, cond, unless)

    def axiom(self, name: str) -> m.AxiomDecl:
        d = self.draw
        sc = _Scope(_var_pool(d), in_treaty=False)
        actor = sc.fresh() if d(_ints(0, 3)) else None
        first: m.Term = m.Var(actor) if actor else m.Const(_pick(d, self.v.entities))
        if actor:
            sc.own_entity.append(actor)
        left = self.action_call(sc, 1, first)
        right = self.action_call(sc, 1, first)
        if d(_bools):
            return m.AxiomDecl(name, "excludes", left, None, right)
        cond = self.cond(sc, 2) if d(_bools) else None
        return m.AxiomDecl(name, "implies", left, cond, right)

    def assume(self, name: str) -> m.AssumeDecl:
        sc = _Scope(_var_pool(self.draw), in_treaty=False)
        for _ in range(self.draw(_ints(0, 2))):
            sc.own_entity.append(sc.fresh())
        return m.AssumeDecl(name, self.cond(sc, 3))


_template_words = st.sampled_from(["acts", "against", "the", "says", "x", "(ok)", "#1", "a.b"])


@st.composite
def _template(draw: st.DrawFn, params: tuple[str, ...]) -> str | None:
    if draw(_ints(0, 3)) == 0:
        return None
    parts = draw(
        st.lists(st.one_of(_template_words, st.sampled_from([f"{{{p}}}" for p in params] or ["x"])), max_size=4)
    )
    return " ".join(parts)


@st.composite
def world_modules(draw: st.DrawFn, filename: str = FILENAME) -> m.Module:
    """A semantically valid module (as model objects) for :func:`worlds` to render."""
    n_names = draw(_ints(2, 7))
    names = draw(st.lists(unames, min_size=n_names, max_size=n_names, unique=True))
    n_states = draw(_ints(1, max(1, n_names - 2)))
    state_names = names[:n_states]
    rest = names[n_states:]
    decls: list[m.Item] = [m.StateDecl(s, draw(titles)) for s in state_names]
    entities = list(state_names)
    group_likes: list[str] = []
    for g in rest:
        pool = entities + group_likes
        members = draw(st.none() | st.lists(st.sampled_from(pool), min_size=1, max_size=3).map(tuple))
        if draw(_bools):
            decls.append(m.OrganizationDecl(g, draw(titles), members))
            entities.append(g)
        else:
            decls.append(m.GroupDecl(g, draw(titles), members))
        group_likes.append(g)

    pnames = draw(st.lists(pred_names, min_size=2, max_size=6, unique=True))
    n_actions = draw(_ints(1, len(pnames) - 1))
    actions, conds = [], []
    for i, name in enumerate(pnames):
        kind = "action" if i < n_actions else _pick(draw, ["fact", "judgement"])
        lo = 1 if kind == "action" else 0
        pn = draw(st.lists(param_names, min_size=lo, max_size=3, unique=True))
        types = tuple("entity" if kind == "action" else _pick(draw, ["entity", "entity", "action"]) for _ in pn)
        params = tuple(m.Param(p, t) for p, t in zip(pn, types, strict=True))
        decls.append(m.PredicateDecl(kind, name, params, draw(_template(tuple(pn))), parens=bool(pn) or draw(_bools)))
        (actions if kind == "action" else conds).append((name, types))

    vocab = _Vocab(entities, group_likes, actions, conds)
    gen = _Gen(draw, vocab)
    rule_names = draw(st.lists(pred_names, max_size=3, unique=True))
    for rn in rule_names:
        decls.append(gen.axiom(rn) if draw(_bools) else gen.assume(rn))

    tids = draw(st.lists(unames, min_size=1, max_size=3, unique=True))
    vocab.treaty_ids = tids
    treaty_items: list[m.Treaty] = []
    sentence_refs: list[str] = []
    for tid in tids:
        parties: list[m.PartyItem] = []
        for _ in range(draw(_ints(1, 3))):
            k = draw(_ints(0, 4))
            if k == 0:
                parties.append(m.PartyAllStates())
            elif k == 1 and group_likes:
                parties.append(m.PartyMembersOf(_pick(draw, group_likes)))
            else:
                parties.append(m.PartyEntity(_pick(draw, entities)))
        arts = []
        for aid in draw(st.lists(article_ids, min_size=1, max_size=3, unique=True)):
            sents: list[m.Sentence] = []
            for n in range(1, draw(_ints(1, 3)) + 1):
                others = [t for t in tids if t != tid]
                k = draw(_ints(0, 5))
                if k == 0:
                    sents.append(m.Precedence("prevails_all", ()))
                elif k == 1 and others:
                    kind = _pick(draw, ["prevails_over", "subject_to"])
                    sents.append(
                        m.Precedence(kind, tuple(draw(st.lists(st.sampled_from(others), min_size=1, max_size=2))))
                    )
                else:
                    sents.append(gen.norm())
                sentence_refs.append(f"{tid}:{aid}" + (f"#{n}" if n > 1 else ""))
                if n == 1 and draw(_ints(0, 3)) == 0:
                    sentence_refs.append(f"{tid}:{aid}#1")
            arts.append(m.Article(aid, draw(titles), tuple(sents)))
        signed = draw(_dates)
        treaty_items.append(m.Treaty(tid, draw(titles), signed, draw(_bools), tuple(parties), tuple(arts)))

    expect_items: list[m.Item] = []
    for _ in range(draw(_ints(0, 3))):
        kind = _pick(draw, ["conflict", "no_conflict", "consistent"])
        if kind == "consistent":
            expect_items.append(m.Expect(kind, (_pick(draw, tids),)))
            continue
        pair = (_pick(draw, sentence_refs), _pick(draw, sentence_refs))
        if kind == "no_conflict":
            expect_items.append(m.Expect(kind, pair))
            continue
        status = draw(_statuses)
        winner = draw(st.none() | st.sampled_from(tids)) if status == "prevails" else None
        expect_items.append(m.Expect(kind, pair, status, winner))

    all_items = decls + treaty_items + expect_items
    if draw(_bools):
        all_items = draw(st.permutations(all_items))
    return m.Module(filename, tuple(all_items))


# ------------------------------------------------------------------ rendering with varied layout


class _Render:
    """Model to text, with random (but valid) whitespace, comments and parentheses."""

    def __init__(self, rnd: random.Random, style: int):
        self.rnd = rnd
        self.style = style  # 0 canonical-ish, 1 spaced, 2 wild

    def sp(self) -> str:
        if self.style == 0:
            return " "
        r = self.rnd.random()
        if self.style == 2 and r < 0.05:
            return "\n  # note: a comment between tokens\n    "
        if r < 0.15:
            return "\n      "
        if r < 0.25:
            return "\t"
        if r < 0.35:
            return "  "
        return " "

    def tight(self) -> str:
        """Where no space is needed (before `,`, `.`, `)`)."""
        return "" if self.style == 0 or self.rnd.random() < 0.7 else self.sp()

    def term(self, t: m.Term) -> str:
        if isinstance(t, (m.Var, m.Const)):
            return t.name
        if not t.args:
            return t.name + ("()" if t.parens else "")
        sep = self.tight() + "," + self.sp()
        return f"{t.name}({self.tight()}{sep.join(self.term(a) for a in t.args)}{self.tight()})"

    def paren(self, s: str) -> str:
        return f"({self.tight()}{s}{self.tight()})"

    def maybe(self, c: m.Cond, needed: bool) -> str:
        s = self.cond(c)
        if needed or (self.style and self.rnd.random() < 0.15):
            return self.paren(s)
        return s

    def cond(self, c: m.Cond) -> str:
        s = self.sp
        if isinstance(c, m.Call):
            return self.term(c)
        if isinstance(c, m.Not):
            return f"not{s()}{self.maybe(c.body, isinstance(c.body, (m.And, m.Or)))}"
        if isinstance(c, m.And):
            return f"{s()}and{s()}".join(self.maybe(i, isinstance(i, (m.And, m.Or))) for i in c.items)
        if isinstance(c, m.Or):
            return f"{s()}or{s()}".join(self.maybe(i, isinstance(i, m.Or)) for i in c.items)
        if isinstance(c, m.InGroup):
            return f"{self.term(c.term)}{s()}in{s()}{c.group}"
        if isinstance(c, m.IsParty):
            neg = f"not{s()}" if c.negated else ""
            return f"{self.term(c.term)}{s()}is{s()}{neg}a{s()}party"
        if isinstance(c, m.Same):
            neg = f"not{s()}" if c.negated else ""
            return f"{self.term(c.left)}{s()}is{s()}{neg}{self.term(c.right)}"
        if isinstance(c, m.Quant):
            body = self.maybe(c.body, isinstance(c.body, (m.And, m.Or)))
            return f"{c.quantifier}{s()}{c.domain}{s()}{c.var}{s()}satisfies{s()}{body}"
        raise TypeError(c)

    def title(self, t: str | None) -> str:
        if t is None:
            return ""
        return self.sp() + '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def end(self) -> str:
        return self.tight() + "."

    def names(self, ns: tuple[str, ...]) -> str:
        return (self.tight() + "," + self.sp()).join(ns)

    def item(self, it: m.Item) -> str:
        s = self.sp
        if isinstance(it, m.StateDecl):
            return f"state{s()}{it.name}{self.title(it.title)}{self.end()}"
        if isinstance(it, (m.OrganizationDecl, m.GroupDecl)):
            word = "organization" if isinstance(it, m.OrganizationDecl) else "group"
            members = f"{s()}members{s()}{self.names(it.members)}" if it.members else ""
            return f"{word}{s()}{it.name}{self.title(it.title)}{members}{self.end()}"
        if isinstance(it, m.PredicateDecl):
            ps = (self.tight() + "," + s()).join(
                p.name + (f"{self.tight()}:{s()}{p.type}" if p.type == "action" or self.rnd.random() < 0.1 else "")
                for p in it.params
            )
            shown = f"({ps})" if it.params or it.parens else ""
            return f"{it.kind}{s()}{it.name}{shown}{self.title(it.template)}{self.end()}"
        if isinstance(it, m.AxiomDecl):
            head = f"axiom{s()}{it.name}{self.tight()}:{s()}{self.term(it.left)}{s()}"
            if it.kind == "excludes":
                return f"{head}excludes{s()}{self.term(it.right)}{self.end()}"
            cond = f"and{s()}{self.cond(it.condition)}{s()}" if it.condition is not None else ""
            return f"{head}{cond}implies{s()}{self.term(it.right)}{self.end()}"
        if isinstance(it, m.AssumeDecl):
            return f"assume{s()}{it.name}{self.tight()}:{s()}{self.cond(it.condition)}{self.end()}"
        if isinstance(it, m.Expect):
            if it.kind == "consistent":
                return f"expect{s()}consistent{s()}{it.refs[0]}{self.end()}"
            if it.kind == "no_conflict":
                return f"expect{s()}no{s()}conflict{s()}{it.refs[0]}{s()}{it.refs[1]}{self.end()}"
            res = ""
            if it.status:
                res = f"{s()}resolved{s()}{it.status}" + (f"{s()}{it.winner}" if it.winner else "")
            return f"expect{s()}conflict{s()}{it.refs[0]}{s()}{it.refs[1]}{res}{self.end()}"
        if isinstance(it, m.Treaty):
            return self.treaty(it)
        raise TypeError(it)

    def norm(self, n: m.Norm) -> str:
        s = self.sp
        subj = n.subject
        if isinstance(subj, m.EachParty):
            sub = f"each{s()}party{s()}{subj.var}"
        elif isinstance(subj, m.EachMember):
            sub = f"each{s()}member{s()}{subj.var}{s()}of{s()}{subj.group}"
        else:
            sub = subj.name
        modal = {
            "obligation": "shall",
            "prohibition": f"shall{s()}not",
            "permission": "may",
            "right": f"has{s()}the{s()}right{s()}to",
            "exemption": f"need{s()}not" if len(repr(n.action)) % 2 == 0 else f"may{s()}refrain{s()}from",
            "protected-exemption": f"has{s()}the{s()}right{s()}to{s()}refrain{s()}from",
        }[n.modality]
        if isinstance(n.action, m.AnyAction):
            act = f"take{s()}any{s()}action{s()}{n.action.var}"
        else:
            act = self.term(n.action)
        out = f"{sub}{s()}{modal}{s()}{act}"
        if n.condition is not None:
            out += f"{s()}if{s()}{self.cond(n.condition)}"
        if n.unless is not None:
            out += f"{s()}unless{s()}{self.cond(n.unless)}"
        return out + self.end()

    def treaty(self, t: m.Treaty) -> str:
        s = self.sp
        head = f"treaty{s()}{t.id}{self.title(t.title)}"
        if t.signed:
            head += f"{s()}signed{s()}{t.signed}"
        if t.commitment:
            head += f"{s()}kind{s()}commitment"
        parties = []
        for p in t.parties:
            if isinstance(p, m.PartyEntity):
                parties.append(p.name)
            elif isinstance(p, m.PartyMembersOf):
                parties.append(f"members{s()}of{s()}{p.name}")
            else:
                parties.append(f"all{s()}states")
        lines = [head + self.tight() + ":", f"  parties{self.tight()}:{s()}{self.names(tuple(parties))}{self.end()}"]
        for art in t.articles:
            lines.append(f"  article{s()}{art.id}{self.title(art.title)}{self.tight()}:")
            for sent in art.sentences:
                if isinstance(sent, m.Norm):
                    lines.append("    " + self.norm(sent))
                elif sent.kind == "prevails_all":
                    lines.append(
                        f"    this{s()}treaty{s()}prevails{s()}over{s()}all{s()}other{s()}treaties{self.end()}"
                    )
                elif sent.kind == "prevails_over":
                    lines.append(
                        f"    this{s()}treaty{s()}prevails{s()}over{s()}{self.names(sent.treaties)}{self.end()}"
                    )
                else:
                    lines.append(
                        f"    this{s()}treaty{s()}is{s()}subject{s()}to{s()}{self.names(sent.treaties)}{self.end()}"
                    )
        return "\n".join(lines)

    def module(self, mod: m.Module) -> str:
        out = []
        for it in mod.items:
            if self.style and self.rnd.random() < 0.2:
                out.append("# a comment line")
            out.append(self.item(it))
        if self.style == 2:
            out.append("# the end")
        return "\n".join(out) + ("\n" if self.rnd.random() < 0.8 else "")


def render_world(mod: m.Module, seed: int = 0, style: int = 0) -> str:
    """Render a module as text; ``style`` 0 is plain, 1 varies whitespace and adds
    redundant parentheses, 2 also puts comments between tokens and lines."""
    return _Render(random.Random(seed), style).module(mod)


_styles = st.integers(0, 2)
_seeds = st.integers(0, 2**32 - 1)


@st.composite
def world_cases(draw: st.DrawFn, filename: str = FILENAME) -> tuple[m.Module, str]:
    """A semantically valid module and its text (rendered with varied layout)."""
    mod = draw(world_modules(filename))
    return mod, render_world(mod, draw(_seeds), draw(_styles))


def worlds(filename: str = FILENAME) -> st.SearchStrategy[str]:
    """The text of a semantically valid, self-contained file (``loads(..., builtin=False)`` accepts it)."""
    return world_cases(filename).map(lambda case: case[1])


def strip_comments(mod: m.Module) -> m.Module:
    """The module with every comment removed (for comparing a parse with its model)."""

    def strip(node):  # type: ignore[no-untyped-def]
        if isinstance(node, m.Treaty):
            arts = tuple(
                replace(a, comments=(), sentences=tuple(replace(s, comments=()) for s in a.sentences))
                for a in node.articles
            )
            return replace(node, comments=(), parties_comments=(), articles=arts)
        return replace(node, comments=())

    return replace(mod, items=tuple(strip(i) for i in mod.items), trailing_comments=())


# ------------------------------------------------------------------ declaring what a module uses


def declarations_for(mod: m.Module) -> str:
    """Declarations for the names a (random) module uses, so that resolution gets past
    "unknown name" and into arities, types and variable scoping.

    Every entity-like name becomes an organization (an entity that is also a group),
    except treaty ids; a predicate is declared with the arity and kinds of its first use:
    an action where it is a norm's or axiom's action or an action argument, else a fact.
    """
    entities: set[str] = set()
    preds: dict[str, tuple[str, tuple[str, ...]]] = {}

    def use_pred(call: m.Call, kind: str, types: tuple[str, ...] | None = None) -> None:
        if call.name in m.KEYWORDS:
            return
        if call.name not in preds:
            ts = types or tuple("action" if isinstance(a, m.Call) else "entity" for a in call.args)
            if kind == "action":
                ts = tuple("entity" for _ in call.args) or ("entity",)
            preds[call.name] = (kind, ts)
        for a in call.args:
            term(a, nested=True)

    def term(t: m.Term, nested: bool = False) -> None:
        if isinstance(t, m.Const):
            entities.add(t.name)
        elif isinstance(t, m.Call):
            use_pred(t, "action" if nested else "fact")

    def cond(c: m.Cond | None) -> None:
        if c is None:
            return
        if isinstance(c, m.Call):
            use_pred(c, "fact")
        elif isinstance(c, m.Not):
            cond(c.body)
        elif isinstance(c, (m.And, m.Or)):
            for i in c.items:
                cond(i)
        elif isinstance(c, m.InGroup):
            term(c.term, nested=True)
            entities.add(c.group)
        elif isinstance(c, m.IsParty):
            term(c.term, nested=True)
        elif isinstance(c, m.Same):
            term(c.left, nested=True)
            term(c.right, nested=True)
        elif isinstance(c, m.Quant):
            cond(c.body)

    declared: set[str] = set()
    for it in mod.items:
        if isinstance(it, (m.StateDecl, m.OrganizationDecl, m.GroupDecl)):
            declared.add(it.name)
            entities.update(getattr(it, "members", None) or ())
        elif isinstance(it, m.PredicateDecl):
            declared.add("pred:" + it.name)
        elif isinstance(it, m.AxiomDecl):
            use_pred(it.left, "action")
            use_pred(it.right, "action")
            cond(it.condition)
        elif isinstance(it, m.AssumeDecl):
            cond(it.condition)
        elif isinstance(it, m.Treaty):
            for p in it.parties:
                if not isinstance(p, m.PartyAllStates):
                    entities.add(p.name)
            for art in it.articles:
                for s in art.sentences:
                    if isinstance(s, m.Norm):
                        if isinstance(s.subject, m.EachMember):
                            entities.add(s.subject.group)
                        elif isinstance(s.subject, m.NamedBearer):
                            entities.add(s.subject.name)
                        if isinstance(s.action, m.Call):
                            use_pred(s.action, "action")
                        cond(s.condition)
                        cond(s.unless)
    lines = [f"organization {e}." for e in sorted(entities - declared)]
    for name, (kind, types) in sorted(preds.items()):
        if "pred:" + name in declared:
            continue
        params = ", ".join(f"p{i}" + (": action" if t == "action" else "") for i, t in enumerate(types))
        lines.append(f"{kind} {name}({params}).")
    return "\n".join(lines) + "\n"
