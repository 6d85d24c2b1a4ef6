"""The treaty phase of the resolver: treaty declarations to treaties and norms.

``resolve_treaties_in(decls, names, states, errs) -> (treaties, norms)``. Goes in:
the treaty declarations with their files (any order) and the names of the world
they belong to. Comes out: each treaty with its parties, precedence clauses and
article ids, in id order, and the norms of its articles in the order written.
Within one treaty the stages are:

- the header: options given twice (E222), the date (E223);
- the parties, through ``members of`` and ``all states`` (E218, E200, E219);
- the articles (E211 one id twice), each sentence getting its ref
  (``TREATY:ARTICLE``, then ``#N`` from the second sentence on): a precedence
  sentence becomes a clause (E228 ranks itself, E202 unknown treaty), a norm
  sentence goes through :func:`resolve_norm`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from . import model as m
from .codes import Code
from .diagnostics import Related
from .hints import did_you_mean
from .kinds import Modality
from .resolve_names import Errors, Names
from .sourcemap import Key, Place
from .variables import VariableChecker
from .world import Norm, PrecedenceClause, Treaty

#: The header keywords that may each be given once (the keyword as written).
_ONCE = ("signed", "in force", "draft", "kind")


def resolve_treaties_in(
    decls: Iterable[tuple[m.Treaty, str]], names: Names, states: frozenset[str], errs: Errors
) -> tuple[list[Treaty], list[Norm], dict[Key, Place]]:
    """Resolve each treaty (in id order) with its norms, and where each treaty and
    sentence is written. ``decls`` holds each id once."""
    treaties: list[Treaty] = []
    norms: list[Norm] = []
    places: dict[Key, Place] = {}
    for decl, file in sorted(decls, key=lambda d: d[0].id):
        treaty, treaty_norms = resolve_treaty(decl, file, names, states, errs, places)
        treaties.append(treaty)
        norms.extend(treaty_norms)
    return treaties, norms, places


def resolve_treaty(
    decl: m.Treaty, file: str, names: Names, states: frozenset[str], errs: Errors, places: dict[Key, Place]
) -> tuple[Treaty, list[Norm]]:
    """One treaty declaration to the treaty and its norms (in the order written);
    where the treaty and each of its sentences are written goes into ``places``."""
    places[("treaty", decl.id)] = Place(decl.span)
    errs.trail = decl.span.breadcrumb
    try:
        return _treaty(decl, file, names, states, errs, places)
    finally:
        errs.trail = ()


def _treaty(
    decl: m.Treaty, file: str, names: Names, states: frozenset[str], errs: Errors, places: dict[Key, Place]
) -> tuple[Treaty, list[Norm]]:
    """The work of :func:`resolve_treaty`, with ``errs.trail`` kept at the sentence
    being resolved."""
    _check_header(decl, errs)
    parties = _parties(decl, names, states, errs)
    precedence: list[PrecedenceClause] = []
    norms: list[Norm] = []
    article_ids: list[str] = []
    seen_articles: dict[str, m.Article] = {}
    for art in decl.articles:
        if art.id in seen_articles:
            errs.error(
                Code.DUPLICATE_ARTICLE,
                f"article `{art.id}` appears twice in treaty `{decl.id}`",
                art.span,
                "give each article its own id (sentences of one article go in one `article` block)",
                [Related(seen_articles[art.id].span, "first written here")],
            )
            continue
        seen_articles[art.id] = art
        article_ids.append(art.id)
        for n, sent in enumerate(art.sentences, 1):
            ref = f"{decl.id}:{art.id}" + (f"#{n}" if n > 1 else "")
            errs.trail = sent.span.breadcrumb
            if isinstance(sent, m.Precedence):
                precedence.append(_precedence(sent, ref, art.id, decl, names, errs))
                places[("precedence", ref)] = Place(sent.span, sent.text)
            else:
                norms.append(resolve_norm(sent, ref, decl, art, n, file, parties, names, errs))
                places[("norm", ref)] = Place(sent.span, sent.text, sent.modality_span)
    treaty = Treaty(
        decl.id,
        decl.title,
        decl.signed,
        decl.commitment,
        parties,
        tuple(precedence),
        tuple(article_ids),
        file,
        decl.in_force,
        decl.draft,
    )
    _check_articles(decl, precedence, seen_articles, errs)
    return treaty, norms


def _check_header(decl: m.Treaty, errs: Errors) -> None:
    """E222 for an option given twice, E223 for a date that is no date, E232 for
    options that contradict each other (``draft`` with a date, ``in force`` before
    ``signed``).

    The options are read from the node itself (filled by the parser), so a
    treaty rebuilt with :func:`dataclasses.replace` keeps them."""
    for keyword in _ONCE:
        if sum(1 for written, _, _ in decl.options if written == keyword) > 1:
            errs.error(Code.OPTION_TWICE, f"`{keyword}` is given twice for treaty `{decl.id}`", decl.span)
    valid: dict[str, datetime.date] = {}
    for keyword, value in (("signed", decl.signed), ("in force", decl.in_force)):
        if value is None:
            continue
        try:
            valid[keyword] = datetime.date.fromisoformat(value)
        except ValueError:
            errs.error(Code.INVALID_DATE, f"`{value}` is not a valid date", decl.span, "dates are written YYYY-MM-DD")
    if decl.draft:
        for keyword in ("signed", "in force"):
            if getattr(decl, keyword.replace(" ", "_")) is not None:
                errs.error(
                    Code.CLASHING_OPTIONS,
                    f"treaty `{decl.id}` is a `draft` and has `{keyword}`",
                    decl.span,
                    "a draft is not concluded: drop the date, or drop `draft` if the instrument was concluded",
                )
    if "signed" in valid and "in force" in valid and valid["in force"] < valid["signed"]:
        errs.error(
            Code.CLASHING_OPTIONS,
            f"treaty `{decl.id}` enters into force ({decl.in_force}) before it is signed ({decl.signed})",
            decl.span,
            "`in force` is the date of entry into force, on or after the date of signature",
        )


def _parties(decl: m.Treaty, names: Names, states: frozenset[str], errs: Errors) -> frozenset[str]:
    """The entities a treaty's party list names, groups expanded to their members."""
    parties: set[str] = set()
    for item in decl.parties:
        if isinstance(item, m.PartyEntity):
            if item.name in names.groups and item.name not in names.entities:
                errs.error(
                    Code.GROUP_AS_ENTITY,
                    f"`{item.name}` is a group, not an entity",
                    item.span,
                    f"to make its members parties write `members of {item.name}`",
                )
            elif names.entity(item.name, item.span):
                parties.add(item.name)
        elif isinstance(item, m.PartyMembersOf):
            if names.group(item.name, item.span):
                parties |= names.groups[item.name].members
        else:
            parties |= states
    return frozenset(parties)


