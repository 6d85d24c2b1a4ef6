"""Syntax trees to a checked :class:`~treatycheck.world.World`.

``resolve(modules, user_files) -> World``. Checks names (with "did you mean"),
redeclarations, arity, parameter types, bearers, variables (own, local,
quantified), memberships, precedence targets, article ids and ``expect`` refs.
Every error is collected; if any is found a
:class:`~treatycheck.diagnostics.TreatyNameError` carrying all of them is raised,
so a user fixes a file in one round.

The work is done in named phases, in this order (which is also the order of
diagnostics that :func:`diagnostic_order` ranks equal):

1. declarations: every item filed by name (:mod:`.resolve_decls`);
2. predicates, then entities and flattened groups (:mod:`.resolve_decls`);
3. treaties, their parties, articles, precedence sentences and norms
   (:mod:`.resolve_norms`), against the names of phase 2 (:mod:`.resolve_names`);
4. axioms and assumptions (:mod:`.resolve_decls`);
5. ``expect`` sentences, against the treaties and norms (:mod:`.resolve_refs`);
6. the diagnostics put in order, errors raised (:func:`settle_diagnostics`);
7. the world assembled in sorted order (:func:`assemble_world`), and warned
   about recursive axioms searched only to a bound (:func:`add_chain_warnings`).

``resolve_treaties(modules, world)`` runs phase 3 alone, for files that hold only
treaties, against a world already checked (an incremental re-check).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from . import model as m
from .codes import Code
from .diagnostics import Diagnostic, TreatyNameError
from .index import RECURSION_CAP, ChainIndex
from .resolve_decls import (
    Declarations,
    Memberships,
    build_memberships,
    check_predicates,
    collect_declarations,
    declaration_places,
    resolve_rules,
)
from .resolve_names import Errors, Names
from .resolve_norms import resolve_treaties_in
from .resolve_refs import check_expectations
from .sourcemap import Key, Place, SourceMap
from .world import Assumption, Axiom, Expectation, Norm, Predicate, Reading, Treaty, World


def diagnostic_order(d: Diagnostic) -> tuple[str, int, int, str]:
    """The order diagnostics are reported in: by file, line, column, then code.
    Sorting is stable, so diagnostics this ranks equal keep the phase order."""
    s = d.span
    return (s.file if s else "", s.line if s else 0, s.column if s else 0, d.code)


def resolve(modules: Sequence[m.Module], user_files: Sequence[str] | None = None) -> World:
    """Check parsed modules together and build the world they describe.

    ``user_files`` names the files whose conflicts a check reports by default (all
    files when None). Raises :class:`TreatyNameError` with every error found.
    """
    errs = Errors()
    sources = {mod.file: mod.source for mod in modules}
    modules = sorted(modules, key=lambda mod: mod.file)
    decls = collect_declarations(modules, errs)
    predicates = check_predicates(decls.predicates, errs)
    members = build_memberships(decls.entities, errs)
    names = Names(members.entities, members.groups, predicates, set(decls.treaties), errs, decls.readings)
    treaties, norms, places = resolve_treaties_in(decls.treaties.values(), names, members.states, errs)
    axioms, assumptions = resolve_rules(decls.rules, names, errs)
    expectations = check_expectations(decls.expects, treaties, norms, names, errs)
    warnings = settle_diagnostics(errs, sources)
    world = assemble_world(
        modules,
        decls,
        members,
        predicates=predicates,
        treaties=treaties,
        norms=norms,
        axioms=axioms,
        assumptions=assumptions,
        expectations=expectations,
        warnings=warnings,
        source_map=SourceMap({**declaration_places(decls), **places}, sources),
        user_files=user_files,
    )
    return add_chain_warnings(world)


def resolve_treaties(
    modules: Sequence[m.Module], world: World
) -> tuple[list[Treaty], list[Norm], list[Diagnostic], dict[Key, Place]] | None:
    """Resolve files that hold only treaties against an already checked ``world``.

    Goes in: modules whose every item is a treaty, and the world their treaties
    belong to (its declarations, groups and treaty ids). Comes out: the treaties,
    their norms, the warnings about them and where each treaty and sentence is
    written, exactly as :func:`resolve` of the whole would give them; None if a
    module holds anything else or any error is found (the caller then resolves
    everything, which reports the errors in full).
    """
    if any(not isinstance(item, m.Treaty) for mod in modules for item in mod.items):
        return None
    decls = [(item, mod.file) for mod in modules for item in mod.items if isinstance(item, m.Treaty)]
    if len({item.id for item, _ in decls}) != len(decls):
        return None  # a treaty declared twice: the full check reports E212
    errs = Errors()
    entities = {e.name: e for e in world.entities}
    states = frozenset(e.name for e in world.entities if e.kind == "state")
    groups = {g.name: g for g in world.groups}
    names = Names(
        entities,
        groups,
        {p.name: p for p in world.predicates},
        {t.id for t in world.treaties},
        errs,
        world.reading_names,
    )
    treaties, norms, places = resolve_treaties_in(decls, names, states, errs)
    if errs.has_errors():
        return None
    shared: dict[tuple, Any] = {}
    return treaties, [semantic_norm(n, shared) for n in norms], errs.items, places


def settle_diagnostics(errs: Errors, sources: dict[str, str]) -> list[Diagnostic]:
    """Raise :class:`TreatyNameError` with every error (in :func:`diagnostic_order`)
    and then every warning, if any error was found; else the warnings, in order."""
    errors = [d for d in errs.items if d.severity == "error"]
    warnings = sorted((d for d in errs.items if d.severity == "warning"), key=diagnostic_order)
    if errors:
        raise TreatyNameError(sorted(errors, key=diagnostic_order) + warnings, sources)
    return warnings


def assemble_world(
    modules: Sequence[m.Module],
    decls: Declarations,
    members: Memberships,
    *,
    predicates: Mapping[str, Predicate],
    treaties: Iterable[Treaty],
    norms: Iterable[Norm],
    axioms: Iterable[Axiom],
    assumptions: Iterable[Assumption],
    expectations: Iterable[Expectation],
    warnings: Sequence[Diagnostic],
    source_map: SourceMap,
    user_files: Collection[str] | None,
) -> World:
    """The checked parts as a world: everything sorted (by name, id, ref or place),
    each file with the ids of the treaties it holds, and the clauses without
    positions (:func:`treatycheck.model.bare`; where things are written is in
    ``source_map``)."""
    shared: dict[tuple, Any] = {}
    files_map: dict[str, list[str]] = {mod.file: [] for mod in modules}
    for tid, (_, file) in decls.treaties.items():
        files_map[file].append(tid)
    entities, groups = members.entities, members.groups
    return World(
        entities=tuple(entities[n] for n in sorted(entities)),
        groups=tuple(groups[n] for n in sorted(groups)),
        predicates=tuple(
            replace(predicates[n], params=m.bare(predicates[n].params, shared)) for n in sorted(predicates)
        ),
        axioms=tuple(
            replace(
                a, left=m.bare(a.left, shared), condition=m.bare(a.condition, shared), right=m.bare(a.right, shared)
            )
            for a in sorted(axioms, key=lambda a: a.name)
        ),
        assumptions=tuple(
            replace(a, condition=m.bare(a.condition, shared)) for a in sorted(assumptions, key=lambda a: a.name)
        ),
        treaties=tuple(sorted(treaties, key=lambda t: t.id)),
        norms=tuple(semantic_norm(n, shared) for n in sorted(norms, key=lambda n: n.ref)),
        expectations=tuple(sorted(expectations, key=lambda e: (e.file, e.span.line, e.span.column))),
        files=tuple((f, tuple(sorted(ts))) for f, ts in sorted(files_map.items())),
        user_files=frozenset(user_files if user_files is not None else files_map),
        warnings=tuple(warnings),
        source_map=source_map,
        readings=tuple(Reading(r.name, r.description) for r in decls.readings.values()),
    )


def semantic_norm(n: Norm, shared: dict[tuple, Any]) -> Norm:
    """The norm's clauses without positions, equal parts shared through ``shared``."""
    return replace(
        n,
        bearer=m.bare(n.bearer, shared),
        action=m.bare(n.action, shared),
        condition=m.bare(n.condition, shared),
        variables=m.bare(n.variables, shared),
    )


def add_chain_warnings(world: World) -> World:
    """The world with a warning (W310) for each recursive axiom whose chains are
    searched only up to a bound (the chain index decides which)."""
    extra = []
    for name in ChainIndex(world).truncated:
        ax = next(a for a in world.axioms if a.name == name)
        extra.append(
            Diagnostic.of(
                Code.RECURSION_BOUND,
                f"recursive axiom `{name}` is followed at most {RECURSION_CAP} times in a chain",
                world.source_map.span("axiom", ax.name),
                (),
                "a conflict that needs a longer chain of this axiom is not searched; "
                "write the longer consequences as axioms of their own if they matter",
            )
        )
    if not extra:
        return world
    return replace(world, warnings=tuple(sorted(world.warnings + tuple(extra), key=diagnostic_order)))
