"""A checked norm in logic and in plain words (``treatycheck parse`` / ``explain``).

``logic(world, norm)`` gives a first-order reading (``∀X ∈ parties(NAT) ∀A ∀V:
armed_attack(A, V) ∧ V ∈ parties(NAT) → O assist(X, V)``); ``english(world, norm)``
tells the same in the declared templates; ``precedence_words(world, clause)`` says
what a precedence sentence ranks.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from . import model as m
from .codes import Code
from .diagnostics import Diagnostic, TreatyError, did_you_mean
from .fmt import term
from .kinds import MODALITY_WORDS
from .world import Norm, PrecedenceClause, World

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .report.data import Conflict

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def logic_cond(c: m.Cond, treaty: str | None) -> str:
    """A condition in logical notation."""
    if isinstance(c, m.Call):
        return term(c)
    if isinstance(c, m.Not):
        return "¬" + _wrap(c.body, treaty)
    if isinstance(c, m.And):
        return " ∧ ".join(_wrap(i, treaty) for i in c.items)
    if isinstance(c, m.Or):
        return " ∨ ".join(_wrap(i, treaty) for i in c.items)
    if isinstance(c, m.InGroup):
        return f"{term(c.term)} ∈ {c.group}"
    if isinstance(c, m.IsParty):
        return f"{term(c.term)} {'∉' if c.negated else '∈'} parties({treaty})"
    if isinstance(c, m.Same):
        return f"{term(c.left)} {'≠' if c.negated else '='} {term(c.right)}"
    if isinstance(c, m.Quant):
        q = "∀" if c.quantifier == "every" else "∃"
        dom = f"parties({treaty})" if c.domain == "party" else "Entity"
        return f"{q}{c.var} ∈ {dom}: {_wrap(c.body, treaty)}"
    if isinstance(c, m.Exists):
        names = " ".join(f"∃{n}" for n, _ in c.vars)
        return f"{names}: {_wrap(c.body, treaty)}"
    raise TypeError(f"not a condition: {c!r}")


def _wrap(c: m.Cond, treaty: str | None) -> str:
    text = logic_cond(c, treaty)
    return f"({text})" if isinstance(c, (m.And, m.Or, m.Quant, m.Exists)) else text


def logic(world: World, norm: Norm) -> str:
    """The norm as a quantified formula with a deontic operator (O, F, P, R)."""
    parts = []
    for name, type_ in norm.variables:
        if isinstance(norm.bearer, m.Var) and name == norm.bearer.name:
            dom = f"parties({norm.treaty})" + (f" ∩ {norm.bearer_group}" if norm.bearer_group else "")
            parts.append(f"∀{name} ∈ {dom}")
        else:
            parts.append(f"∀{name}" + (" ∈ Action" if type_ == "action" else ""))
    action = norm.action.var if isinstance(norm.action, m.AnyAction) else term(norm.action)
    body = f"{MODALITY_WORDS[norm.modality].operator} {action}"
    if norm.condition is not None:
        body = f"{_wrap(norm.condition, norm.treaty)} → {body}"
    return (" ".join(parts) + ": " if parts else "") + body


def _tell_term(world: World, t: m.Term) -> str:
    if isinstance(t, m.Call):
        return _tell_call(world, t)
    return t.name


def _tell_call(world: World, c: m.Call) -> str:
    pred = world.predicate(c.name)
    if pred.template is None:
        return term(c)
    args = {p.name: _tell_term(world, a) for p, a in zip(pred.params, c.args, strict=True)}
    return _PLACEHOLDER.sub(lambda mt: args.get(mt.group(1), mt.group(0)), pred.template)


def english_cond(world: World, c: m.Cond, treaty: str | None) -> str:
    """A condition told with the predicates' templates."""
    if isinstance(c, m.Call):
        return _tell_call(world, c)
    if isinstance(c, m.Not):
        body = c.body
        # an atom with a negative form of its own says it plainly
        if isinstance(body, m.InGroup):
            return f"{_tell_term(world, body.term)} is not a member of {body.group}"
        if isinstance(body, m.IsParty | m.Same):
            return english_cond(world, replace(body, negated=not body.negated), treaty)
        return f"it is not the case that {_paren(world, body, treaty)}"
    if isinstance(c, m.And):
        return " and ".join(_paren(world, i, treaty) for i in c.items)
    if isinstance(c, m.Or):
        return " or ".join(_paren(world, i, treaty) for i in c.items)
    if isinstance(c, m.InGroup):
        return f"{_tell_term(world, c.term)} is a member of {c.group}"
    if isinstance(c, m.IsParty):
        return f"{_tell_term(world, c.term)} is {'not ' if c.negated else ''}a party to {treaty}"
    if isinstance(c, m.Same):
        return f"{_tell_term(world, c.left)} is {'not ' if c.negated else ''}{_tell_term(world, c.right)}"
    if isinstance(c, m.Quant):
        dom = f"party {c.var} to {treaty}" if c.domain == "party" else f"entity {c.var}"
        return f"{c.quantifier} {dom} is such that {english_cond(world, c.body, treaty)}"
    if isinstance(c, m.Exists):
        names = ", ".join(n for n, _ in c.vars)
        return f"for some {names}, {english_cond(world, c.body, treaty)}"
    raise TypeError(f"not a condition: {c!r}")