def _precedence(
    sent: m.Precedence, ref: str, article: str, decl: m.Treaty, names: Names, errs: Errors
) -> PrecedenceClause:
    """A precedence sentence to a clause, checking the treaties it names (the
    articles it names are checked once the treaty's articles are all known)."""
    for other in sent.treaties:
        if other == decl.id:
            errs.error(Code.TREATY_RANKS_ITSELF, f"treaty `{decl.id}` cannot rank itself", sent.span)
        else:
            names.treaty(other, sent.span)
    readings = names.reading_tags(sent.readings, sent.reading_spans)
    return PrecedenceClause(ref, decl.id, sent.kind, sent.treaties, article, sent.articles, readings)


def _check_articles(
    decl: m.Treaty, clauses: list[PrecedenceClause], articles: dict[str, m.Article], errs: Errors
) -> None:
    """E233 for an article-level sentence naming an article its treaty does not have,
    E234 for one naming its own article."""
    spans = {(a.id, n): s.span for a in decl.articles for n, s in enumerate(a.sentences, 1)}
    for c in clauses:
        n = int(c.ref.partition("#")[2] or 1)
        span = spans[(c.article, n)]
        errs.trail = span.breadcrumb
        for target in c.articles:
            if target == c.article:
                errs.error(
                    Code.ARTICLE_RANKS_ITSELF,
                    f"article `{c.article}` of `{decl.id}` cannot rank itself",
                    span,
                    "name the other articles this article prevails over or is subject to",
                )
            elif target not in articles:
                hint = did_you_mean(target, list(articles))
                errs.error(
                    Code.UNKNOWN_ARTICLE,
                    f"treaty `{decl.id}` has no article `{target}`",
                    span,
                    f"did you mean `{hint}`?" if hint else f"the articles of `{decl.id}` are {', '.join(articles)}",
                )


def resolve_norm(
    sent: m.Norm,
    ref: str,
    decl: m.Treaty,
    art: m.Article,
    index: int,
    file: str,
    parties: frozenset[str],
    names: Names,
    errs: Errors,
) -> Norm:
    """A norm sentence to a norm: its bearer (W300 when it binds no party), its
    action (E209 ``take any action`` as an obligation), and its condition with
    ``unless U`` folded in as ``and not U``; the variables are checked and placed
    by :class:`~treatycheck.variables.VariableChecker`."""
    checker = VariableChecker(names, errs, treaty=decl.id)
    subject = sent.subject
    bearer: m.Var | m.Const
    group: str | None = None
    if isinstance(subject, m.NamedBearer):
        bearer = m.Const(subject.name, subject.span)
        if names.entity(subject.name, subject.span) and subject.name not in parties:
            errs.warning(
                Code.NEVER_BINDS,
                f"`{subject.name}` is not a party to `{decl.id}`, so `{ref}` never binds it",
                subject.span,
                f"add `{subject.name}` to the parties of `{decl.id}`, or name a party",
            )
    else:
        bearer = m.Var(subject.var, subject.span)
        checker.bind_own(subject.var, "entity", subject.span)
        if isinstance(subject, m.EachMember):
            group = subject.group
            if names.group(subject.group, subject.span) and not (names.groups[subject.group].members & parties):
                errs.warning(
                    Code.NEVER_BINDS,
                    f"no member of `{subject.group}` is a party to `{decl.id}`, so `{ref}` never binds anyone",
                    subject.span,
                )

    action = sent.action
    if isinstance(action, m.AnyAction):
        if sent.modality == Modality.OBLIGATION:
            errs.error(
                Code.OBLIGED_ANY_ACTION,
                "`take any action` cannot be an obligation",
                action.span,
                "an obligation names what must be done; use `shall not`, `may` or `has the right to`",
            )
        checker.bind_own(action.var, "action", action.span)
    else:
        checker.norm_action(action, bearer)

    condition = sent.condition
    if sent.unless is not None:
        unless = m.Not(sent.unless, sent.unless.span)
        condition = unless if condition is None else m.And((condition, unless), condition.span)
    if condition is not None:
        checker.condition(condition, own_scope=True)
    variables, condition = checker.finish_norm(condition, bearer)
    return Norm(
        ref=ref,
        treaty=decl.id,
        article=art.id,
        sentence=index,
        modality=sent.modality,
        bearer=bearer,
        bearer_group=group,
        action=action,
        condition=condition,
        variables=variables,
        file=file,
        commitment=decl.commitment,
        readings=names.reading_tags(sent.readings, sent.reading_spans),
    )
