"""The syntax tree of the clause language: frozen dataclasses with source spans.

Every node carries a :class:`Span` that is left out of equality and hashing, so two
trees that say the same thing compare equal wherever they were written (this is what
makes ``parse(fmt(tree)) == tree`` a meaningful round trip). Nothing here imports
anything else of ours but the closed vocabularies of :mod:`treatycheck.kinds`; every
later stage builds on these types.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, TypeVar

from .kinds import Modality, ParamType


@dataclass(frozen=True)
class Span:
    """Where a node was written: 1-based line and column, end exclusive.

    ``breadcrumb`` is the legal path (treaty > article > sentence), filled in for
    nodes inside treaties, so a message can say where it is in the treaty's terms.
    """

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    start_pos: int = 0
    end_pos: int = 0
    breadcrumb: tuple[str, ...] = ()


NO_SPAN = Span("<none>", 0, 0, 0, 0)


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, repr=False)


# ------------------------------------------------------------------ terms


@dataclass(frozen=True)
class Var:
    """A variable: one capital letter and optional digits (``X``, ``V2``)."""

    name: str
    span: Span = _span()


@dataclass(frozen=True)
class Const:
    """An entity name used as a term (``US``, ``NATO``)."""

    name: str
    span: Span = _span()


@dataclass(frozen=True)
class Call:
    """``name(arg, ...)``: an atom of a fact, judgement or action; as a term, an action."""

    name: str
    args: tuple[Term, ...]
    span: Span = _span()
    parens: bool = field(default=True, compare=False, repr=False)


Term = Var | Const | Call


# ------------------------------------------------------------------ conditions


@dataclass(frozen=True)
class Not:
    """``not C``."""

    body: Cond
    span: Span = _span()


@dataclass(frozen=True)
class And:
    """``C and C and ...`` (two or more items)."""

    items: tuple[Cond, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Or:
    """``C or C or ...`` (two or more items)."""

    items: tuple[Cond, ...]
    span: Span = _span()


@dataclass(frozen=True)
class InGroup:
    """``T in GROUP``: T is a member of an organization or group."""

    term: Term
    group: str
    span: Span = _span()


@dataclass(frozen=True)
class IsParty:
    """``T is a party`` (or ``is not a party`` when ``negated``), to the norm's treaty."""

    term: Term
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class Same:
    """``T is U`` (or ``T is not U`` when ``negated``)."""

    left: Term
    right: Term
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class Quant:
    """``every|some party|entity V satisfies C``."""

    quantifier: str  # "every" | "some"
    domain: str  # "party" | "entity"
    var: str
    body: Cond
    span: Span = _span()


# Produced by resolution, never written by a user: local variables made explicit.


@dataclass(frozen=True)
class Exists:
    """Some binding of ``vars`` (pairs of name and type) satisfies ``body``.

    Resolution wraps a norm's local variables in this at the smallest ``not`` or
    ``unless`` that holds all their uses (LANGUAGE.md's "some entity" reading).
    """

    vars: tuple[tuple[str, str], ...]
    body: Cond
    span: Span = _span()


#: A condition: what a user writes, and (``Exists``) what resolution makes of a
#: local variable.
Cond = Call | Not | And | Or | InGroup | IsParty | Same | Quant | Exists


# ------------------------------------------------------------------ declarations


@dataclass(frozen=True)
class StateDecl:
    """``state US "United States of America".``"""

    name: str
    title: str | None
    span: Span = _span()
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrganizationDecl:
    """``organization NATO "..." members US, PL.`` (members may be omitted)."""

    name: str
    title: str | None
    members: tuple[str, ...] | None
    span: Span = _span()
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupDecl:
    """``group NEW "..." members PL.``: a named set that is not itself an entity."""

    name: str
    title: str | None
    members: tuple[str, ...] | None
    span: Span = _span()
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Param:
    """A predicate parameter; ``type`` is ``entity`` or ``action``."""

    name: str
    type: ParamType = ParamType.ENTITY
    explicit: bool = field(default=False, compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True)
class PredicateDecl:
    """``action|fact|judgement name(params) "template" [decided by P].``

    ``decided_by`` names the parameter whose entity decides the atom (a consent, an
    opinion); ``decided_by_span`` is where that name is written.
    """

    kind: str  # "action" | "fact" | "judgement"
    name: str
    params: tuple[Param, ...]
    template: str | None
    span: Span = _span()
    comments: tuple[str, ...] = ()
    parens: bool = field(default=True, compare=False, repr=False)
    decided_by: str | None = None
    decided_by_span: Span = _span()


