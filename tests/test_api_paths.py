"""``treatycheck.load`` and ``check_files`` take one path or many, as str or PathLike."""

from __future__ import annotations

from pathlib import Path

import pytest
import treatycheck

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "european_security_treaty.treaty"


@pytest.mark.parametrize("paths", [str(EXAMPLE), EXAMPLE, [EXAMPLE], (str(EXAMPLE),), iter([EXAMPLE])])
def test_load_takes_a_path_or_paths(paths: object) -> None:
    world = treatycheck.load(paths)  # type: ignore[arg-type]
    assert world.user_files == frozenset({str(EXAMPLE)})
    assert any(n.ref == "EST:2.1" for n in world.norms)


def test_against_and_check_files_take_a_single_path(tmp_path: Path) -> None:
    vocabulary = tmp_path / "vocabulary.treaty"
    vocabulary.write_text('state AA "Alpha".\nstate BB "Beta".\naction go(x) "{x} goes".\n', encoding="utf-8")
    treaty = tmp_path / "ta.treaty"
    treaty.write_text(
        'treaty TA "Treaty A":\n  parties: AA, BB.\n  article 1: each party X shall go(X).\n', encoding="utf-8"
    )
    world = treatycheck.load(treaty, builtin=False, against=vocabulary)
    assert world.user_files == frozenset({str(treaty)}) and {t.id for t in world.treaties} == {"TA"}
    report = treatycheck.check_files(EXAMPLE, cache_dir=str(tmp_path / "cache"))
    again = treatycheck.check_files([str(EXAMPLE)], cache_dir=str(tmp_path / "cache"))
    assert [c.id for c in report.conflicts] == [c.id for c in again.conflicts]
    assert "EST:2.1~NAT:5/obligation-prohibition" in {c.id for c in report.conflicts}
