"""`treatycheck diff`: sentence changes decided by the solver, conflicts matched by id."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import treatycheck

VOCAB = """\
state AA "Alpha".
state BB "Beta".
state CC "Gamma".
group GG members AA.
fact war(x) "{x} is at war".
fact embargoed(x) "{x} is under embargo".
judgement risky(act: action) "someone deems it risky that {act}".
action act(x, y) "{x} acts on {y}".
action rest(x) "{x} rests".
"""


def world(articles: str, parties: str = "AA, BB", extra: str = "", name: str = "w.treaty") -> treatycheck.World:
    text = VOCAB + f'treaty TA "Treaty A" signed 2000-01-01:\n  parties: {parties}.\n' + articles + extra
    return treatycheck.loads(text, filename=name)


def change(old: str, new: str, **kw: str) -> dict:
    report = treatycheck.diff(world(old, **kw), world(new, **kw))
    return {a.ref: a for a in report.articles}


PAIRS = [
    # (id, old article text, new article text, expected change of TA:1)
    (
        "unless-rewording",
        "each party X shall act(X, Y) if Y is X",
        "each party X shall act(X, Y) unless Y is not X",
        "equivalent",
    ),
    (
        "de-morgan",
        "each party X shall act(X, Y) if not (war(Y) or embargoed(Y))",
        "each party X shall act(X, Y) if not war(Y) and not embargoed(Y)",
        "equivalent",
    ),
    (
        "reordered-and",
        "each party X shall act(X, Y) if war(Y) and embargoed(Y)",
        "each party X shall act(X, Y) if embargoed(Y) and war(Y)",
        "equivalent",
    ),
    (
        "renamed-variables",
        "each party X shall act(X, Y) if war(Y)",
        "each party Z shall act(Z, V2) if war(V2)",
        "equivalent",
    ),
    (
        "some-party-vs-some-entity",
        "each party X shall rest(X) if some party P satisfies war(P)",
        "each party X shall rest(X) if some entity P satisfies (war(P) and P is a party)",
        "equivalent",
    ),
    (
        "condition-dropped",
        "each party X shall act(X, Y) if war(Y) and embargoed(Y)",
        "each party X shall act(X, Y) if war(Y)",
        "broader",
    ),
    (
        "condition-added",
        "each party X shall act(X, Y) if war(Y)",
        "each party X shall act(X, Y) if war(Y) and embargoed(Y)",
        "narrower",
    ),
    (
        "unless-added",
        "each party X shall act(X, Y) if war(Y)",
        "each party X shall act(X, Y) if war(Y) unless embargoed(X)",
        "narrower",
    ),
    (
        "or-added",
        "each party X shall act(X, Y) if war(Y)",
        "each party X shall act(X, Y) if war(Y) or embargoed(Y)",
        "broader",
    ),
    (
        "condition-swapped",
        "each party X shall act(X, Y) if war(Y)",
        "each party X shall act(X, Y) if embargoed(Y)",
        "different",
    ),
    ("subject-narrowed", "each party X shall rest(X)", "each member X of GG shall rest(X)", "narrower"),
    ("named-bearer", "each party X shall rest(X)", "AA shall rest(AA)", "narrower"),
    (
        "any-action-judgement-dropped",
        "each party X shall not take any action A if risky(A)",
        "each party X shall not take any action A",
        "broader",
    ),
    ("target-fixed", "each party X shall act(X, Y)", "each party X shall act(X, BB)", "narrower"),
    (
        "every-party-to-some",
        "each party X shall rest(X) if every party P satisfies war(P)",
        "each party X shall rest(X) if some party P satisfies war(P)",
        "broader",
    ),
]


@dataclass(frozen=True)
class Tells:
    """What the scenario of a non-equivalent edit must show.

    ``applies``: the version that imposes its modality in the scenario while the other does not:
    ``new`` for ``broader``, ``old`` for ``narrower``, and for ``different`` (each version covers a
    case the other does not) ``diff`` tells the new text's extra case, so ``new``. ``facts``: the
    true facts, exactly (the scenario is minimal), with ``{x}`` for the scenario's bearer and ``{y}``
    for its action's second argument, so that they name the fact that tells the versions apart
    whichever entities the engine picks (``None``: ``check`` decides). ``check(x, y, facts)``: what
    the bearer, the action or the facts must also be. No judgement is ever needed.
    """

    applies: str
    facts: tuple[str, ...] | None = ()
    check: Callable[[str, str | None, list[str]], bool] | None = None


TELLS = {
    # war(y) alone: the old text also needed embargoed(y)
    "condition-dropped": Tells("new", ("war({y})",)),
    # war(y) without embargoed(y): only the old text applies
    "condition-added": Tells("old", ("war({y})",)),
    # the new `unless embargoed(X)` is about the bearer: its embargo switches the new text off
    "unless-added": Tells("old", ("embargoed({x})", "war({y})")),
    # embargoed(y) without war(y): only the new `or` branch applies
    "or-added": Tells("new", ("embargoed({y})",)),
    # the new condition without the old one
    "condition-swapped": Tells("new", ("embargoed({y})",)),
    # GG = {AA}: BB, the one party outside GG, is bound by the old text only
    "subject-narrowed": Tells("old", (), lambda x, y, facts: x == "BB"),
    "named-bearer": Tells("old", (), lambda x, y, facts: x == "BB"),
    # an act nobody deems risky (no judgement true) is forbidden by the new text only
    "any-action-judgement-dropped": Tells("new"),
    # acting on anyone but BB was demanded by the old text only
    "target-fixed": Tells("old", (), lambda x, y, facts: y != "BB"),
    # exactly one of the two parties at war: some party is, not every party
    "every-party-to-some": Tells("new", None, lambda x, y, facts: facts in (["war(AA)"], ["war(BB)"])),
}

# the templates of VOCAB, to check the story's English
TOLD = {"war": "{0} is at war", "embargoed": "{0} is under embargo", "act": "{0} acts on {1}", "rest": "{0} rests"}
IMPOSES = {"obligation": "obliges", "prohibition": "forbids"}


def args_of(atom: str) -> list[str]:
    return [a.strip() for a in atom[atom.index("(") + 1 : -1].split(",")]


def told(atom: str) -> str:
    return TOLD[atom[: atom.index("(")]].format(*args_of(atom))


@pytest.mark.parametrize("pid,old,new,expected", PAIRS, ids=[p[0] for p in PAIRS])
def test_sentence_change(pid: str, old: str, new: str, expected: str) -> None:
    a = change(f"  article 1: {old}.\n", f"  article 1: {new}.\n")["TA:1"]
    assert a.change == expected, a
    if expected == "equivalent":
        assert pid not in TELLS and a.scenario is None
        return
    want, sc = TELLS[pid], a.scenario
    assert sc is not None and set(sc) == {"facts", "judgements", "bearer", "action", "applies", "story"}, sc
    assert sc["applies"] == want.applies == {"broader": "new", "narrower": "old", "different": "new"}[expected]
    action = str(sc["action"])
    x, *rest = args_of(action)
    y = rest[0] if rest else None
    assert x == sc["bearer"] and x in ("AA", "BB"), sc  # a party of TA
    facts = list(sc["facts"])
    if want.facts is not None:
        assert facts == sorted(f.format(x=x, y=y) for f in want.facts), sc
    assert sc["judgements"] == [], sc
    if want.check is not None:
        assert want.check(x, y, facts), sc
    # the story tells the facts, then what the applying text imposes on whom, and that the other does not
    other = "old" if sc["applies"] == "new" else "new"
    modality = IMPOSES["prohibition" if "shall not" in old else "obligation"]
    assert sc["story"] == "; ".join(
        [
            *(told(f) for f in facts),
            f"the {sc['applies']} text {modality} {x}: {told(action)}",
            f"the {other} text does not",
        ]
    ), sc


@pytest.mark.parametrize(
    "old,new,modality",
    [
        ("shall act(X, Y)", "may act(X, Y)", ("obligation", "permission")),
        ("shall not act(X, Y)", "shall act(X, Y)", ("prohibition", "obligation")),
        ("has the right to rest(X)", "may rest(X)", ("right", "permission")),
    ],
)
def test_modality_change(old: str, new: str, modality: tuple[str, str]) -> None:
    a = change(f"  article 1: each party X {old}.\n", f"  article 1: each party X {new}.\n")["TA:1"]
    assert a.change == "different" and a.modality == modality
    assert a.to_dict()["modality"] == {"old": modality[0], "new": modality[1]}


def test_parties_edit_is_narrower() -> None:
    old = world("  article 1: each party X shall rest(X).\n", parties="AA, BB")
    new = world("  article 1: each party X shall rest(X).\n", parties="AA")
    [a] = treatycheck.diff(old, new).articles
    assert a.change == "narrower" and a.scenario["bearer"] == "BB"


def test_added_and_removed_articles() -> None:
    arts = change("  article 1: each party X shall rest(X).\n", "  article 2: each party X shall rest(X).\n")
    assert arts["TA:1"].change == "removed" and arts["TA:2"].change == "added"


def test_second_sentence_is_compared_by_its_ref() -> None:
    arts = change(
        "  article 1: each party X shall rest(X). each party X may act(X, Y).\n",
        "  article 1: each party X shall rest(X). each party X may act(X, Y) if war(Y).\n",
    )
    assert arts["TA:1"].change == "equivalent" and arts["TA:1#2"].change == "narrower"


OTHER = """
treaty TB "Treaty B" signed 2005-01-01:
  parties: AA, BB.
  article 1: each party X shall not rest(X).
  article 2: this treaty prevails over all other treaties.
