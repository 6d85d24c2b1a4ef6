"""Inputs at and past the reader's limits: unreadable paths, bad encodings, empty and
oversized files, pathological nesting and very long lines. Each is refused (or read)
cleanly: exit code 2 and a clear message from the CLI, a TreatyError from the API,
never a traceback or a RecursionError."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import treatycheck

HEADER = """state US "United States".
action assist(actor, victim).
fact armed_attack(attacker, victim).
treaty NAT "North Atlantic Treaty":
  parties: US.
  article 5:
    each party X shall assist(X, V) if """


def run_cli(*paths: Path | str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "treatycheck", "parse", "--no-builtin", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout
    assert "internal error" not in proc.stderr, proc.stderr
    return proc


def api_error(path: Path | str) -> treatycheck.TreatyError:
    with pytest.raises(treatycheck.TreatyError) as info:
        treatycheck.load([str(path)], builtin=False)
    return info.value


def assert_refused(path: Path | str, *message_parts: str) -> treatycheck.TreatyError:
    """The CLI exits 2 with a message naming the file; the API raises TreatyError."""
    proc = run_cli(path)
    assert proc.returncode == 2, proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"{path}"), first
    assert ": error: " in first, first
    for part in message_parts:
        assert part in first, first
    err = api_error(path)
    assert err.file == str(path)
    for part in message_parts:
        assert part in err.message
    return err


# ------------------------------------------------------------------ unreadable input


def test_missing_file(tmp_path: Path) -> None:
    err = assert_refused(tmp_path / "nowhere.treaty", "no such file")
    assert err.code == "E100"


def test_directory_without_treaty_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a treaty\n", encoding="utf-8")
    err = assert_refused(tmp_path, "holds no `.treaty` files")
    assert err.code == "E100"


@pytest.mark.skipif(not hasattr(os, "chmod") or sys.platform == "win32", reason="POSIX permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.treaty"
    path.write_text('state US "United States".\n', encoding="utf-8")
    path.chmod(0)
    try:
        try:
            path.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("running with privileges that read a chmod 000 file (root)")
        err = assert_refused(path, "cannot read")
        assert err.code == "E100"
    finally:
        path.chmod(0o644)


def test_unreadable_file_api_when_privileged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same refusal, simulated, for runs where chmod 000 cannot stop the reader (root)."""
    path = tmp_path / "locked.treaty"
    path.write_text('state US "United States".\n', encoding="utf-8")

    def denied(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("treatycheck.files._open", denied)
    err = api_error(path)
    assert err.code == "E100"
    assert "cannot read" in err.message and "Permission denied" in err.message
    assert err.file == str(path)


# ------------------------------------------------------------------ encoding and size


def test_non_utf8_bytes_report_their_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.treaty"
    path.write_bytes(b'state US "United States".\nstate FR "R\xe9publique fran\xe7aise".\n')
    err = assert_refused(path, "not valid UTF-8", "0xe9")
    assert err.code == "E100"
    assert (err.line, err.column) == (2, 12)
    first = run_cli(path).stderr.splitlines()[0]
    assert first.startswith(f"{path}:2:12: error:"), first


def test_non_utf8_column_counts_characters(tmp_path: Path) -> None:
    path = tmp_path / "mixed.treaty"
    # `Ü` and `É` are two bytes each in UTF-8; the bad byte 0xe9 is the 13th character of line 2 (the 15th byte)
    path.write_bytes('state US "United States".\nstate FR "ÜÉ'.encode() + b'\xe9".\n')
    err = api_error(path)
    assert (err.line, err.column) == (2, 13)


@pytest.mark.parametrize(
    "content", [b"", b"   \n\n\t\n", b"\xef\xbb\xbf"], ids=["zero-bytes", "whitespace", "bom-only"]
)
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.treaty"
    path.write_bytes(content)
    err = assert_refused(path, "is empty")
    assert err.code == "E100"


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.treaty"
    line = "# " + "x" * 97 + "\n"  # 100 bytes
    with path.open("w", encoding="utf-8") as fh:
        fh.write('state US "United States".\n')
        fh.write(line * 170_000)  # 17 MB, over the 16 MiB limit
    assert path.stat().st_size > 16 * 1024 * 1024
    err = assert_refused(path, "too large", "16 MiB")
    assert err.code == "E100"
    assert "split" in (err.first.help or "")


# ------------------------------------------------------------------ pathological shapes


def test_ten_thousand_nested_parentheses(tmp_path: Path) -> None:
    path = tmp_path / "parens.treaty"
    n = 10_000
    path.write_text(HEADER + "(" * n + "armed_attack(A, V)" + ")" * n + ".\n", encoding="utf-8")
    err = assert_refused(path, "nest more than 200 levels")
    assert err.code == "E102"
    assert err.line == 7


def test_ten_thousand_nested_nots(tmp_path: Path) -> None:
    path = tmp_path / "nots.treaty"
    path.write_text(HEADER + "not " * 10_000 + "armed_attack(A, V).\n", encoding="utf-8")
    err = assert_refused(path, "nest more than 200 levels")
    assert err.code == "E102"
    assert err.line == 7


def test_ten_thousand_nested_nots_in_assume(tmp_path: Path) -> None:
    path = tmp_path / "assume.treaty"
    path.write_text(
        'state US "United States".\nfact f(x).\nassume a: ' + "not " * 10_000 + "f(US).\n", encoding="utf-8"
    )
    err = assert_refused(path, "nest more than 200 levels")
    assert err.code == "E102"


def test_ten_thousand_nested_action_terms(tmp_path: Path) -> None:
    path = tmp_path / "terms.treaty"
    path.write_text(HEADER + "armed_attack(" * 10_000 + "A" + ")" * 10_000 + ".\n", encoding="utf-8")
    err = assert_refused(path, "nest more than 200 levels")
    assert err.code == "E102"


def test_nesting_at_the_limit_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "deep_ok.treaty"
    n = 150
    path.write_text(HEADER + "(" * n + "armed_attack(A, V)" + ")" * n + ".\n", encoding="utf-8")
    world = treatycheck.load([str(path)], builtin=False)
    assert len(world.norms) == 1


def _long_condition(min_chars: int) -> str:
    parts = []
    while len(" or ".join(parts)) < min_chars:
        parts.append("armed_attack(A, V)")
    return " or ".join(parts)


def test_five_thousand_character_line_is_read(tmp_path: Path) -> None:
    path = tmp_path / "long_ok.treaty"
    text = HEADER + _long_condition(5_000) + ".\n"
    assert max(map(len, text.splitlines())) >= 5_000
    path.write_text(text, encoding="utf-8")
    world = treatycheck.load([str(path)], builtin=False)
    assert len(world.norms) == 1
    proc = run_cli(path)
    assert proc.returncode == 0, proc.stderr


def test_error_at_end_of_five_thousand_character_line(tmp_path: Path) -> None:
    path = tmp_path / "long_bad.treaty"
    last = "    each party X shall assist(X, V) if " + _long_condition(5_000)
    path.write_text(HEADER.rsplit("\n", 1)[0] + "\n" + last + " oops.\n", encoding="utf-8")
    column = len(last) + 2
    err = assert_refused(path, "unexpected `oops`")
    assert (err.line, err.column) == (7, column)
    proc = run_cli(path)
    lines = proc.stderr.splitlines()
    assert lines[0].startswith(f"{path}:7:{column}: error:")
    # the shown line is shortened, but the caret still sits under `oops`
    shown = next(line for line in lines if line.lstrip().startswith("7 | "))
    caret = next(line for line in lines if line.lstrip().startswith("| ") and "^" in line)
    assert len(shown) < 400
    start = caret.index("^")
    assert shown[start : start + 4] == "oops", (shown, caret)
    assert any("= help:" in line for line in lines)
