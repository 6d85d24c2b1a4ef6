"""Record the JSON reports a refactoring must leave unchanged, to compare two builds.

    python benchmarks/same_answers.py OUT_DIR [--norms 1000] [--seed 1]

Runs ``python -m treatycheck check --format json`` (the interpreter running this
script, so whichever treatycheck it imports) on every bundled example and on a
generated register, each in five ways:

- ``jobs1``: one process, no cache;
- ``jobs2``: two worker processes, no cache;
- ``cold``: a fresh verdict cache (which also leaves a snapshot);
- ``warm``: the same command again (verdicts and snapshot reused);
- ``edited``: one article of the register edited, then checked against the snapshot
  the warm run left (only the edited norm's pairs are solved).

Each report is written to ``OUT_DIR/NAME.CONFIG.json`` with the wall-clock field
(``summary.seconds``) set to 0, and with ``jobs2`` the query count too (it depends
on which worker sees which pair first), so that ``diff -r BEFORE AFTER`` shows any change in
what was found, how it was resolved, or how many queries it took.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_targets import edit_one_article  # noqa: E402
from generate import generate, write  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def report(args: list[str], cwd: str, shared: bool = False) -> str:
    """The JSON report of one check, with its timing field zeroed (and the query
    count too when ``shared``: with worker processes it depends on which worker's
    memo sees which pair first)."""
    done = subprocess.run(
        [sys.executable, "-m", "treatycheck", "check", "--format", "json", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"treatycheck {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    data = json.loads(done.stdout)
    data["summary"]["seconds"] = 0
    if shared:
        data["summary"]["queries"] = 0
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def record(name: str, target: list[str], out: str, cwd: str, edit: str | None = None) -> None:
    """The five configurations of one input; ``edit`` is a register directory to edit."""
    runs = {
        "jobs1": ["--no-cache", "--jobs", "1"],
        "jobs2": ["--no-cache", "--jobs", "2"],
    }
    for config, flags in runs.items():
        with open(os.path.join(out, f"{name}.{config}.json"), "w", encoding="utf-8") as fh:
            fh.write(report([*flags, *target], cwd, shared=config == "jobs2"))
    cache = tempfile.mkdtemp(prefix="same-answers-cache-")
    try:
        for config in ("cold", "warm"):
            with open(os.path.join(out, f"{name}.{config}.json"), "w", encoding="utf-8") as fh:
                fh.write(report(["--cache-dir", cache, *target], cwd))
        if edit is not None:
            edit_one_article(edit)
            with open(os.path.join(out, f"{name}.edited.json"), "w", encoding="utf-8") as fh:
                fh.write(report(["--cache-dir", cache, *target], cwd))
            with open(os.path.join(out, f"{name}.edited-full.json"), "w", encoding="utf-8") as fh:
                fh.write(report(["--no-cache", *target], cwd))
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--norms", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    examples = os.path.join(ROOT, "examples")
    for name in sorted(os.listdir(examples)):
        if name.endswith(".treaty"):
            record(name[: -len(".treaty")], [name], args.out, examples)
    work = tempfile.mkdtemp(prefix="same-answers-")
    try:
        register = os.path.join(work, "register")
        write(generate(args.seed, args.norms), register)
        # relative to the working directory: the reports name files as given
        record(f"generated-{args.norms}", ["--no-builtin", "--all", "register"], args.out, work, edit=register)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {len(os.listdir(args.out))} reports to {args.out}")


if __name__ == "__main__":
    main()
