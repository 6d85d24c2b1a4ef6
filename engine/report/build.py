"""Findings of the search to report conflicts: ids, resolution, severity, stories."""

from __future__ import annotations

from ..evaluate import Evaluator, FiniteScenario, Link, link
from ..kinds import MODALITY_WORDS, ConflictKind, Severity, Status
from ..precedence import Resolution
from ..search.result import Analysis, Finding, pair_of
from ..search.settle import Settlement, Settler
from ..sourcemap import Place
from ..tell import tell, written
from ..world import Norm, World
from .data import Conflict, NormRef, Report, Scenario, Summary


def norm_ref(n: Norm, place: Place) -> NormRef:
    """A norm as the report shows it, where ``place`` says it is written."""
    s, ms = place.span, place.keyword
    return NormRef(
        ref=n.ref,
        treaty=n.treaty,
        article=n.article,
        sentence=n.sentence,
        modality=n.modality,
        commitment=n.commitment,
        file=n.file,
        line=s.line,
        column=s.column,
        text=place.text,
        end_line=s.end_line,
        end_column=s.end_column,
        modality_line=ms.line,
        modality_column=ms.column,
        modality_end_column=ms.end_column,
    )


def conflict_id(kind: str, refs: list[str]) -> str:
    """``A~B/kind`` with refs in code-point order (``R~R/kind`` for one norm)."""
    return "~".join(sorted(refs)) + "/" + kind


#: Kinds where refraining (or doing) honours both norms, a liberty being no duty: a
#: warning whatever the status.
_ALWAYS_WARNINGS = (ConflictKind.PERMISSION_PROHIBITION, ConflictKind.OBLIGATION_EXEMPTION)
#: Statuses under which the conflict is settled (a warning unless an undertaking is breached).
_SETTLED = (Status.PREVAILS, Status.DISPLACED, Status.POLITICAL)


def _severity(kind: str, verdict: str, res: Resolution, norms: tuple[Norm, ...]) -> Severity:
    if verdict == "unknown":
        return Severity.ERROR
    if kind in _ALWAYS_WARNINGS or all(n.commitment for n in norms):
        return Severity.WARNING
    if res.breaches:
        return Severity.ERROR
    return Severity.WARNING if res.status in _SETTLED else Severity.ERROR


def _headline(f: Finding, res: Resolution) -> str:
    a, b = f.first.ref, f.second.ref
    if f.verdict == "unknown":
        return f"could not decide whether {a} and {b} conflict within the time limit"
    if a == b:
        return f"{a} cannot be honoured in two of its applications at once"
    if res.status in (Status.PREVAILS, Status.PARTIAL):
        loser = res.overrides[0]
        other = a if loser == b else b
        by = ", ".join(res.by)
        where = "" if res.status == Status.PREVAILS else " between parties to both"
        return f"{other} overrides {loser}{where} ({res.winner} prevails by {by})"
    if res.status == Status.DISPLACED:
        givers = " and ".join(res.overrides)
        return (
            f"{givers} {'gives' if len(res.overrides) == 1 else 'give'} way to a higher norm wherever {a} and {b} meet"
        )
    if res.status == Status.POLITICAL:
        return f"{a} and {b} pull apart (a political tension, not a legal conflict)"
    if f.kind == "permission-prohibition":
        return f"{b} forbids what {a} permits"
    if f.kind == ConflictKind.OBLIGATION_EXEMPTION:
        return f"{a} requires what {b} lets its bearer leave undone"
    return f"{a} and {b} cannot both be honoured"


def _notes(
    world: World, f: Finding, res: Resolution, drafts: list[str], accepting: tuple[tuple[str, str], ...] = ()
) -> tuple[tuple[str, str], ...]:
    """What the resolution means for the first bearer, as (label, sentence) pairs."""
    out: list[tuple[str, str]] = []
    bearer = world.lead(f.bearers)[0] if f.bearers else "the bearer"
    norms = {f.first.ref: f.first, f.second.ref: f.second}
    if res.status == Status.PARTIAL:
        loser = res.overrides[0]
        by = ", ".join(res.by)
        out.append(
            (
                "toward",
                f"{res.winner} prevails between parties to both ({by}); {loser} still binds {bearer} toward "
                f"{', '.join(res.toward)} (VCLT art. 30(4)(b))",
            )
        )
    if res.breaches:
        for ref in res.breaches:
            if res.status == Status.DISPLACED:
                # the displacer whose own ranking breaches it (a full ranking breaches nothing)
                winning = [c for b, c in accepting if b == ref] or list(norms)
            else:
                winning = [r for r in norms if r not in res.overrides] or list(norms)
            clause = next(c for t in world.treaties for c in t.precedence if c.ref == ref)
            what = (
                "an undertaking not to enter conflicting engagements"
                if clause.kind == "forbids_engagements"
                else f"{clause.treaty}'s claim of priority over later engagements"
            )
            out.append(("breach", f"by accepting {winning[0]}, {bearer} breaches {ref} ({what}; VCLT art. 30(5))"))
    if drafts:
        names = " and ".join(drafts)
        out.append(("hypothetical", f"if {names} were in force for {'their' if len(drafts) > 1 else 'its'} parties"))
    return tuple(out)


