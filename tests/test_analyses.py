"""``control`` and ``overlap``: the engine cases' exact results, the command line,
the JSON schemas, determinism and the cache.

An engine case (tests/cases/engine) may carry, in its leading comment block:

- ``# control: REF for BEARER: E1, E2`` for each (duty, bearer) some other entity
  controls, or one ``# control: none``: the engine's controllers must be exactly
  these, for every duty of the file;
- ``# overlap: REF equivalent A, B`` / ``covered A, B [political]`` /
  ``new [closest C]``, one per norm of the file: the engine's statuses, lists,
  closest norm and binding-force note must be exactly these.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import treatycheck
from treatycheck.control import control
from treatycheck.overlap import overlap

CASES = Path(__file__).parent / "cases" / "engine"
ENGINE = sorted(CASES.glob("*.treaty"))


def header(path: Path, tag: str) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[: next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))]
    return [line.removeprefix(f"# {tag}:").strip() for line in head if line.startswith(f"# {tag}:")]


CONTROL_CASES = [p for p in ENGINE if header(p, "control")]
OVERLAP_CASES = [p for p in ENGINE if header(p, "overlap")]
CONTROL_LINE = re.compile(r"(?P<ref>\S+) for (?P<bearer>[A-Z][A-Z0-9_]+): (?P<es>.+)")
OVERLAP_LINE = re.compile(
    r"(?P<ref>\S+) (?:(?P<kind>equivalent|covered) (?P<refs>[^ ]+(?:, [^ ]+)*)(?P<political> political)?"
    r"|new(?: closest (?P<closest>\S+))?)"
)


def test_there_are_analysis_cases() -> None:
    assert len(CONTROL_CASES) >= 5 and len(OVERLAP_CASES) >= 3


@pytest.mark.parametrize("path", CONTROL_CASES, ids=lambda p: p.stem)
def test_control_case_is_exact(path: Path) -> None:
    bodies = header(path, "control")
    want: set[tuple[str, str, tuple[str, ...]]] = set()
    if bodies != ["none"]:
        for body in bodies:
            mt = CONTROL_LINE.fullmatch(body)
            assert mt, f"{path.name}: cannot read `# control: {body}`"
            want.add((mt["ref"], mt["bearer"], tuple(x.strip() for x in mt["es"].split(","))))
    world = treatycheck.load([str(path)], builtin=False)
    report = control(world)
    assert not any(n.unknown for n in report.norms)
    got = {(n.ref, b, es) for n in report.norms for b, es in n.bearers}
    assert got == want, f"{path.name}: engine {sorted(got)}"
    # every scenario pair shown replays as the definition says (the engine did,
    # before showing it; here through the public types only)
    for n in report.norms:
        for pair in n.pairs:
            on, off = pair.decided(world)
            assert set(pair.binds) ^ set(pair.frees) <= set(on) | set(off)
            assert pair.entity in dict(n.bearers)[pair.bearer]


@pytest.mark.parametrize("path", OVERLAP_CASES, ids=lambda p: p.stem)
def test_overlap_case_is_exact(path: Path) -> None:
    want = {}
    for body in header(path, "overlap"):
        mt = OVERLAP_LINE.fullmatch(body)
        assert mt, f"{path.name}: cannot read `# overlap: {body}`"
        refs = tuple(x.strip() for x in mt["refs"].split(",")) if mt["refs"] else ()
        status = mt["kind"] or "new"
        want[mt["ref"]] = (status, refs, mt["closest"], bool(mt["political"]))
    report = overlap(treatycheck.load([str(path)], builtin=False))
    got = {}
    for o in report.norms:
        assert not o.unknown
        refs = o.equivalent if o.status == "equivalent" else o.covered_by
        got[o.ref] = (o.status, refs, o.closest, o.note is not None and "politically" in o.note)
        if o.status == "new" and o.closest:
            assert o.scenario is not None and o.closest in o.scenario["story"]
    assert got == want


@pytest.mark.parametrize("path", CONTROL_CASES + OVERLAP_CASES, ids=lambda p: p.stem)
def test_analysis_header_agrees_with_its_expect_lines(path: Path) -> None:
    """Without running the analyses: each ``expect [no] control`` / ``expect covered|new``
    line agrees with the file's header, so the two cannot drift apart."""
    world = treatycheck.load([str(path)], builtin=False)
    controls = {}
    for body in header(path, "control"):
        mt = CONTROL_LINE.fullmatch(body)
        if mt:
            controls.setdefault(mt["ref"], set()).update(x.strip() for x in mt["es"].split(","))
    statuses = {}
    for body in header(path, "overlap"):
        mt = OVERLAP_LINE.fullmatch(body)
        assert mt
        statuses[mt["ref"]] = mt["kind"] or "new"
    for e in world.expectations:
        ref = e.refs[0]
        if e.kind == "control":
            assert e.entity in controls.get(ref, set()), f"{path.name}: expect control {e.entity} {ref}"
        elif e.kind == "no_control":
            assert e.entity not in controls.get(ref, set()), f"{path.name}: expect no control {e.entity} {ref}"
        elif e.kind == "new":
            assert statuses[ref] == "new", f"{path.name}: expect new {ref}"
        elif e.kind == "covered":
            assert statuses[ref] in ("covered", "equivalent"), f"{path.name}: expect covered {ref}"


