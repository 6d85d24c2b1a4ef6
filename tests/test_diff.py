"""`treatycheck diff`: sentence changes decided by the solver, conflicts matched by id."""

from __future__ import annotations

import json
import subprocess
import sys
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


@pytest.mark.parametrize("old,new,expected", [p[1:] for p in PAIRS], ids=[p[0] for p in PAIRS])
def test_sentence_change(old: str, new: str, expected: str) -> None:
    a = change(f"  article 1: {old}.\n", f"  article 1: {new}.\n")["TA:1"]
    assert a.change == expected, a
    if expected == "equivalent":
        assert a.scenario is None
    else:
        # the scenario tells the versions apart, and the evaluator replayed it
        assert a.scenario is not None and a.scenario["story"]
        assert a.scenario["applies"] == (
            "new" if expected == "broader" else "old" if expected == "narrower" else a.scenario["applies"]
        )


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


def test_precedence_edit_turns_deadlock_into_prevails() -> None:
    old = world(
        "  article 1: each party X shall rest(X).\n  article 9: this treaty prevails over all other treaties.\n",
        extra=OTHER,
    )
    new = world("  article 1: each party X shall rest(X).\n  article 9: this treaty is subject to TB.\n", extra=OTHER)
    report = treatycheck.diff(old, new)
    [ch] = report.changed
    assert ch.id == "TA:1~TB:1/obligation-prohibition"
    assert ch.old.resolution.status == "deadlock" and ch.new.resolution.status == "prevails"
    assert ch.new.resolution.winner == "TB"
    arts = {a.ref: a for a in report.articles}
    assert arts["TA:9"].change == "different"
    assert not report.introduced and not report.resolved
    assert report.to_dict()["changed"][0]["new"] == {"status": "prevails", "winner": "TB", "severity": "warning"}


def test_introduced_and_resolved_conflicts() -> None:
    base = "  article 1: each party X shall rest(X).\n"
    clash = base + "  article 2: each party X shall not rest(X) if war(X).\n"
    forward = treatycheck.diff(world(base), world(clash))
    assert [c.id for c in forward.introduced] == ["TA:1~TA:2/obligation-prohibition"]
    assert forward.worsened("error")
    backward = treatycheck.diff(world(clash), world(base))
    assert [c.id for c in backward.resolved] == ["TA:1~TA:2/obligation-prohibition"]
    assert not backward.worsened("error")


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
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["articles"] == [
        {"ref": "TA:1", "change": "broader", "scenario": json.loads(r.stdout)["articles"][0]["scenario"]}
    ]
    bad = run("diff", "--no-builtin", "git:NOPE:t.treaty", "t.treaty", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_worked_edit_resolves_the_deadlock() -> None:
    root = Path(__file__).resolve().parent.parent / "examples"
    old = treatycheck.load([str(root / "european_security_treaty.treaty")])
    new = treatycheck.load([str(root / "edits" / "european_security_treaty.treaty")])
    report = treatycheck.diff(old, new)
    changed = {c.id: c for c in report.changed}
    nat5 = changed["EST:2.1~NAT:5/obligation-prohibition"]
    assert nat5.old.resolution.status == "deadlock"
    assert (nat5.new.resolution.status, nat5.new.resolution.winner) == ("prevails", "NAT")
    arts = {a.ref: a.change for a in report.articles}
    assert arts["EST:9.1"] == "different"
    assert all(v == "equivalent" for k, v in arts.items() if k != "EST:9.1")
