"""Faults around the command line: odd output targets, endless or silent inputs,
floods of errors, deep nesting, Ctrl-C and kills at awkward moments, bad option
values, and a standard output that is full or closed.

Every test runs the real command (``python -m treatycheck``). None depends on timing
except generous bounds that prove "does not hang"; where a moment must be hit (the
instant before an output is put in place) the test hook
``TREATYCHECK_TEST_HOLD_BEFORE_COMMIT`` holds the command there.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKED = ROOT / "tests" / "cases" / "good" / "language_s2_s7.treaty"  # one conflict: exit 1
HOLD = "TREATYCHECK_TEST_HOLD_BEFORE_COMMIT"
HANG = 60  # seconds: far beyond any of these runs, short of a hung test run

root_only = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files and signals")


def cli(*args: str | Path, timeout: float = HANG, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run treatycheck; a traceback or an internal error fails any test."""
    proc = subprocess.run(
        [sys.executable, "-m", "treatycheck", *map(str, args)],
        capture_output=kwargs.pop("capture_output", True),  # type: ignore[arg-type]
        text=True,
        timeout=timeout,
        **kwargs,  # type: ignore[arg-type]
    )
    assert "Traceback" not in (proc.stderr or ""), proc.stderr
    assert "internal error" not in (proc.stderr or ""), proc.stderr
    return proc


def check(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return cli("check", "--no-builtin", "--no-cache", WORKED, *args, **kwargs)


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".treatycheck-"))


