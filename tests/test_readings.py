"""Readings: one check per declared reading, merged into one report.

- property: on random law worlds (tests/lawworlds.py) whose article sentences are
  tagged at random for one reading, the other or both, the merged report seen from
  each reading is exactly the report of that reading checked alone, conflict by
  conflict in JSON; and its top level follows the merge rules (severity the worst,
  resolution and bearers of the first reading it arises in, ``every_reading``);
- the worked example of docs/language.md (EST art. 9(2) read two ways): literal
  per-reading resolutions, text and JSON shapes, ``--reading``, ``expect ... in
  reading``;
- errors: an unknown reading (E235), a reading declared twice differently (E203),
  ``in reading`` outside an article (E236), ``--reading`` naming no reading (E302);
- a world without readings gives the same JSON with or without the feature's code
  paths (no ``readings`` key anywhere).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import treatycheck
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lawworlds import law_world
from treatycheck.readings import view

EXAMPLES = max(1, int(os.environ.get("TREATYCHECK_LAW_EXAMPLES", "500")) // 5)

READINGS = 'reading ra "the first reading".\nreading rb "the second reading".\n'
TAGS = ["", "", "in reading ra: ", "in reading rb: ", "in readings ra, rb: ", "in readings rb, ra: "]
_ARTICLE = re.compile(r"^(  article [^:]+: )(.*)$")


@st.composite
def tagged_world(draw: st.DrawFn) -> str:
    """A law world with two readings declared and each article sentence tagged at
    random (untagged, one reading, or both)."""
    text = draw(law_world())
    lines = []
    for line in text.splitlines():
        m = _ARTICLE.match(line)
        if m is None:
            lines.append(line)
            continue
        # sentences end with a full stop and a space (or the line's end)
        sentences = [s for s in re.split(r"(?<=\.)\s+", m[2]) if s]
        lines.append(m[1] + " ".join(draw(st.sampled_from(TAGS)) + s for s in sentences))
    return READINGS + "\n".join(lines) + "\n"


def _conflicts(report: treatycheck.Report) -> list[dict]:
    return [c.to_dict() for c in report.conflicts]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tagged_world())
def test_each_reading_of_the_merged_report_is_that_reading_alone(text: str) -> None:
    world = treatycheck.loads(text)
    merged = treatycheck.check(world, all_conflicts=True, timeout=30)
    alone = {r: treatycheck.check(world, all_conflicts=True, timeout=30, reading=r) for r in ("ra", "rb")}
    for r, report in alone.items():
        assert _conflicts(view(merged, r)) == _conflicts(report), r
        assert "readings" not in report.to_dict()
    # the merge rules
    for c in merged.conflicts:
        names = [name for name, _ in c.readings]
        assert names == [r for r in ("ra", "rb") if any(x.id == c.id for x in alone[r].conflicts)]
        lead = next(x for x in alone[names[0]].conflicts if x.id == c.id)
        assert (c.resolution, c.bearers, c.scenario) == (lead.resolution, lead.bearers, lead.scenario)
        worst = "error" if any(o.severity == "error" for _, o in c.readings) else "warning"
        assert c.severity == worst
        assert c.hypothetical == any(o.hypothetical for _, o in c.readings)
        assert c.every_reading == (names == ["ra", "rb"])
    ids = sorted({c.id for r in alone.values() for c in r.conflicts})
    assert [c.id for c in merged.conflicts] == ids
    assert merged.summary.errors == sum(c.severity == "error" for c in merged.conflicts)


@settings(max_examples=max(1, EXAMPLES // 4), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=tagged_world())
def test_the_merged_report_does_not_depend_on_the_cache(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    world = treatycheck.loads(text)
    cache = str(tmp_path_factory.mktemp("cache"))
    runs = [
        treatycheck.check(world, all_conflicts=True, timeout=30, cache_dir=c).to_dict() for c in (None, cache, cache)
    ]
    for d in runs:
        d["summary"].pop("seconds"), d["summary"].pop("queries")
    assert runs[1] == runs[0] and runs[2] == runs[0]


# ---------------------------------------------------------------- the worked example

EXAMPLE = """\
state RU "Russia".
state US "United States".
action station(actor, place) "{actor} stations forces in {place}".
fact attacked(place) "{place} is attacked".

reading critics "Art. 9 as the draft's critics read it".
reading plain "Art. 9 by the words of VCLT art. 30(2)".

treaty NT "Alliance" signed 1949-04-04:
  parties: RU, US.
  article 5: each party X shall station(X, P) if attacked(P).

treaty EST "Draft European Security Treaty" draft:
  parties: RU, US.
  article 2: each party X shall not station(X, P).
  article 9.2:
    in reading critics: this treaty prevails over all earlier treaties.
    in reading plain: this treaty is subject to all earlier treaties.

