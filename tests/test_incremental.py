"""Re-checks from the snapshot of the previous check give the full check's report.

Each test checks a register with a cache (which leaves a snapshot), edits it, checks
it again with the cache, and compares the output (report, warnings on stderr, exit
code) with a check of the edited register without any cache. It also asserts
whether the re-check took the snapshot's shortcut, so that an edit meant to take
it is not silently checked in full (which would make the comparison vacuous).
"""

from __future__ import annotations

import json
import os
import pickle
import random
import re
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from treatycheck.cli import main
from treatycheck.incremental import FORMAT, Session, _header
from treatycheck.loader import gather_sources

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

VOCABULARY = """\
state AA "Alpha".
state BB "Beta".
state CC "Gamma".
state DD "Delta".
group GG members AA, BB.
fact war(x) "{x} is at war".
judgement urgent(a: action) "{a} is urgent".
action act(x, y) "{x} acts on {y}".
action go(x) "{x} goes".
action stay(x) "{x} stays".
axiom acting_moves: act(X, Y) and war(Y) implies go(X).
axiom go_or_stay: go(X) excludes stay(X).
"""

TA = """\
treaty TA "Treaty A" signed 2000-01-01:
  parties: AA, BB.
  article 1: each party X shall act(X, Y) if war(Y).
  article 2: each party X shall not go(X) if X in GG.
  article 3: each party X may act(X, Y).
    each party X shall stay(X) if war(X).
"""

TB = """\
treaty TB "Treaty B" signed 2001-01-01:
  parties: AA, BB, CC.
  article 1: each party X shall not act(X, Y) if Y is CC.
  article 2: each party X shall go(X) if war(X).
"""

TC = """\
treaty TC "Treaty C" signed 2002-01-01:
  parties: BB, CC, DD.
  article 1: each party X shall not act(X, Y) if war(X).
  article 2: this treaty is subject to TB.
"""

FILES = {"vocabulary.treaty": VOCABULARY, "ta.treaty": TA, "tb.treaty": TB, "tc.treaty": TC}

# name -> (file, old, new, whether the re-check may reuse the snapshot)
EDITS = {
    "narrow a condition": ("ta.treaty", "may act(X, Y).", "may act(X, Y) if war(X).", True),
    "flip a modality": ("tb.treaty", "shall not act(X, Y) if Y is CC", "may act(X, Y) if Y is CC", True),
    "add a sentence": (
        "tb.treaty",
        "shall go(X) if war(X).",
        "shall go(X) if war(X).\n    each party X may stay(X).",
        True,
    ),
    "remove a sentence": ("ta.treaty", "    each party X shall stay(X) if war(X).\n", "", True),
    "add an article": ("tc.treaty", "  article 2:", "  article 3: each party X shall act(X, AA).\n  article 2:", True),
    "name an entity": ("ta.treaty", "shall not go(X) if X in GG.", "shall not go(X) if X is AA.", True),
    "a subject that binds no one": (
        "tc.treaty",
        "each party X shall not act(X, Y) if war(X).",
        "AA shall not act(AA, Y) if war(AA).",
        True,
    ),
    "only a comment": ("ta.treaty", "  article 1:", "  # the core duty\n  article 1:", True),
    "move lines": ("ta.treaty", 'treaty TA "Treaty A"', '\n\ntreaty TA "Treaty A"', True),
    "two files": ("ta.treaty+tb.treaty", "if war(X).", "if war(X) and not war(CC).", True),
    "parties": ("tb.treaty", "parties: AA, BB, CC.", "parties: AA, CC.", False),
    "precedence": ("tc.treaty", "subject to TB", "subject to TA", False),
    "treaty date": ("tb.treaty", "2001-01-01", "1999-01-01", False),
    "vocabulary": ("vocabulary.treaty", 'state DD "Delta".', 'state DD "Delta".\nstate EE "Epsilon".', False),
    "membership": ("vocabulary.treaty", "group GG members AA, BB.", "group GG members CC.", False),
    "axiom": ("vocabulary.treaty", "and war(Y) implies go(X)", "implies go(X)", False),
    "syntax error": ("ta.treaty", "may act(X, Y).", "may act(X, Y)", False),
    "unknown name": ("tb.treaty", "shall go(X) if war(X).", "shall gone(X) if war(X).", False),
}


