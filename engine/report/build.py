"""Findings of the search to report conflicts: ids, resolution, severity, stories."""

from __future__ import annotations

from ..evaluate import CHAIN_KINDS
from ..kinds import MODALITY_WORDS, ConflictKind, Severity, Status
from ..precedence import Resolution, resolve_pair
from ..search.result import Analysis, Finding
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


def _severity(kind: str, verdict: str, res: Resolution) -> Severity:
    if verdict == "unknown":
        return Severity.ERROR
    if kind == ConflictKind.PERMISSION_PROHIBITION:
        return Severity.WARNING
    return Severity.WARNING if res.status == Status.PREVAILS else Severity.ERROR


def _headline(f: Finding, res: Resolution) -> str:
    a, b = f.first.ref, f.second.ref
    if f.verdict == "unknown":
        return f"could not decide whether {a} and {b} conflict within the time limit"
    if a == b:
        return f"{a} cannot be honoured in two of its applications at once"
    if res.status == "prevails":
        loser = res.overrides[0]
        other = a if loser == b else b
        by = ", ".join(res.by)
        return f"{other} overrides {loser} ({res.winner} prevails by {by})"
    if f.kind == "permission-prohibition":
        return f"{b} forbids what {a} permits"
    return f"{a} and {b} cannot both be honoured"


def story(world: World, f: Finding) -> Scenario:
    """The scenario of a proved finding: atoms as written and told in English."""
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
    text = f"{f.first.ref} {MODALITY_WORDS[f.first.modality].verb}: {tell(world, w.first)}"
    for s in first_chain:
        text += f"; this amounts to: {tell(world, s.target)} (axiom {s.axiom})"
    if f.kind in CHAIN_KINDS:
        end = first_chain[-1].target if first_chain else w.first
        text += f"; {f.second.ref} forbids: {tell(world, end)}"
    else:
        text += f"; {f.second.ref} {MODALITY_WORDS[f.second.modality].verb}: {tell(world, w.second)}"
        for s in second_chain:
            text += f"; this amounts to: {tell(world, s.target)} (axiom {s.axiom})"
        text += f"; axiom {w.excludes} says these cannot both be done"
    parts.append(text)
    return Scenario(
        tuple(written(a) for a in facts),
        tuple(written(a) for a in judgements),
        tuple(written(a) for a in absent),
        tuple(written(a) for a in actions),
        "; ".join(parts),
    )


def to_conflict(world: World, f: Finding) -> Conflict:
    """A finding with its resolution, severity and story."""
    res = resolve_pair(world, (f.first.treaty, f.first.ref), (f.second.treaty, f.second.ref))
    refs = [f.first.ref, f.second.ref]
    norms = sorted({n.ref: n for n in (f.first, f.second)}.values(), key=lambda n: n.ref)
    severity = _severity(f.kind, f.verdict, res)
    scenario = story(world, f) if f.verdict == "proved" else None
    axioms = f.witness.axioms if f.witness else ()
    return Conflict(
        id=conflict_id(f.kind, refs),
        kind=f.kind,
        verdict=f.verdict,
        severity=severity,
        bearer=f.bearers[0] if f.bearers else None,
        bearers=f.bearers,
        norms=tuple(norm_ref(n, world.source_map.norm(n.ref)) for n in norms),
        axioms=axioms,
        scenario=scenario,
        resolution=res,
        headline=_headline(f, res),
    )


def build_report(world: World, analysis: Analysis, seconds: float, version: str, norms_checked: int) -> Report:
    """Assemble the report in canonical order."""
    conflicts = sorted((to_conflict(world, f) for f in analysis.findings), key=lambda c: c.id)
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
