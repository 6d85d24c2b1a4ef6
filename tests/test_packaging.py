"""The wheel works outside the repository: grammar and built-in rules ship inside it.

Builds a wheel from the tree, installs it into a fresh virtual environment (which
reuses this interpreter's installed dependencies), and runs ``treatycheck parse`` and
``treatycheck check`` on a file in a temporary directory, far from the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SAMPLE = """\
state US "United States of America".
state PL "Poland".
action assist(actor, victim) "{actor} assists {victim}".
treaty TT "Test treaty":
  parties: US, PL.
  article 1: each party X shall assist(X, V) if V is a party and V is not X.
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    wheels = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{build.stdout}\n{build.stderr}")
    [wheel] = list(wheels.glob("treatycheck-*.whl"))
    env_dir = work / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        capture_output=True,
    )
    return python


def run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(python), *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_wheel_is_used_and_holds_data(installed: Path, tmp_path: Path) -> None:
    where = run(installed, "-c", "import treatycheck; print(treatycheck.__file__)", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert str(installed.parent.parent) in where.stdout, "the wheel, not the source tree, must be imported"
    files = run(
        installed,
        "-c",
        "from importlib import resources as r; "
        "print(r.files('treatycheck.grammar').joinpath('treaty.lark').is_file(), "
        "len([f for f in r.files('treatycheck.rules').iterdir() if f.name.endswith('.treaty')]))",
        cwd=tmp_path,
    )
    grammar_shipped, rule_files = files.stdout.split()
    assert grammar_shipped == "True" and int(rule_files) >= 5


def test_wheel_parses_and_checks_outside_the_repo(installed: Path, tmp_path: Path) -> None:
    sample = tmp_path / "sample.treaty"
    sample.write_text(SAMPLE, encoding="utf-8")
    parse = run(installed, "-m", "treatycheck", "parse", "--no-builtin", "sample.treaty", cwd=tmp_path)
    assert parse.returncode == 0, parse.stderr
    assert "TT:1" in parse.stdout
    check = run(installed, "-m", "treatycheck", "check", "sample.treaty", "--format", "json", cwd=tmp_path)
    assert check.returncode in (0, 1), check.stderr
    assert '"builtin:rules/' in check.stdout  # the built-in library loaded from the wheel