def test_overlap_new_scenario_tells_what_only_it_reaches() -> None:
    report = overlap(treatycheck.load([str(CASES / "074_overlap_partial_is_new.treaty")], builtin=False))
    (tb1,) = report.norm("TB:1")
    assert tb1.scenario is not None
    x = tb1.scenario["bearer"]
    host = {"AA": "BB", "BB": "AA"}[x]
    # the host is tense and consents: TB:1 still forbids, TA:1 does not
    assert sorted(tb1.scenario["facts"]) == [f"consents({host}, station({x}, {host}))", f"tense({host})"]
    assert tb1.scenario["story"].endswith(f"TB:1 forbids {x}: {x} stations forces in {host}; TA:1 does not")


def test_the_commitment_note_and_summary() -> None:
    report = overlap(treatycheck.load([str(CASES / "073_overlap_covered_only_by_a_commitment.treaty")], builtin=False))
    (dr1,) = report.norm("DR:1")
    assert dr1.note == "makes legally binding what HF:I commits to politically"
    lines = [s.line() for s in report.summaries]
    assert lines == [
        "DR: 1 of 2 norms adds nothing beyond HF",
        "HF: 0 of 1 norm add nothing",
        "TR: 1 of 1 norm adds nothing beyond DR",
    ]


# ------------------------------------------------------------------ command line


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "treatycheck", *args], capture_output=True, text=True, check=False)


def test_control_command_text_and_json(tmp_path: Path) -> None:
    case = str(CASES / "067_control_consent_of_every_party.treaty")
    text = run("control", "--no-builtin", "--no-cache", case)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0] == "NR:1  controlled by any other party, for each of its 3 bearers"
    assert text.stdout.rstrip().endswith("1 of 1 duty is controlled by another entity")
    data = json.loads(run("control", "--no-builtin", "--no-cache", "--format", "json", case).stdout)
    assert data["schema"] == "treatycheck/control/v1"
    (nr1,) = data["norms"]
    assert nr1["any_other_party"] and nr1["bearers"][0] == {"bearer": "AA", "controllers": ["BB", "CC"]}
    assert [s["entity"] for s in nr1["scenarios"]] == ["BB", "CC"]
    # the cache changes nothing
    cached = [
        run("control", "--no-builtin", "--cache-dir", str(tmp_path), "--format", "json", case).stdout for _ in (1, 2)
    ]
    assert cached[0] == cached[1] == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_overlap_command_text_and_json(tmp_path: Path) -> None:
    case = str(CASES / "072_overlap_equivalent_and_covered.treaty")
    text = run("overlap", "--no-builtin", "--no-cache", case)
    assert text.returncode == 0, text.stderr
    assert "TB:2  covered by TA:1" in text.stdout.splitlines()
    assert "= TB: 2 of 3 norms add nothing beyond TA" in text.stdout
    plain = run("overlap", "--no-builtin", "--no-cache", "--format", "json", case).stdout
    data = json.loads(plain)
    assert data["schema"] == "treatycheck/overlap/v1"
    assert {n["ref"]: n["status"] for n in data["norms"]} == {
        "TA:1": "equivalent",
        "TA:2": "covered",
        "TB:1": "equivalent",
        "TB:2": "covered",
        "TB:3": "new",
    }
    cached = [
        run("overlap", "--no-builtin", "--cache-dir", str(tmp_path), "--format", "json", case).stdout for _ in (1, 2)
    ]
    assert cached[0] == cached[1] == plain


def test_analyses_of_bad_input_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.treaty"
    bad.write_text('state AA "A".\nfact ok(x) "{x}" decided by y.\n', encoding="utf-8")
    for command in ("control", "overlap"):
        r = run(command, "--no-builtin", str(bad))
        assert r.returncode == 2
        assert "bad.treaty:2:29: error: `ok` has no parameter `y` to be decided by" in r.stderr
        assert "help: parameters: x" in r.stderr and "^" in r.stderr
        assert "Traceback" not in r.stderr


def test_analyses_do_not_depend_on_the_order_of_files(tmp_path: Path) -> None:
    text = (CASES / "073_overlap_covered_only_by_a_commitment.treaty").read_text(encoding="utf-8")
    head, _, treaties = text.partition("treaty HF")
    parts = ("treaty HF" + treaties).split("\n\ntreaty ")
    (tmp_path / "a.treaty").write_text(head, encoding="utf-8")
    for i, part in enumerate(parts):
        (tmp_path / f"t{i}.treaty").write_text(part if i == 0 else "treaty " + part, encoding="utf-8")
    files = sorted(str(p) for p in tmp_path.glob("*.treaty"))
    outs = {
        run("overlap", "--no-builtin", "--no-cache", "--format", "json", *order).stdout
        for order in (files, files[::-1])
    }
    assert len(outs) == 1