@dataclass(frozen=True)
class AxiomDecl:
    """``axiom NAME: A [and C] implies B.`` or ``axiom NAME: A excludes B.``"""

    name: str
    kind: str  # "implies" | "excludes"
    left: Call
    condition: Cond | None
    right: Call
    span: Span = _span()
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssumeDecl:
    """``assume NAME: C.``"""

    name: str
    condition: Cond
    span: Span = _span()
    comments: tuple[str, ...] = ()


# ------------------------------------------------------------------ treaties


@dataclass(frozen=True)
class PartyEntity:
    """A party named directly."""

    name: str
    span: Span = _span()


@dataclass(frozen=True)
class PartyMembersOf:
    """``members of ORG_OR_GROUP``."""

    name: str
    span: Span = _span()


@dataclass(frozen=True)
class PartyAllStates:
    """``all states``: every declared state."""

    span: Span = _span()


PartyItem = PartyEntity | PartyMembersOf | PartyAllStates


@dataclass(frozen=True)
class EachParty:
    """Subject ``each party X``."""

    var: str
    span: Span = _span()


@dataclass(frozen=True)
class EachMember:
    """Subject ``each member X of ORG``."""

    var: str
    group: str
    span: Span = _span()


@dataclass(frozen=True)
class NamedBearer:
    """Subject naming one entity (``RU shall ...``)."""

    name: str
    span: Span = _span()


Subject = EachParty | EachMember | NamedBearer


@dataclass(frozen=True)
class AnyAction:
    """``take any action A``."""

    var: str
    span: Span = _span()


MODALITIES: tuple[Modality, ...] = tuple(Modality)


@dataclass(frozen=True)
class Norm:
    """A norm sentence. ``modality`` is one of :data:`MODALITIES`.

    ``text`` is the sentence as written, whitespace folded; ``modality_span`` points
    at the modal words (``shall not``) so a report can underline them.
    """

    subject: Subject
    modality: Modality
    action: Call | AnyAction
    condition: Cond | None
    unless: Cond | None
    span: Span = _span()
    comments: tuple[str, ...] = ()
    text: str = field(default="", compare=False, repr=False)
    modality_span: Span = _span()
    # the modal words as written when the language has more than one way to write
    # them (`may refrain from` for `need not`), so that fmt keeps the author's choice
    wording: str = field(default="", compare=False, repr=False)
    # `in reading NAME:` before it: the readings it holds in (none: every reading),
    # with where each name is written
    readings: tuple[str, ...] = ()
    reading_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Precedence:
    """A precedence sentence (one of :data:`PRECEDENCE_KINDS`).

    Treaty level: ``prevails_over`` / ``subject_to`` name ``treaties``;
    ``prevails_all``, ``prevails_earlier``, ``subject_all``, ``subject_earlier``,
    ``obligations_prevail`` (the Charter rule) and ``forbids_engagements`` (an
    undertaking) name none. Article level: ``article_prevails`` /
    ``article_subject_to`` name ``articles`` of the same treaty;
    ``article_prevails_all`` names none.
    """

    kind: str
    treaties: tuple[str, ...]
    span: Span = _span()
    comments: tuple[str, ...] = ()
    text: str = field(default="", compare=False, repr=False)
    articles: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()  # as for Norm
    reading_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)

    @property
    def article_level(self) -> bool:
        """Does it rank articles of its own treaty (rather than treaties)?"""
        return self.kind.startswith("article_")


#: Every precedence sentence kind, treaty level first.
PRECEDENCE_KINDS = (
    "prevails_over",
    "prevails_all",
    "prevails_earlier",
    "subject_to",
    "subject_all",
    "subject_earlier",
    "obligations_prevail",
    "forbids_engagements",
    "article_prevails",
    "article_prevails_all",
    "article_subject_to",
)


Sentence = Norm | Precedence


@dataclass(frozen=True)
class Article:
    """``article ID ["Title"]:`` and its sentences."""

    id: str
    title: str | None
    sentences: tuple[Sentence, ...]
    span: Span = _span()
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Treaty:
    """``treaty ID "Title" OPTIONS:`` with parties and articles.

    Options: ``signed DATE`` (``signed``), ``in force DATE`` (``in_force``),
    ``draft`` (not concluded), ``kind commitment`` (politically binding only).
    """

    id: str
    title: str | None
    signed: str | None
    commitment: bool
    parties: tuple[PartyItem, ...]
    articles: tuple[Article, ...]
    span: Span = _span()
    comments: tuple[str, ...] = ()
    parties_comments: tuple[str, ...] = ()
    parties_span: Span = _span()
    # every header option as written, duplicates included: (keyword, value, where),
    # e.g. ("signed", "1949-04-04", span) or ("kind", "commitment", span). `signed`
    # and `commitment` above hold what the options mean; this is kept so that the
    # resolver can report an option given twice (E222), and so it takes no part in
    # equality (a tree written twice over still round-trips).
    options: tuple[tuple[str, str, Span], ...] = field(default=(), compare=False, repr=False)
    in_force: str | None = None
    draft: bool = False


