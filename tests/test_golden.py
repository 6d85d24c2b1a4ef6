"""Golden text reports: ``treatycheck check --no-builtin --all --no-cache NAME.treaty``, run from
tests/cases/golden, prints exactly ``NAME.txt`` (after its first line, ``exit: N``, the
expected exit code), with the time in the closing count replaced by ``<time>``.

``python3 -m pytest tests/test_golden.py --update-golden`` rewrites the ``.txt`` files
from the current output instead of comparing; review the diff before committing it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "cases" / "golden"
WORLDS = sorted(GOLDEN.glob("*.treaty"))

# the closing count of engine/report/text.py: "[no conflicts: ]N errors, N warnings[, N unknown] in N norms (0.41 s)"
CLOSING = re.compile(
    r"^(?P<count>(?:no conflicts: )?(?P<errors>\d+) errors?, \d+ warnings?(?:, \d+ unknown)? in \d+ norms?) "
    r"\((?:\d+\.\d\d|<time>) s\)$",
    re.MULTILINE,
)
EXIT = re.compile(r"exit: (\d)\n")


def normalise(report: str) -> str:
    """The report with the seconds of its closing count replaced by ``<time>`` (the only
    part that varies between runs); fails if the closing count is not there exactly once."""
    out, n = CLOSING.subn(r"\g<count> (<time> s)", report)
    assert n == 1, f"no closing count (or more than one) in:\n{report}"
    return out


def run_check(world: Path, cache: Path) -> subprocess.CompletedProcess[bytes]:
    # --no-cache: every verdict is solved afresh; the cache directory is a temporary one all the same,
    # so that nothing else (a snapshot) could be read from or left in the user's
    env = dict(os.environ, TREATYCHECK_CACHE_DIR=str(cache), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "treatycheck", "check", "--no-builtin", "--all", "--no-cache", world.name],
        cwd=GOLDEN,
        env=env,
        capture_output=True,
    )


def test_golden_corpus_is_complete() -> None:
    """At least four worlds; every world has its .txt and every .txt its world; the README
    lists every world."""
    assert len(WORLDS) >= 4
    assert {p.stem for p in GOLDEN.glob("*.txt")} == {p.stem for p in WORLDS}
    readme = (GOLDEN / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in WORLDS if f"`{p.name}`" not in readme]
    assert not missing, f"tests/cases/golden/README.md does not list {missing}"


@pytest.mark.parametrize("world", WORLDS, ids=lambda p: p.stem)
def test_golden_report(world: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    run = run_check(world, tmp_path / "cache")
    # no reader warning, no traceback, no input error (exit 2)
    assert run.stderr == b"", f"exit {run.returncode}: {run.stderr.decode('utf-8', 'replace')}"
    report = normalise(run.stdout.decode("utf-8"))
    assert "\x1b[" not in report, "the report must be plain text"
    # the exit code follows from the report: 1 exactly when it counts an error (--fail-on error)
    [match] = CLOSING.finditer(report)
    assert run.returncode == (1 if int(match["errors"]) else 0), report
    golden = world.with_suffix(".txt")
    actual = f"exit: {run.returncode}\n{report}".encode()
    if request.config.getoption("--update-golden"):
        golden.write_bytes(actual)
        pytest.skip(f"rewrote {golden.name}")
    assert golden.exists(), f"no {golden.name}: write it with --update-golden and review it"
    expected = golden.read_bytes()
    header = EXIT.match(expected.decode("utf-8"))
    assert header, f"{golden.name} must start with a line `exit: N`"
    assert run.returncode == int(header[1]), f"exit {run.returncode}, {golden.name} expects {header[1]}"
    assert actual.decode("utf-8") == expected.decode("utf-8"), (
        f"the report of {world.name} differs from {golden.name}; if the change is intended, run "
        "`python3 -m pytest tests/test_golden.py --update-golden` and review the diff"
    )
