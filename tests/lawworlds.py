"""A Hypothesis strategy for tiny worlds that exercise treaty law, as text.

``law_world()`` draws 2-3 entities, 2-3 treaties and 2-6 norms (small enough for
tests/oracle_law.py to enumerate every scenario) with what docs/language.md sections 3, 5 and 8
decide on: header options in any order (``signed``, ``in force`` not before it,
``draft``, ``kind commitment``; some instruments undated, some dates equal), party
sets that overlap partially (named, ``members of GG``, ``all states``), treaty-level
precedence sentences (deference, claims, the Charter rule, undertakings) and
article-level ones (``this article prevails over ...`` / ``is subject to ...``),
several norms per treaty on the same few actions (internal conflicts, a general
prohibition with a conditioned exception for lex specialis) and third norms that can
displace, liberties among them (``need not``, ``may refrain from``, ``has the right
to refrain from``). Every world it draws is one the engine accepts: references name
existing treaties and articles other than the sentence's own, and header options
never clash.
"""

from __future__ import annotations

from hypothesis import strategies as st
from tinyworlds import MODALITIES as TINY_MODALITIES
from tinyworlds import base_vocabulary

TREATIES = ["TA", "TB", "TC"]
DATES = ["2000-01-01", "2010-01-01", "2020-01-01"]
#: Mostly duties, so that norms collide often: tinyworlds' modal words with one more
#: `shall` and `shall not`; a liberty (in any of its three wordings) in three norms
#: of ten, against the obligations.
MODALITIES = ["shall", "shall not", *TINY_MODALITIES]


@st.composite
def header(draw: st.DrawFn) -> str:
    """Header options, in a random order: undated, signed, in force, both, or draft;
    sometimes a commitment."""
    shape = draw(st.sampled_from(["undated", "signed", "signed", "in_force", "both", "draft"]))
    options: list[str] = []
    if shape in ("signed", "both"):
        options.append(f"signed {draw(st.sampled_from(DATES))}")
    if shape == "in_force":
        options.append(f"in force {draw(st.sampled_from(DATES))}")
    if shape == "both":
        signed = options[0].split()[1]
        options.append(f"in force {draw(st.sampled_from([d for d in DATES if d >= signed]))}")
    if shape == "draft":
        options.append("draft")
    if draw(st.integers(0, 4)) == 0:
        options.append("kind commitment")
    options = draw(st.permutations(options))
    return "".join(" " + o for o in options)


@st.composite
def treaty_sentence(draw: st.DrawFn, tid: str, others: list[str]) -> str:
    """One treaty-level precedence sentence of ``tid``."""
    kind = draw(
        st.sampled_from(
            [
                "subject_to",
                "subject_all",
                "subject_earlier",
                "prevails_over",
                "prevails_all",
                "prevails_earlier",
                "obligations",
                "forbids",
            ]
        )
    )
    if kind in ("subject_to", "prevails_over"):
        names = draw(st.lists(st.sampled_from(others), min_size=1, max_size=len(others), unique=True))
        verb = "is subject to" if kind == "subject_to" else "prevails over"
        return f"this treaty {verb} {', '.join(names)}."
    return {
        "subject_all": "this treaty is subject to all other treaties.",
        "subject_earlier": "this treaty is subject to all earlier treaties.",
        "prevails_all": "this treaty prevails over all other treaties.",
        "prevails_earlier": "this treaty prevails over all earlier treaties.",
        "obligations": "this treaty's obligations prevail over all other treaties.",
        "forbids": "this treaty forbids conflicting engagements.",
    }[kind]