def write(directory: Path, files: dict[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")


def apply(files: dict[str, str], edit: str) -> dict[str, str]:
    names, old, new, _ = EDITS[edit]
    out = dict(files)
    for name in names.split("+"):
        assert old in out[name], (edit, name)
        out[name] = out[name].replace(old, new)
    return out


def run(*args: str) -> tuple[int, str, str]:
    """The CLI in this process (its Ctrl-C handler is put back afterwards)."""
    handler = signal.getsignal(signal.SIGINT)
    try:
        r = CliRunner().invoke(main, list(args))
    finally:
        signal.signal(signal.SIGINT, handler)
    return r.exit_code, r.stdout, r.stderr


def comparable(fmt: str, out: str) -> str:
    if fmt == "text":  # the summary line ends with the time taken
        return re.sub(r"\(\d+\.\d+ s\)", "(... s)", out)
    if fmt == "html":  # the time taken and the queries asked
        return re.sub(r"\d+(\.\d+)? ?s\b|\d+ quer", "#", out)
    if fmt != "json" or not out.strip():
        return out
    data = json.loads(out)
    for key in ("seconds", "queries"):  # timing, and what the cache saved (an error document has neither)
        data.get("summary", {}).pop(key, None)
    return json.dumps(data, indent=1)


def reuses(register: Path, cache: Path, *, builtin: bool = False, all_: bool = False) -> bool:
    """Whether a check of the register now would take the snapshot's shortcut."""
    sources, users = gather_sources([str(register)], builtin)
    session = Session(str(cache), sources, users, (all_, 10.0))
    try:
        _, reuse = session.load()
    except Exception:  # noqa: BLE001 - bad input: the full check reports it
        return False
    return reuse.changed is not None


def same_as_full(register: Path, cache: Path, fmt: str = "json", *extra: str) -> tuple[int, str, str]:
    """Check with the cache and without; assert the outputs agree; return the cached one."""
    args = ["check", "--no-builtin", "--format", fmt, *extra, str(register)]
    cached = run(*args, "--cache-dir", str(cache))
    full = run(*args, "--no-cache")
    assert cached[0] == full[0], (cached, full)
    assert comparable(fmt, cached[1]) == comparable(fmt, full[1])
    assert cached[2] == full[2]
    return cached


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_recheck_after_an_edit_is_the_full_check(edit: str, tmp_path: Path) -> None:
    register, cache = tmp_path / "register", tmp_path / "cache"
    write(register, FILES)
    code, _, _ = same_as_full(register, cache)
    assert code == 1  # the base register has conflicts: the snapshot has findings to keep
    assert reuses(register, cache)  # nothing changed: everything is reused
    write(register, apply(FILES, edit))
    assert reuses(register, cache) == EDITS[edit][3]
    same_as_full(register, cache)
    same_as_full(register, cache, "text")
    same_as_full(register, cache, "sarif")
    same_as_full(register, cache, "html")


def test_a_chain_of_edits_keeps_matching(tmp_path: Path) -> None:
    """Each re-check leaves the snapshot the next one starts from."""
    register, cache = tmp_path / "register", tmp_path / "cache"
    files = dict(FILES)
    write(register, files)
    same_as_full(register, cache)
    for edit in (
        "narrow a condition",
        "add a sentence",
        "name an entity",
        "parties",
        "flip a modality",
        "add an article",
    ):
        files = apply(files, edit)
        write(register, files)
        same_as_full(register, cache)
    write(register, FILES)  # and back to the start (the parties differ: a full check)
    assert not reuses(register, cache)
    same_as_full(register, cache)


def test_all_and_timeout_have_snapshots_of_their_own(tmp_path: Path) -> None:
    register, cache = tmp_path / "register", tmp_path / "cache"
    write(register, FILES)
    same_as_full(register, cache, "json", "--all")
    write(register, apply(FILES, "flip a modality"))
    assert reuses(register, cache, all_=True)
    assert not reuses(register, cache)  # no snapshot yet for the default options
    same_as_full(register, cache, "json", "--all")
    same_as_full(register, cache, "json")


def test_random_edits_of_a_generated_register(tmp_path: Path) -> None:
    """Random article edits of a generated register (the benchmark's generator),
    five in a row, each re-check compared with the full check."""
    from generate import generate

    rnd = random.Random(7)
    register, cache = tmp_path / "register", tmp_path / "cache"
    files = dict(generate(3, 300))
    write(register, files)
    same_as_full(register, cache)
    edits = [
        (" shall not ", " may "),
        (" may ", " shall not "),
        (".", " unless security_council_acted(X)."),
        (" shall consult", " shall not consult"),
    ]
    taken = 0
    for _ in range(5):
        name = rnd.choice(sorted(n for n in files if n.startswith("t_")))
        lines = files[name].split("\n")
        options = [
            (i, old, new)
            for i, line in enumerate(lines)
            for old, new in edits
            if line.startswith("    each party X") and line.endswith(".") and old in line and " unless " not in line
        ]
        i, old, new = rnd.choice(options)
        lines[i] = lines[i][:-1] + new if old == "." else lines[i].replace(old, new, 1)
        files[name] = "\n".join(lines)
        write(register, files)
        taken += reuses(register, cache)
        same_as_full(register, cache)
    assert taken >= 3  # most such edits keep the treaty's header and vocabulary


def _snapshots(cache: Path) -> list[Path]:
    return sorted((cache / "snapshots").glob("*.pickle"))


def test_snapshot_others_can_write_is_not_read(tmp_path: Path) -> None:
    register, cache = tmp_path / "register", tmp_path / "cache"
    write(register, FILES)
    same_as_full(register, cache)
    [snapshot] = _snapshots(cache)
    os.chmod(snapshot, 0o666)
    assert not reuses(register, cache)
    same_as_full(register, cache)  # and it is replaced by a good one
    assert reuses(register, cache)


class _Boom:
    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.path}",))


#: A pickle that imports ``os.system`` through a dotted name under an allowed module
#: (``treatycheck.loader`` imports ``os``) and calls it: the allow-list of the first
#: snapshots accepted every ``treatycheck.*`` module and ran it.
DOTTED = b"\x80\x04ctreatycheck.loader\nos.system\n(Vtouch {path}\ntR."


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign class", "dotted name", "dotted name in world"])
def test_damaged_or_foreign_snapshot_only_costs_time(damage: str, tmp_path: Path) -> None:
    register, cache = tmp_path / "register", tmp_path / "cache"
    write(register, FILES)
    same_as_full(register, cache)
    [snapshot] = _snapshots(cache)
    data = snapshot.read_bytes()
    if damage == "truncated":
        snapshot.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        snapshot.write_bytes(b"not a snapshot")
    elif damage == "foreign class":  # with a valid checksum: the unpickler itself must refuse it
        body = pickle.dumps({"format": FORMAT, "x": _Boom(tmp_path / "pwned")})
        snapshot.write_bytes(_header(body) + b"\n" + body)
    else:
        dotted = DOTTED.replace(b"{path}", str(tmp_path / "pwned").encode())
        if damage == "dotted name":
            body = dotted
        else:  # a well-formed first record, then the payload where the world should be
            head, _, old_body = data.partition(b"\n")
            meta = pickle.loads(old_body)  # our own file, written by the check above
            body = pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL) + dotted
        snapshot.write_bytes(_header(body) + b"\n" + body)
    assert not reuses(register, cache)
    write(register, apply(FILES, "flip a modality"))
    same_as_full(register, cache)
    assert not (tmp_path / "pwned").exists()  # the foreign snapshot ran no code


