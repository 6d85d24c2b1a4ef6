"""The scale targets, measured: cold check, growth, solver overhead, incremental
re-check and parallel speed-up on generated registers.

    python benchmarks/bench_targets.py [--seed 1] [--small 1000] [--large 10000] [--skip-smt]

Each measurement runs the command line in a fresh process, as a user would, and
times it by the wall clock:

- cold: ``treatycheck check --no-builtin --no-cache DIR`` (read, parse, resolve, check);
- growth: cold time at ``--large`` divided by cold time at ``--small``;
- overhead: the engine's check time divided by the time ``z3`` takes on the script
  ``--emit-smt`` wrote (every query, in order);
- re-check: cold run with a fresh cache (which also leaves the snapshot), the same
  command again with nothing changed, then one article edited and the command again
  (only the edited file is parsed and only the pairs of the edited norm examined);
- parallel: ``--jobs 1`` against ``--jobs 2``.

Prints a table, and the ratios against the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import generate, write  # noqa: E402


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, dict, float]:
    """Wall seconds, the JSON report, and the child's peak RSS in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "treatycheck", "check", "--no-builtin", "--format", "json", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    wall = time.perf_counter() - t
    if done.returncode not in (0, 1):
        raise SystemExit(f"treatycheck failed ({done.returncode}):\n{done.stderr}")
    rss = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return wall, json.loads(done.stdout), rss


def edit_one_article(directory: str) -> str:
    """Narrow the first `each party X` norm of the first treaty file; returns the file."""
    for name in sorted(os.listdir(directory)):
        if not name.startswith("t_"):
            continue
        path = os.path.join(directory, name)
        lines = open(path, encoding="utf-8").read().split("\n")
        for i, line in enumerate(lines):
            if line.startswith("    each party X ") and line.endswith("."):
                lines[i] = line[:-1] + " unless security_council_acted(X)."
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write("\n".join(lines))
                return path
    raise SystemExit("no article to edit")


def measure(seed: int, norms: int, smt: bool) -> dict[str, float]:
    work = tempfile.mkdtemp(prefix=f"treatycheck-bench-{norms}-")
    reg = os.path.join(work, "register")
    write(generate(seed, norms), reg)
    out: dict[str, float] = {"norms": norms}
    cold, report, rss = run([reg, "--no-cache"])
    out.update(cold_s=cold, check_s=report["summary"]["seconds"], queries=report["summary"]["queries"])
    out.update(conflicts=len(report["conflicts"]), peak_rss_mb=rss)
    two, report2, _ = run([reg, "--no-cache", "--jobs", "2"])
    out["jobs2_s"] = two
    same = [c["id"] for c in report2["conflicts"]] == [c["id"] for c in report["conflicts"]]
    out["jobs2_same"] = float(same)
    cache = os.path.join(work, "cache")
    warm_cold, _, _ = run([reg, "--cache-dir", cache])
    unchanged, _, _ = run([reg, "--cache-dir", cache])
    out["unchanged_s"] = unchanged
    edit_one_article(reg)
    recheck, report3, _ = run([reg, "--cache-dir", cache])
    out.update(cache_cold_s=warm_cold, recheck_s=recheck, recheck_check_s=report3["summary"]["seconds"])
    out["recheck_queries"] = report3["summary"]["queries"]
    if smt and shutil.which("z3"):
        script = os.path.join(work, "queries.smt2")
        run([reg, "--no-cache", "--emit-smt", script])
        t = time.perf_counter()
        subprocess.run(["z3", script], capture_output=True, text=True)
        out["z3_s"] = time.perf_counter() - t
    shutil.rmtree(work, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    ap.add_argument("--skip-smt", action="store_true", help="do not measure the z3 script")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    rows = [measure(args.seed, n, not args.skip_smt) for n in (args.small, args.large)]
    print(
        "| norms | cold s | check s | queries | conflicts | peak RSS MB | --jobs 2 s | cold+cache s "
        "| again, unchanged s | re-check s | z3 on script s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        z3s = f"{r['z3_s']:.1f}" if "z3_s" in r else "-"
        print(
            f"| {r['norms']} | {r['cold_s']:.1f} | {r['check_s']:.1f} | {r['queries']:.0f} | {r['conflicts']:.0f} "
            f"| {r['peak_rss_mb']:.0f} | {r['jobs2_s']:.1f} | {r['cache_cold_s']:.1f} "
            f"| {r['unchanged_s']:.2f} | {r['recheck_s']:.2f} | {z3s} |"
        )
    small, large = rows
    print()
    print(
        f"cold at {large['norms']}: {large['cold_s']:.1f} s (target < 30 s), peak RSS {large['peak_rss_mb']:.0f} MB (target < 1536)"
    )
    print(f"growth {large['norms']}/{small['norms']}: {large['cold_s'] / small['cold_s']:.1f} (target <= 12)")
    if "z3_s" in large:
        print(
            f"overhead: engine check {large['check_s']:.1f} s / z3 on the script {large['z3_s']:.1f} s = {large['check_s'] / large['z3_s']:.2f} (target <= 2)"
        )
    print(
        f"re-check after a one-article edit: {large['recheck_s']:.2f} s = {100 * large['recheck_s'] / large['cold_s']:.1f}% of cold "
        f"(target < 5%); {large['recheck_queries']:.0f} queries"
    )
    print(
        f"--jobs 2: {large['cold_s'] / large['jobs2_s']:.2f}x faster than --jobs 1 (target >= 1.7); same conflicts: {bool(large['jobs2_same'])}"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