@dataclass(frozen=True)
class Expect:
    """An ``expect`` sentence.

    ``kind`` is ``conflict``, ``no_conflict``, ``consistent``, ``control``,
    ``no_control``, ``covered`` or ``new``; ``refs`` holds two refs (the treaty id for
    ``consistent``, one ref for the last four); ``status``/``winner`` the optional
    ``resolved STATUS [WINNER]``; ``entity`` the controlling entity of ``control``.
    """

    kind: str
    refs: tuple[str, ...]
    status: str | None = None
    winner: str | None = None
    span: Span = _span()
    comments: tuple[str, ...] = ()
    # `in reading NAME`: the one reading it is pinned to (None: every reading)
    reading: str | None = None
    reading_span: Span = _span()
    entity: str | None = None


@dataclass(frozen=True)
class ReadingDecl:
    """``reading NAME "description".``: one interpretation of contested text."""

    name: str
    description: str | None
    span: Span = _span()
    comments: tuple[str, ...] = ()


Declaration = StateDecl | OrganizationDecl | GroupDecl | PredicateDecl | AxiomDecl | AssumeDecl | ReadingDecl
Item = Declaration | Treaty | Expect


@dataclass(frozen=True)
class Module:
    """One parsed file: its items in source order and the comments after the last."""

    file: str
    items: tuple[Item, ...]
    trailing_comments: tuple[str, ...] = ()
    source: str = field(default="", compare=False, repr=False)


def walk(*nodes: object) -> Iterator[Any]:
    """Every model node inside ``nodes`` (depth first), spans and plain values aside."""
    stack = list(nodes)
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            stack.extend(x)
        elif hasattr(x, "__dataclass_fields__") and not isinstance(x, Span):
            yield x
            stack.extend(getattr(x, f) for f in x.__dataclass_fields__)


def ref_matches(pattern: str, ref: str) -> bool:
    """Does a ref a user wrote (``expect``, ``explain``) name the sentence ``ref``?

    ``T:A`` names every sentence of the article, ``T:A#N`` the N-th one, and the first
    sentence's own ref is written without ``#1``.
    """
    if pattern.endswith("#1"):
        return ref == pattern[:-2]
    return ref == pattern or ("#" not in pattern and ref.split("#")[0] == pattern)


KEYWORDS = frozenset(
    """state organization group members action fact judgement axiom assume treaty signed kind
    commitment parties of all states article each party member shall not may has the right to
    take any if unless and or in is a every some entity satisfies this prevails over other
    treaties subject expect conflict no consistent resolved implies excludes deadlock
    unresolved decided by control covered new""".split()
)


# ------------------------------------------------------------------ positions off

_T = TypeVar("_T")
#: For each node class, its fields in order, with ``span`` marked None.
_FIELDS: dict[type, tuple[str | None, ...]] = {}
_PLAIN = (str, bool, int, type(None), frozenset)


def _fields(cls: type) -> tuple[str | None, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(None if f.name == "span" else f.name for f in fields(cls)) if is_dataclass(cls) else ()
        _FIELDS[cls] = names
    return names


def bare(node: _T, table: dict[tuple, Any]) -> _T:
    """``node`` without positions: every span inside it NO_SPAN.

    Equal parts (every field equal, the ones equality ignores included) come out as
    one object through ``table``, which the caller keeps for a whole world: a
    register repeats its clauses, so a world of 10,000 norms holds under two
    thousand distinct parts, and pickles small. Parts are keyed by their class and
    their fields, nested parts by identity (they are already shared), so a part is
    looked at once.
    """
    if isinstance(node, _PLAIN):
        return node
    # plain values are not recursed into: most fields are names
    if isinstance(node, tuple):
        items = tuple([x if isinstance(x, _PLAIN) else bare(x, table) for x in node])
        key: tuple = ("()", *[x if isinstance(x, _PLAIN) else id(x) for x in items])
        return table.setdefault(key, items)
    names = _fields(type(node))
    if not names:
        return node
    values: list[Any] = []
    parts: list[Any] = [type(node)]
    for n in names:
        if n is None:
            values.append(NO_SPAN)
            continue
        v = getattr(node, n)
        if isinstance(v, _PLAIN):
            parts.append(v)
        else:
            v = bare(v, table)
            parts.append(id(v))
        values.append(v)
    key = tuple(parts)
    found = table.get(key)
    if found is None:
        found = table[key] = type(node)(*values)
    return found