def test_no_snapshot_from_a_check_with_unknown_verdicts(tmp_path: Path) -> None:
    register, cache = tmp_path / "register", tmp_path / "cache"
    write(register, FILES)
    sources, users = gather_sources([str(register)], False)
    session = Session(str(cache), sources, users, (False, 10.0))
    world, reuse = session.load()
    from treatycheck.kinds import Verdict
    from treatycheck.run import executor_for, run_check
    from treatycheck.search.execute import CheckOptions
    from treatycheck.search.result import Analysis, Finding

    _, analysis = run_check(world, False, CheckOptions(cache_dir=str(cache)), executor_for(1), reuse)
    assert analysis.findings
    n = world.norms[0]
    session.save(world, Analysis([Finding("obligation-prohibition", n, n, Verdict.UNKNOWN)], 1))
    assert _snapshots(cache) == []


@pytest.mark.parametrize("where", ["one file", "two files"])
def test_a_treaty_declared_twice_in_edited_files_is_the_full_checks_error(where: str, tmp_path: Path) -> None:
    """Two treaties with one id among the edited files: the input error of the full
    check (E212, exit 2), not an internal error of the re-check."""
    register, cache = tmp_path / "register", tmp_path / "cache"
    write(register, FILES)
    same_as_full(register, cache)
    again = '\ntreaty TB "Treaty B again" signed 2003-01-01:\n  parties: AA.\n  article 1: AA may go(AA).\n'
    files = dict(FILES)
    if where == "one file":
        files["tb.treaty"] += again
    else:
        files["tb.treaty"] = files["tb.treaty"].replace("shall go(X) if war(X).", "shall go(X).")
        files["tc.treaty"] += again
    write(register, files)
    code, _, err = same_as_full(register, cache)
    assert code == 2 and "`TB` is declared twice" in err


