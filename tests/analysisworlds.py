"""A Hypothesis strategy for tiny worlds for ``control`` and ``overlap``, as text.

2-3 states, a group, three actions, an undecided fact ``ff(x)``, a fact ``dd(x)``
decided by its own parameter and (with two states) ``kk(x, y)`` decided by ``y``
(a consent), so that at most ten ground atoms remain; two or three treaties (one
may be a commitment) of 1-3 norms of every modality, with conditions built from
those atoms, membership, ``is a party``, equality, ``not``/``and``/``or``,
``unless`` and party quantifiers, and sometimes an assumption.
"""

from __future__ import annotations

from hypothesis import strategies as st

ENTITIES = ["AA", "BB", "CC"]
MODALITIES = ["shall", "shall not", "shall not", "may", "has the right to", "need not", "has the right to refrain from"]


@st.composite
def analysis_world(draw: st.DrawFn) -> str:
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
        'fact dd(x) "{x} decides so" decided by x.',
    ]
    use_kk = n_ent == 2 and draw(st.booleans())
    if use_kk:
        lines.append('fact kk(x, y) "{y} consents to {x}" decided by y.')
    if draw(st.integers(0, 3)) == 0:
        lines.append(
            draw(
                st.sampled_from(
                    [
                        "assume a1: not ff(X) or dd(X).",
                        "assume a2: some entity Z satisfies dd(Z).",
                        "assume a3: not dd(AA).",
                    ]
                )
            )
        )

    def term(vars_: list[str]) -> str:
        return draw(st.sampled_from(vars_ + ents))

    def atom(vars_: list[str]) -> str:
        kind = draw(st.sampled_from(["ff", "dd", "dd", "kk" if use_kk else "dd", "in", "party", "same"]))
        if kind in ("ff", "dd"):
            return f"{kind}({term(vars_)})"
        if kind == "kk":
            return f"kk({term(vars_)}, {term(vars_)})"
        if kind == "in":
            return f"{term(vars_)} in GG"
        if kind == "party":
            return f"{term(vars_)} is {draw(st.sampled_from(['', 'not ']))}a party"
        return f"{term(vars_)} is {draw(st.sampled_from(['', 'not ']))}{term(vars_)}"

    def condition(vars_: list[str], depth: int = 0) -> str:
        shape = draw(st.sampled_from(["atom", "atom", "not", "and", "or", "every", "some"] if depth < 2 else ["atom"]))
        if shape == "atom":
            return atom(vars_)
        if shape == "not":
            return f"not {atom(vars_)}"
        if shape in ("and", "or"):
            return f"({condition(vars_, depth + 1)} {shape} {condition(vars_, depth + 1)})"
        q = "P" if "P" not in vars_ else "Q"
        return f"{shape} party {q} satisfies ({condition(vars_ + [q], depth + 1)})"

    for t in range(draw(st.integers(2, 3))):
        tid = ["TA", "TB", "TC"][t]
        parties = draw(st.lists(st.sampled_from(ents), min_size=1, max_size=n_ent, unique=True))
        kind = " kind commitment" if draw(st.integers(0, 3)) == 0 else ""
        lines.append(f'treaty {tid} "Treaty {tid}"{kind}:')
        lines.append(f"  parties: {', '.join(sorted(parties))}.")
        for k in range(draw(st.integers(1, 3))):
            modality = draw(st.sampled_from(MODALITIES))
            named = draw(st.integers(0, 4)) == 0
            bearer = draw(st.sampled_from(ents)) if named else "X"
            subject = (
                bearer if named else draw(st.sampled_from(["each party X", "each party X", "each member X of GG"]))
            )
            vars_ = [] if named else ["X"]
            name = draw(st.sampled_from(["act", "hit", "go"]))
            if name == "hit":
                target = draw(st.sampled_from(["Y"] + ents))
                action = f"hit({bearer}, {target})"
                if target == "Y":
                    vars_ = vars_ + ["Y"]
            else:
                action = f"{name}({bearer})"
            sentence = f"{subject} {modality} {action}"
            if draw(st.booleans()):
                sentence += f" if {condition(vars_)}"
            if draw(st.integers(0, 2)) == 0:
                sentence += f" unless {condition(vars_)}"
            lines.append(f"  article {k + 1}: {sentence}.")
    return "\n".join(lines) + "\n"
