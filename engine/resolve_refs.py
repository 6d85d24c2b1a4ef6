"""The expectation phase of the resolver: ``expect`` sentences to expectations.

``check_expectations(expects, treaties, norms, names, errs) -> list[Expectation]``.
Goes in: the ``expect`` sentences with their files, and the treaties and norms
already resolved (an ``expect`` may name any article or sentence of any file).
Comes out: one :class:`~treatycheck.world.Expectation` per sentence, in the order
given, after checking that every ref names a treaty (E202), an article of it and a
sentence of that article (E229), and that a winner is named only with a status
that has one, ``prevails``, ``partial`` or ``displaced`` (E231), and is a treaty
(E202).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import model as m
from .codes import Code
from .diagnostics import did_you_mean
from .resolve_names import Errors, Names
from .world import Expectation, Norm, Treaty


def check_expectations(
    expects: Iterable[tuple[m.Expect, str]],
    treaties: Iterable[Treaty],
    norms: Iterable[Norm],
    names: Names,
    errs: Errors,
) -> list[Expectation]:
    """Check each ``expect`` sentence against the resolved treaties and norms."""
    treaties = list(treaties)
    article_sets = {t.id: set(t.articles) for t in treaties}
    norm_refs = {n.ref for n in norms}
    sentence_refs = norm_refs | {c.ref for t in treaties for c in t.precedence}
    expectations = []
    for exp, file in expects:
        if exp.kind == "consistent":
            names.treaty(exp.refs[0], exp.span)
        else:
            for ref in exp.refs:
                if _check_ref(ref, exp.span, article_sets, sentence_refs, errs) and exp.kind in NORM_KINDS:
                    _check_norm_ref(ref, exp, norm_refs, errs)
        if exp.entity is not None:
            names.entity(exp.entity, exp.span)
        if exp.winner is not None:
            names.treaty(exp.winner, exp.span)
            if exp.status not in WINNER_STATUSES:
                errs.error(
                    Code.WINNER_WITHOUT_PREVAILS,
                    f"a winner is named only with `resolved prevails`, `partial` or `displaced`, not `{exp.status}`",
                    exp.span,
                )
        if exp.reading is not None:
            names.reading(exp.reading, exp.reading_span)
        expectations.append(
            Expectation(exp.kind, exp.refs, exp.status, exp.winner, file, exp.span, exp.reading, exp.entity)
        )
    return expectations


#: The expectations about one norm (its control, its overlap), not about a pair.
NORM_KINDS = ("control", "no_control", "covered", "new")


def _check_norm_ref(ref: str, exp: m.Expect, norms: set[str], errs: Errors) -> None:
    """An expectation about a norm must name at least one norm sentence (E239)."""
    if not any(m.ref_matches(ref, n) for n in norms):
        word = "control" if exp.kind.endswith("control") else "overlap"
        errs.error(
            Code.NOT_A_NORM_REF,
            f"`{ref}` is a precedence sentence, and {word} is found for norms only",
            exp.span,
            "name an article or sentence that is a norm (`shall`, `may`, ...)",
        )


#: The statuses whose resolution names a winner (``displaced`` may have none).
WINNER_STATUSES = ("prevails", "partial", "displaced")


def _check_ref(ref: str, span: m.Span, articles: dict[str, set[str]], sentences: set[str], errs: Errors) -> bool:
    """``TREATY:ARTICLE[#N]`` must name a treaty, one of its articles and (with
    ``#N``) one of that article's sentences; ``#1`` is the article's own ref.
    Out: whether it does (an error is recorded when not)."""
    tid, _, rest = ref.partition(":")
    art, _, num = rest.partition("#")
    if tid not in articles:
        hint = did_you_mean(tid, articles)
        errs.error(
            Code.UNKNOWN_TREATY,
            f"`{ref}` names unknown treaty `{tid}`",
            span,
            f"did you mean `{hint}`?" if hint else None,
        )
    elif art not in articles[tid]:
        hint = did_you_mean(art, articles[tid])
        errs.error(
            Code.MISSING_ARTICLE,
            f"treaty `{tid}` has no article `{art}`",
            span,
            f"did you mean `{tid}:{hint}`?"
            if hint
            else f"its articles: {', '.join(sorted(articles[tid]))}"
            if articles[tid]
            else f"treaty `{tid}` has no articles",
        )
    elif num and ref not in sentences and not (num == "1" and f"{tid}:{art}" in sentences):
        errs.error(Code.MISSING_ARTICLE, f"article `{tid}:{art}` has no sentence {num}", span)
    else:
        return True
    return False