"""


def test_precedence_edit_turns_a_breach_into_deference() -> None:
    # TB's claim over the earlier TA ranks it; TA's claim over the later TB is an
    # undertaking that TB:1 breaches (an error). Deferring to TB instead: a warning.
    old = world(
        "  article 1: each party X shall rest(X).\n  article 9: this treaty prevails over all other treaties.\n",
        extra=OTHER,
    )
    new = world("  article 1: each party X shall rest(X).\n  article 9: this treaty is subject to TB.\n", extra=OTHER)
    report = treatycheck.diff(old, new)
    [ch] = report.changed
    assert ch.id == "TA:1~TB:1/obligation-prohibition"
    assert (ch.old.resolution.status, ch.old.resolution.by, ch.old.resolution.breaches) == (
        "prevails",
        ("TB:2",),
        ("TA:9",),
    )
    assert (ch.new.resolution.status, ch.new.resolution.by, ch.new.resolution.breaches) == ("prevails", ("TA:9",), ())
    assert ch.old.resolution.winner == ch.new.resolution.winner == "TB"
    arts = {a.ref: a for a in report.articles}
    assert arts["TA:9"].change == "different"
    assert not report.introduced and not report.resolved
    assert report.to_dict()["changed"][0] == {
        "id": "TA:1~TB:1/obligation-prohibition",
        "old": {"status": "prevails", "winner": "TB", "breaches": ["TA:9"], "severity": "error"},
        "new": {"status": "prevails", "winner": "TB", "severity": "warning"},
    }


def test_introduced_and_resolved_conflicts() -> None:
    base = "  article 1: each party X shall rest(X).\n"
    clash = base + "  article 2: each party X shall not rest(X) if war(X).\n"
    forward = treatycheck.diff(world(base), world(clash))
    # inside one treaty the special rule (TA:2, only in war) prevails: a warning
    [introduced] = forward.introduced
    assert introduced.id == "TA:1~TA:2/obligation-prohibition"
    assert (introduced.resolution.status, introduced.resolution.by) == ("prevails", ("lex specialis",))
    assert forward.worsened("warning") and not forward.worsened("error")
    backward = treatycheck.diff(world(clash), world(base))
    assert [c.id for c in backward.resolved] == ["TA:1~TA:2/obligation-prohibition"]
    assert not backward.worsened("warning")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "treatycheck", *args], capture_output=True, text=True, cwd=cwd)


def test_cli_diff_files_json_and_exit(tmp_path: Path) -> None:
    old, new = tmp_path / "old.treaty", tmp_path / "new.treaty"
    head = VOCAB + 'treaty TA "Treaty A":\n  parties: AA, BB.\n'
    old.write_text(head + "  article 1: each party X shall rest(X).\n", encoding="utf-8")
    new.write_text(
        head + "  article 1: each party X shall rest(X).\n  article 2: each party X shall not rest(X).\n",
        encoding="utf-8",
    )
    r = run("diff", "--no-builtin", "--format", "json", str(old), str(new))
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    assert data["schema"] == "treatycheck/diff/v1"
    assert [c["id"] for c in data["introduced"]] == ["TA:1~TA:2/obligation-prohibition"]
    assert {a["ref"]: a["change"] for a in data["articles"]} == {"TA:1": "equivalent", "TA:2": "added"}
    assert run("diff", "--no-builtin", "--fail-on", "never", str(old), str(new)).returncode == 0
    text = run("diff", "--no-builtin", str(new), str(old))
    assert text.returncode == 0 and "resolved (1)" in text.stdout


def test_cli_diff_git_revisions(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.invalid")
    git("config", "user.name", "t")
    f = tmp_path / "t.treaty"
    head = VOCAB + 'treaty TA "Treaty A":\n  parties: AA, BB.\n'
    f.write_text(head + "  article 1: each party X shall act(X, Y) if war(Y).\n", encoding="utf-8")
    git("add", ".")
    git("commit", "-qm", "one")
    f.write_text(head + "  article 1: each party X shall act(X, Y).\n", encoding="utf-8")
    r = run("diff", "--no-builtin", "--format", "json", "git:HEAD:t.treaty", "t.treaty", cwd=tmp_path)
    assert r.returncode == 0, r.stderr  # a broader sentence alone introduces no conflict
    [article] = json.loads(r.stdout)["articles"]
    assert {k: v for k, v in article.items() if k != "scenario"} == {"ref": "TA:1", "change": "broader"}
    # the edit dropped `if war(Y)`: the new text demands act(x, y) where y is not at war, so no fact is
    # true in the scenario, and it is the new (working-tree) text that applies, not the HEAD one
    sc = article["scenario"]
    x, y = args_of(sc["action"])
    assert sc["bearer"] == x and x in ("AA", "BB") and y in ("AA", "BB", "CC")
    assert (sc["applies"], sc["facts"], sc["judgements"]) == ("new", [], [])
    assert sc["story"] == f"the new text obliges {x}: {x} acts on {y}; the old text does not"
    bad = run("diff", "--no-builtin", "git:NOPE:t.treaty", "t.treaty", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_worked_edit_lets_the_north_atlantic_treaty_prevail() -> None:
    root = Path(__file__).resolve().parent.parent / "examples"
    old = treatycheck.load([str(root / "european_security_treaty.treaty")])
    new = treatycheck.load([str(root / "edits" / "european_security_treaty.treaty")])
    # the critics' reading of Art. 9(2): the one in which the draft would prevail
    report = treatycheck.diff(old.in_reading("critics"), new.in_reading("critics"))
    changed = {c.id: c for c in report.changed}
    nat4 = changed["EST:2.1~NAT:4/obligation-prohibition"]
    # before: EST's claim over the earlier NAT ranks it, and NAT:8 is an undertaking
    # that EST:2.1 breaches; after: EST defers to NAT
    old_res, new_res = nat4.old.resolution, nat4.new.resolution
    assert (old_res.status, old_res.winner, old_res.breaches, nat4.old.severity) == (
        "prevails",
        "EST",
        ("NAT:8",),
        "error",
    )
    assert (new_res.status, new_res.winner, new_res.by, new_res.breaches) == ("prevails", "NAT", ("EST:9.1",), ())
    # NAT:5 stood before only because the Charter's collective self-defence (and
    # EST's own Art. 7) displaced EST:2.1; now NAT prevails pairwise
    nat5 = changed["EST:2.1~NAT:5/obligation-prohibition"]
    assert (nat5.old.resolution.status, nat5.old.resolution.winner) == ("displaced", "NAT")
    assert (nat5.new.resolution.status, nat5.new.resolution.winner) == ("prevails", "NAT")
    assert set(changed) == {
        "EST:2.1~NAT:10/permission-prohibition",
        "EST:2.1~NAT:4/obligation-prohibition",
        "EST:2.1~NAT:5/obligation-prohibition",
    }
    arts = {a.ref: a.change for a in report.articles}
    assert arts["EST:9.1"] == "different"
    assert all(v == "equivalent" for k, v in arts.items() if k != "EST:9.1")
