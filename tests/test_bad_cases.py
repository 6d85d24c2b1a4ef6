"""The malformed-input corpus: every file in tests/cases/bad is refused with the
diagnostics its header announces.

Each file starts with one or more header lines::

    # expect-error: E201 4:23 unknown predicate

(code, LINE:COLUMN of the diagnostic, then a substring of its message). A line
``# xfail: REASON`` marks a known engine bug: the header states the right
expectation and the case is expected to fail until the engine is fixed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import treatycheck
from treatycheck.codes import Code

BAD = Path(__file__).parent / "cases" / "bad"
FILES = sorted(BAD.glob("*.treaty"))

HEADER = re.compile(r"^# expect-error: (?P<code>[EW]\d{3}) (?P<line>\d+):(?P<column>\d+) (?P<message>.+?)\s*$")
XFAIL = re.compile(r"^# xfail: (?P<reason>.+?)\s*$")


@dataclass(frozen=True)
class Expectation:
    code: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.code} {self.line}:{self.column} {self.message}"


def read_header(path: Path) -> tuple[list[Expectation], str | None]:
    """The expectations and the xfail reason (if any) from a file's leading comments."""
    expectations: list[Expectation] = []
    reason = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.startswith("#"):
            break
        if m := HEADER.match(raw):
            expectations.append(Expectation(m["code"], int(m["line"]), int(m["column"]), m["message"]))
        elif m := XFAIL.match(raw):
            reason = m["reason"]
    return expectations, reason


def _params() -> list[object]:
    out = []
    for path in FILES:
        _, reason = read_header(path)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        out.append(pytest.param(path, id=path.stem, marks=marks))
    return out


def _load_error(path: Path) -> treatycheck.TreatyError:
    with pytest.raises(treatycheck.TreatyError) as info:
        treatycheck.load([str(path)], builtin=False)
    return info.value


def _matches(exp: Expectation, d: treatycheck.Diagnostic) -> bool:
    return (
        d.code == exp.code
        and d.span is not None
        and d.span.line == exp.line
        and d.span.column == exp.column
        and exp.message in d.message
    )


def test_corpus_is_large_enough() -> None:
    assert len(FILES) >= 30


def test_every_file_has_a_header() -> None:
    missing = [p.name for p in FILES if not read_header(p)[0]]
    assert not missing, f"files without an `# expect-error:` header: {missing}"


def test_readme_lists_every_file() -> None:
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in FILES if p.name not in readme]
    assert not missing, f"README.md does not list: {missing}"


def test_corpus_covers_every_code() -> None:
    """Every error code the engine can raise for a file's contents appears in the corpus."""
    codes = {e.code for p in FILES for e in read_header(p)[0]}
    # the registry's syntax codes and its codes for names, types and references
    wanted = {str(c) for c in Code if c in ("E101", "E102") or c.startswith("E2")}
    assert wanted <= codes, f"codes with no case: {sorted(wanted - codes)}"


@pytest.mark.parametrize("path", _params())
def test_bad_case(path: Path) -> None:
    expectations, _ = read_header(path)
    err = _load_error(path)
    got = "\n".join(
        f"  {d.code} {d.span.line if d.span else '?'}:{d.span.column if d.span else '?'} {d.message}"
        for d in err.diagnostics
    )
    for exp in expectations:
        assert any(_matches(exp, d) for d in err.diagnostics), f"expected {exp}\ngot:\n{got}"
    # the first error is exposed as plain attributes
    assert err.file == str(path)
    assert isinstance(err.line, int) and err.line >= 1
    assert isinstance(err.column, int) and err.column >= 1
    assert err.message
    assert any(d.severity == "error" for d in err.diagnostics)


@pytest.mark.parametrize(
    ("name", "help_part"),
    [
        pytest.param("010_unknown_entity_did_you_mean.treaty", "did you mean `RUSSIA`?", id="did-you-mean-entity"),
        pytest.param("011_unknown_predicate.treaty", "did you mean `armed_attack`?", id="did-you-mean-predicate"),
        pytest.param(
            "032_template_placeholder_not_param.treaty", "did you mean `{victim}`?", id="did-you-mean-placeholder"
        ),
        pytest.param("045_expect_unknown_treaty.treaty", "did you mean `NAT`?", id="did-you-mean-treaty"),
        pytest.param("005_hash_glued_to_token.treaty", "must start a line or follow a space", id="glued-hash"),
        pytest.param("002_lowercase_treaty_id.treaty", "written in capitals", id="lowercase-id"),
        pytest.param("001_missing_full_stop.treaty", "closing `.`", id="missing-full-stop"),
        pytest.param(
            "040_keyword_called_in_condition.treaty",
            "keyword",
            id="keyword-call",
        ),
        pytest.param(
            "030_group_used_as_entity.treaty",
            "members of NEW_MEMBERS",
            id="group-in-parties",
        ),
        pytest.param(
            "053_expect_article_of_empty_treaty.treaty",
            "no articles",
            id="empty-article-list",
        ),
    ],
)
def test_help_text(name: str, help_part: str) -> None:
    err = _load_error(BAD / name)
    helps = [d.help or "" for d in err.diagnostics]
    assert any(help_part in h for h in helps), helps


CLI_FILES = [
    "001_missing_full_stop.treaty",
    "005_hash_glued_to_token.treaty",
    "009_nesting_too_deep.treaty",
    "010_unknown_entity_did_you_mean.treaty",
    "013_conflicting_redeclaration.treaty",
    "028_variable_entity_and_action.treaty",
    "051_crlf_unknown_entity.treaty",
]


@pytest.mark.parametrize("name", CLI_FILES)
def test_cli_reports_bad_case(name: str) -> None:
    path = BAD / name
    (exp, *_), _ = read_header(path)
    proc = subprocess.run(
        [sys.executable, "-m", "treatycheck", "parse", "--no-builtin", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Traceback" not in proc.stdout
    lines = proc.stderr.splitlines()
    assert lines, "no output on stderr"
    first = re.match(r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+): error: (?P<message>.+)$", lines[0])
    assert first, lines[0]
    assert first["file"] == str(path)
    assert (int(first["line"]), int(first["column"])) == (exp.line, exp.column)
    assert exp.message in first["message"]
    # the source line, then a caret under the reported column
    source_line = path.read_text(encoding="utf-8").splitlines()[exp.line - 1].rstrip("\r")
    shown = f"{exp.line} | {source_line[:60]}"  # long lines are shortened around the caret
    assert any(line.lstrip().startswith(shown) for line in lines), proc.stderr
    caret = next((line for line in lines if re.match(r"^\s*\|\s*\^", line)), None)
    assert caret is not None, proc.stderr
    assert caret.index("^") - caret.index("|") - 2 == exp.column - 1, proc.stderr
    assert any(line.strip().startswith("= help:") for line in lines), proc.stderr
