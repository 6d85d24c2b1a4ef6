"""What every phase of the resolver shares: the error sink and the name lookups.

``Errors()`` collects diagnostics in the order the phases find them (nothing is
raised until every phase has run, so a user fixes a file in one round).
``Names(entities, groups, predicates, treaty_ids, errs)`` answers "is this a
declared entity / group / treaty / predicate?" and, when it is not, reports the
error with a "did you mean" hint. Nothing here reads syntax beyond a name and a
:class:`~treatycheck.model.Span`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace

from . import model as m
from .codes import Code
from .diagnostics import Diagnostic, Related, did_you_mean
from .kinds import Severity
from .world import Entity, Group, Predicate


class Errors:
    """The diagnostics found so far, errors and warnings, in the order found."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        #: Where in a treaty the phase is (treaty > article > sentence): given to the
        #: diagnostics found there whose spans do not carry it themselves.
        self.trail: tuple[str, ...] = ()

    def error(
        self, code: Code, message: str, span: m.Span, help: str | None = None, related: Iterable[Related] = ()
    ) -> None:
        """Report an error; ``code`` must be registered as one (ValueError if not)."""
        self._add(Severity.ERROR, Diagnostic.of(code, message, span, tuple(related), help))

    def warning(self, code: Code, message: str, span: m.Span, help: str | None = None) -> None:
        """Report a warning; ``code`` must be registered as one (ValueError if not)."""
        self._add(Severity.WARNING, Diagnostic.of(code, message, span, (), help))

    def _add(self, severity: Severity, diagnostic: Diagnostic) -> None:
        # the severity comes from the registry; the helper's name only has to agree with it
        if diagnostic.severity is not severity:
            raise ValueError(f"{diagnostic.code} is registered with severity {diagnostic.severity}, not {severity}")
        span = diagnostic.span
        if self.trail and span is not None and not span.breadcrumb:
            diagnostic = replace(diagnostic, span=replace(span, breadcrumb=self.trail))
        self.items.append(diagnostic)

    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)


def report_unknown(errs: Errors, name: str, span: m.Span, pool: Collection[str], what: str) -> None:
    """Report E200: ``name`` is no declared ``what``, with the closest name in ``pool``.

    ``pool`` must be the same collection for every lookup of one kind: the hints
    module keeps its work per pool object (see :mod:`treatycheck.hints`)."""
    hint = did_you_mean(name, pool)
    errs.error(
        Code.UNKNOWN_ENTITY,
        f"unknown {what} `{name}`",
        span,
        f"did you mean `{hint}`?"
        if hint
        else f'declare it first (e.g. `state {name} "...".`)'
        if what == "entity"
        else None,
    )


class Names:
    """Name lookups that report what is missing (with a suggestion).

    Goes in: the declared entities, groups (members flattened), predicates and
    treaty ids of the world being resolved, and the sink to report to. Each lookup
    answers whether the name is of the kind asked for, reporting an error if not.
    """

    def __init__(
        self,
        entities: dict[str, Entity],
        groups: dict[str, Group],
        predicates: dict[str, Predicate],
        treaty_ids: set[str],
        errs: Errors,
        readings: Collection[str] = (),
    ) -> None:
        self.entities = entities
        self.groups = groups
        self.predicates = predicates
        self.treaty_ids = treaty_ids
        self.errs = errs
        self.readings = tuple(readings)

    def reading_tags(self, names: tuple[str, ...], spans: tuple[m.Span, ...]) -> tuple[str, ...]:
        """The readings a sentence is tagged with, each checked to be declared
        (E235 otherwise), sorted and without repeats."""
        for name, span in zip(names, spans, strict=False):
            self.reading(name, span)
        return tuple(sorted(set(names)))

    def reading(self, name: str, span: m.Span) -> bool:
        """Is ``name`` a declared reading? E235 if not."""
        if name in self.readings:
            return True
        hint = did_you_mean(name, self.readings)
        declared = ", ".join(f"`{r}`" for r in self.readings)
        self.errs.error(
            Code.UNKNOWN_READING,
            f"unknown reading `{name}`",
            span,
            f"did you mean `{hint}`?"
            if hint
            else f"the declared readings are {declared}"
            if self.readings
            else f'declare it first (e.g. `reading {name} "...".`)',
        )
        return False

    def entity(self, name: str, span: m.Span) -> bool:
        if name in self.entities:
            return True
        if name in self.groups:
            self.errs.error(
                Code.GROUP_AS_ENTITY,
                f"`{name}` is a group, not an entity",
                span,
                f"a group names a set of entities; test membership with `X in {name}`",
            )
            return False
        report_unknown(self.errs, name, span, self.entities, "entity")
        return False

    def group(self, name: str, span: m.Span) -> bool:
        if name in self.groups:
            return True
        if name in self.entities:
            self.errs.error(
                Code.IN_WITH_STATE,
                f"`{name}` is a state, not an organization or group",
                span,
                f"to compare with one entity write `X is {name}`",
            )
            return False
        hint = did_you_mean(name, self.groups)
        self.errs.error(
            Code.UNKNOWN_ENTITY,
            f"unknown organization or group `{name}`",
            span,
            f"did you mean `{hint}`?" if hint else None,
        )
        return False

    def treaty(self, name: str, span: m.Span) -> bool:
        if name in self.treaty_ids:
            return True
        hint = did_you_mean(name, self.treaty_ids)
        self.errs.error(
            Code.UNKNOWN_TREATY,
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
                Code.KEYWORD_AS_PREDICATE,
                f"`{name}` is a keyword, not a predicate",
                span,
                "conditions and actions use declared predicates; keywords cannot name one",
            )
        elif pred is None:
            hint = did_you_mean(name, self.predicates)
            self.errs.error(
                Code.UNKNOWN_PREDICATE,
                f"unknown predicate `{name}`",
                span,
                f"did you mean `{hint}`?"
                if hint
                else f"declare it as an action, fact or judgement (e.g. `fact {name}(x).`)",
            )
        return pred