@pytest.mark.parametrize(
    "old, new",
    [
        (b"digests", b"digestz"),  # a key of the snapshot's header
        (b"{x} goes", b"{x}`goes"),  # a template in the snapshot's world
    ],
)
def test_a_snapshot_damaged_in_one_byte_only_costs_time(old: bytes, new: bytes, tmp_path: Path) -> None:
    """A byte changed on disk that still unpickles must neither stop the check nor
    show up in the report (the snapshot carries no checksum of its own)."""
    register, cache = tmp_path / "register", tmp_path / "cache"
    write(register, FILES)
    same_as_full(register, cache)
    [snapshot] = _snapshots(cache)
    data = snapshot.read_bytes()
    assert data.count(old) == 1
    snapshot.write_bytes(data.replace(old, new))
    write(register, apply(FILES, "flip a modality"))
    same_as_full(register, cache)
    same_as_full(register, cache, "text")


def test_check_files_re_checks_from_the_snapshot(tmp_path: Path) -> None:
    """The Python API's one-step check reuses the snapshot as the command line does."""
    import treatycheck

    register, cache = tmp_path / "register", tmp_path / "cache"
    write(register, FILES)
    first = treatycheck.check_files([str(register)], builtin=False, cache_dir=str(cache))
    assert first.summary.queries > 0
    write(register, apply(FILES, "narrow a condition"))
    assert reuses(register, cache)
    again = treatycheck.check_files([str(register)], builtin=False, cache_dir=str(cache))
    full = treatycheck.check(treatycheck.load([str(register)], builtin=False))
    assert comparable("json", again.to_json()) == comparable("json", full.to_json())


def test_a_cache_directory_keeps_the_newest_snapshots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import treatycheck
    from treatycheck import incremental

    monkeypatch.setattr(incremental, "MAX_SNAPSHOTS", 3)
    cache = tmp_path / "cache"
    for i in range(5):  # five sets of files: five snapshots written, three kept
        register = tmp_path / f"register{i}"
        write(register, FILES)
        treatycheck.check_files([str(register)], builtin=False, cache_dir=str(cache))
        path = Session.of([str(register)], False, [], str(cache), (False, 10.0)).path
        os.utime(path, (1_000_000 + i, 1_000_000 + i))  # distinct times, whatever the clock's grain
    kept = _snapshots(cache)
    assert len(kept) == 3
    assert reuses(tmp_path / "register4", cache) and not reuses(tmp_path / "register0", cache)


def test_a_re_checked_world_is_the_loaded_world(tmp_path: Path) -> None:
    """What `check_files` hands back after a re-check is the world a full load gives:
    norm texts and positions, declarations and treaties where they are written, so
    that the HTML report (a report's notebook view) is the full check's."""
    import treatycheck
    from treatycheck.report.html import render_html

    register, cache = tmp_path / "register", tmp_path / "cache"
    write(register, FILES)
    treatycheck.check_files([str(register)], builtin=False, cache_dir=str(cache))
    write(register, apply(FILES, "move lines"))
    assert reuses(register, cache)
    again = treatycheck.check_files([str(register)], builtin=False, cache_dir=str(cache))
    world = treatycheck.load([str(register)], builtin=False)
    full = treatycheck.check(world)
    got = again.world
    assert got == world
    # where everything is written (spans, breadcrumbs, sentence words, keywords) and
    # every file's text: the source map a full load builds
    assert got.source_map.all_places() and got.source_map.all_places() == world.source_map.all_places()
    assert got.warnings == world.warnings and got.sources == world.sources

    assert comparable("html", render_html(again, again.world)) == comparable("html", render_html(full, full.world))
