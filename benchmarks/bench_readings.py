"""What readings cost: a cold check of a generated register with k readings declared
and a few sentences tagged, against the same register without readings.

    python benchmarks/bench_readings.py [--seed 1] [--norms 10000] [--ks 0,1,2,4] [--treaties 6]

For each k, ``benchmarks/generate.py``'s register gets k readings, and in
``--treaties`` treaty files one norm written once per reading and a precedence
sentence that claims priority in the first reading and defers in the others
(:func:`generate.with_readings`). Each run is ``treatycheck check --no-builtin
--no-cache`` in a fresh process, timed by the wall clock. Printed: seconds, solver
queries and conflicts per k, the ratio to the register without readings, and the
target ``1 + 0.2 k`` (k readings may cost at most that many times one check when
the tags touch few norms).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import generate, with_readings, write  # noqa: E402


def cold(directory: str) -> tuple[float, dict]:
    """Wall seconds of one cold check, and its JSON report."""
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "treatycheck", "check", "--no-builtin", "--no-cache", "--format", "json", directory],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t
    if done.returncode not in (0, 1):
        raise SystemExit(f"treatycheck failed ({done.returncode}):\n{done.stderr}")
    return wall, json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--norms", type=int, default=10000)
    ap.add_argument("--ks", default="0,1,2,4", help="Numbers of readings, 0 for none (the baseline).")
    ap.add_argument("--treaties", type=int, default=6, help="Treaty files with tagged sentences.")
    args = ap.parse_args(argv)
    ks = [int(k) for k in args.ks.split(",")]
    base = generate(args.seed, args.norms)
    root = tempfile.mkdtemp(prefix="treatycheck-readings-")
    rows = []
    try:
        for k in ks:
            directory = os.path.join(root, f"k{k}")
            write(with_readings(base, k, args.treaties), directory)
            wall, report = cold(directory)
            per = {}
            for c in report["conflicts"]:
                for name in c.get("readings", {}):
                    per[name] = per.get(name, 0) + 1
            rows.append((k, wall, report["summary"]["queries"], len(report["conflicts"]), per))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    baseline = next((wall for k, wall, *_ in rows if k == 0), rows[0][1])
    print(f"{args.norms} norms, seed {args.seed}, {args.treaties} treaties with tagged sentences")
    print(f"{'k':>3} {'seconds':>9} {'ratio':>7} {'target':>7} {'queries':>8} {'conflicts':>10}  per reading")
    for k, wall, queries, conflicts, per in rows:
        target = f"{1 + 0.2 * k:.1f}" if k else "-"
        shown = ", ".join(f"{n}: {c}" for n, c in per.items()) or "-"
        print(f"{k:>3} {wall:>9.2f} {wall / baseline:>7.2f} {target:>7} {queries:>8} {conflicts:>10}  {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
