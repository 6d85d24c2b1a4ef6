"""Reliability: determinism (jobs, cache, runs), the verdict cache (invalidation,
corruption), bounded work (timeouts and deadlines are `unknown`), Ctrl-C, atomic
output, thread safety and memory across many calls."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import treatycheck

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "european_security_treaty.treaty"
WORKED = ROOT / "tests" / "cases" / "good" / "language_s2_s7.treaty"
sys.path.insert(0, str(ROOT / "benchmarks"))


def canonical(report: treatycheck.Report) -> str:
    data = json.loads(report.to_json())
    del data["summary"]["seconds"], data["summary"]["queries"]
    return json.dumps(data, sort_keys=True)


@pytest.fixture(scope="module")
def example_world() -> treatycheck.World:
    return treatycheck.load([str(EXAMPLE)])


def test_same_json_whatever_jobs_and_cache(example_world: treatycheck.World, tmp_path: Path) -> None:
    plain = canonical(treatycheck.check(example_world, all_conflicts=True))
    cold = treatycheck.check(example_world, all_conflicts=True, cache_dir=str(tmp_path))
    warm = treatycheck.check(example_world, all_conflicts=True, cache_dir=str(tmp_path))
    two = treatycheck.check(example_world, all_conflicts=True, jobs=2)
    two_warm = treatycheck.check(example_world, all_conflicts=True, jobs=2, cache_dir=str(tmp_path))
    assert canonical(cold) == plain
    assert canonical(warm) == plain and warm.summary.queries == 0
    assert canonical(two) == plain
    assert canonical(two_warm) == plain
    again = canonical(treatycheck.check(treatycheck.load([str(EXAMPLE)]), all_conflicts=True))
    assert again == plain


def test_cli_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    outs = []
    for args in (
        ["--no-cache"],
        ["--jobs", "2", "--no-cache"],
        ["--cache-dir", str(tmp_path)],
        ["--cache-dir", str(tmp_path)],
    ):
        r = subprocess.run(
            [sys.executable, "-m", "treatycheck", "check", str(EXAMPLE), "--format", "json", *args],
            capture_output=True,
            text=True,
        )
        assert r.returncode == 1, r.stderr
        data = json.loads(r.stdout)
        del data["summary"]["seconds"], data["summary"]["queries"]
        outs.append(json.dumps(data))
    assert len(set(outs)) == 1


BASE = """\
state AA "Alpha".
state BB "Beta".
state CC "Gamma".
group GG members AA, BB.
fact war(x) "{x} is at war".
action act(x, y) "{x} acts on {y}".
action go(x) "{x} goes".
axiom acting_moves: act(X, Y) and war(Y) implies go(X).
treaty TA "A" signed 2000-01-01:
  parties: AA, BB.
  article 1: each party X shall act(X, Y) if war(Y).
  article 2: each party X shall not go(X) if X in GG.
  article 3: each party X may act(X, Y).
treaty TB "B" signed 2001-01-01:
  parties: AA, BB, CC.
  article 1: each party X shall not act(X, Y) if Y is CC.
