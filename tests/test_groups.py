"""The grouped text layout: many conflicts that share one norm.

A general prohibition of "any action" another party objects to, against 31
obligations: one norm in 31 conflicts, at or above ``GROUP_AT``. The text report
opens the group with its headline and the treaties the norm meets, shows the first
``SHOWN`` conflicts in full and the rest one line each, and says how to see every
one; ``--full`` shows all in full, and JSON keeps every conflict.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import treatycheck
from treatycheck.report.groups import GROUP_AT, SHOWN, group
from treatycheck.report.text import render_conflict, render_text

N = 31
WORLD = "\n".join(
    [
        'state AA "A".',
        'state BB "B".',
        'action act(actor) "{actor} acts".',
        'judgement objects(act: action, party) "{party} objects when {act}".',
        'treaty GEN "General" signed 2001-01-01:',
        "  parties: AA, BB.",
        "  article 1:",
        "    each party X shall not take any action A if objects(A, Y) and Y is a party and Y is not X.",
        "",
        'treaty OB "Obligations" signed 2000-01-01:',
        "  parties: AA, BB.",
        *[f"  article {i}:\n    each party X shall act(X)." for i in range(1, N + 1)],
    ]
)


def test_a_norm_in_many_conflicts_is_shown_as_a_group() -> None:
    assert N >= GROUP_AT
    world = treatycheck.loads(WORLD, filename="g.treaty", builtin=False)
    report = treatycheck.check(world)
    conflicts = report.conflicts
    assert len(conflicts) == N
    text = render_text(report, world.sources)
    blocks = text.rstrip("\n").split("\n\n")
    # the group's head, the first SHOWN conflicts in full, the rest, the count
    assert blocks[0] == "\n".join(
        [
            f"group: GEN:1 collides with {N} norms of 1 treaty ({N} conflicts: 0 errors, {N} warnings)",
            "   = treaties: OB",
            f"   = shown: the first {SHOWN} in full, the rest one line each",
        ]
    )
    assert blocks[1 : 1 + SHOWN] == [render_conflict(c, world.sources) for c in conflicts[:SHOWN]]
    rest = blocks[1 + SHOWN].split("\n")
    assert rest[0] == f"... and {N - SHOWN} more conflicts of GEN:1, one line each:"
    refs = sorted(f"OB:{i}" for i in range(1, N + 1))  # the report's order: by conflict id
    assert rest[1:-1] == [
        f"  warning[obligation-prohibition]: GEN:1 overrides {r} (GEN prevails by lex posterior)" for r in refs[SHOWN:]
    ]
    assert rest[-1] == (
        "  (every one in full: `treatycheck explain GEN:1` with the same files, `check --full`, "
        "or `--format json` / `sarif`)"
    )
    assert blocks[-1].startswith(f"0 errors, {N} warnings in {N + 1} norms")
    assert len(blocks) == SHOWN + 3
    # without grouping, every conflict in full, in the same order
    full = render_text(report, world.sources, group_at=None).rstrip("\n").split("\n\n")
    assert full[:-1] == [render_conflict(c, world.sources) for c in conflicts]


def test_fewer_conflicts_than_the_threshold_are_not_grouped() -> None:
    world = treatycheck.loads(WORLD, filename="g.treaty", builtin=False)
    conflicts = treatycheck.check(world).conflicts
    few = group(conflicts[: GROUP_AT - 1])
    assert few.groups == () and list(few.single) == list(conflicts[: GROUP_AT - 1])
    some = group(conflicts[:GROUP_AT])
    assert [g.ref for g in some.groups] == ["GEN:1"] and some.single == ()


def test_check_full_and_json_show_every_conflict(tmp_path: Path) -> None:
    path = tmp_path / "g.treaty"
    path.write_text(WORLD + "\n", encoding="utf-8")

    def run(*args: str) -> str:
        r = subprocess.run(
            [sys.executable, "-m", "treatycheck", "check", "--no-builtin", "--no-cache", *args, str(path)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stderr
        return r.stdout

    grouped, full = run(), run("--full")
    assert grouped.startswith("group: GEN:1 collides with") and "group:" not in full
    assert full.count("warning[obligation-prohibition]") == N
    assert grouped.count("warning[obligation-prohibition]") == N  # in full or in one line
    assert len(json.loads(run("--format", "json"))["conflicts"]) == N


def test_the_html_report_groups_them_too() -> None:
    from test_html import check_page
    from treatycheck.report.html import render_html

    world = treatycheck.loads(WORLD, filename="g.treaty", builtin=False)
    report = treatycheck.check(world)
    page = render_html(report, world)
    checker = check_page(page)  # well-formed, self-contained, every link lands
    assert page.count('<section class="group" id="group-1">') == 1
    assert f"GEN:1 collides with {N} norms of 1 treaty" in page
    assert page.count('<article class="card') == SHOWN
    assert f"<summary>{N - SHOWN} more conflicts of GEN:1</summary>" in page
    # every conflict keeps its anchor: a card or a line of the group
    from treatycheck.report.html_common import card_ids

    assert set(card_ids(list(report.conflicts)).values()) <= set(checker.ids)
