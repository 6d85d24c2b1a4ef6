"""The wheel works on its own: the README's main command, from a fresh environment.

Builds a wheel from a copy of the source tree, installs it with its dependencies
(from PyPI, through pip's own cache) into a new virtual environment that sees neither
the source tree nor this test environment's site-packages (made from the base
interpreter, so this holds whether the tests run from a virtualenv or a system
Python), and runs the console script from a temporary directory far from the
repository: ``treatycheck check examples/european_security_treaty.treaty`` must print
the report and exit 1, and ``--version``, ``parse``, ``test`` and ``--format html``
must work there too.

A wheel that leaves out a subpackage (``treatycheck.report`` once) fails here, while
the editable install of the rest of the suite would hide it.
"""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "european_security_treaty.treaty"
README_MAIN = "pip install . && treatycheck check examples/european_security_treaty.treaty"

# variables that would make a subprocess import from, or install into, somewhere other than the fresh environment
_DROPPED = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "PIP_USER", "PIP_TARGET", "PIP_PREFIX"}


class Installed(NamedTuple):
    """The built wheel and the ``bin`` directory of the environment it is installed in."""

    wheel: Path
    bin: Path


def _clean_env(tmp: Path) -> dict[str, str]:
    """The environment of a user's shell, for a subprocess started from ``tmp``.

    Takes the current environment minus everything pointing at this repository or at
    the test environment, with the user site turned off and a verdict cache of its own
    under ``tmp`` (so no run reuses another's verdicts). Returns a new dict.
    """
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["TREATYCHECK_CACHE_DIR"] = str(tmp / "cache")
    env["NO_COLOR"] = "1"
    return env


def _ignored(directory: str, names: list[str]) -> set[str]:
    """``shutil.copytree``'s filter: what the build neither needs nor may see.

    Takes a directory of the tree and its entry names, returns the names to skip:
    hidden entries (``.git``, ``.venv``, tool caches) and bytecode anywhere, and the
    earlier build output at the top (a stale ``build/lib`` would be packed into the
    wheel and could hide a missing subpackage; a subpackage named ``build`` is kept).
    """
    top = Path(directory).resolve() == ROOT
    return {
        n
        for n in names
        if n.startswith(".") or n == "__pycache__" or (top and (n in {"build", "dist"} or n.endswith(".egg-info")))
    }


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Builds the wheel and installs it, with its dependencies, into a fresh virtual environment."""
    work = tmp_path_factory.mktemp("wheel")
    env = _clean_env(work)
    # build from a copy, so that no build/ or egg-info is left in the tree and none left there is used
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_ignored)
    wheels = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert build.returncode == 0, f"building the wheel failed:\n{build.stdout}\n{build.stderr}"
    [wheel] = list(wheels.glob("treatycheck-*.whl"))
    # from a virtualenv, sys.executable is the venv's python: a venv made from it would be
    # a venv of a venv, so make it from the interpreter the test environment was made from
    base = getattr(sys, "_base_executable", None) or sys.executable
    env_dir = work / "venv"
    made = subprocess.run([base, "-m", "venv", str(env_dir)], capture_output=True, text=True, env=env)
    assert made.returncode == 0, made.stderr
    install = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert install.returncode == 0, f"installing the wheel failed:\n{install.stdout}\n{install.stderr}"
    return Installed(wheel, env_dir / "bin")


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A directory outside the repository holding ``examples/`` as a user's checkout would."""
    assert not tmp_path.resolve().is_relative_to(ROOT)
    (tmp_path / "examples").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "examples" / EXAMPLE.name)
    return tmp_path


