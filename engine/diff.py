"""What an edit changed: conflicts introduced, resolved and re-ranked, and for every
sentence whether the new text means the same (``treatycheck diff``, ``treatycheck/diff/v1``).

``diff(old, new) -> DiffReport``. Conflicts are matched by their stable ids. Sentences
are matched by ref and compared by the solver over all scenarios (never by text): the
set of (scenario, bearer, action) on which a norm imposes its modality is the same
(``equivalent``), grows (``broader``), shrinks (``narrower``) or neither
(``different``), with a scenario that tells old and new apart.

To compare a norm with its edited self, both worlds are merged into one in which
each side's treaties and groups are renamed apart (their party lists and
memberships may have changed too), over the union of the vocabularies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypedDict

from . import model as m
from .compare import compare_norms
from .report import Conflict, Report
from .run import executor_for, run_check
from .search.execute import CheckOptions
from .version import VERSION
from .world import Group, Norm, PrecedenceClause, Treaty, World

SCHEMA = "treatycheck/diff/v1"
_RANK = {"warning": 1, "error": 2}


@dataclass(frozen=True)
class ArticleChange:
    """One sentence's change; ``scenario`` tells old and new apart where they differ."""

    ref: str
    change: str  # equivalent | broader | narrower | different | added | removed
    modality: tuple[str, str] | None = None
    scenario: dict[str, object] | None = None
    note: str | None = None
    old_text: str | None = None
    new_text: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"ref": self.ref, "change": self.change}
        if self.modality:
            out["modality"] = {"old": self.modality[0], "new": self.modality[1]}
        if self.scenario is not None:
            out["scenario"] = self.scenario
        if self.note:
            out["note"] = self.note
        return out


def _standing(c: Conflict) -> tuple[object, ...]:
    """What an analyst compares across an edit: the status and winner, with whom
    the loser still binds the bearer, which undertakings are breached, severity;
    with readings, each reading's too."""
    r = c.resolution
    per_reading = tuple(
        (name, o.resolution.status, o.resolution.winner, o.resolution.toward, o.resolution.breaches, o.severity)
        for name, o in c.readings
    )
    return (r.status, r.winner, r.toward, r.breaches, c.severity, per_reading)


@dataclass(frozen=True)
class Changed:
    """A conflict present before and after whose resolution or severity moved."""

    id: str
    old: Conflict
    new: Conflict

    def to_dict(self) -> dict[str, object]:
        def side(c: Conflict) -> dict[str, object]:
            out: dict[str, object] = {"status": c.resolution.status}
            if c.resolution.winner:
                out["winner"] = c.resolution.winner
            for field in ("toward", "breaches"):
                items = getattr(c.resolution, field)
                if items:
                    out[field] = list(items)
            out["severity"] = c.severity
            return out

        return {"id": self.id, "old": side(self.old), "new": side(self.new)}


