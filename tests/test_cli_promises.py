"""Promises of the command line, as a user meets them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "treatycheck", *args], capture_output=True, text=True, cwd=cwd)


def test_diff_reads_a_git_directory_as_a_plain_one() -> None:
    """`examples/edits/` holds a second EST: read recursively, either side would fail."""
    r = run("diff", "--no-cache", "--format", "json", "git:HEAD:examples", "examples", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["introduced"], data["resolved"], data["changed"]) == ([], [], [])
    assert data["articles"] and {a["change"] for a in data["articles"]} == {"equivalent"}


def test_git_directories_list_direct_children_only(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    vocab = 'state AA "Alpha".\nstate BB "Beta".\naction act(x) "{x} acts".\n'
    treaty = 'treaty TA "Treaty A":\n  parties: AA, BB.\n  article 1: each party X shall act(X).\n'
    (tmp_path / "reg" / "old").mkdir(parents=True)
    (tmp_path / "reg" / "t.treaty").write_text(vocab + treaty, encoding="utf-8")
    (tmp_path / "reg" / "old" / "t.treaty").write_text(vocab + treaty.replace("shall", "may"), encoding="utf-8")
    git("init", "-q")
    git("config", "user.email", "t@example.invalid")
    git("config", "user.name", "t")
    git("add", ".")
    git("commit", "-qm", "one")
    for old in ("git:HEAD:reg", "git:HEAD:reg/"):
        r = run("diff", "--no-builtin", "--no-cache", "--format", "json", old, "reg", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["articles"] == [{"ref": "TA:1", "change": "equivalent"}]


BASELINE_WORLD = """\
state AA "Alpha".
state BB "Beta".
action act(x) "{x} acts".
treaty TA "Treaty A" signed 2000-01-01:
  parties: AA, BB.
  article 1: each party X shall act(X).
treaty TB "Treaty B" signed 2001-01-01:
  parties: AA, BB.
  article 1: each party X shall not act(X).
"""


def test_baseline_suppresses_a_conflict_only_while_it_is_unchanged(tmp_path: Path) -> None:
    world = tmp_path / "w.treaty"
    world.write_text(BASELINE_WORLD, encoding="utf-8")
    base = tmp_path / "baseline.json"
    first = run(
        "check",
        "--no-builtin",
        "--no-cache",
        "--format",
        "json",
        "--write-baseline",
        str(base),
        "w.treaty",
        cwd=tmp_path,
    )
    [conflict] = json.loads(first.stdout)["conflicts"]
    assert (conflict["severity"], conflict["resolution"]["status"]) == ("warning", "prevails")  # lex posterior
    assert first.returncode == 0, first.stderr
    same = run(
        "check", "--no-builtin", "--no-cache", "--format", "json", "--baseline", str(base), "w.treaty", cwd=tmp_path
    )
    assert same.returncode == 0 and json.loads(same.stdout)["conflicts"] == []
    # both treaties now claim to prevail: TB's claim over the earlier TA ranks it,
    # TA's over the later TB is an undertaking that TB:1 breaches (VCLT 30(5)): the
    # same id and winner, but an error
    world.write_text(
        BASELINE_WORLD.replace(
            "shall not act(X).\n", "shall not act(X).\n  article 2: this treaty prevails over TA.\n"
        ).replace("shall act(X).\n", "shall act(X).\n  article 2: this treaty prevails over TB.\n"),
        encoding="utf-8",
    )
    worse = run(
        "check", "--no-builtin", "--no-cache", "--format", "json", "--baseline", str(base), "w.treaty", cwd=tmp_path
    )
    [again] = json.loads(worse.stdout)["conflicts"]
    assert again["id"] == conflict["id"]
    assert (again["severity"], again["resolution"]["status"]) == ("error", "prevails")
    assert (again["resolution"]["winner"], again["resolution"]["breaches"]) == ("TB", ["TA:2"])
    assert worse.returncode == 1


def test_a_v1_baseline_is_refused_with_advice(tmp_path: Path) -> None:
    (tmp_path / "w.treaty").write_text(BASELINE_WORLD, encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"schema": "treatycheck/baseline/v1", "conflicts": ["x"]}))
    r = run("check", "--no-builtin", "--no-cache", "--baseline", "b.json", "w.treaty", cwd=tmp_path)
    assert r.returncode == 2 and "baseline/v1" in r.stderr and "--write-baseline" in r.stderr
    assert "Traceback" not in r.stderr


NOTS = """\
state AA "Alpha".
state BB "Beta".
group GG members AA.
fact war(x) "{x} is at war".
fact calm(x) "{x} is calm".
action act(x) "{x} acts".
treaty TA "Treaty A":
  parties: AA, BB.
  article 1: each party X shall act(X) if not (war(X) and calm(X)).
  article 2: each party X shall act(X) if not war(X) and calm(X).
  article 3: each party X shall act(X) if not X in GG and X is not AA.
