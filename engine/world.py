"""The checked world: what resolution hands to every later stage.

Plain frozen dataclasses (picklable, no Z3, no Lark), so a world can be sent to a
worker process or cached. Entities, predicates and norms are kept in canonical
(sorted) order so that everything built from a world is independent of the order
in which files and declarations were read.

The world is semantic: it says what the texts mean, never where. Its clauses carry
no positions and its declarations and sentences no spans or wording; those are in
the :class:`~treatycheck.sourcemap.SourceMap` the resolver builds beside it
(``World.source_map``, which a pickled world leaves out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from . import model as m
from .diagnostics import Diagnostic
from .kinds import Modality
from .sourcemap import SourceMap


@dataclass(frozen=True)
class Entity:
    """A state or an organization (something that can be a party or a bearer)."""

    name: str
    kind: str  # "state" | "organization"
    title: str | None


@dataclass(frozen=True)
class Group:
    """An organization's or group's membership, flattened to entities."""

    name: str
    kind: str  # "organization" | "group"
    members: frozenset[str]


@dataclass(frozen=True)
class Predicate:
    """An action, fact or judgement with its parameter types and English template;
    ``decided_by`` the index of the parameter whose entity decides the atom (None:
    no one decides it, it is a fact of the world)."""

    name: str
    kind: str
    params: tuple[m.Param, ...]
    template: str | None
    decided_by: int | None = None

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(p.type for p in self.params)


@dataclass(frozen=True)
class Axiom:
    """An ``implies`` or ``excludes`` axiom; ``variables`` are its universal variables."""

    name: str
    kind: str
    left: m.Call
    condition: m.Cond | None
    right: m.Call
    variables: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Assumption:
    """``assume NAME: C``; ``variables`` are universal."""

    name: str
    condition: m.Cond
    variables: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PrecedenceClause:
    """A precedence sentence with its ref (``EST:9.1``), the article it is written
    in, and what it names: ``treaties`` (treaty level) or ``articles`` (article
    level, of the same treaty). ``kind`` is one of
    :data:`~treatycheck.model.PRECEDENCE_KINDS`."""

    ref: str
    treaty: str
    kind: str
    treaties: tuple[str, ...]
    article: str = ""
    articles: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()  # the readings it holds in (none: every reading)

    @property
    def article_level(self) -> bool:
        return self.kind.startswith("article_")


@dataclass(frozen=True)
class Treaty:
    """An instrument's identity, status, parties (flattened) and precedence clauses.

    ``signed`` / ``in_force``: the dates written; ``draft``: not concluded (read as
    concluded after every dated instrument); ``commitment``: politically, not
    legally, binding (treaty law never ranks it).
    """

    id: str
    title: str | None
    signed: str | None
    commitment: bool
    parties: frozenset[str]
    precedence: tuple[PrecedenceClause, ...]
    articles: tuple[str, ...]
    file: str
    in_force: str | None = None
    draft: bool = False

    @property
    def date(self) -> str | None:
        """The instrument's date for lex posterior: ``signed``, else ``in force``."""
        return self.signed or self.in_force

    @property
    def status(self) -> str:
        """``draft``, ``in force``, ``signed`` or ``undated`` (what the header says)."""
        if self.draft:
            return "draft"
        if self.in_force:
            return "in force"
        return "signed" if self.signed else "undated"


@dataclass(frozen=True)
class Norm:
    """A checked norm sentence, ready for encoding and evaluation.

    ``bearer`` is the subject variable (``Var``) or entity (``Const``); ``bearer_group``
    restricts it for ``each member X of ORG``. ``condition`` joins ``if`` and
    ``not unless`` with local variables wrapped in :class:`~treatycheck.model.Exists`
    (None when the norm always applies). ``variables`` are the norm's own variables
    with their types, the bearer first.
    """

    ref: str
    treaty: str
    article: str
    sentence: int
    modality: Modality
    bearer: m.Var | m.Const
    bearer_group: str | None
    action: m.Call | m.AnyAction
    condition: m.Cond | None
    variables: tuple[tuple[str, str], ...]
    file: str
    commitment: bool
    readings: tuple[str, ...] = ()  # the readings it holds in, sorted (none: every reading)

    @property
    def action_name(self) -> str | None:
        """The action predicate, or None for ``take any action``."""
        return self.action.name if isinstance(self.action, m.Call) else None


