"""Promises of the command line, as a user meets them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    # both treaties now claim to prevail: the same id, but a deadlock and an error
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
    assert (again["severity"], again["resolution"]["status"]) == ("error", "deadlock")
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