"""


def test_the_scope_of_not_is_never_ambiguous_in_words(tmp_path: Path) -> None:
    (tmp_path / "n.treaty").write_text(NOTS, encoding="utf-8")
    r = run("parse", "--no-builtin", "--format", "json", "n.treaty", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    words = {n["ref"]: n["english"] for n in json.loads(r.stdout)["norms"]}
    assert words["TA:1"].endswith("when it is not the case that (X is at war and X is calm).")
    assert words["TA:2"].endswith("when (it is not the case that X is at war) and X is calm.")
    assert words["TA:3"].endswith("when X is not a member of GG and X is not AA.")


def test_jobs_from_a_script_without_a_main_guard(tmp_path: Path) -> None:
    """Workers do not re-import the user's script, so the unguarded call works."""
    example = ROOT / "examples" / "european_security_treaty.treaty"
    script = tmp_path / "script.py"
    script.write_text(
        "import treatycheck\n"
        f"world = treatycheck.load({str(example)!r})\n"
        "one = treatycheck.check(world)\n"
        "two = treatycheck.check(world, jobs=2)\n"
        "assert [c.id for c in one.conflicts] == [c.id for c in two.conflicts]\n"
        "print(len(two.conflicts), __file__ == " + repr(str(script)) + ")\n",
        encoding="utf-8",
    )
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr
    count, file_kept = r.stdout.split()
    assert int(count) > 0 and file_kept == "True"  # and __main__ got its __file__ back


BROKEN = """\
state AA "Alpha".
action act(x) "{x} acts".
treaty TA "Treaty A":
  parties: AA, ZZ.
  article 1: each party X shall actt(X).
"""

#: (code, message, line, column) of BROKEN's two errors, in the order found
BROKEN_ERRORS = [
    ("E200", "unknown entity `ZZ`", 4, 16),
    ("E201", "unknown predicate `actt`", 5, 33),
]


def _error_rows(doc: dict) -> list[tuple]:
    return [(d["code"], d["message"], d["line"], d["column"]) for d in doc["diagnostics"]]


def test_check_json_on_unusable_input_is_an_error_document(tmp_path: Path) -> None:
    (tmp_path / "bad.treaty").write_text(BROKEN, encoding="utf-8")
    r = run("check", "--no-builtin", "--no-cache", "--format", "json", "bad.treaty", cwd=tmp_path)
    assert r.returncode == 2
    doc = json.loads(r.stdout)
    assert (doc["schema"], doc["command"], doc["error"]) == ("treatycheck/errors/v1", "check", True)
    assert _error_rows(doc) == BROKEN_ERRORS
    assert {d["file"] for d in doc["diagnostics"]} == {"bad.treaty"}
    assert doc["diagnostics"][1]["help"] == "did you mean `act`?"
    assert doc["summary"] == {"errors": 2, "warnings": 0}
    # the diagnostics for people are still on standard error
    assert "bad.treaty:4:16: error: unknown entity `ZZ`" in r.stderr
    assert r.stderr.rstrip().endswith("treatycheck: 2 errors; nothing was checked")