@st.composite
def law_world(draw: st.DrawFn, max_norms: int = 6) -> str:
    ents, lines = base_vocabulary(draw)
    n_ent = len(ents)
    if draw(st.booleans()):
        lines.append(
            draw(st.sampled_from(["axiom ax_hit: hit(X, Y) implies act(X).", "axiom ax_act: act(X) implies go(X)."]))
        )
    if draw(st.integers(0, 3)) == 0:
        lines.append(
            draw(st.sampled_from(["axiom ex_go: go(X) excludes hit(X, Y).", "axiom ex_act: act(X) excludes go(X)."]))
        )
    if draw(st.integers(0, 3)) == 0:
        lines.append(draw(st.sampled_from(["assume as2: some entity Z satisfies ff(Z).", "assume as3: not ff(AA)."])))

    def condition(vars_: list[str]) -> str:
        term = draw(st.sampled_from(vars_ + ents))
        shape = draw(st.sampled_from(["ff", "ff", "not_ff", "in", "party", "and", "or", "some"]))
        if shape == "ff":
            return f"ff({term})"
        if shape == "not_ff":
            return f"not ff({term})"
        if shape == "in":
            return f"{term} in GG"
        if shape == "party":
            return f"{term} is {draw(st.sampled_from(['', 'not ']))}a party"
        if shape == "some":
            return f"some {draw(st.sampled_from(['party', 'entity']))} P satisfies ff(P)"
        return f"(ff({term}) {shape} {condition(vars_) if draw(st.booleans()) else 'ff(' + draw(st.sampled_from(ents)) + ')'})"

    n_treaties = draw(st.integers(2, 3))
    tids = TREATIES[:n_treaties]
    total = draw(st.integers(2, max_norms))
    # norms per treaty: at random, so that one treaty often holds several (internal
    # conflicts, lex specialis) and another none (a pure ranker)
    per = [0] * n_treaties
    for _ in range(total):
        per[draw(st.integers(0, n_treaties - 1))] += 1
    # undertakings are breached only by a later instrument that wins by a claim or
    # by date: in a quarter of the worlds the first treaty is the earliest and has one
    undertaker = draw(st.integers(0, 3)) == 0
    # actions shared across the world so that norms meet often
    for t, tid in enumerate(tids):
        others = [x for x in tids if x != tid]
        head = f" signed {DATES[0]}" if undertaker and t == 0 else draw(header())
        lines.append(f'treaty {tid} "Treaty {tid}"{head}:')
        shape = draw(st.sampled_from(["list", "list", "list", "members", "all"]))
        if shape == "members":
            parties = "members of GG"
        elif shape == "all":
            parties = "all states"
        else:
            parties = ", ".join(sorted(draw(st.lists(st.sampled_from(ents), min_size=1, max_size=n_ent, unique=True))))
        lines.append(f"  parties: {parties}.")
        n_prec = draw(st.sampled_from([0, 0, 1, 1, 2]))
        prec = [draw(treaty_sentence(tid, others)) for _ in range(n_prec)]
        if undertaker and t == 0:
            prec.append(
                draw(
                    st.sampled_from(
                        [
                            "this treaty forbids conflicting engagements.",
                            "this treaty prevails over all other treaties.",
                        ]
                    )
                )
            )
        prec = list(dict.fromkeys(prec))
        # treaty-level sentences in their own article 0, or alongside a norm
        in_article_0 = draw(st.booleans()) or per[t] == 0
        if prec and in_article_0:
            lines.append(f"  article 0: {' '.join(prec)}")
            prec = []
        articles = [str(k + 1) for k in range(per[t])]
        for k, art in enumerate(articles):
            sentences = [norm(draw, ents, condition)]
            if prec and draw(st.booleans()):
                sentences.insert(draw(st.integers(0, len(sentences))), prec.pop())
            if len(articles) > 1 and draw(st.integers(0, 2)) == 0:
                rest = [a for a in articles if a != art]
                sentences.insert(draw(st.integers(0, len(sentences))), article_sentence(draw, rest))
            if k == len(articles) - 1 and prec:
                sentences.extend(prec)
                prec = []
            if draw(st.integers(0, 5)) == 0:
                sentences.append(norm(draw, ents, condition))  # a second norm: T:A#N
            lines.append(f"  article {art}: {' '.join(sentences)}")
    return "\n".join(lines) + "\n"


def article_sentence(draw: st.DrawFn, rest: list[str]) -> str:
    kind = draw(st.sampled_from(["prevails", "prevails", "subject", "all"]))
    if kind == "all":
        return "this article prevails over all other articles."
    names = draw(st.lists(st.sampled_from(rest), min_size=1, max_size=len(rest), unique=True))
    word = "article" if len(names) == 1 else "articles"
    verb = "prevails over" if kind == "prevails" else "is subject to"
    return f"this article {verb} {word} {', '.join(names)}."


def norm(draw: st.DrawFn, ents: list[str], condition) -> str:  # type: ignore[no-untyped-def]
    """One norm, on the world's few actions; mostly `each party X`, so that two norms
    of a treaty often have equal bearers and actions (lex specialis (ii))."""
    modality = draw(st.sampled_from(MODALITIES))
    named = draw(st.integers(0, 5)) == 0
    bearer = draw(st.sampled_from(ents)) if named else "X"
    subject = bearer if named else draw(st.sampled_from(["each party X", "each party X", "each member X of GG"]))
    vars_ = [] if named else ["X"]
    if modality != "shall" and draw(st.integers(0, 4)) == 0:
        action = "take any action A"
    else:
        name = draw(st.sampled_from(["act", "act", "hit", "go"]))
        if name == "hit":
            target = draw(st.sampled_from(["Y", *ents]))
            action = f"hit({bearer}, {target})"
            if target == "Y":
                vars_ = [*vars_, "Y"]
        else:
            action = f"{name}({bearer})"
    sentence = f"{subject} {modality} {action}"
    if draw(st.booleans()):
        sentence += f" if {condition(vars_)}"
    if draw(st.integers(0, 4)) == 0:
        sentence += f" unless {condition(vars_)}"
    return sentence + "."