def story(world: World, f: Finding, settled: Settlement | None = None) -> Scenario:
    """The scenario of a proved finding: atoms as written and told in English; for
    a displaced conflict, the displacing norm's application too."""
    assert f.witness is not None
    kinds = {p.name: p.kind for p in world.predicates}
    atoms = sorted(f.atoms, key=written)
    facts = [a for a in atoms if kinds[a[0]] == "fact"]
    judgements = [a for a in atoms if kinds[a[0]] == "judgement"]
    absent = sorted(f.absent, key=written)
    w = f.witness
    actions: list[tuple] = []
    for act in [w.first] + [s.target for s in w.steps] + [w.second]:
        if act not in actions:
            actions.append(act)
    parts = [tell(world, a) for a in facts + judgements]
    parts += [f"it is not the case that {tell(world, a)}" for a in absent]
    split = len(w.steps) if w.first_steps < 0 else w.first_steps
    first_chain, second_chain = list(w.steps[:split]), list(w.steps[split:])
    first_words, second_words = MODALITY_WORDS[f.first.modality], MODALITY_WORDS[f.second.modality]
    how = link(f.first.modality, f.second.modality)
    if how == Link.BACK:
        # the obligation's act leads: it amounts to the act the first norm leaves free
        text = f"{f.second.ref} {second_words.verb}: {tell(world, w.second)}"
        for s in second_chain:
            text += f"; this amounts to: {tell(world, s.target)} (axiom {s.axiom})"
        text += f"; {f.first.ref} {first_words.verb}: {tell(world, w.first)}"
    else:
        text = f"{f.first.ref} {first_words.verb}: {tell(world, w.first)}"
        for s in first_chain:
            text += f"; this amounts to: {tell(world, s.target)} (axiom {s.axiom})"
    if how == Link.CHAIN:
        end = first_chain[-1].target if first_chain else w.first
        text += f"; {f.second.ref} {second_words.verb}: {tell(world, end)}"
    elif how == Link.EXCLUDES:
        text += f"; {f.second.ref} {second_words.verb}: {tell(world, w.second)}"
        for s in second_chain:
            text += f"; this amounts to: {tell(world, s.target)} (axiom {s.axiom})"
        text += f"; axiom {w.excludes} says these cannot both be done"
    if settled is not None and settled.displacers:
        text += _displacement(world, f, settled)
    parts.append(text)
    return Scenario(
        tuple(written(a) for a in facts),
        tuple(written(a) for a in judgements),
        tuple(written(a) for a in absent),
        tuple(written(a) for a in actions),
        "; ".join(parts),
    )


def _displacement(world: World, f: Finding, settled: Settlement) -> str:
    """The displacing norms that apply in ``f``'s scenario, and what they do there."""
    ev = Evaluator(world)
    s = FiniteScenario(f.atoms)
    out = ""
    for ref in settled.displacers:
        c = world.norm(ref)
        for norm, env in ((f.first, f.env1), (f.second, f.env2)):
            env_c = ev.displaces(c, norm, env, s)
            if env_c is not None:
                act = ev.action_of(c, env_c)
                out += (
                    f"; {c.ref} {MODALITY_WORDS[c.modality].verb}: {tell(world, act)}, "
                    f"and outranks {norm.ref}, which gives way"
                )
                break
    return out


def to_conflict(world: World, f: Finding, settled: Settlement) -> Conflict:
    """A finding with its resolution, severity and story. ``settled``: how treaty law
    settles it (:mod:`treatycheck.search.settle`)."""
    res, f = settled.resolution, settled.finding
    refs = [f.first.ref, f.second.ref]
    norms = sorted({n.ref: n for n in (f.first, f.second)}.values(), key=lambda n: n.ref)
    named = [*norms, *(world.norm(r) for r in settled.displacers)]
    drafts = sorted({n.treaty for n in named if world.treaty(n.treaty).draft})
    severity = _severity(f.kind, f.verdict, res, tuple(norms))
    scenario = story(world, f, settled) if f.verdict == "proved" else None
    axioms = f.witness.axioms if f.witness else ()
    return Conflict(
        id=conflict_id(f.kind, refs),
        kind=f.kind,
        verdict=f.verdict,
        severity=severity,
        bearer=world.lead(f.bearers)[0] if f.bearers else None,
        bearers=f.bearers,
        norms=tuple(norm_ref(n, world.source_map.norm(n.ref)) for n in norms),
        axioms=axioms,
        scenario=scenario,
        resolution=res,
        headline=_headline(f, res),
        hypothetical=bool(drafts),
        notes=_notes(world, f, res, drafts, settled.accepting),
    )


def build_report(world: World, analysis: Analysis, seconds: float, version: str, norms_checked: int) -> Report:
    """Assemble the report in canonical order."""
    settled = dict(analysis.settlements)
    missing = [f for f in analysis.findings if pair_of(f) not in settled]
    if missing:  # an analysis put together without its settlements: one settler for all
        settler = Settler(world, 10.0)
        settled.update((pair_of(f), settler.settle(f)) for f in missing)
    conflicts = sorted((to_conflict(world, f, settled[pair_of(f)]) for f in analysis.findings), key=lambda c: c.id)
    summary = Summary(
        errors=sum(c.severity == "error" for c in conflicts),
        warnings=sum(c.severity == "warning" for c in conflicts),
        unknown=sum(c.verdict == "unknown" for c in conflicts),
        norms=norms_checked,
        queries=analysis.queries,
        seconds=seconds,
    )
    diagnostics = world.warnings
    if analysis.chains_cut:
        from ..codes import Code
        from ..diagnostics import Diagnostic
        from ..index import MAX_WALKS

        diagnostics += (
            Diagnostic.of(
                Code.TOO_MANY_CHAINS,
                f"an action has more than {MAX_WALKS} chains of `implies` axioms; only the first were searched",
                None,
                (),
                "conflicts that need a longer or rarer chain may be missing; simplify the axioms",
            ),
        )
    return Report(version, world.files, tuple(conflicts), summary, diagnostics, world)