"""

EDITS = {
    "one article": ("  article 3: each party X may act(X, Y).", "  article 3: each party X may act(X, Y) if war(X)."),
    "axiom": ("and war(Y) implies go(X)", "implies go(X)"),
    "membership": ("group GG members AA, BB.", "group GG members CC."),
    "vocabulary": ('state CC "Gamma".', 'state CC "Gamma".\nstate DD "Delta".'),
    "parties": ("  parties: AA, BB, CC.", "  parties: AA, CC."),
    "precedence": (
        "  article 1: each party X shall not act(X, Y) if Y is CC.",
        "  article 1: each party X shall not act(X, Y) if Y is CC.\n  article 9: this treaty is subject to TA.",
    ),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_cache_is_never_stale(edit: str, tmp_path: Path) -> None:
    """Warm the cache on the base world, edit, and compare with a check without cache."""
    old, new = EDITS[edit]
    assert old in BASE
    edited = BASE.replace(old, new)
    treatycheck.check(treatycheck.loads(BASE), all_conflicts=True, cache_dir=str(tmp_path))
    world = treatycheck.loads(edited)
    cached = treatycheck.check(world, all_conflicts=True, cache_dir=str(tmp_path))
    fresh = treatycheck.check(world, all_conflicts=True)
    assert canonical(cached) == canonical(fresh)


def test_one_article_edit_re_solves_only_its_pairs(tmp_path: Path) -> None:
    base = treatycheck.check(treatycheck.loads(BASE), all_conflicts=True, cache_dir=str(tmp_path))
    assert base.summary.queries > 0
    old, new = EDITS["one article"]
    edited = treatycheck.check(treatycheck.loads(BASE.replace(old, new)), all_conflicts=True, cache_dir=str(tmp_path))
    untouched = treatycheck.check(treatycheck.loads(BASE), all_conflicts=True, cache_dir=str(tmp_path))
    assert untouched.summary.queries == 0  # everything answered from the cache
    assert 0 < edited.summary.queries < base.summary.queries


def test_corrupted_cache_is_ignored(tmp_path: Path) -> None:
    world = treatycheck.loads(BASE)
    expected = canonical(treatycheck.check(world, all_conflicts=True))
    treatycheck.check(world, all_conflicts=True, cache_dir=str(tmp_path))
    import sqlite3

    db = sqlite3.connect(tmp_path / "verdicts.sqlite")
    with db:
        db.execute("UPDATE verdicts SET body = replace(body, 'conflict', 'conflikt')")
    db.close()
    damaged = treatycheck.check(world, all_conflicts=True, cache_dir=str(tmp_path))
    assert canonical(damaged) == expected and damaged.summary.queries > 0
    # a file that is not a database at all
    for name in os.listdir(tmp_path):
        (tmp_path / name).unlink()
    (tmp_path / "verdicts.sqlite").write_bytes(b"this is not a database" * 100)
    assert canonical(treatycheck.check(world, all_conflicts=True, cache_dir=str(tmp_path))) == expected
    # a cache directory that cannot be created only costs time
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert canonical(treatycheck.check(world, all_conflicts=True, cache_dir=str(blocked / "sub"))) == expected


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "treatycheck", *args], capture_output=True, text=True)


def test_timeout_is_unknown_never_no_conflict() -> None:
    r = cli("check", str(EXAMPLE), "--timeout", "0.001", "--no-cache", "--format", "json")
    data = json.loads(r.stdout)
    unknown = [c for c in data["conflicts"] if c["verdict"] == "unknown"]
    assert unknown, "a 1 ms timeout must leave some query undecided on this example"
    assert all(c["severity"] == "error" and c["scenario"] is None for c in unknown)
    assert data["summary"]["unknown"] == len(unknown)
    assert r.returncode == 1
    assert cli("check", str(EXAMPLE), "--timeout", "0.001", "--no-cache", "--fail-on", "never").returncode == 0


def test_unknown_fails_an_expectation(tmp_path: Path) -> None:
    world = treatycheck.load([str(WORKED)], builtin=False)
    report = treatycheck.check(world, all_conflicts=True, deadline=1e-9)
    assert report.summary.unknown >= 1 and all(c.verdict == "unknown" for c in report.conflicts)
    outcomes = treatycheck.run_expectations(world, report)
    assert outcomes and not any(o.passed for o in outcomes)
    assert "could not decide" in outcomes[0].detail


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generate import generate, write

    out = tmp_path_factory.mktemp("register")
    write(generate(7, 10000), str(out))
    return out


def test_ctrl_c_stops_quickly_and_leaves_no_file(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "treatycheck",
            "check",
            "--no-builtin",
            "--no-cache",
            str(register),
            "--format",
            "json",
            "--output",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4.0)  # loading and checking 10,000 norms takes far longer than this
    assert proc.poll() is None, "the check finished before it could be interrupted"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert time.monotonic() - sent < 2.0
    assert "Traceback" not in err and "interrupted" in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".treatycheck-")]


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_while_workers_boot_stops_everything(register: Path, tmp_path: Path) -> None:
    # A terminal's Ctrl-C reaches the whole process group, so a worker can die while
    # it is still starting; the parent must still stop promptly, with nothing left.
    proc = subprocess.Popen(
        [sys.executable, "-m", "treatycheck", "check", "--no-builtin", "--no-cache", "--jobs", "2", str(register)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    deadline = time.monotonic() + 60
    while not _children(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the check finished before its workers started"
    os.killpg(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    try:
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert time.monotonic() - sent < 10.0
    assert "Traceback" not in err and "interrupted" in err
    time.sleep(1.0)
    left = [p for p in Path("/proc").glob("[0-9]*") if _group(p) == proc.pid]
    assert not left, "processes of the check outlived it"
    assert not list(tmp_path.glob("treatycheck-world-*"))


def _group(proc_dir: Path) -> int | None:
    try:
        fields = (proc_dir / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[2]) if fields[0] != "Z" else None


def test_output_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("previous report")
    bad = tmp_path / "bad.treaty"
    bad.write_text("state US.\ntreaty T:\n")
    r = subprocess.run(
        [sys.executable, "-m", "treatycheck", "check", "--no-builtin", str(bad), "--output", str(out)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert out.read_text() == "previous report"  # untouched by a failed run
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "treatycheck",
            "check",
            "--no-builtin",
            str(WORKED),
            "--output",
            str(out),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 1 and json.loads(out.read_text())["schema"] == "treatycheck/report/v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.treaty", "report.json"]


def test_thread_safety() -> None:
    texts = [BASE, BASE.replace(*EDITS["axiom"]), BASE.replace(*EDITS["membership"]), WORKED.read_text()]
    expected = [canonical(treatycheck.check(treatycheck.loads(t), all_conflicts=True)) for t in texts]
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for _ in range(3):
                results[i] = canonical(treatycheck.check(treatycheck.loads(texts[i % 4]), all_conflicts=True))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(results[i] == expected[i % 4] for i in range(8))


def _rss_kb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_no_memory_growth_across_1000_calls() -> None:
    text = WORKED.read_text()
    for _ in range(50):  # warm up caches and allocators
        treatycheck.check(treatycheck.loads(text), all_conflicts=True)
    before = _rss_kb()
    for _ in range(1000):
        treatycheck.check(treatycheck.loads(text), all_conflicts=True)
    grown = _rss_kb() - before
    assert grown < 40_000, f"RSS grew by {grown} KB over 1,000 calls"


def test_cache_sees_memberships_that_axioms_test(tmp_path: Path) -> None:
    world_text = """\
state AA "Alpha".
state BB "Beta".
state CC "Gamma".
group GG members AA.
fact war(x) "{x} is at war".
action act(x, y) "{x} acts on {y}".
action go(x) "{x} goes".
axiom acting_moves: act(X, Y) and X in GG implies go(X).
treaty TA "A" signed 2000-01-01:
  parties: AA, BB.
  article 1: each party X shall act(X, Y) if war(Y).
treaty TB "B" signed 2001-01-01:
  parties: AA, BB.
  article 1: each party X shall not go(X).
"""
    first = treatycheck.check(treatycheck.loads(world_text), all_conflicts=True, cache_dir=str(tmp_path))
    assert [c.bearers for c in first.conflicts] == [("AA",)]
    edited = treatycheck.loads(world_text.replace("group GG members AA.", "group GG members AA, BB."))
    cached = treatycheck.check(edited, all_conflicts=True, cache_dir=str(tmp_path))
    assert [c.bearers for c in cached.conflicts] == [("AA", "BB")]
    assert canonical(cached) == canonical(treatycheck.check(edited, all_conflicts=True))
