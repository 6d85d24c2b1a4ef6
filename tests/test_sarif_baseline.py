"""SARIF 2.1.0 output (validated against the official schema) and baselines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

HERE = Path(__file__).parent
WORKED = HERE / "cases" / "good" / "language_s2_s7.treaty"
EXAMPLE = HERE.parent / "examples" / "european_security_treaty.treaty"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "treatycheck", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads((HERE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def test_schema_file_is_the_official_one(schema: dict) -> None:
    jsonschema.Draft4Validator.check_schema(schema)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")


@pytest.mark.parametrize("args", [["--no-builtin", str(WORKED)], [str(EXAMPLE)], [str(EXAMPLE), "--timeout", "0.001"]])
def test_sarif_validates(schema: dict, args: list[str]) -> None:
    r = run("check", "--format", "sarif", *args)
    # exit 1 in all three runs (--fail-on defaults to error): each has an error-level result (a
    # breach of NAT:8 by EST:2.1), and under a 1 ms timeout the queries that give up are
    # `unknown`, errors too; 0 would mean an error was lost, 2 an input error
    assert r.returncode == 1, r.stderr
    log = json.loads(r.stdout)
    jsonschema.validate(log, schema)
    [sarif_run] = log["runs"]
    results = sarif_run["results"]
    assert results, "the example has conflicts"
    assert any(res["level"] == "error" for res in results), "exit 1 needs an error-level result"
    rules = [rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]]
    for res in results:
        assert res["ruleId"] in rules and rules[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning")
        assert res["partialFingerprints"]["treatycheckConflictId/v1"].endswith("/" + res["ruleId"])


def test_sarif_location_is_a_user_clause(schema: dict) -> None:
    log = json.loads(run("check", "--format", "sarif", str(EXAMPLE)).stdout)
    for res in log["runs"][0]["results"]:
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == str(EXAMPLE)
        for rel in res.get("relatedLocations", []):
            assert rel["physicalLocation"]["region"]["startLine"] >= 1
    results = {r["properties"]["id"]: r for r in log["runs"][0]["results"]}
    # EST's claim makes it prevail over the earlier NAT, breaching NAT:8: an error
    nat4 = results["EST:2.1~NAT:4/obligation-prohibition"]
    assert nat4["level"] == "error" and "Scenario:" in nat4["message"]["text"]
    assert nat4["properties"]["resolution"]["breaches"] == ["NAT:8"]
    # where NAT:5 demands assistance, the Charter's collective self-defence displaces EST:2.1
    nat5 = results["EST:2.1~NAT:5/obligation-prohibition"]
    assert nat5["level"] == "warning" and nat5["properties"]["resolution"]["status"] == "displaced"


def test_baseline_round_trip(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    first = run("check", "--no-builtin", str(WORKED), "--write-baseline", str(base), "--format", "json")
    assert first.returncode == 1
    data = json.loads(base.read_text())
    assert data["schema"] == "treatycheck/baseline/v2"
    found = json.loads(first.stdout)["conflicts"]
    assert data["conflicts"] == [
        {
            "id": c["id"],
            "severity": c["severity"],
            "status": c["resolution"]["status"],
            "winner": c["resolution"]["winner"],
        }
        for c in sorted(found, key=lambda c: c["id"])
    ]
    again = run("check", "--no-builtin", str(WORKED), "--baseline", str(base), "--format", "json")
    assert again.returncode == 0, again.stdout
    assert json.loads(again.stdout)["conflicts"] == []


def test_baseline_reports_only_new_conflicts(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    base.write_text(json.dumps({"schema": "treatycheck/baseline/v2", "conflicts": []}))
    r = run("check", "--no-builtin", str(WORKED), "--baseline", str(base), "--format", "json")
    assert r.returncode == 1
    assert [c["id"] for c in json.loads(r.stdout)["conflicts"]] == ["EST:2.1~NAT:5/obligation-prohibition"]


@pytest.mark.parametrize(
    "content", ["not json", '{"schema": "other"}', '{"schema": "treatycheck/baseline/v2", "conflicts": [1]}']
)
def test_bad_baseline_is_an_input_error(tmp_path: Path, content: str) -> None:
    base = tmp_path / "baseline.json"
    base.write_text(content)
    r = run("check", "--no-builtin", str(WORKED), "--baseline", str(base))
    assert r.returncode == 2 and "baseline" in r.stderr and "Traceback" not in r.stderr


def test_missing_baseline_is_an_input_error(tmp_path: Path) -> None:
    r = run("check", "--no-builtin", str(WORKED), "--baseline", str(tmp_path / "nope.json"))
    assert r.returncode == 2 and "no such baseline" in r.stderr
