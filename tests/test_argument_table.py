"""The argument table of ``examples/README.md`` is what the tool prints.

Every row of the table "The seed's arguments, as the tool finds them" names a
command and lines of its output: each command is run from the repository root (with
a cache of the test's own), and each quoted line must appear in what it printed,
spaces and line breaks aside (the text report wraps long lines). The rows of the
table of arguments the tool cannot show carry no command, and say why.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "examples" / "README.md"
SHOWN = "## 3. The seed's arguments, as the tool finds them"
NOT_SHOWN = "### Arguments the tool cannot show"


def _table(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first Markdown table after ``heading``, as cells."""
    lines = text[text.index(heading) :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _spans(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _flat(text: str) -> str:
    return " ".join(text.split())


ROWS = _table(README.read_text(encoding="utf-8"), SHOWN)


def test_the_table_covers_the_seed_s_arguments() -> None:
    """One row per argument the issue names, each with a command and a line."""
    text = " ".join(row[1] for row in ROWS)
    for words in (
        "reverses the standard clause",
        "contentious and subjective",
        "even in self-defense",
        "Hoyer",
        "Ashton",
        "veto",
        "already contained",
        "Rasmussen",
        "Charter",
        "Lavrov",
    ):
        assert words in text, words
    for row in ROWS:
        assert len(row) == 5, row
        assert _spans(row[2]) and _spans(row[2])[0].startswith("treatycheck "), row
        assert _spans(row[3]), row
    gaps = _table(README.read_text(encoding="utf-8"), NOT_SHOWN)
    assert any("Gordon" in r[1] for r in gaps)
    # each says why, and names no command (there is none that shows it)
    assert all(len(r) == 3 and r[2] and not any(s.startswith("treatycheck") for s in _spans(r[2])) for r in gaps)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each distinct command of the table, run once."""
    env = dict(os.environ, TREATYCHECK_CACHE_DIR=str(tmp_path_factory.mktemp("cache")), NO_COLOR="1")
    out: dict[str, str] = {}
    for row in ROWS:
        command = _spans(row[2])[0]
        if command in out:
            continue
        argv = shlex.split(command)
        r = subprocess.run(
            [sys.executable, "-m", "treatycheck", *argv[1:]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert "Traceback" not in r.stderr, (command, r.stderr)
        assert r.returncode in (0, 1), (command, r.returncode, r.stderr)
        out[command] = _flat(r.stdout)
    return out


@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
def test_each_row_is_what_its_command_prints(row: list[str], outputs: dict[str, str]) -> None:
    printed = outputs[_spans(row[2])[0]]
    for line in _spans(row[3]):
        assert _flat(line) in printed, (row[0], line)


def _printed(command: str) -> str:
    """What ``command`` (``treatycheck ...``) prints, run from the repository root."""
    r = subprocess.run(
        [sys.executable, "-m", "treatycheck", *shlex.split(command)[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, NO_COLOR="1"),
    )
    assert "Traceback" not in r.stderr, r.stderr
    return r.stdout


def test_the_finding_explained_is_the_one_printed() -> None:
    """Section 4 explains a finding: it is the first one its command prints."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## 4. Read a finding") :]
    block = section[section.index("```\n") + 4 :]
    block = block[: block.index("```")]
    command = " ".join(re.search(r"\(from `(treatycheck [^`]+)`\)", section, re.S).group(1).split())  # type: ignore[union-attr]
    printed = _printed(command)
    assert printed.startswith(block), (command, printed[: len(block)])


def test_the_readme_tour_shows_what_the_tool_prints() -> None:
    """The project README's tour quotes a finding whole: it is in the output of the
    command the tour names."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = text[text.index("## A short tour") : text.index("## Three ways to use it")]
    command = "treatycheck check examples/european_security_treaty.treaty --prefer US,RU,PL"
    assert f"(`{command}`)" in tour
    blocks = re.findall(r"```\n(.*?)```", tour, re.S)
    finding = next(b for b in blocks if b.startswith("error[obligation-prohibition]"))
    printed = _printed(command)
    assert finding in printed
    # the shortened one: each of its lines but the elisions is a line of the output
    short = next(b for b in blocks if b.startswith("warning[obligation-prohibition]"))
    lines = printed.splitlines()
    assert all(line in lines for line in short.splitlines() if line.strip() != "...")
    assert f"prints {len([x for x in lines if x.startswith(('error[', 'warning['))])} findings" in tour
