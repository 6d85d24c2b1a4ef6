"""Syntax trees to a checked :class:`~treatycheck.world.World`.

``resolve(modules) -> World``. Checks names (with "did you mean"), redeclarations,
arity, parameter types, bearers, variables (own, local, quantified), memberships,
precedence targets, article ids and ``expect`` refs. Every error is collected; if
any is found a :class:`~treatycheck.diagnostics.TreatyNameError` carrying all of
them is raised, so a user fixes a file in one round.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace

from . import model as m
from .diagnostics import Diagnostic, Related, TreatyNameError, did_you_mean
from .syntax import treaty_options
from .variables import VariableChecker
from .world import Assumption, Axiom, Entity, Expectation, Group, Norm, PrecedenceClause, Predicate, Treaty, World


class _Errors:
    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, code: str, message: str, span: m.Span, help: str | None = None, related=()) -> None:
        self.items.append(Diagnostic(code, "error", message, span, tuple(related), help))

    def warning(self, code: str, message: str, span: m.Span, help: str | None = None) -> None:
        self.items.append(Diagnostic(code, "warning", message, span, (), help))


def _strip(decl: object) -> object:
    """A declaration without comments, for the "declared identically" test."""
    return replace(decl, comments=()) if hasattr(decl, "comments") else decl  # type: ignore[type-var]


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    s = d.span
    return (s.file if s else "", s.line if s else 0, s.column if s else 0, d.code)


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def resolve(modules: Sequence[m.Module], user_files: Sequence[str] | None = None) -> World:
    """Check parsed modules together and build the world they describe.

    ``user_files`` names the files whose conflicts a check reports by default (all
    files when None). Raises :class:`TreatyNameError` with every error found.
    """
    errs = _Errors()
    sources = {mod.file: mod.source for mod in modules}
    modules = sorted(modules, key=lambda mod: mod.file)

    entity_decls: dict[str, m.StateDecl | m.OrganizationDecl | m.GroupDecl] = {}
    pred_decls: dict[str, m.PredicateDecl] = {}
    rule_decls: dict[str, m.AxiomDecl | m.AssumeDecl] = {}
    treaty_decls: dict[str, tuple[m.Treaty, str, m.Module]] = {}
    expects: list[tuple[m.Expect, str]] = []

    def declare(table: dict, name: str, decl: object) -> None:  # type: ignore[type-arg]
        prev = table.get(name)
        if prev is None:
            table[name] = decl
        elif _strip(prev) != _strip(decl):
            errs.error(
                "E203",
                f"`{name}` is declared again differently",
                decl.span,  # type: ignore[attr-defined]
                "a name may be declared again only identically (same kind, parameters, template and members)",
                [Related(prev.span, f"`{name}` was first declared here")],
            )

    for mod in modules:
        for item in mod.items:
            if isinstance(item, (m.StateDecl, m.OrganizationDecl, m.GroupDecl)):
                declare(entity_decls, item.name, item)
            elif isinstance(item, m.PredicateDecl):
                declare(pred_decls, item.name, item)
            elif isinstance(item, (m.AxiomDecl, m.AssumeDecl)):
                declare(rule_decls, item.name, item)
            elif isinstance(item, m.Treaty):
                if item.id in treaty_decls:
                    prev = treaty_decls[item.id][0]
                    errs.error(
                        "E212",
                        f"treaty `{item.id}` is declared twice",
                        item.span,
                        "give each treaty its own id",
                        [Related(prev.span, f"`{item.id}` was first declared here")],
                    )
                else:
                    treaty_decls[item.id] = (item, mod.file, mod)
            elif isinstance(item, m.Expect):
                expects.append((item, mod.file))

    # ---- predicates
    predicates: dict[str, Predicate] = {}
    for name, decl in pred_decls.items():
        if name in m.KEYWORDS:
            errs.error(
                "E210", f"`{name}` is a keyword and cannot name a predicate", decl.span, f"rename it, e.g. `{name}_`"
            )
        seen: set[str] = set()
        for p in decl.params:
            if p.name in seen:
                errs.error("E226", f"parameter `{p.name}` appears twice in `{name}`", p.span)
            seen.add(p.name)
            if decl.kind == "action" and p.type == "action":
                errs.error(
                    "E215",
                    f"action `{name}` cannot take an action parameter `{p.name}`",
                    p.span,
                    "`: action` parameters are allowed on facts and judgements only",
                )
        if decl.kind == "action" and not decl.params:
            errs.error(
                "E215",
                f"action `{name}` needs an actor as its first parameter",
                decl.span,
                f"e.g. `action {name}(actor)`",
            )
        if decl.template is not None:
            for ph in _PLACEHOLDER.findall(decl.template):
                if ph not in seen:
                    hint = did_you_mean(ph, seen)
                    errs.error(
                        "E221",
                        f"template of `{name}` names `{{{ph}}}`, which is not a parameter",
                        decl.span,
                        f"did you mean `{{{hint}}}`?" if hint else f"parameters: {', '.join(sorted(seen)) or 'none'}",
                    )
        predicates[name] = Predicate(name, decl.kind, decl.params, decl.template, decl.span)

    # ---- entities and memberships
    entities = {
        n: Entity(n, "state" if isinstance(d, m.StateDecl) else "organization", d.title, d.span)
        for n, d in entity_decls.items()
        if not isinstance(d, m.GroupDecl)
    }
    states = frozenset(n for n, e in entities.items() if e.kind == "state")
    group_like = {n: d for n, d in entity_decls.items() if isinstance(d, (m.OrganizationDecl, m.GroupDecl))}
    flat: dict[str, frozenset[str]] = {}

    for name in sorted(group_like):
        _expand(name, group_like, entities, entity_decls, flat, errs)
    groups = {
        n: Group(n, "organization" if isinstance(d, m.OrganizationDecl) else "group", flat[n], d.span)
        for n, d in group_like.items()
    }

    names = _Names(entities, groups, predicates, set(treaty_decls), errs)

    # ---- treaties and norms
    treaties: dict[str, Treaty] = {}
    norms: list[Norm] = []
    for tid, (decl, file, mod) in sorted(treaty_decls.items()):
        treaties[tid] = _treaty(decl, file, mod, names, states, norms, errs)

    # ---- axioms and assumptions
    axioms: list[Axiom] = []
    assumptions: list[Assumption] = []
    for name, rule in sorted(rule_decls.items()):
        checker = VariableChecker(names, errs, treaty=None)
        if isinstance(rule, m.AxiomDecl):
            axioms.append(_axiom(rule, checker, errs))
        else:
            checker.condition(rule.condition)
            variables = checker.finish_universal()
            assumptions.append(Assumption(name, rule.condition, variables, rule.span))

    # ---- expectations
    article_sets = {tid: set(t.articles) for tid, t in treaties.items()}
    sentence_refs = {n.ref for n in norms} | {c.ref for t in treaties.values() for c in t.precedence}
    expectations = []
    for exp, file in expects:
        if exp.kind == "consistent":
            names.treaty(exp.refs[0], exp.span)
        else:
            for ref in exp.refs:
                _check_ref(ref, exp.span, article_sets, sentence_refs, errs)
        if exp.winner is not None:
            names.treaty(exp.winner, exp.span)
            if exp.status != "prevails":
                errs.error("E229", f"a winner is named only with `resolved prevails`, not `{exp.status}`", exp.span)
        expectations.append(Expectation(exp.kind, exp.refs, exp.status, exp.winner, file, exp.span))

    errors = [d for d in errs.items if d.severity == "error"]
    warnings = sorted((d for d in errs.items if d.severity == "warning"), key=_sort_key)
    if errors:
        raise TreatyNameError(sorted(errors, key=_sort_key) + warnings, sources)

    files_map: dict[str, list[str]] = {mod.file: [] for mod in modules}
    for tid, (_, file, _) in treaty_decls.items():
        files_map[file].append(tid)
    world = World(
        entities=tuple(entities[n] for n in sorted(entities)),
        groups=tuple(groups[n] for n in sorted(groups)),
        predicates=tuple(predicates[n] for n in sorted(predicates)),
        axioms=tuple(sorted(axioms, key=lambda a: a.name)),
        assumptions=tuple(sorted(assumptions, key=lambda a: a.name)),
        treaties=tuple(treaties[t] for t in sorted(treaties)),
        norms=tuple(sorted(norms, key=lambda n: n.ref)),
        expectations=tuple(sorted(expectations, key=lambda e: (e.file, e.span.line, e.span.column))),
        files=tuple((f, tuple(sorted(ts))) for f, ts in sorted(files_map.items())),
        user_files=frozenset(user_files if user_files is not None else files_map),
        warnings=tuple(warnings),
        sources=sources,
    )
    return _chain_warnings(world)


def resolve_treaties(
    modules: Sequence[m.Module], world: World
) -> tuple[list[Treaty], list[Norm], list[Diagnostic]] | None:
    """Resolve files that hold only treaties against an already checked ``world``.

    Goes in: modules whose every item is a treaty, and the world their treaties
    belong to (its declarations, groups and treaty ids). Comes out: the treaties,
    their norms and the warnings about them, exactly as :func:`resolve` of the whole
    would give them; None if a module holds anything else or any error is found
    (the caller then resolves everything, which reports the errors in full).
    """
    if any(not isinstance(item, m.Treaty) for mod in modules for item in mod.items):
        return None
    errs = _Errors()
    entities = {e.name: e for e in world.entities}
    states = frozenset(e.name for e in world.entities if e.kind == "state")
    groups = {g.name: g for g in world.groups}
    names = _Names(entities, groups, {p.name: p for p in world.predicates}, {t.id for t in world.treaties}, errs)
    treaties: list[Treaty] = []
    norms: list[Norm] = []
    decls = sorted(((item.id, item, mod) for mod in modules for item in mod.items), key=lambda d: d[0])  # type: ignore[union-attr]
    if len({tid for tid, _, _ in decls}) != len(decls):
        return None  # a treaty declared twice: the full check reports E212
    for _, decl, mod in decls:
        treaties.append(_treaty(decl, mod.file, mod, names, states, norms, errs))  # type: ignore[arg-type]
    if any(d.severity == "error" for d in errs.items):
        return None
    return treaties, norms, errs.items


def _chain_warnings(world: World) -> World:
    """Warn (W310) about recursive axioms whose chains are searched only up to a bound."""
    from dataclasses import replace as _replace

    from .index import RECURSION_CAP, ChainIndex

    extra = []
    for name in ChainIndex(world).truncated:
        ax = next(a for a in world.axioms if a.name == name)
        extra.append(
            Diagnostic(
                "W310",
                "warning",
                f"recursive axiom `{name}` is followed at most {RECURSION_CAP} times in a chain",
                ax.span,
                (),
                "a conflict that needs a longer chain of this axiom is not searched; "
                "write the longer consequences as axioms of their own if they matter",
            )
        )
    if not extra:
        return world
    return _replace(world, warnings=tuple(sorted(world.warnings + tuple(extra), key=_sort_key)))


def _expand(
    root: str,
    group_like: dict[str, m.OrganizationDecl | m.GroupDecl],
    entities: dict[str, Entity],
    entity_decls: dict[str, object],
    flat: dict[str, frozenset[str]],
    errs: _Errors,
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
                errs.error("E217", f"membership of `{name}` loops back through `{member}`", group_like[name].span)
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
                _unknown(errs, member, group_like[name].span, entity_decls, "entity")
        else:  # every member looked at: the group is done, and joins its parent's members
            stack.pop()
            open_names.discard(name)
            flat[name] = frozenset(out)
            if stack:
                stack[-1][2].update(flat[name])


def _unknown(errs: _Errors, name: str, span: m.Span, pool: Collection[str], what: str) -> None:
    hint = did_you_mean(name, pool)
    errs.error(
        "E200",
        f"unknown {what} `{name}`",
        span,
        f"did you mean `{hint}`?"
        if hint
        else f'declare it first (e.g. `state {name} "...".`)'
        if what == "entity"
        else None,
    )


class _Names:
    """Name lookups that report what is missing (with a suggestion)."""

    def __init__(self, entities, groups, predicates, treaty_ids, errs: _Errors):  # type: ignore[no-untyped-def]
        self.entities: dict[str, Entity] = entities
        self.groups: dict[str, Group] = groups
        self.predicates: dict[str, Predicate] = predicates
        self.treaty_ids: set[str] = treaty_ids
        self.errs = errs

    def entity(self, name: str, span: m.Span) -> bool:
        if name in self.entities:
            return True
        if name in self.groups:
            self.errs.error(
                "E218",
                f"`{name}` is a group, not an entity",
                span,
                f"a group names a set of entities; test membership with `X in {name}`",
            )
            return False
        _unknown(self.errs, name, span, self.entities, "entity")
        return False

    def group(self, name: str, span: m.Span) -> bool:
        if name in self.groups:
            return True
        if name in self.entities:
            self.errs.error(
                "E219",
                f"`{name}` is a state, not an organization or group",
                span,
                f"to compare with one entity write `X is {name}`",
            )
            return False
        hint = did_you_mean(name, self.groups)
        self.errs.error(
            "E200", f"unknown organization or group `{name}`", span, f"did you mean `{hint}`?" if hint else None
        )
        return False

    def treaty(self, name: str, span: m.Span) -> bool:
        if name in self.treaty_ids:
            return True
        hint = did_you_mean(name, self.treaty_ids)
        self.errs.error(
            "E202",
            f"unknown treaty `{name}`",
            span,
            f"did you mean `{hint}`?"
            if hint
            else "every treaty named must be in the files read (or the built-in library)",
        )
        return False

    def predicate(self, name: str, span: m.Span) -> Predicate | None:
        pred = self.predicates.get(name)
        if pred is None and name in m.KEYWORDS:
            self.errs.error(
                "E210",
                f"`{name}` is a keyword, not a predicate",
                span,
                "conditions and actions use declared predicates; keywords cannot name one",
            )
        elif pred is None:
            hint = did_you_mean(name, self.predicates)
            self.errs.error(
                "E201",
                f"unknown predicate `{name}`",
                span,
                f"did you mean `{hint}`?"
                if hint
                else f"declare it as an action, fact or judgement (e.g. `fact {name}(x).`)",
            )
        return pred


def _check_ref(ref: str, span: m.Span, articles: dict[str, set[str]], sentences: set[str], errs: _Errors) -> None:
    tid, _, rest = ref.partition(":")
    art, _, num = rest.partition("#")
    if tid not in articles:
        hint = did_you_mean(tid, articles)
        errs.error("E229", f"`{ref}` names unknown treaty `{tid}`", span, f"did you mean `{hint}`?" if hint else None)
    elif art not in articles[tid]:
        hint = did_you_mean(art, articles[tid])
        errs.error(
            "E229",
            f"treaty `{tid}` has no article `{art}`",
            span,
            f"did you mean `{tid}:{hint}`?"
            if hint
            else f"its articles: {', '.join(sorted(articles[tid]))}"
            if articles[tid]
            else f"treaty `{tid}` has no articles",
        )
    elif num and ref not in sentences and not (num == "1" and f"{tid}:{art}" in sentences):
        errs.error("E229", f"article `{tid}:{art}` has no sentence {num}", span)


def _treaty(
    decl: m.Treaty, file: str, mod: m.Module, names: _Names, states, norms: list[Norm], errs: _Errors
) -> Treaty:  # type: ignore[no-untyped-def]
    options = treaty_options(mod, decl)
    for kind in ("signed", "commitment"):
        toks = [t for k, t in options if k == kind]
        if len(toks) > 1:
            errs.error(
                "E222", f"`{'signed' if kind == 'signed' else 'kind'}` is given twice for treaty `{decl.id}`", decl.span
            )
    if decl.signed is not None:
        try:
            datetime.date.fromisoformat(decl.signed)
        except ValueError:
            errs.error("E223", f"`{decl.signed}` is not a valid date", decl.span, "dates are written YYYY-MM-DD")
    parties: set[str] = set()
    for item in decl.parties:
        if isinstance(item, m.PartyEntity):
            if item.name in names.groups and item.name not in names.entities:
                errs.error(
                    "E218",
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
    parties_f = frozenset(parties)

    precedence: list[PrecedenceClause] = []
    article_ids: list[str] = []
    seen_articles: dict[str, m.Article] = {}
    for art in decl.articles:
        if art.id in seen_articles:
            errs.error(
                "E211",
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
            if isinstance(sent, m.Precedence):
                for other in sent.treaties:
                    if other == decl.id:
                        errs.error("E228", f"treaty `{decl.id}` cannot rank itself", sent.span)
                    else:
                        names.treaty(other, sent.span)
                precedence.append(PrecedenceClause(ref, decl.id, sent.kind, sent.treaties, sent.text, sent.span))
            else:
                norm = _norm(sent, ref, decl, art, n, file, parties_f, names, errs)
                if norm is not None:
                    norms.append(norm)
    return Treaty(
        decl.id,
        decl.title,
        decl.signed,
        decl.commitment,
        parties_f,
        tuple(precedence),
        tuple(article_ids),
        file,
        decl.span,
    )


def _norm(
    sent: m.Norm,
    ref: str,
    decl: m.Treaty,
    art: m.Article,
    index: int,
    file: str,
    parties: frozenset[str],
    names: _Names,
    errs: _Errors,
) -> Norm | None:
    checker = VariableChecker(names, errs, treaty=decl.id)
    subject = sent.subject
    bearer: m.Var | m.Const
    group: str | None = None
    if isinstance(subject, m.NamedBearer):
        bearer = m.Const(subject.name, subject.span)
        if names.entity(subject.name, subject.span) and subject.name not in parties:
            errs.warning(
                "W300",
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
                    "W300",
                    f"no member of `{subject.group}` is a party to `{decl.id}`, so `{ref}` never binds anyone",
                    subject.span,
                )

    action = sent.action
    if isinstance(action, m.AnyAction):
        if sent.modality == "obligation":
            errs.error(
                "E209",
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
        text=sent.text,
        file=file,
        commitment=decl.commitment,
        span=sent.span,
        modality_span=sent.modality_span,
    )


def _axiom(rule: m.AxiomDecl, checker: VariableChecker, errs: _Errors) -> Axiom:
    for side in (rule.left, rule.right):
        checker.action_atom(side, what=f"axiom `{rule.name}`")
    if rule.left.args and rule.right.args and rule.left.args[0] != rule.right.args[0]:
        errs.error(
            "E214",
            f"both actions of axiom `{rule.name}` must have the same actor",
            rule.span,
            "an axiom says what one bearer's act amounts to: give both actions the same first argument",
        )
    if rule.condition is not None:
        checker.condition(rule.condition)
    variables = checker.finish_universal()
    return Axiom(rule.name, rule.kind, rule.left, rule.condition, rule.right, variables, rule.span)
