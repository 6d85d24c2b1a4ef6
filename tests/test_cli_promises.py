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