def run(installed: Installed, program: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Runs ``program`` (``treatycheck`` or ``python``) of the fresh environment with ``args`` in ``cwd``,
    in a clean environment; returns the finished process with its stdout and stderr as text."""
    return subprocess.run(
        [str(installed.bin / program), *args], capture_output=True, text=True, cwd=cwd, env=_clean_env(cwd)
    )


def _test_environment_paths() -> list[Path]:
    """The import paths of this test process that the fresh environment must not see.

    Returns this process's site directories (user site included) and every entry of
    its ``sys.path`` except the base interpreter's standard library, which the fresh
    environment shares by design; all resolved.
    """
    base = Path(sys.base_prefix).resolve()
    found = set()
    for p in {*site.getsitepackages(), site.getusersitepackages(), *sys.path}:
        if not p:
            continue
        path = Path(p).resolve()
        stdlib = path.is_relative_to(base) and not {"site-packages", "dist-packages"} & set(path.parts)
        if not stdlib:
            found.add(path)
    return sorted(found)


def test_the_wheel_holds_every_subpackage_and_the_data(installed: Installed) -> None:
    """Every module of engine/ and its subpackages, the grammar and the built-in rules are in the wheel."""
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    expected = {"treatycheck/" + p.relative_to(ROOT / "engine").as_posix() for p in (ROOT / "engine").rglob("*.py")}
    expected |= {"treatycheck/grammar/" + p.name for p in (ROOT / "grammar").iterdir() if p.suffix in {".py", ".lark"}}
    expected |= {"treatycheck/rules/" + p.name for p in (ROOT / "rules").iterdir() if p.suffix in {".py", ".treaty"}}
    assert "treatycheck/report/__init__.py" in expected
    missing = sorted(expected - names)
    assert not missing, "missing from the wheel: " + ", ".join(missing)


def test_the_environment_sees_neither_the_tree_nor_the_test_environment(installed: Installed, outside: Path) -> None:
    probe = run(
        installed,
        "python",
        "-c",
        "import sys, treatycheck; print(treatycheck.__file__); print('\\n'.join(p for p in sys.path if p))",
        cwd=outside,
    )
    assert probe.returncode == 0, probe.stderr
    where, *paths = probe.stdout.splitlines()
    env_dir = installed.bin.parent.resolve()
    assert Path(where).resolve().is_relative_to(env_dir), f"{where}: the wheel, not the source tree, must be imported"
    forbidden = _test_environment_paths()
    for p in (Path(s).resolve() for s in paths):
        assert not p.is_relative_to(ROOT), f"the new environment sees the repository: {p}"
        seen = [f for f in forbidden if p.is_relative_to(f)]
        assert not seen, f"the new environment sees {p}, a path of the test environment"
        if {"site-packages", "dist-packages"} & set(p.parts):
            assert p.is_relative_to(env_dir), f"the new environment sees another site-packages: {p}"


def test_the_readme_main_command(installed: Installed, outside: Path) -> None:
    assert README_MAIN in (ROOT / "README.md").read_text(encoding="utf-8")
    r = run(installed, "treatycheck", "check", "examples/european_security_treaty.treaty", cwd=outside)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert r.returncode == 1, (r.returncode, r.stderr)  # error-level findings, and nothing else wrong
    # under the critics' reading of Art. 9(2) the draft's claim ranks it above the
    # earlier NAT, and NAT:8 is an undertaking it breaches; by its words it defers
    assert "error[obligation-prohibition]: EST:2.1 overrides NAT:4 (EST prevails by EST:9.2)" in r.stdout
    assert "= breach: by accepting EST:2.1," in r.stdout
    assert "plain_self_judging: prevails NAT (warning)" in r.stdout
    # where NAT:5 demands assistance, the Charter's collective self-defence settles it
    assert "warning[obligation-prohibition]: EST:2.1 gives way to a higher norm wherever NAT:5 and EST:2.1 meet" in (
        r.stdout
    )
    last = r.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ errors?, \d+ warnings? in \d+ norms? under 4 readings \(\d+\.\d+ s\)", last), last


def test_version_parse_test_and_html(installed: Installed, outside: Path) -> None:
    version = run(installed, "treatycheck", "--version", cwd=outside)
    assert version.returncode == 0, version.stderr
    assert re.fullmatch(r"treatycheck, version \d+\.\d+\.\d+", version.stdout.strip()), version.stdout
    parse = run(installed, "treatycheck", "parse", "examples/european_security_treaty.treaty", cwd=outside)
    assert parse.returncode == 0, parse.stderr
    assert "EST:2.1" in parse.stdout and parse.stdout.rstrip().endswith(": ok")
    test = run(installed, "treatycheck", "test", "examples/european_security_treaty.treaty", cwd=outside)
    assert test.returncode == 0, test.stdout + test.stderr
    assert re.fullmatch(r"[1-9]\d* passed, 0 failed", test.stdout.strip().splitlines()[-1]), test.stdout
    html = run(
        installed,
        "treatycheck",
        "check",
        "examples/european_security_treaty.treaty",
        "--format",
        "html",
        "-o",
        "report.html",
        cwd=outside,
    )
    assert "Traceback" not in html.stderr and "internal error" not in html.stderr, html.stderr
    assert html.returncode == 1, (html.returncode, html.stderr)
    page = (outside / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<body" in page and "</body>" in page and "EST:2.1" in page


def test_grammar_and_library_ship_in_the_wheel(installed: Installed, outside: Path) -> None:
    files = run(
        installed,
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


def test_every_subpackage_imports_from_the_wheel(installed: Installed, outside: Path) -> None:
    """Each directory of engine/ with an __init__.py imports in the fresh environment."""
    names = sorted(
        "treatycheck." + ".".join(p.parent.relative_to(ROOT / "engine").parts)
        for p in (ROOT / "engine").rglob("__init__.py")
        if p.parent != ROOT / "engine"
    )
    assert "treatycheck.report" in names
    r = run(
        installed,
        "python",
        "-c",
        "import importlib; " + "; ".join(f"importlib.import_module('{n}')" for n in names),
        cwd=outside,
    )
    assert r.returncode == 0, r.stderr