@dataclass(frozen=True)
class DiffReport:
    """The diff report; lists are in canonical order (by id, by ref)."""

    introduced: tuple[Conflict, ...]
    resolved: tuple[Conflict, ...]
    changed: tuple[Changed, ...]
    articles: tuple[ArticleChange, ...]
    old_report: Report
    new_report: Report

    def to_dict(self) -> dict[str, object]:
        return {
            "schema": SCHEMA,
            "tool": {"name": "treatycheck", "version": VERSION},
            "introduced": [c.to_dict() for c in self.introduced],
            "resolved": [c.to_dict() for c in self.resolved],
            "changed": [c.to_dict() for c in self.changed],
            "articles": [a.to_dict() for a in self.articles],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def worsened(self, fail_on: str) -> bool:
        """Does the edit introduce a conflict, or raise a severity, at or above ``fail_on``?"""
        if fail_on == "never":
            return False
        floor = _RANK[fail_on]
        if any(_RANK[c.severity] >= floor for c in self.introduced):
            return True
        return any(
            _RANK[c.new.severity] > _RANK[c.old.severity] and _RANK[c.new.severity] >= floor for c in self.changed
        )


def diff(
    old: World,
    new: World,
    timeout: float = 10.0,
    jobs: int = 1,
    cache_dir: str | None = None,
    deadline: float | None = None,
) -> DiffReport:
    """Compare two versions of a world (see the module docstring). ``jobs``,
    ``cache_dir`` and ``deadline`` apply to the two checks, as in :func:`check`."""
    options = CheckOptions(timeout, deadline, cache_dir)
    old_report, _ = run_check(old, False, options, executor_for(jobs), None)
    new_report, _ = run_check(new, False, options, executor_for(jobs), None)
    before = {c.id: c for c in old_report.conflicts}
    after = {c.id: c for c in new_report.conflicts}
    introduced = tuple(after[i] for i in sorted(set(after) - set(before)))
    resolved = tuple(before[i] for i in sorted(set(before) - set(after)))
    changed = []
    for i in sorted(set(before) & set(after)):
        a, b = before[i], after[i]
        if _standing(a) != _standing(b):
            changed.append(Changed(i, a, b))
    return DiffReport(introduced, resolved, tuple(changed), compare_articles(old, new, timeout), old_report, new_report)


# ------------------------------------------------------------------ sentences


class _Texts(TypedDict):
    """A sentence's words in the two versions (keywords of :class:`ArticleChange`)."""

    old_text: str | None
    new_text: str | None


def _sentences(world: World) -> dict[str, Norm | PrecedenceClause]:
    out: dict[str, Norm | PrecedenceClause] = {}
    for n in world.norms:
        if n.file in world.user_files:
            out[n.ref] = n
    for t in world.treaties:
        if t.file in world.user_files:
            for c in t.precedence:
                out[c.ref] = c
    return out


def compare_articles(old: World, new: World, timeout: float = 10.0) -> tuple[ArticleChange, ...]:
    """Every sentence of the user's files, old against new."""
    a, b = _sentences(old), _sentences(new)
    changes: list[ArticleChange] = []
    pairs: list[tuple[str, Norm, Norm]] = []
    changed_preds = _changed_predicates(old, new)
    for ref in sorted(set(a) | set(b)):
        x, y = a.get(ref), b.get(ref)
        texts: _Texts = {"old_text": _text(old, ref, x), "new_text": _text(new, ref, y)}
        if x is None:
            changes.append(ArticleChange(ref, "added", **texts))
        elif y is None:
            changes.append(ArticleChange(ref, "removed", **texts))
        elif isinstance(x, PrecedenceClause) or isinstance(y, PrecedenceClause):
            same = (
                isinstance(x, PrecedenceClause)
                and isinstance(y, PrecedenceClause)
                and (x.kind, x.treaties) == (y.kind, y.treaties)
            )
            changes.append(ArticleChange(ref, "equivalent" if same else "different", **texts))
        elif x.modality != y.modality:
            changes.append(ArticleChange(ref, "different", (x.modality, y.modality), **texts))
        elif _mentions(x, changed_preds) or _mentions(y, changed_preds):
            note = "a predicate it uses was declared differently"
            changes.append(ArticleChange(ref, "different", note=note, **texts))
        else:
            pairs.append((ref, x, y))
    if pairs:
        merged, rename_old, rename_new = merge(old, new)
        results = compare_norms(merged, [(rename_old(x), rename_new(y)) for _, x, y in pairs], timeout)
        for (ref, x, y), (change, scenario) in zip(pairs, results, strict=True):
            changes.append(
                ArticleChange(ref, change, scenario=scenario, old_text=_text(old, ref, x), new_text=_text(new, ref, y))
            )
    return tuple(sorted(changes, key=lambda c: c.ref))


def _text(world: World, ref: str, sentence: Norm | PrecedenceClause | None) -> str | None:
    """The words of a sentence (a norm or a precedence sentence) as written; None
    when the version has no such sentence."""
    if sentence is None:
        return None
    return world.source_map.place("norm" if isinstance(sentence, Norm) else "precedence", ref).text


def _changed_predicates(old: World, new: World) -> set[str]:
    a = {p.name: (p.kind, p.types) for p in old.predicates}
    b = {p.name: (p.kind, p.types) for p in new.predicates}
    return {n for n in set(a) & set(b) if a[n] != b[n]}


def _mentions(norm: Norm, preds: set[str]) -> bool:
    return any(isinstance(x, m.Call) and x.name in preds for x in m.walk(norm.action, norm.condition))


def _rename_cond(c: m.Cond, groups: dict[str, str]) -> m.Cond:
    if isinstance(c, m.InGroup):
        return replace(c, group=groups.get(c.group, c.group))
    if isinstance(c, m.Not):
        return replace(c, body=_rename_cond(c.body, groups))
    if isinstance(c, (m.And, m.Or)):
        return replace(c, items=tuple(_rename_cond(i, groups) for i in c.items))
    if isinstance(c, (m.Quant, m.Exists)):
        return replace(c, body=_rename_cond(c.body, groups))
    return c


def merge(old: World, new: World) -> tuple[World, Callable[[Norm], Norm], Callable[[Norm], Norm]]:
    """One world holding both versions' norms, each side's treaties and groups renamed
    apart; returns it with the two norm-renaming functions."""
    entities = {e.name: e for e in old.entities} | {e.name: e for e in new.entities}
    predicates = {p.name: p for p in old.predicates} | {p.name: p for p in new.predicates}
    groups: list[Group] = []
    treaties: list[Treaty] = []
    renames: list[Callable[[Norm], Norm]] = []
    for prefix, w in (("OLD_", old), ("NEW_", new)):
        gmap = {g.name: prefix + g.name for g in w.groups}
        groups += [replace(g, name=gmap[g.name]) for g in w.groups]
        treaties += [replace(t, id=prefix + t.id, precedence=()) for t in w.treaties]

        def rename(n: Norm, prefix: str = prefix, gmap: dict[str, str] = gmap) -> Norm:
            return replace(
                n,
                ref=prefix.lower() + n.ref,
                treaty=prefix + n.treaty,
                bearer_group=gmap.get(n.bearer_group, n.bearer_group) if n.bearer_group else None,
                condition=None if n.condition is None else _rename_cond(n.condition, gmap),
            )

        renames.append(rename)
    shared = [a for a in old.assumptions if a in new.assumptions]
    world = World(
        entities=tuple(entities[n] for n in sorted(entities)),
        groups=tuple(sorted(groups, key=lambda g: g.name)),
        predicates=tuple(predicates[n] for n in sorted(predicates)),
        axioms=(),
        assumptions=tuple(shared),
        treaties=tuple(sorted(treaties, key=lambda t: t.id)),
        norms=(),
        expectations=(),
        files=(),
        user_files=frozenset(),
    )
    return world, renames[0], renames[1]
