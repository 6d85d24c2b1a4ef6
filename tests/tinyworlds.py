"""A Hypothesis strategy for tiny, valid worlds (2-3 entities, 2-6 norms) as text.

Small enough that :mod:`bruteforce` can enumerate every scenario, rich enough to
exercise every conflict kind, every modality (the liberties ``need not``, ``may
refrain from`` and ``has the right to refrain from`` too), axioms (chains, conditions,
exclusions), assumptions, ``unless``, quantifiers, membership, ``take any action`` and
judgements.
"""

from __future__ import annotations

from hypothesis import strategies as st

ENTITIES = ["AA", "BB", "CC"]
#: The modal words a norm is drawn with: the duties, permissions and rights, and the
#: liberties in their three wordings (three norms of eight); `shall` twice, since
#: a liberty meets nothing but an obligation.
MODALITIES = [
    "shall",
    "shall",
    "shall not",
    "may",
    "has the right to",
    "need not",
    "may refrain from",
    "has the right to refrain from",
]


def base_vocabulary(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """2-3 states, a group of some of them, and the three actions and one fact every
    tiny world has (few, to keep the ground-atom count small): (entities, lines)."""
    n_ent = draw(st.integers(2, 3))
    ents = ENTITIES[:n_ent]
    lines = [f'state {e} "State {e}".' for e in ents]
    group = draw(st.lists(st.sampled_from(ents), min_size=1, max_size=n_ent, unique=True))
    lines.append(f"group GG members {', '.join(sorted(group))}.")
    lines += [
        'action act(actor) "{actor} acts".',
        'action hit(actor, target) "{actor} hits {target}".',
        'action go(actor) "{actor} goes".',
        'fact ff(x) "{x} is flagged".',
    ]
    return ents, lines


@st.composite
def tiny_world(draw: st.DrawFn, max_norms: int = 6) -> str:
    ents, lines = base_vocabulary(draw)
    n_ent = len(ents)
    facts = [("ff", 1)]
    use_rel = n_ent == 2 and draw(st.booleans())
    if use_rel:
        lines.append('fact rr(x, y) "{x} threatens {y}".')
        facts.append(("rr", 2))
    use_judgement = n_ent == 2 and not use_rel and draw(st.booleans())
    if use_judgement:
        lines.append('judgement jj(act: action) "someone objects when {act}".')

    # axioms
    if draw(st.booleans()):
        cond = draw(st.sampled_from(["", " and ff(Y)", " and not ff(X)"]))
        lines.append(f"axiom ax_hit: hit(X, Y){cond} implies act(X).")
    if draw(st.booleans()):
        lines.append("axiom ax_act: act(X) implies go(X).")
    if draw(st.booleans()):
        lines.append(
            draw(st.sampled_from(["axiom ex_go: go(X) excludes hit(X, Y).", "axiom ex_act: act(X) excludes go(X)."]))
        )
    if draw(st.booleans()):
        lines.append(
            draw(
                st.sampled_from(
                    [
                        "assume as1: not ff(X) or not ff(Y) or X is Y.",
                        "assume as2: some entity Z satisfies ff(Z).",
                        "assume as3: not ff(AA).",
                    ]
                )
            )
        )

    def term_entity(vars_: list[str]) -> str:
        return draw(st.sampled_from(vars_ + ents))

    def atom(vars_: list[str], any_var: str | None) -> str:
        options = (
            ["ff"]
            + (["rr"] if use_rel else [])
            + (["jj"] if use_judgement and any_var else [])
            + ["in", "party", "same"]
        )
        kind = draw(st.sampled_from(options))
        if kind == "ff":
            return f"ff({term_entity(vars_)})"
        if kind == "rr":
            return f"rr({term_entity(vars_)}, {term_entity(vars_)})"
        if kind == "jj":
            return f"jj({any_var})"
        if kind == "in":
            return f"{term_entity(vars_)} in GG"
        if kind == "party":
            return f"{term_entity(vars_)} is {draw(st.sampled_from(['', 'not ']))}a party"
        return f"{term_entity(vars_)} is {draw(st.sampled_from(['', 'not ']))}{term_entity(vars_)}"

    local = [False]

    def condition(vars_: list[str], any_var: str | None, depth: int = 0) -> str:
        shape = draw(st.sampled_from(["atom", "atom", "not", "and", "or", "every", "some"] if depth < 2 else ["atom"]))
        if shape == "atom":
            return atom(vars_, any_var)
        if shape == "not":
            if not local[0] and draw(st.integers(0, 2)) == 0:
                local[0] = True  # a local variable: "some entity Z" at this `not`
                return "not ff(Z)" if draw(st.booleans()) else f"not ({atom(vars_ + ['Z'], any_var)} and ff(Z))"
            return f"not {atom(vars_, any_var)}"
        if shape in ("and", "or"):
            return f"({condition(vars_, any_var, depth + 1)} {shape} {condition(vars_, any_var, depth + 1)})"
        dom = draw(st.sampled_from(["party", "entity"]))
        q = "every" if shape == "every" else "some"
        qv = "P" if "P" not in vars_ else "Q"
        return f"{q} {dom} {qv} satisfies ({condition(vars_ + [qv], any_var, depth + 1)})"

    n_treaties = draw(st.integers(1, 2))
    total = draw(st.integers(2, max_norms))
    per = [total // n_treaties + (1 if i < total % n_treaties else 0) for i in range(n_treaties)]
    for t in range(n_treaties):
        tid = ["TA", "TB"][t]
        parties = draw(st.lists(st.sampled_from(ents), min_size=1, max_size=n_ent, unique=True))
        date = draw(st.sampled_from(["", " signed 2000-01-01", " signed 2010-01-01"]))
        lines.append(f'treaty {tid} "Treaty {tid}"{date}:')
        lines.append(f"  parties: {', '.join(sorted(parties))}.")
        if draw(st.integers(0, 4)) == 0:
            lines.append("  article 0: this treaty prevails over all other treaties.")
        for k in range(per[t]):
            modality = draw(st.sampled_from(MODALITIES))
            named = draw(st.integers(0, 4)) == 0
            bearer = draw(st.sampled_from(ents)) if named else "X"
            subject = bearer if named else draw(st.sampled_from(["each party X", "each member X of GG"]))
            vars_ = [] if named else ["X"]
            any_var = None
            if modality != "shall" and draw(st.integers(0, 3)) == 0:
                action = "take any action A"
                any_var = "A"
            else:
                name = draw(st.sampled_from(["act", "hit", "go"]))
                if name == "hit":
                    target = draw(st.sampled_from(["Y"] + ents))
                    action = f"hit({bearer}, {target})"
                    if target == "Y":
                        vars_ = vars_ + ["Y"]
                else:
                    action = f"{name}({bearer})"
            sentence = f"{subject} {modality} {action}"
            local = [False]
            if draw(st.booleans()):
                sentence += f" if {condition(vars_, any_var)}"
            if draw(st.integers(0, 3)) == 0:
                sentence += f" unless {condition(vars_, any_var)}"
            lines.append(f"  article {k + 1}: {sentence}.")
    return "\n".join(lines) + "\n"
