"""``--prefer ENTITY,...``: scenarios cast the analyst's entities, the findings unchanged.

On the bundled Draft European Security Treaty: the same conflicts, resolutions and
bearers with and without it; the scenario shown for the preferred bearer, with the
other preferred entities in the roles they can play; the same report with one job
or two and with a cold or warm cache; a clear error for an undeclared name.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EST = "examples/european_security_treaty.treaty"
NRC = "examples/nrc_agreement.treaty"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treatycheck", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def findings(stdout: str) -> tuple[dict, set[tuple]]:
    """The JSON report without timings, and what must not depend on --prefer."""
    data = json.loads(stdout)
    del data["summary"]["seconds"], data["summary"]["queries"]
    same = {
        (c["id"], c["severity"], c["resolution"]["status"], c["resolution"]["winner"], tuple(c["bearers"]))
        for c in data["conflicts"]
    }
    return data, same


def test_prefer_casts_roles_and_keeps_the_findings(tmp_path: Path) -> None:
    args = ("check", "--format", "json", "--reading", "critics", "--no-cache", EST)
    plain = run(*args)
    cast = run(*args, "--prefer", "US,RU,PL")
    assert plain.returncode == cast.returncode == 1, cast.stderr
    _, before = findings(plain.stdout)
    data, after = findings(cast.stdout)
    assert before == after
    by_id = {c["id"]: c for c in data["conflicts"]}
    nat5 = by_id["EST:2.1~NAT:5/obligation-prohibition"]
    # the bearer is the first preferred bearer; Russia attacks Poland (the roles
    # of NAT:5 in order: the attacker, then the victim) and objects (EST:2.1's
    # affected Party, cast again once every preferred entity has a role)
    assert nat5["bearer"] == "US"
    story = nat5["scenario"]["story"]
    assert story.startswith("RU carries out an armed attack against PL;"), story
    assert "RU considers its security significantly affected when US assists PL" in story
    # every conflict's bearer is the first preferred entity among its bearers
    for c in data["conflicts"]:
        lead = next((e for e in ("US", "RU", "PL") if e in c["bearers"]), c["bearers"][0])
        assert c["bearer"] == lead


def test_prefer_is_deterministic_across_jobs_and_cache(tmp_path: Path) -> None:
    base = ("check", "--format", "json", "--reading", "critics", "--prefer", "GE,RU,NATO", EST)
    cold = findings(run(*base, "--cache-dir", str(tmp_path / "c")).stdout)[0]
    warm = findings(run(*base, "--cache-dir", str(tmp_path / "c")).stdout)[0]
    jobs = findings(run(*base, "--no-cache", "--jobs", "2").stdout)[0]
    assert cold == warm == jobs
    hfa = next(c for c in cold["conflicts"] if c["id"] == "EST:2.1~HFA:I/right-prohibition")
    assert hfa["scenario"]["story"].startswith("RU considers its security significantly affected when GE joins NATO")
    # the plain cache entries are not the cast ones: a plain check after it shows
    # the canonical scenario again
    plain = findings(
        run("check", "--format", "json", "--reading", "critics", "--cache-dir", str(tmp_path / "c"), EST).stdout
    )
    fresh = findings(run("check", "--format", "json", "--reading", "critics", "--no-cache", EST).stdout)
    assert plain[0] == fresh[0]


def test_prefer_in_explain_and_control() -> None:
    ex = run("explain", "--reading", "critics", "--prefer", "GE,RU,NATO", "HFA:I", EST)
    assert ex.returncode == 0, ex.stderr
    assert "RU considers its security significantly affected when GE joins NATO" in " ".join(ex.stdout.split())
    ctl = run("control", "--prefer", "US,RU,PL", NRC)
    assert ctl.returncode == 0, ctl.stderr
    text = " ".join(ctl.stdout.split())
    assert (
        "if it is not the case that RU consents to US stationing substantial combat forces in PL, NRC:3 forbids US"
    ) in text
    # the controllers per bearer do not depend on it
    a = json.loads(run("control", "--format", "json", NRC).stdout)
    b = json.loads(run("control", "--format", "json", "--prefer", "US,RU,PL", NRC).stdout)
    assert [n["bearers"] for n in a["norms"]] == [n["bearers"] for n in b["norms"]]


def test_prefer_names_an_undeclared_entity() -> None:
    r = run("check", "--prefer", "RU,GEO", NRC)
    assert r.returncode == 2
    assert "`--prefer GEO`: no entity `GEO` is declared; did you mean `GE`?" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_scenario_names_an_entity_its_template_leaves_unsaid() -> None:
    """``tell``: a parameter the English template does not mention is named with
    its role after the sentence, so no entity of a scenario goes unsaid."""
    import treatycheck
    from treatycheck.tell import tell

    world = treatycheck.loads(
        'state AA "A".\nstate BB "B".\n'
        'fact consents(party, stationer, host) "{party} consents to {stationer} stationing forces".\n',
        builtin=False,
    )
    assert tell(world, ("consents", "AA", "BB", "AA")) == "AA consents to BB stationing forces (host: AA)"