def test_check_sarif_on_unusable_input_is_a_failed_invocation(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads((ROOT / "tests" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    (tmp_path / "bad.treaty").write_text(BROKEN, encoding="utf-8")
    r = run("check", "--no-builtin", "--no-cache", "--format", "sarif", "-o", "out.sarif", "bad.treaty", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    log = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    [sarif_run] = log["runs"]
    assert sarif_run["results"] == []
    [invocation] = sarif_run["invocations"]
    assert invocation["executionSuccessful"] is False
    rows = []
    for n in invocation["toolExecutionNotifications"]:
        [where] = n["locations"]
        region = where["physicalLocation"]["region"]
        assert where["physicalLocation"]["artifactLocation"]["uri"] == "bad.treaty" and n["level"] == "error"
        rows.append((n["descriptor"]["id"], n["message"]["text"], region["startLine"], region["startColumn"]))
    assert [(c, line, col) for c, _, line, col in rows] == [(c, line, col) for c, _, line, col in BROKEN_ERRORS]
    assert [t.split(" (help: ")[0] for _, t, _, _ in rows] == [m for _, m, _, _ in BROKEN_ERRORS]
    assert "unknown entity `ZZ`" in r.stderr


def test_a_missing_file_in_sarif_has_no_region(tmp_path: Path) -> None:
    r = run("check", "--no-builtin", "--no-cache", "--format", "sarif", "nope.treaty", cwd=tmp_path)
    assert r.returncode == 2
    [note] = json.loads(r.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"] == "no such file `nope.treaty` (help: check the path)"
    assert note["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "nope.treaty"}}}]


@pytest.mark.parametrize(
    "args",
    [
        ["parse", "bad.treaty"],
        ["explain", "TA:1", "bad.treaty"],
        ["test", "--no-cache", "bad.treaty"],
        ["diff", "--no-cache", "bad.treaty", "bad.treaty"],
    ],
    ids=["parse", "explain", "test", "diff"],
)
def test_every_json_command_writes_an_error_document(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "bad.treaty").write_text(BROKEN, encoding="utf-8")
    r = run(args[0], "--no-builtin", "--format", "json", "-o", "out.json", *args[1:], cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert (doc["schema"], doc["command"]) == ("treatycheck/errors/v1", args[0])
    assert _error_rows(doc) == BROKEN_ERRORS
    assert "unknown predicate `actt`" in r.stderr


def test_a_missing_file_has_null_position(tmp_path: Path) -> None:
    r = run("parse", "--no-builtin", "--format", "json", "nope.treaty", cwd=tmp_path)
    assert r.returncode == 2
    [d] = json.loads(r.stdout)["diagnostics"]
    assert d == {
        "code": "E100",
        "severity": "error",
        "message": "no such file `nope.treaty`",
        "file": "nope.treaty",
        "line": None,
        "column": None,
        "help": "check the path",
        "breadcrumb": None,
        "related": [],
    }


def test_html_on_unusable_input_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "bad.treaty").write_text(BROKEN, encoding="utf-8")
    r = run("check", "--no-builtin", "--no-cache", "--format", "html", "-o", "r.html", "bad.treaty", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == "" and not (tmp_path / "r.html").exists()
    assert "unknown entity `ZZ`" in r.stderr


# the baseline world with a precedence sentence in TA and a third, later treaty
RANKED = BASELINE_WORLD.replace("shall act(X).\n", "shall act(X).\n  article 2: this treaty prevails over TB.\n") + (
    'treaty TC "Treaty C" signed 2002-01-01:\n  parties: AA, BB.\n  article 1: each party X shall not act(X).\n'
)


def test_explain_a_precedence_sentence(tmp_path: Path) -> None:
    """TA:2 claims priority over the later TB: no ranking but an undertaking, which TB:1
    against TA:1 breaches; TA:1 against TC:1 does not concern TA:2."""
    (tmp_path / "r.treaty").write_text(RANKED, encoding="utf-8")
    r = run("explain", "--no-builtin", "TA:2", "r.treaty", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    blocks = r.stdout.split("\n\n")
    assert blocks[0] == (
        "TA:2  (r.treaty:7:14)\n"
        "  text:  this treaty prevails over TB.\n"
        "  kind:  prevails_over\n"
        "  words: TA:2 claims priority for TA over TB: a ranking toward earlier or undated instruments,"
        " toward later ones an undertaking (VCLT art. 30(4), 30(5)).\n"
        "  decides: 1 conflict"
    )
    assert blocks[1] == "1 conflict:"
    assert blocks[2].startswith("error[obligation-prohibition]: TB:1 overrides TA:1 (TB prevails by lex posterior)")
    assert "= breach: by accepting TB:1, AA breaches TA:2" in blocks[2]
    assert "TC:1" not in r.stdout

    j = run("explain", "--no-builtin", "--format", "json", "TA:2", "r.treaty", cwd=tmp_path)
    assert j.returncode == 0, j.stderr
    data = json.loads(j.stdout)
    assert data["schema"] == "treatycheck/explain/v1" and data["norms"] == []
    assert data["precedence"] == [
        {
            "ref": "TA:2",
            "treaty": "TA",
            "kind": "prevails_over",
            "treaties": ["TB"],
            "text": "this treaty prevails over TB.",
            "file": "r.treaty",
            "line": 7,
            "column": 14,
            "english": "TA:2 claims priority for TA over TB: a ranking toward earlier or undated instruments,"
            " toward later ones an undertaking (VCLT art. 30(4), 30(5)).",
            "decides": ["TA:1~TB:1/obligation-prohibition"],
        }
    ]
    assert [c["id"] for c in data["conflicts"]] == ["TA:1~TB:1/obligation-prohibition"]
    resolution = data["conflicts"][0]["resolution"]
    assert (resolution["by"], resolution["breaches"]) == (["lex posterior"], ["TA:2"])


def test_explain_a_built_in_precedence_sentence() -> None:
    """NAT:8 is an undertaking not to enter conflicting engagements: it ranks nothing,
    and under the critics' reading of EST:9.2 the draft's wins over NATO's Treaty
    breach it."""
    r = run(
        "explain",
        "--format",
        "json",
        "--reading",
        "critics",
        "NAT:8",
        "examples/european_security_treaty.treaty",
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    [clause] = data["precedence"]
    assert (clause["kind"], clause["treaties"], clause["text"]) == (
        "forbids_engagements",
        [],
        "this treaty forbids conflicting engagements.",
    )
    assert clause["english"].startswith("NAT:8 ")
    assert clause["decides"] and clause["decides"] == [c["id"] for c in data["conflicts"]]
    assert {c["id"] for c in data["conflicts"]} == {
        "EST:2.1~NAT:4/obligation-prohibition",
        "EST:2.1~NAT:10/permission-prohibition",
    }
    assert all(c["resolution"]["breaches"] == ["NAT:8"] for c in data["conflicts"])
    # by the words of Art. 9(2) the draft defers to NATO's Treaty: nothing is breached
    plain = run(
        "explain",
        "--format",
        "json",
        "--reading",
        "plain",
        "NAT:8",
        "examples/european_security_treaty.treaty",
        cwd=ROOT,
    )
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout)["precedence"][0]["decides"] == []


def test_explain_an_unknown_ref_suggests_norms_and_precedence_sentences(tmp_path: Path) -> None:
    (tmp_path / "r.treaty").write_text(RANKED, encoding="utf-8")
    r = run("explain", "--no-builtin", "TA:22", "r.treaty", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert (
        r.stderr.splitlines()[0] == "treatycheck: error: no norm or precedence sentence `TA:22`; did you mean `TA:2`?"
    )
    j = run("explain", "--no-builtin", "--format", "json", "TA:22", "r.treaty", cwd=tmp_path)
    assert j.returncode == 2
    [d] = json.loads(j.stdout)["diagnostics"]
    assert (d["code"], d["file"], d["line"]) == ("E301", None, None)
    assert d["message"] == "no norm or precedence sentence `TA:22`; did you mean `TA:2`?"


def test_git_directories_read_from_a_subdirectory_and_as_dot(tmp_path: Path) -> None:
    """From a subdirectory, `git:HEAD:reg` is still the top's `reg` and `git:HEAD:.` the current one;
    names git would quote (non-ASCII) are read as they are."""

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    text = 'state AA "Alpha".\naction act(x) "{x} acts".\ntreaty TA "Treaty A":\n  parties: AA.\n'
    reg = tmp_path / "reg"
    (reg / "old").mkdir(parents=True)
    (reg / "trätt.treaty").write_text(text + "  article 1: each party X shall act(X).\n", encoding="utf-8")
    (reg / "old" / "t.treaty").write_text(text + "  article 1: each party X may act(X).\n", encoding="utf-8")
    git("init", "-q")
    git("config", "user.email", "t@example.invalid")
    git("config", "user.name", "t")
    git("add", ".")
    git("commit", "-qm", "one")
    for cwd, old in ((reg, "git:HEAD:reg"), (reg, "git:HEAD:."), (reg, "git:HEAD:./"), (tmp_path, "git:HEAD:reg/")):
        new = "." if cwd == reg else "reg"
        r = run("diff", "--no-builtin", "--no-cache", "--format", "json", old, new, cwd=cwd)
        assert r.returncode == 0, (old, r.stderr)
        assert json.loads(r.stdout)["articles"] == [{"ref": "TA:1", "change": "equivalent"}], old
    top = run("diff", "--no-builtin", "--no-cache", "git:HEAD:.", ".", cwd=tmp_path)
    assert top.returncode == 2 and "`.` at `HEAD` holds no `.treaty` files" in top.stderr


def test_a_baselined_conflict_with_another_winner_is_reported(tmp_path: Path) -> None:
    """Same id and severity, but the other treaty now prevails: no longer the accepted conflict."""
    world = tmp_path / "w.treaty"
    world.write_text(BASELINE_WORLD, encoding="utf-8")
    first = run("check", "--no-builtin", "--no-cache", "--write-baseline", "b.json", "w.treaty", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert json.loads((tmp_path / "b.json").read_text(encoding="utf-8")) == {
        "schema": "treatycheck/baseline/v2",
        "conflicts": [
            {"id": "TA:1~TB:1/obligation-prohibition", "severity": "warning", "status": "prevails", "winner": "TB"}
        ],
    }
    same = run("check", "--no-builtin", "--no-cache", "--baseline", "b.json", "w.treaty", cwd=tmp_path)
    assert same.returncode == 0 and same.stdout.startswith("no conflicts: 0 errors, 0 warnings in 2 norms")
    # TB defers to TA (VCLT 30(2)): TA prevails, whatever the dates
    world.write_text(
        BASELINE_WORLD.replace(
            "shall not act(X).\n", "shall not act(X).\n  article 2: this treaty is subject to TA.\n"
        ),
        encoding="utf-8",
    )
    args = ("check", "--no-builtin", "--no-cache", "--format", "json", "--baseline", "b.json", "w.treaty")
    moved = run(*args, cwd=tmp_path)
    [conflict] = json.loads(moved.stdout)["conflicts"]
    assert (conflict["severity"], conflict["resolution"]["winner"]) == ("warning", "TA")
    assert moved.returncode == 0  # a warning, below the default --fail-on error
    assert run(*args, "--fail-on", "warning", cwd=tmp_path).returncode == 1


def test_a_v1_baseline_in_json_gives_an_error_document(tmp_path: Path) -> None:
    (tmp_path / "w.treaty").write_text(BASELINE_WORLD, encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"schema": "treatycheck/baseline/v1", "conflicts": ["x"]}))
    r = run("check", "--no-builtin", "--no-cache", "--format", "json", "--baseline", "b.json", "w.treaty", cwd=tmp_path)
    assert r.returncode == 2
    [d] = json.loads(r.stdout)["diagnostics"]
    assert (d["code"], d["file"], d["line"]) == ("E100", "b.json", None)
    assert d["message"] == "`b.json` is a treatycheck/baseline/v1 baseline, which records ids only"
    assert d["help"].endswith("write it again with --write-baseline FILE")


def test_parse_text_brackets_a_negated_compound(tmp_path: Path) -> None:
    (tmp_path / "n.treaty").write_text(NOTS, encoding="utf-8")
    r = run("parse", "--no-builtin", "n.treaty", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    words = [line.strip() for line in r.stdout.splitlines() if line.strip().startswith("words:")]
    assert words == [
        "words: Each party X to TA must see that X acts, when it is not the case that (X is at war and X is calm).",
        "words: Each party X to TA must see that X acts, when (it is not the case that X is at war) and X is calm.",
        "words: Each party X to TA must see that X acts, when X is not a member of GG and X is not AA.",
    ]
    logic = [line.strip() for line in r.stdout.splitlines() if line.strip().startswith("logic:")]
    assert logic[0].endswith("¬(war(X) ∧ calm(X)) → O act(X)") and logic[1].endswith("(¬war(X) ∧ calm(X)) → O act(X)")


def test_load_and_check_files_take_one_path_from_a_script(tmp_path: Path) -> None:
    """A str or a pathlib.Path is one file, not the characters of its name."""
    (tmp_path / "vocab.treaty").write_text(BASELINE_WORLD.split("treaty TA")[0], encoding="utf-8")
    (tmp_path / "w.treaty").write_text("treaty TA" + BASELINE_WORLD.split("treaty TA")[1], encoding="utf-8")
    script = tmp_path / "paths.py"
    script.write_text(
        "from pathlib import Path\n"
        "import treatycheck\n"
        "for world in (\n"
        "    treatycheck.load(Path('w.treaty'), builtin=False, against=Path('vocab.treaty')),\n"
        "    treatycheck.load('w.treaty', builtin=False, against='vocab.treaty'),\n"
        "    treatycheck.load([Path('w.treaty')], builtin=False, against=[Path('vocab.treaty')]),\n"
        "):\n"
        "    print(sorted(world.user_files), sorted(t.id for t in world.treaties))\n"
        "report = treatycheck.check_files(Path('w.treaty'), builtin=False, against=Path('vocab.treaty'))\n"
        "print([c.id for c in report.conflicts])\n",
        encoding="utf-8",
    )
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "['w.treaty'] ['TA', 'TB']",
        "['w.treaty'] ['TA', 'TB']",
        "['w.treaty'] ['TA', 'TB']",
        "['TA:1~TB:1/obligation-prohibition']",
    ]


# TA:1 gives way wherever it meets TC:1 to two norms: TAA:1, above TA by TA's own
# deference (a full ranking, which breaches nothing), and the later TB:1 (lex
# posterior, which breaches TA's undertaking TA:8): the breach is TB:1's
SPLIT_BREACH = """\
state AA "Alpha".
state BB "Beta".
action assist(actor, victim) "{actor} assists {victim}".
fact attacked(x) "{x} is attacked".
treaty TA "Alliance" signed 1990-01-01:
  parties: AA, BB.
  article 1: each party X shall assist(X, Y) if attacked(Y) and Y is not X.
  article 8: this treaty forbids conflicting engagements.
  article 9: this treaty is subject to TAA.
treaty TAA "Older" signed 1980-01-01:
  parties: AA, BB.
  article 1: each party X shall not assist(X, Y).
treaty TB "Non-assistance Pact" signed 2010-01-01:
  parties: AA, BB.
  article 1: each party X shall not assist(X, Y).
treaty TC "Old Neutrality Treaty" signed 1985-01-01:
  parties: AA, BB.
  article 1: each party X shall not assist(X, Y).
"""


def test_a_displaced_conflicts_breach_names_the_norm_whose_ranking_breaches(tmp_path: Path) -> None:
    (tmp_path / "w.treaty").write_text(SPLIT_BREACH, encoding="utf-8")
    r = run("check", "--no-builtin", "--no-cache", "--format", "json", "w.treaty", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    found = {c["id"]: c for c in json.loads(r.stdout)["conflicts"]}
    tc = found["TA:1~TC:1/obligation-prohibition"]
    assert (tc["resolution"]["status"], tc["resolution"]["winner"], tc["resolution"]["breaches"]) == (
        "displaced",
        "TC",
        ["TA:8"],
    )
    text = run("check", "--no-builtin", "--no-cache", "w.treaty", cwd=tmp_path).stdout
    block = text[text.index("TA:1 gives way to a higher norm wherever TA:1 and TC:1 meet") :].split("\n\n")[0]
    assert "= breach: by accepting TB:1, AA breaches TA:8" in block
    assert "by accepting TAA:1" not in text
