"""The declaration phases of the resolver.

Goes in: parsed modules (sorted by file). Comes out, one phase at a time:

1. :func:`collect_declarations` -> :class:`Declarations`: every item filed by its
   name (E203 a name declared again differently, E212 a treaty declared twice);
2. :func:`check_predicates` -> the checked predicates (:class:`~treatycheck.world.Predicate`)
   (E210, E215, E221, E226);
3. :func:`build_memberships` -> :class:`Memberships`: entities, and groups with
   their members flattened through nested groups (E217 loops, E200 unknowns);
4. :func:`resolve_rules` -> the axioms and assumptions, their variables checked
   (once the names of phases 2 and 3 are known).

Every problem is reported to the shared :class:`~treatycheck.resolve_names.Errors`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from . import model as m
from .codes import Code
from .diagnostics import Related, did_you_mean
from .resolve_names import Errors, Names, report_unknown
from .sourcemap import Key, Place
from .variables import VariableChecker
from .world import Assumption, Axiom, Entity, Group, Predicate

EntityDecl = m.StateDecl | m.OrganizationDecl | m.GroupDecl
RuleDecl = m.AxiomDecl | m.AssumeDecl
_Decl = TypeVar("_Decl", bound=EntityDecl | m.PredicateDecl | RuleDecl | m.ReadingDecl)

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass
class Declarations:
    """Every item of the modules, filed by name (the first of each name wins).

    ``treaties`` maps an id to the treaty and the file it is written in;
    ``expects`` keeps the ``expect`` sentences in file order, with their files.
    """

    entities: dict[str, EntityDecl] = field(default_factory=dict)
    predicates: dict[str, m.PredicateDecl] = field(default_factory=dict)
    rules: dict[str, RuleDecl] = field(default_factory=dict)
    treaties: dict[str, tuple[m.Treaty, str]] = field(default_factory=dict)
    expects: list[tuple[m.Expect, str]] = field(default_factory=list)
    readings: dict[str, m.ReadingDecl] = field(default_factory=dict)  # in declaration order


def _strip(decl: object) -> object:
    """A declaration without comments, for the "declared identically" test."""
    return replace(decl, comments=()) if hasattr(decl, "comments") else decl  # type: ignore[type-var]


def _declare(table: dict[str, _Decl], name: str, decl: _Decl, errs: Errors) -> None:
    prev = table.get(name)
    if prev is None:
        table[name] = decl
    elif _strip(prev) != _strip(decl):
        errs.error(
            Code.REDECLARED,
            f"`{name}` is declared again differently",
            decl.span,
            "a reading may be declared again only with the same description"
            if isinstance(decl, m.ReadingDecl)
            else "a name may be declared again only identically (same kind, parameters, template and members)",
            [Related(prev.span, f"`{name}` was first declared here")],
        )


def collect_declarations(modules: Sequence[m.Module], errs: Errors) -> Declarations:
    """File every item of ``modules`` (in the order given) by its name.

    A name declared again identically (comments aside) is the same declaration,
    as when two files share a vocabulary; declared again differently it is E203.
    """
    out = Declarations()
    for mod in modules:
        for item in mod.items:
            if isinstance(item, (m.StateDecl, m.OrganizationDecl, m.GroupDecl)):
                _declare(out.entities, item.name, item, errs)
            elif isinstance(item, m.PredicateDecl):
                _declare(out.predicates, item.name, item, errs)
            elif isinstance(item, (m.AxiomDecl, m.AssumeDecl)):
                _declare(out.rules, item.name, item, errs)
            elif isinstance(item, m.Treaty):
                if item.id in out.treaties:
                    prev = out.treaties[item.id][0]
                    errs.error(
                        Code.DUPLICATE_TREATY,
                        f"treaty `{item.id}` is declared twice",
                        item.span,
                        "give each treaty its own id",
                        [Related(prev.span, f"`{item.id}` was first declared here")],
                    )
                else:
                    out.treaties[item.id] = (item, mod.file)
            elif isinstance(item, m.Expect):
                out.expects.append((item, mod.file))
            elif isinstance(item, m.ReadingDecl):
                _declare(out.readings, item.name, item, errs)
    return out


def check_predicates(decls: dict[str, m.PredicateDecl], errs: Errors) -> dict[str, Predicate]:
    """Predicate declarations to predicates, checking their names, parameters
    (E226 twice, E215 an action's actor and action parameters) and the
    placeholders of their templates (E221)."""
    predicates: dict[str, Predicate] = {}
    for name, decl in decls.items():
        if name in m.KEYWORDS:
            errs.error(
                Code.KEYWORD_AS_PREDICATE,
                f"`{name}` is a keyword and cannot name a predicate",
                decl.span,
                f"rename it, e.g. `{name}_`",
            )
        seen: set[str] = set()
        for p in decl.params:
            if p.name in seen:
                errs.error(Code.DUPLICATE_PARAMETER, f"parameter `{p.name}` appears twice in `{name}`", p.span)
            seen.add(p.name)
            if decl.kind == "action" and p.type == "action":
                errs.error(
                    Code.ACTION_PARAMETERS,
                    f"action `{name}` cannot take an action parameter `{p.name}`",
                    p.span,
                    "`: action` parameters are allowed on facts and judgements only",
                )
        if decl.kind == "action" and not decl.params:
            errs.error(
                Code.ACTION_PARAMETERS,
                f"action `{name}` needs an actor as its first parameter",
                decl.span,
                f"e.g. `action {name}(actor)`",
            )
        if decl.template is not None:
            for ph in _PLACEHOLDER.findall(decl.template):
                if ph not in seen:
                    hint = did_you_mean(ph, seen)
                    errs.error(
                        Code.TEMPLATE_PLACEHOLDER,
                        f"template of `{name}` names `{{{ph}}}`, which is not a parameter",
                        decl.span,
                        f"did you mean `{{{hint}}}`?" if hint else f"parameters: {', '.join(sorted(seen)) or 'none'}",
                    )
        predicates[name] = Predicate(name, decl.kind, decl.params, decl.template, _decider(name, decl, errs))
    return predicates


def _decider(name: str, decl: m.PredicateDecl, errs: Errors) -> int | None:
    """The index of the ``decided by`` parameter (None when there is none, or it is
    unusable: E237 no such parameter, E238 on an action or an action parameter)."""
    if decl.decided_by is None:
        return None
    span = decl.decided_by_span
    if decl.kind == "action":
        errs.error(
            Code.DECIDER_NOT_ENTITY,
            f"action `{name}` cannot be `decided by` anyone",
            span,
            "an action is done, not decided: put `decided by` on the fact or judgement that records a consent or opinion",
        )
        return None
    names = [p.name for p in decl.params]
    if decl.decided_by not in names:
        hint = did_you_mean(decl.decided_by, names)
        errs.error(
            Code.UNKNOWN_DECIDER,
            f"`{name}` has no parameter `{decl.decided_by}` to be decided by",
            span,
            f"did you mean `{hint}`?" if hint else f"parameters: {', '.join(names) or 'none'}",
        )
        return None
    index = names.index(decl.decided_by)
    if decl.params[index].type == "action":
        errs.error(
            Code.DECIDER_NOT_ENTITY,
            f"`{decl.decided_by}` of `{name}` is an action, and only an entity decides",
            span,
            "name the parameter of the entity whose consent or opinion this is",
        )
        return None
    return index


@dataclass(frozen=True)
class Memberships:
    """The entities (states and organizations), the groups (organizations and
    groups, members flattened to entities) and the names of the states."""

    entities: dict[str, Entity]
    groups: dict[str, Group]
    states: frozenset[str]


def build_memberships(decls: dict[str, EntityDecl], errs: Errors) -> Memberships:
    """Entity and group declarations to entities and flattened groups.

    An organization is both an entity and a group; a group is only a group. Groups
    are expanded in name order, so loops and unknown members are reported in the
    same order whatever order the files declare them in."""
    entities = {
        n: Entity(n, "state" if isinstance(d, m.StateDecl) else "organization", d.title)
        for n, d in decls.items()
        if not isinstance(d, m.GroupDecl)
    }
    states = frozenset(n for n, e in entities.items() if e.kind == "state")
    group_like = {n: d for n, d in decls.items() if isinstance(d, (m.OrganizationDecl, m.GroupDecl))}
    flat: dict[str, frozenset[str]] = {}
    for name in sorted(group_like):
        _expand(name, group_like, entities, decls, flat, errs)
    groups = {
        n: Group(n, "organization" if isinstance(d, m.OrganizationDecl) else "group", flat[n])
        for n, d in group_like.items()
    }
    return Memberships(entities, groups, states)


def _expand(
    root: str,
    group_like: dict[str, m.OrganizationDecl | m.GroupDecl],
    entities: dict[str, Entity],
    entity_decls: dict[str, EntityDecl],
    flat: dict[str, frozenset[str]],
    errs: Errors,
) -> None:
    """Put in ``flat`` the entities that ``root`` and every group it contains have as
    members, through nested groups, reporting loops (E217) and unknown members.

    A depth-first walk with its own stack, not recursion: a chain of thousands of
    nested groups is a legal input, and would exhaust Python's stack. The visiting
    order, and so every diagnostic, is that of the plain recursive walk."""
    if root in flat:
        return
    # one frame per group being expanded: (name, its members not yet looked at, found so far)
    stack: list[tuple[str, Iterator[str], set[str]]] = [(root, iter(group_like[root].members or ()), set())]
    open_names = {root}  # the groups on the stack: meeting one again is a loop
    while stack:
        name, members, out = stack[-1]
        for member in members:
            if member in open_names:
                errs.error(
                    Code.MEMBERSHIP_LOOP, f"membership of `{name}` loops back through `{member}`", group_like[name].span
                )
            elif member in group_like:
                if member in flat:
                    out |= flat[member]
                    continue
                stack.append((member, iter(group_like[member].members or ()), set()))
                open_names.add(member)
                break
            elif member in entities:
                out.add(member)
            else:
                report_unknown(errs, member, group_like[name].span, entity_decls, "entity")
        else:  # every member looked at: the group is done, and joins its parent's members
            stack.pop()
            open_names.discard(name)
            flat[name] = frozenset(out)
            if stack:
                stack[-1][2].update(flat[name])


def resolve_rules(decls: dict[str, RuleDecl], names: Names, errs: Errors) -> tuple[list[Axiom], list[Assumption]]:
    """Axiom and assumption declarations (in name order) to axioms and assumptions,
    their names checked and their variables, all universal, typed."""
    axioms: list[Axiom] = []
    assumptions: list[Assumption] = []
    for name, rule in sorted(decls.items()):
        checker = VariableChecker(names, errs, treaty=None)
        if isinstance(rule, m.AxiomDecl):
            axioms.append(_axiom(rule, checker, errs))
        else:
            checker.condition(rule.condition)
            variables = checker.finish_universal()
            assumptions.append(Assumption(name, rule.condition, variables))
    return axioms, assumptions


def _axiom(rule: m.AxiomDecl, checker: VariableChecker, errs: Errors) -> Axiom:
    for side in (rule.left, rule.right):
        checker.action_atom(side, what=f"axiom `{rule.name}`")
    if rule.left.args and rule.right.args and rule.left.args[0] != rule.right.args[0]:
        errs.error(
            Code.AXIOM_ACTORS_DIFFER,
            f"both actions of axiom `{rule.name}` must have the same actor",
            rule.span,
            "an axiom says what one bearer's act amounts to: give both actions the same first argument",
        )
    if rule.condition is not None:
        checker.condition(rule.condition)
    variables = checker.finish_universal()
    return Axiom(rule.name, rule.kind, rule.left, rule.condition, rule.right, variables)


def declaration_places(decls: Declarations) -> dict[Key, Place]:
    """Where each entity, group, predicate, axiom and assumption is declared (an
    organization is both an entity and a group)."""
    places: dict[Key, Place] = {}
    for name, d in decls.entities.items():
        if not isinstance(d, m.GroupDecl):
            places[("entity", name)] = Place(d.span)
        if isinstance(d, (m.OrganizationDecl, m.GroupDecl)):
            places[("group", name)] = Place(d.span)
    for name, p in decls.predicates.items():
        places[("predicate", name)] = Place(p.span)
    for name, r in decls.rules.items():
        places[("axiom" if isinstance(r, m.AxiomDecl) else "assumption", name)] = Place(r.span)
    for name, rd in decls.readings.items():
        places[("reading", name)] = Place(rd.span)
    return places