def start_held(tmp_path: Path, *args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start a command that stops just before putting its output in place, and wait
    until it is there."""
    marker = tmp_path / "held"
    proc = subprocess.Popen(
        [sys.executable, "-m", "treatycheck", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {}), HOLD: str(marker)},
    )
    deadline = time.monotonic() + HANG
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the command never reached the write"
        time.sleep(0.01)
    return proc


# ------------------------------------------------------------------ 1. output targets


def test_output_through_a_symlink_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real.name)
    assert check("-o", link).returncode == 1
    assert link.is_symlink() and os.readlink(link) == real.name
    assert "EST:2.1 overrides NAT:5" in real.read_text()


@posix_only
def test_output_to_a_fifo_is_written_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    assert check("-o", fifo).returncode == 1
    reader.join(HANG)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced"
    assert "EST:2.1 overrides NAT:5" in got[0]


@posix_only
def test_output_to_a_fifo_nobody_reads_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    r = check("-o", fifo)
    assert r.returncode == 2
    assert r.stderr.strip() == f"treatycheck: error: cannot write `{fifo}`: no program reads from it"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@posix_only
def test_output_to_dev_stdout_writes_to_standard_output(tmp_path: Path) -> None:
    piped = check("-o", "/dev/stdout")
    assert piped.returncode == 1 and "EST:2.1 overrides NAT:5" in piped.stdout
    log = tmp_path / "log.txt"
    log.write_text("first line\n")
    with log.open("a") as fh:  # `>> log.txt`: appended where the shell put it
        assert check("-o", "/dev/stdout", stdout=fh, capture_output=False, stderr=subprocess.PIPE).returncode == 1
    text = log.read_text()
    assert text.startswith("first line\n") and "EST:2.1 overrides NAT:5" in text
    assert Path("/dev/stdout").is_symlink() or not Path("/dev/stdout").is_file()


@root_only
def test_output_to_a_null_device_is_written_not_replaced(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
    for option in ("-o", "--write-baseline", "--emit-smt"):
        assert check(option, null).returncode == 1
        assert stat.S_ISCHR(os.stat(null).st_mode), f"{option} replaced the device"
    assert leftovers(tmp_path) == []


@root_only
def test_output_to_a_full_device_is_exit_2(tmp_path: Path) -> None:
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # a private /dev/full
    r = check("-o", full)
    assert r.returncode == 2
    assert r.stderr.strip() == f"treatycheck: error: cannot write `{full}`: No space left on device"
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_output_to_a_directory_is_exit_2(tmp_path: Path) -> None:
    r = check("-o", tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == f"treatycheck: error: cannot write `{tmp_path}`: it is a directory"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("option", ["-o", "--write-baseline", "--emit-smt"])
def test_output_in_a_missing_directory_is_exit_2(tmp_path: Path, option: str) -> None:
    target = tmp_path / "nowhere" / "out.txt"
    r = check(option, target)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"treatycheck: error: cannot write `{target}`: directory `{target.parent}` does not exist"
    ]


@posix_only
def test_a_new_output_file_has_ordinary_permissions(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    assert check("-o", out, preexec_fn=lambda: os.umask(0o027)).returncode == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # 0o666 & ~umask, as for any program's output


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o644, 0o664])
def test_a_replaced_output_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    out = tmp_path / "report.txt"
    out.write_text("old")
    out.chmod(mode)
    assert check("-o", out).returncode == 1
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert out.read_text() != "old"


@posix_only
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("option", ["-o", "--write-baseline", "--emit-smt"])
def test_a_kill_before_the_output_is_in_place_leaves_nothing(tmp_path: Path, sig: int, option: str) -> None:
    out = tmp_path / "out.txt"
    proc = start_held(tmp_path, "check", "--no-builtin", "--no-cache", WORKED, option, out)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=HANG)
    assert "Traceback" not in err
    # SIGTERM: killed by it, or 143 where a named temporary file had to be removed first
    assert proc.returncode in {signal.SIGKILL: {-9}, signal.SIGTERM: {-15, 143}, signal.SIGINT: {130}}[sig], err
    assert not out.exists()
    # where the system has no O_TMPFILE the data sits in a named file; the next
    # write into the directory removes one left by a killed process
    if leftovers(tmp_path):
        assert sig == signal.SIGKILL
        assert check("-o", tmp_path / "next.txt").returncode == 1
    assert leftovers(tmp_path) == []


@posix_only
def test_a_kill_leaves_the_old_output_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("previous report")
    proc = start_held(tmp_path, "check", "--no-builtin", "--no-cache", WORKED, "-o", out)
    proc.kill()
    proc.communicate(timeout=HANG)
    assert out.read_text() == "previous report"


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate, write

    out = tmp_path_factory.mktemp("register")
    write(generate(3, 2000), str(out))
    return out


@posix_only
@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9, 1.2, 1.5])
def test_kill_at_any_moment_of_a_real_check_leaves_no_temporary_file(
    register: Path, tmp_path: Path, delay: float
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "treatycheck",
            "parse",
            "--no-builtin",
            register,
            "--format",
            "json",
            "-o",
            out,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.kill()
    proc.wait(HANG)
    if out.exists():  # finished first: the file is whole
        import json

        assert json.loads(out.read_text())["schema"] == "treatycheck/parse/v1"
    if leftovers(out_dir):  # the instant of a named temporary file: the next write sweeps it
        assert cli("parse", "--no-builtin", WORKED, "-o", out_dir / "next.txt").returncode == 0
    assert leftovers(out_dir) == []


# ------------------------------------------------------------------ 2. bounded input


@posix_only
def test_an_endless_device_as_a_treaty_file_is_refused() -> None:
    r = cli("parse", "--no-builtin", "/dev/zero")
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == "/dev/zero: error: `/dev/zero` is too large (more than the limit of 16 MiB)"


@posix_only
def test_an_endless_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "endless.treaty"
    os.mkfifo(fifo)

    def write_forever() -> None:
        try:
            with open(fifo, "wb") as fh:
                while True:
                    fh.write(b"# comment\n" * 6554)
        except OSError:  # the reader gave up: a broken pipe
            pass

    threading.Thread(target=write_forever, daemon=True).start()
    r = cli("parse", "--no-builtin", fifo)
    assert r.returncode == 2
    assert "is too large (more than the limit of 16 MiB)" in r.stderr.splitlines()[0]


@posix_only
def test_a_fifo_without_a_writer_is_refused_never_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "silent.treaty"
    os.mkfifo(fifo)
    r = cli("parse", "--no-builtin", fifo)
    assert r.returncode == 2
    assert f"nothing arrived from `{fifo}`" in r.stderr.splitlines()[0]


@posix_only
def test_an_endless_baseline_is_refused() -> None:
    r = check("--baseline", "/dev/zero")
    assert r.returncode == 2
    assert "`/dev/zero` is too large (more than the limit of 64 MiB)" in r.stderr.splitlines()[0]


def test_a_deeply_nested_baseline_is_refused(tmp_path: Path) -> None:
    baseline = tmp_path / "deep.json"
    baseline.write_text("[" * 100_000)
    r = check("--baseline", baseline)
    assert r.returncode == 2
    assert "is not a readable baseline" in r.stderr


@pytest.mark.skipif(not Path("/bin/bash").exists(), reason="needs bash")
def test_process_substitution_still_reads() -> None:
    r = subprocess.run(
        ["/bin/bash", "-c", f'"{sys.executable}" -m treatycheck parse --no-builtin <(cat "{WORKED}")'],
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert r.returncode == 0, r.stderr
    assert "2 norms in 1 file: ok" in r.stdout


def test_standard_input_as_a_file_still_reads() -> None:
    r = cli("parse", "--no-builtin", "/dev/stdin", input=WORKED.read_text())
    assert r.returncode == 0, r.stderr


# ------------------------------------------------------------------ 3. floods of errors


def test_twenty_thousand_errors_show_the_first_hundred(tmp_path: Path) -> None:
    bad = tmp_path / "many.treaty"
    head = 'state US "United States".\ntreaty NAT "North Atlantic Treaty":\n  parties: US.\n  article 1:\n'
    bad.write_text(head + "".join(f"    each party X shall nope{i}(X).\n" for i in range(20_000)))
    r = cli("parse", "--no-builtin", bad)
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert lines[-2:] == ["treatycheck: 19900 more errors not shown", "treatycheck: 20000 errors; nothing was checked"]
    shown = [line for line in lines if ": error: " in line]
    assert len(shown) == 100
    assert shown[0].startswith(f"{bad}:5:24: error: unknown predicate `nope0`")
    assert shown[-1].startswith(f"{bad}:104:24: error: unknown predicate `nope99`")


def test_errors_at_the_end_of_a_ten_megabyte_file_are_rendered_quickly(tmp_path: Path) -> None:
    # each snippet used to split the whole file again: 1,000 errors in 10 MB took minutes
    bad = tmp_path / "big.treaty"
    head = 'state US "United States".\ntreaty NAT "North Atlantic Treaty":\n  parties: US.\n  article 1:\n'
    filler = "# " + "x" * 97 + "\n"
    bad.write_text(head + filler * 100_000 + "".join(f"    each party X shall nope{i}(X).\n" for i in range(1000)))
    assert bad.stat().st_size > 10_000_000
    r = cli("parse", "--no-builtin", bad)
    assert r.returncode == 2
    assert r.stderr.splitlines()[-1] == "treatycheck: 1000 errors; nothing was checked"
    assert f"{bad}:100005:24: error: unknown predicate `nope0`" in r.stderr


def test_many_unknown_names_among_many_declared_ones(tmp_path: Path) -> None:
    # "did you mean" used to compare every unknown name with every declared one
    n = 5000
    text = "".join(f'state SA{i} "S".\n' for i in range(n))
    text += 'action act(actor, target).\ntreaty NAT "N":\n  parties: SA0.\n  article 1:\n'
    text += "".join(f"    each party X shall act(X, SB{i}).\n" for i in range(n))
    bad = tmp_path / "names.treaty"
    bad.write_text(text)
    r = cli("parse", "--no-builtin", bad)
    assert r.returncode == 2
    assert r.stderr.splitlines()[-1] == f"treatycheck: {n} errors; nothing was checked"
    assert "unknown entity `SB0`\n" in r.stderr and "did you mean `SA0`?" in r.stderr


def test_warnings_are_capped_too(tmp_path: Path) -> None:
    head = 'state US "United States".\nstate RU "Russia".\naction act(actor).\ntreaty NAT "N":\n  parties: US.\n'
    good = tmp_path / "warns.treaty"
    good.write_text(head + "".join(f"  article {i}:\n    RU shall act(RU).\n" for i in range(1, 151)))
    r = cli("parse", "--no-builtin", good)
    assert r.returncode == 0
    assert "treatycheck: 50 more warnings not shown" in r.stderr.splitlines()
    assert r.stderr.count(": warning: ") == 100


# ------------------------------------------------------------------ 4. deep nesting


def _chain(n: int, loop: bool = False) -> str:
    lines = ['state US "United States".', f"group GR{n} members US{', GR0' if loop else ''}."]
    lines += [f"group GR{i} members GR{i + 1}." for i in range(n)]  # GR0 contains GR1 contains ...
    lines += [
        "action assist(actor, victim).",
        'treaty NAT "North Atlantic Treaty":',
        "  parties: members of GR0.",
        "  article 5:",
        "    each party X shall assist(X, US) if X in GR0.",
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("n", [1000, 5000])
def test_a_long_chain_of_nested_groups_is_read(tmp_path: Path, n: int) -> None:
    path = tmp_path / "chain.treaty"
    path.write_text(_chain(n))
    r = cli("parse", "--no-builtin", path)
    assert r.returncode == 0, r.stderr
    assert "1 norm in 1 file: ok" in r.stdout
    assert cli("check", "--no-builtin", "--no-cache", path).returncode == 0


@pytest.mark.parametrize("n", [1000, 5000])
def test_a_long_chain_of_nested_groups_that_loops_is_an_error(tmp_path: Path, n: int) -> None:
    path = tmp_path / "loop.treaty"
    path.write_text(_chain(n, loop=True))
    r = cli("parse", "--no-builtin", path)
    assert r.returncode == 2
    assert f"error: membership of `GR{n}` loops back through `GR0`" in r.stderr


# ------------------------------------------------------------------ 5. Ctrl-C


def _python_start() -> float:
    """Seconds for this interpreter to start and stop: before that much time a
    Ctrl-C lands in Python's own start-up (its ``site`` module), before any line of
    treatycheck runs, and Python itself reports it."""
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.monotonic() - start


SCRIPT = Path(sys.executable).with_name("treatycheck")  # the console script, when installed beside Python
ENTRIES = [[sys.executable, "-m", "treatycheck"]] + ([[str(SCRIPT)]] if SCRIPT.exists() else [])


@posix_only
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: "script" if len(e) == 1 else "module")
@pytest.mark.parametrize("delay", [0.05, 0.1, 0.2, 0.4])
def test_ctrl_c_during_start_up_exits_130_without_a_traceback(register: Path, delay: float, entry: list[str]) -> None:
    wait = max(delay, 1.5 * _python_start())
    proc = subprocess.Popen(
        [*entry, "check", "--no-builtin", "--no-cache", register],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(wait)
    assert proc.poll() is None, "the check ended before the signal"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=HANG)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "treatycheck: interrupted" in err
    assert out == ""


@posix_only
@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_ctrl_c_in_the_final_write_phase_writes_nothing(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "report.out"
    cache = tmp_path / "cache"  # with the cache, the first write held is the snapshot's
    proc = start_held(tmp_path, "check", "--no-builtin", WORKED, "--cache-dir", cache, "--format", fmt, "-o", out)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=HANG)
    assert proc.returncode == 130, err
    assert err.strip() == "treatycheck: interrupted"
    assert not out.exists() and leftovers(tmp_path) == []
    # the snapshot was not put in place, nor its temporary file left behind
    snapshots = cache / "snapshots"
    assert not snapshots.exists() or not list(snapshots.iterdir()), list(snapshots.iterdir())


# ------------------------------------------------------------------ 6. user mistakes


@pytest.mark.parametrize(
    "option, value",
    [
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--timeout", "-inf"),
        ("--timeout", "1e308"),
        ("--timeout", "86401"),
        ("--deadline", "nan"),
        ("--deadline", "inf"),
        ("--deadline", "1e308"),
    ],
)
def test_an_unusable_number_of_seconds_is_a_usage_error(option: str, value: str) -> None:
    r = check(f"{option}={value}")
    assert r.returncode == 2
    assert f"Invalid value for '{option}'" in r.stderr


def test_the_largest_timeout_is_accepted() -> None:
    assert check("--timeout", "86400").returncode == 1


def test_an_unreachable_scheduler_is_exit_2_within_seconds() -> None:
    pytest.importorskip("distributed")
    start = time.monotonic()
    r = check("--scheduler", "tcp://127.0.0.1:1")
    assert time.monotonic() - start < 30  # it waits 5 s for an answer, plus start-up
    assert r.returncode == 2
    assert r.stderr.startswith("treatycheck: error: cannot reach the Dask scheduler at `tcp://127.0.0.1:1`")


@pytest.mark.parametrize("address", ["tcp://", "nonsense://host:1", "tcp://host:port"])
def test_a_malformed_scheduler_address_is_exit_2(address: str) -> None:
    pytest.importorskip("distributed")
    r = check("--scheduler", address)
    assert r.returncode == 2
    assert r.stderr.startswith(f"treatycheck: error: cannot reach the Dask scheduler at `{address}`")
    assert len(r.stderr.splitlines()) == 1


@posix_only
@pytest.mark.parametrize("command", [["check", "--no-builtin", "--no-cache"], ["parse", "--no-builtin"], ["fmt"]])
def test_a_full_standard_output_is_exit_2(command: list[str]) -> None:
    with open("/dev/full", "w") as full:  # the test opens it, as a shell's `>` would
        r = subprocess.run(
            [sys.executable, "-m", "treatycheck", *command, str(WORKED)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=HANG,
        )
    assert r.returncode == 2
    assert r.stderr.splitlines() == ["treatycheck: error: cannot write to standard output: No space left on device"]


@posix_only
def test_a_closed_standard_output_ends_quietly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "treatycheck", "parse", "--no-builtin", str(WORKED)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as `| head -1` does once it has its line
    err = proc.stderr.read().decode()
    proc.wait(HANG)
    assert proc.returncode == 141  # as if killed by SIGPIPE (128 + 13)
    assert err == ""