expect conflict NT:5 EST:2 resolved prevails EST in reading critics.
expect conflict NT:5 EST:2 resolved prevails NT in reading plain.
expect conflict NT:5 EST:2.
"""


def _world(tmp_path: Path, text: str = EXAMPLE) -> Path:
    path = tmp_path / "est.treaty"
    path.write_text(text, encoding="utf-8")
    return path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treatycheck", *args], capture_output=True, text=True, encoding="utf-8", check=False
    )


def test_the_worked_example_reads_article_9_two_ways(tmp_path: Path) -> None:
    path = _world(tmp_path)
    data = json.loads(_cli("check", "--no-builtin", "--format", "json", str(path)).stdout)
    assert [r["name"] for r in data["readings"]] == ["critics", "plain"]
    [c] = data["conflicts"]
    assert c["id"] == "EST:2~NT:5/obligation-prohibition"
    per = {
        name: (o["resolution"]["status"], o["resolution"]["winner"], o["severity"]) for name, o in c["readings"].items()
    }
    assert per == {"critics": ("prevails", "EST", "warning"), "plain": ("prevails", "NT", "warning")}
    assert c["every_reading"] is True
    assert c["resolution"]["winner"] == "EST"  # the first declared reading leads
    assert c["resolution"]["by"] == ["EST:9.2"]
    assert c["readings"]["plain"]["resolution"]["by"] == ["EST:9.2#2"]
    assert "bearers" not in c["readings"]["plain"]  # the same as the lead's
    text = _cli("check", "--no-builtin", str(path)).stdout
    assert "= readings: critics: prevails EST (warning); plain: prevails NT (warning) (under every reading)" in text
    assert "in 2 norms under 2 readings" in text


def test_one_reading_alone_has_the_plain_shape(tmp_path: Path) -> None:
    path = _world(tmp_path)
    data = json.loads(_cli("check", "--no-builtin", "--format", "json", "--reading", "plain", str(path)).stdout)
    assert "readings" not in data
    [c] = data["conflicts"]
    assert "readings" not in c
    assert (c["resolution"]["status"], c["resolution"]["winner"]) == ("prevails", "NT")


def test_expectations_hold_per_reading(tmp_path: Path) -> None:
    path = _world(tmp_path)
    done = _cli("test", "--no-builtin", str(path))
    assert done.returncode == 0, done.stdout
    assert "3 passed, 0 failed" in done.stdout
    bad = _world(tmp_path, EXAMPLE + "expect conflict NT:5 EST:2 resolved prevails EST.\n")
    done = _cli("test", "--no-builtin", str(bad))
    assert done.returncode == 1
    assert "in reading plain: found EST:2~NT:5/obligation-prohibition (proved, resolved prevails NT)" in done.stdout
    # with --reading, only that reading's expectations (and the unpinned ones) run
    done = _cli("test", "--no-builtin", "--reading", "critics", str(bad))
    assert done.returncode == 0, done.stdout
    assert "3 passed, 0 failed" in done.stdout


def test_a_conflict_of_one_reading_only_says_so(tmp_path: Path) -> None:
    text = EXAMPLE.replace(
        "  article 2: each party X shall not station(X, P).",
        "  article 2:\n    in reading critics: each party X shall not station(X, P).",
    ).replace("expect conflict NT:5 EST:2.\n", "expect no conflict NT:5 EST:2 in reading plain.\n")
    text = text.replace("expect conflict NT:5 EST:2 resolved prevails NT in reading plain.\n", "")
    path = _world(tmp_path, text)
    out = _cli("check", "--no-builtin", str(path)).stdout
    assert "= readings: critics: prevails EST (warning) (not under every reading)" in out
    done = _cli("test", "--no-builtin", str(path))
    assert done.returncode == 0, done.stdout


def test_explain_says_where_a_tagged_sentence_holds(tmp_path: Path) -> None:
    path = _world(tmp_path)
    out = _cli("explain", "EST:9.2#2", "--no-builtin", str(path)).stdout
    assert "only in reading: plain" in out
    assert "decides: 1 conflict" in out
    data = json.loads(_cli("explain", "EST:9.2#2", "--no-builtin", "--format", "json", str(path)).stdout)
    assert data["precedence"][0]["readings"] == ["plain"]


def test_fmt_keeps_the_tags(tmp_path: Path) -> None:
    path = _world(tmp_path)
    out = _cli("fmt", str(path)).stdout
    assert "    in reading critics: this treaty prevails over all earlier treaties." in out
    assert 'reading plain "Art. 9 by the words of VCLT art. 30(2)".' in out
    assert "expect conflict NT:5 EST:2 resolved prevails NT in reading plain." in out
    assert treatycheck.parse(out) == treatycheck.parse(EXAMPLE)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        (("in reading plain: this", "in reading plane: this"), "E235", "unknown reading `plane`"),
        (
            ('reading plain "Art. 9 by the words of VCLT art. 30(2)".', 'reading plain "x".\nreading plain "y".'),
            "E203",
            "`plain` is declared again differently",
        ),
        (
            ("expect conflict NT:5 EST:2.", "in reading plain: expect conflict NT:5 EST:2."),
            "E236",
            "outside an article",
        ),
        (("in reading plain.\nexpect conflict NT:5 EST:2.", "in reading plan."), "E235", "unknown reading `plan`"),
    ],
)
def test_reading_errors(tmp_path: Path, change: tuple[str, str], code: str, message: str) -> None:
    text = EXAMPLE.replace(*change)
    assert text != EXAMPLE
    path = _world(tmp_path, text)
    done = _cli("parse", "--no-builtin", str(path))
    assert done.returncode == 2
    assert message in done.stderr, done.stderr
    data = json.loads(_cli("parse", "--no-builtin", "--format", "json", str(path)).stdout)
    assert code in [d["code"] for d in data["diagnostics"]]


def test_a_reading_declared_twice_identically_is_one_reading(tmp_path: Path) -> None:
    path = _world(tmp_path, EXAMPLE + 'reading plain "Art. 9 by the words of VCLT art. 30(2)".\n')
    assert _cli("parse", "--no-builtin", str(path)).returncode == 0


@pytest.mark.parametrize("command", ["check", "test", "explain", "diff"])
def test_reading_option_names_a_declared_reading(tmp_path: Path, command: str) -> None:
    path = _world(tmp_path)
    plain = tmp_path / "plain.treaty"
    plain.write_text("state AA.\n", encoding="utf-8")
    args = {"check": [str(path)], "test": [str(path)], "explain": ["NT:5", str(path)], "diff": [str(path), str(path)]}
    done = _cli(command, "--no-builtin", "--reading", "critic", *args[command])
    assert done.returncode == 2
    assert "E302" not in done.stdout
    assert "no such reading; did you mean `critics`?" in done.stderr
    if command in ("check", "test"):
        done = _cli(command, "--no-builtin", "--reading", "critics", str(plain))
        assert done.returncode == 2
        assert "the files declare no reading" in done.stderr


def test_reading_on_the_api() -> None:
    world = treatycheck.loads(EXAMPLE)
    with pytest.raises(treatycheck.TreatyError, match="no such reading"):
        treatycheck.check(world, reading="x")
    report = treatycheck.check(world, reading="critics")
    assert not report.readings and [c.resolution.winner for c in report.conflicts] == ["EST"]


def test_no_readings_no_readings_keys(tmp_path: Path) -> None:
    text = EXAMPLE.replace(
        "    in reading critics: this treaty prevails over all earlier treaties.\n"
        "    in reading plain: this treaty is subject to all earlier treaties.\n",
        "    this treaty prevails over all earlier treaties.\n",
    )
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("reading", "expect"))) + "\n"
    path = _world(tmp_path, text)
    out = _cli("check", "--no-builtin", "--format", "json", str(path)).stdout
    assert '"readings"' not in out and '"every_reading"' not in out
    sarif = _cli("check", "--no-builtin", "--format", "sarif", str(path)).stdout
    assert '"readings"' not in sarif


# ---------------------------------------------------------------- the same answers every way


def _json(*args: str) -> dict:
    done = _cli("check", "--no-builtin", "--format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    data["summary"].pop("seconds"), data["summary"].pop("queries")
    return data


def test_snapshot_jobs_and_cache_give_the_cold_report(tmp_path: Path) -> None:
    """A re-check after an edit (the snapshot), --jobs 2 and a warm cache give, byte
    for byte, the report of a cold check of the same files."""
    path = _world(tmp_path)
    cache = str(tmp_path / "cache")
    _json("--cache-dir", cache, str(path))  # leaves the snapshot
    edited = EXAMPLE.replace("shall station(X, P) if attacked(P)", "shall station(X, P) if attacked(P) and P is X")
    path.write_text(edited, encoding="utf-8")
    again = _json("--cache-dir", cache, str(path))
    assert again == _json("--no-cache", str(path))
    assert _json("--no-cache", "--jobs", "2", str(path)) == again
    assert _json("--cache-dir", cache, str(path)) == again


def test_diff_tells_may_from_need_not(tmp_path: Path) -> None:
    old = tmp_path / "old.treaty"
    new = tmp_path / "new.treaty"
    text = "state AA.\naction go(actor).\ntreaty TA:\n  parties: AA.\n  article 1: AA may go(AA).\n"
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace("may", "need not"), encoding="utf-8")
    data = json.loads(_cli("diff", "--no-builtin", "--format", "json", str(old), str(new)).stdout)
    [article] = data["articles"]
    assert (article["change"], article["modality"]) == ("different", {"old": "permission", "new": "exemption"})


def test_diff_sees_a_reading_change(tmp_path: Path) -> None:
    """Only the plain reading's resolution moves: `changed`, with both readings."""
    old = _world(tmp_path)
    new = tmp_path / "new.treaty"
    new.write_text(
        EXAMPLE.replace("in reading plain: this treaty is subject to all earlier treaties.", "").replace(
            "expect conflict NT:5 EST:2 resolved prevails NT in reading plain.\n", ""
        ),
        encoding="utf-8",
    )
    data = json.loads(_cli("diff", "--no-builtin", "--format", "json", str(old), str(new)).stdout)
    assert [c["id"] for c in data["changed"]] == ["EST:2~NT:5/obligation-prohibition"]
