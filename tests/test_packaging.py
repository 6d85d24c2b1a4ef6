"""The wheel works on its own: the README's main command, from a fresh environment.

Builds a wheel from a copy of the source tree, installs it with its dependencies
into a new virtual environment that sees neither the source tree nor this test
environment's site-packages (made from the base interpreter, so this holds whether
the tests run from a virtualenv or a system Python), and runs the console script
from a temporary directory far from the repository: ``treatycheck check
examples/european_security_treaty.treaty`` must print the report and exit 1, and
``--version``, ``parse``, ``test`` and ``--format html`` must work there too.

A wheel that leaves out a subpackage (``treatycheck.report`` once) fails here, while
the editable install of the rest of the suite would hide it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "european_security_treaty.treaty"


def _clean_env(tmp: Path) -> dict[str, str]:
    """The environment of a user's shell: nothing pointing at this repository or at
    the test environment, and a private verdict cache."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}}
    env["PYTHONNOUSERSITE"] = "1"
    env["TREATYCHECK_CACHE_DIR"] = str(tmp / "cache")
    env["NO_COLOR"] = "1"
    return env


@pytest.fixture(scope="module")
def venv_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` directory of a fresh environment with the built wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    env = _clean_env(work)
    # build from a copy, so that no build/ or egg-info is left in the tree
    source = work / "source"
    shutil.copytree(
        ROOT, source, ignore=shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".*cache")
    )
    wheels = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert build.returncode == 0, f"building the wheel failed:\n{build.stdout}\n{build.stderr}"
    [wheel] = list(wheels.glob("treatycheck-*.whl"))
    base = getattr(sys, "_base_executable", sys.executable)  # the interpreter a venv was made from
    env_dir = work / "venv"
    made = subprocess.run([base, "-m", "venv", str(env_dir)], capture_output=True, text=True, env=env)
    assert made.returncode == 0, made.stderr
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)], capture_output=True, text=True, env=env
    )
    assert install.returncode == 0, f"installing the wheel failed:\n{install.stdout}\n{install.stderr}"
    return env_dir / "bin"


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A directory outside the repository holding ``examples/`` as a user would."""
    (tmp_path / "examples").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "examples" / EXAMPLE.name)
    return tmp_path


def run(venv_bin: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv_bin / args[0]), *args[1:]], capture_output=True, text=True, cwd=cwd, env=_clean_env(cwd)
    )


def test_the_environment_sees_neither_the_tree_nor_the_test_environment(venv_bin: Path, outside: Path) -> None:
    probe = run(
        venv_bin,
        "python",
        "-c",
        "import sys, treatycheck; print(treatycheck.__file__); print('\\n'.join(sys.path))",
        cwd=outside,
    )
    assert probe.returncode == 0, probe.stderr
    where, *paths = probe.stdout.splitlines()
    assert where.startswith(str(venv_bin.parent)), "the wheel, not the source tree, must be imported"
    here = {str(Path(p).resolve()) for p in sys.path if p and "site-packages" in p}
    for p in paths:
        assert not p.startswith(str(ROOT)), p
        if p and "site-packages" in p:
            assert p.startswith(str(venv_bin.parent)), f"the new environment sees {p}"
            assert str(Path(p).resolve()) not in here or str(Path(p).resolve()).startswith(str(venv_bin.parent))


def test_the_readme_main_command(venv_bin: Path, outside: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && treatycheck check examples/european_security_treaty.treaty" in readme
    r = run(venv_bin, "treatycheck", "check", "examples/european_security_treaty.treaty", cwd=outside)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert r.returncode == 1, (r.returncode, r.stderr)  # error-level findings, and nothing else wrong
    assert "error[obligation-prohibition]: NAT:5 and EST:2.1 cannot both be honoured" in r.stdout
    last = r.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ errors?, \d+ warnings? in \d+ norms? \(\d+\.\d+ s\)", last), last


def test_version_parse_test_and_html(venv_bin: Path, outside: Path) -> None:
    version = run(venv_bin, "treatycheck", "--version", cwd=outside)
    assert version.returncode == 0 and re.search(r"treatycheck, version \d+\.\d+\.\d+", version.stdout), version
    parse = run(venv_bin, "treatycheck", "parse", "examples/european_security_treaty.treaty", cwd=outside)
    assert parse.returncode == 0, parse.stderr
    assert "EST:2.1" in parse.stdout and parse.stdout.rstrip().endswith(": ok")
    test = run(venv_bin, "treatycheck", "test", "examples/european_security_treaty.treaty", cwd=outside)
    assert test.returncode == 0, test.stdout + test.stderr
    assert re.fullmatch(r"[1-9]\d* passed, 0 failed", test.stdout.strip().splitlines()[-1])
    html = run(
        venv_bin,
        "treatycheck",
        "check",
        "examples/european_security_treaty.treaty",
        "--format",
        "html",
        "-o",
        "report.html",
        cwd=outside,
    )
    assert html.returncode == 1 and "Traceback" not in html.stderr, html.stderr
    page = (outside / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "EST:2.1" in page


def test_grammar_and_library_ship_in_the_wheel(venv_bin: Path, outside: Path) -> None:
    files = run(
        venv_bin,
        "python",
        "-c",
        "from importlib import resources as r; "
        "print(r.files('treatycheck.grammar').joinpath('treaty.lark').is_file(), "
        "len([f for f in r.files('treatycheck.rules').iterdir() if f.name.endswith('.treaty')]))",
        cwd=outside,
    )
    assert files.returncode == 0, files.stderr
    grammar_shipped, rule_files = files.stdout.split()
    assert grammar_shipped == "True"
    assert int(rule_files) == len(list((ROOT / "rules").glob("*.treaty")))


def test_every_subpackage_is_in_the_wheel(venv_bin: Path, outside: Path) -> None:
    """Each directory of engine/ with an __init__.py imports from the wheel."""
    names = sorted(
        "treatycheck." + ".".join(p.parent.relative_to(ROOT / "engine").parts)
        for p in (ROOT / "engine").rglob("__init__.py")
        if p.parent != ROOT / "engine"
    )
    assert "treatycheck.report" in names
    r = run(
        venv_bin,
        "python",
        "-c",
        "import importlib; " + "; ".join(f"importlib.import_module('{n}')" for n in names),
        cwd=outside,
    )
    assert r.returncode == 0, r.stderr