def _paren(world: World, c: m.Cond, treaty: str | None) -> str:
    """The condition told as one unit among others: brackets around whatever would
    otherwise run on into its neighbours ("it is not the case that A and B" could be
    read either way; "(it is not the case that A) and B" cannot)."""
    text = english_cond(world, c, treaty)
    open_ended = isinstance(c, m.And | m.Or | m.Quant | m.Exists) or text.startswith("it is not the case that")
    return f"({text})" if open_ended else text


def english(world: World, norm: Norm) -> str:
    """The norm in plain words."""
    if isinstance(norm.bearer, m.Const):
        who = norm.bearer.name
    elif norm.bearer_group:
        who = f"Each member {norm.bearer.name} of {norm.bearer_group} that is a party to {norm.treaty}"
    else:
        who = f"Each party {norm.bearer.name} to {norm.treaty}"
    if isinstance(norm.action, m.AnyAction):
        what = f"{MODALITY_WORDS[norm.modality].english_any} take any action {norm.action.var}"
    else:
        what = f"{MODALITY_WORDS[norm.modality].english} {_tell_call(world, norm.action)}"
    out = f"{who} {what}"
    if norm.condition is not None:
        out += f", when {english_cond(world, norm.condition, norm.treaty)}"
    return out + "."


def precedence_words(world: World, clause: PrecedenceClause) -> str:
    """What a precedence sentence does, in words, as :mod:`treatycheck.precedence`
    applies it (docs/language.md section 8). In: the world and one clause. Out: such
    as "claims priority for NAT over all other treaties except UN (NAT:7 makes NAT
    subject to it): a ranking toward earlier or undated instruments, toward later
    ones an undertaking (...)" or "puts UN above EST (EST is subject to it), whatever
    the dates (VCLT art. 30(2))"."""
    t = clause.treaty
    arts = ", ".join(clause.articles)
    targets = ", ".join(clause.treaties)
    them = "it" if len(clause.treaties) == 1 else "them"
    claim = (
        ": a ranking toward earlier or undated instruments, toward later ones an undertaking (VCLT art. 30(4), 30(5))"
    )
    if clause.kind in ("prevails_all", "prevails_earlier"):
        # a claim over all (earlier) treaties gives way to the treaty's own deference
        subject = [c for c in world.treaty(t).precedence if c.kind == "subject_to"]
        scope = "all other treaties" if clause.kind == "prevails_all" else "all earlier treaties"
        out = f"claims priority for {t} over {scope}"
        if subject:
            names = sorted({name for c in subject for name in c.treaties})
            refs = ", ".join(c.ref for c in subject)
            out += f" except {', '.join(names)} ({refs} {'makes' if len(subject) == 1 else 'make'} {t} subject to "
            out += f"{'it' if len(names) == 1 else 'them'})"
        return out + claim
    return {
        "prevails_over": f"claims priority for {t} over {targets}{claim}",
        "subject_to": f"puts {targets} above {t} ({t} is subject to {them}), whatever the dates (VCLT art. 30(2))",
        "subject_all": f"puts every other instrument above {t}, whatever the dates (VCLT art. 30(2))",
        "subject_earlier": f"puts every earlier instrument above {t} (VCLT art. 30(2))",
        "obligations_prevail": (
            f"puts {t}'s obligations and prohibitions above every legally binding instrument, earlier or later "
            "(UN Charter art. 103, VCLT art. 30(1)); not its rights"
        ),
        "forbids_engagements": (
            f"is {t}'s undertaking not to enter conflicting engagements: no ranking; a later treaty whose norm "
            "conflicts with one of its norms breaches it (VCLT art. 30(5))"
        ),
        "article_prevails": f"puts article {clause.article} of {t} above article(s) {arts}",
        "article_prevails_all": f"puts article {clause.article} of {t} above all its other articles",
        "article_subject_to": f"puts article(s) {arts} of {t} above article {clause.article}",
    }[clause.kind]


def only_in(readings: tuple[str, ...]) -> str:
    """The explain line for a sentence tagged `in reading`: where it holds."""
    if not readings:
        return ""
    return f"\n  only in reading{'s' if len(readings) > 1 else ''}: {', '.join(readings)}"


def decided_by(k: Conflict, ref: str) -> bool:
    """Does the sentence ``ref`` rank the conflict, or is it the undertaking the
    conflict breaches, in some reading?"""
    resolutions = [k.resolution] + [o.resolution for _, o in k.readings]
    return any(ref in r.by or ref in r.breaches for r in resolutions)


def unknown_ref(world: World, ref: str) -> TreatyError:
    """The error for an ``explain`` ref that names no norm and no precedence sentence
    (code E301, an unknown ref on the command line), with the closest ref of either kind as a hint."""
    refs = {n.ref for n in world.norms} | {c.ref for t in world.treaties for c in t.precedence}
    hint = did_you_mean(ref, refs)
    message = f"no norm or precedence sentence `{ref}`" + (f"; did you mean `{hint}`?" if hint else "")
    return TreatyError([Diagnostic.of(Code.UNKNOWN_REF, message)], world.sources)