@dataclass(frozen=True)
class Expectation:
    """An ``expect`` sentence with the file it came from."""

    kind: str
    refs: tuple[str, ...]
    status: str | None
    winner: str | None
    file: str
    span: m.Span = field(compare=False)
    reading: str | None = None  # `in reading NAME`: the one reading it must hold in
    entity: str | None = None  # the controlling entity of `expect [no] control E REF`


@dataclass(frozen=True)
class Reading:
    """A declared reading: one interpretation under which the world is checked."""

    name: str
    description: str | None


@dataclass(frozen=True)
class _Lookups:
    """A world's things by name (built on first use, never pickled)."""

    entity: dict[str, Entity]
    group: dict[str, Group]
    predicate: dict[str, Predicate]
    treaty: dict[str, Treaty]
    norm: dict[str, Norm]


@dataclass(frozen=True)
class World:
    """Everything a check needs, validated. Collections are in canonical order."""

    entities: tuple[Entity, ...]
    groups: tuple[Group, ...]
    predicates: tuple[Predicate, ...]
    axioms: tuple[Axiom, ...]
    assumptions: tuple[Assumption, ...]
    treaties: tuple[Treaty, ...]
    norms: tuple[Norm, ...]
    expectations: tuple[Expectation, ...]
    files: tuple[tuple[str, tuple[str, ...]], ...]  # (file, treaty ids) sorted by file
    user_files: frozenset[str]
    warnings: tuple[Diagnostic, ...] = ()
    source_map: SourceMap = field(default_factory=SourceMap, compare=False, repr=False)
    # the declared readings, in declaration order (the first is the report's lead)
    readings: tuple[Reading, ...] = ()
    # the one reading this world was cut to (:meth:`in_reading`), if any
    reading: str | None = None
    # entities a scenario casts first, in this order, where a role allows
    # (``--prefer``; :meth:`preferring`): they change scenarios, never verdicts
    prefer: tuple[str, ...] = ()

    @property
    def sources(self) -> Mapping[str, str]:
        """The text of every file read, by name (the source map's)."""
        return self.source_map.texts

    # Lookups are built lazily and not pickled with the world.
    def _index(self) -> _Lookups:
        cache = self.__dict__.get("_cache")
        if cache is None:
            cache = _Lookups(
                {e.name: e for e in self.entities},
                {g.name: g for g in self.groups},
                {p.name: p for p in self.predicates},
                {t.id: t for t in self.treaties},
                {n.ref: n for n in self.norms},
            )
            object.__setattr__(self, "_cache", cache)
        return cache

    def __getstate__(self) -> dict[str, object]:
        # a pickled world is the semantic one: lookups are rebuilt, and positions
        # (the source map) are the business of whoever shows them
        state = dict(self.__dict__)
        for name in ("_cache", "_symmetry", "_signatures", "source_map"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("source_map", SourceMap())

    def entity(self, name: str) -> Entity:
        return self._index().entity[name]

    @property
    def decided(self) -> dict[str, int]:
        """Each predicate declared ``decided by`` a parameter, with its index."""
        return {p.name: p.decided_by for p in self.predicates if p.decided_by is not None}

    @property
    def reading_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.readings)

    def tagged_refs(self) -> frozenset[str]:
        """Refs of the norms that do not hold in every reading (none without readings)."""
        every = set(self.reading_names)
        return frozenset(n.ref for n in self.norms if n.readings and not every <= set(n.readings))

    def in_reading(self, name: str) -> World:
        """The world as one reading has it: the sentences tagged for other readings
        left out, the expectations pinned to other readings too, and no readings
        declared (so that every later stage sees a plain world). In: a declared
        reading's name. Out: a world whose ``reading`` is ``name``."""

        def holds(tags: tuple[str, ...]) -> bool:
            return not tags or name in tags

        treaties = tuple(
            replace(t, precedence=tuple(c for c in t.precedence if holds(c.readings))) for t in self.treaties
        )
        return replace(
            self,
            treaties=treaties,
            norms=tuple(n for n in self.norms if holds(n.readings)),
            expectations=tuple(e for e in self.expectations if e.reading in (None, name)),
            readings=(),
            reading=name,
        )

    def preferring(self, names: tuple[str, ...]) -> World:
        """The world whose scenarios cast ``names`` (declared entities, checked by
        the caller) first, in that order, wherever a role allows."""
        return replace(self, prefer=tuple(dict.fromkeys(names)))

    def lead(self, bearers: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """``bearers`` with the preferred ones first (in preference order), the
        rest in their own order: the first is the bearer a scenario shows."""
        ahead = [e for e in self.prefer if e in bearers]
        return tuple(ahead + [b for b in bearers if b not in ahead])

    def chosen(self, files: frozenset[str] | None = None, refs: tuple[str, ...] = ()) -> list[Norm]:
        """The norms of ``files`` (default: the user's files) and those ``refs`` name
        (``T:A`` names every sentence of the article), in world order."""
        files = self.user_files if files is None else files
        return [n for n in self.norms if n.file in files or any(m.ref_matches(r, n.ref) for r in refs)]

    def group(self, name: str) -> Group:
        return self._index().group[name]

    def predicate(self, name: str) -> Predicate:
        return self._index().predicate[name]

    def treaty(self, tid: str) -> Treaty:
        return self._index().treaty[tid]

    def norm(self, ref: str) -> Norm:
        return self._index().norm[ref]

    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)

    def bearers(self, norm: Norm) -> frozenset[str]:
        """Entities the norm can bind: its treaty's parties, narrowed by its subject."""
        parties = self.treaty(norm.treaty).parties
        if isinstance(norm.bearer, m.Const):
            return parties & {norm.bearer.name}
        if norm.bearer_group is not None:
            return parties & self.group(norm.bearer_group).members
        return parties

    def symmetry_classes(self) -> dict[str, tuple[str, ...]]:
        """Entities the world cannot tell apart, for each entity (itself included).

        Two entities are interchangeable when they have the same kind, belong to
        exactly the same groups, organizations and party lists, and neither is named
        in any norm, axiom or assumption: swapping them maps the world onto itself,
        so a conflict that binds one binds the other. The search uses this to widen
        a found bearer to its whole class without asking the solver again.
        """
        cache = self.__dict__.get("_symmetry")
        if cache is not None:
            return cache
        named: set[str] = set()
        for n in self.norms:
            named |= constants(n.bearer) | constants(n.action) | constants(n.condition)
        for a in self.axioms:
            named |= constants(a.left) | constants(a.right) | constants(a.condition)
        for assumption in self.assumptions:
            named |= constants(assumption.condition)
        sets = [(g.name, g.members) for g in self.groups] + [("treaty:" + t.id, t.parties) for t in self.treaties]
        classes: dict[tuple, list[str]] = {}
        out: dict[str, tuple[str, ...]] = {}
        for e in self.entities:
            if e.name in named:
                out[e.name] = (e.name,)
                continue
            signature = (e.kind, tuple(name for name, members in sets if e.name in members))
            classes.setdefault(signature, []).append(e.name)
        for members in classes.values():
            for name in members:
                out[name] = tuple(members)
        object.__setattr__(self, "_symmetry", out)
        return out

    def ground_actions(self, actor: str) -> list[tuple[str, ...]]:
        """Every ground action of one actor, as tuples ``(name, actor, arg, ...)``."""
        import itertools

        out: list[tuple[str, ...]] = []
        for p in self.predicates:
            if p.kind != "action":
                continue
            rest = [self.entity_names] * (len(p.params) - 1)
            for combo in itertools.product(*rest):
                out.append((p.name, actor, *combo))
        return out


def constants(node: object) -> set[str]:
    """Entity names written as constants anywhere inside a model node."""
    return {x.name for x in m.walk(node) if isinstance(x, m.Const)}
