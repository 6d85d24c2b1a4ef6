"""End-to-end check time on generated registers.

    python benchmarks/bench_check.py [--seed 1] [--sizes 1000,10000] [--large] [--limit 300] [--shape dense]

For each size (norms), in a fresh child process so that peak memory is its own:
generate the register (generate.py), write it, load it (``treatycheck.load`` with
``builtin=False``: read + parse + resolve), and ``treatycheck.check`` it. Prints
parse and check seconds, the solver queries (``report.summary.queries``), the
candidate pairs, the conflicts found and the peak RSS (``resource.getrusage``).

``--large`` adds 50,000 norms. A size whose child runs longer than ``--limit``
seconds is stopped and reported as such, and no larger size is tried.
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


def measure(seed: int, norms: int, timeout: float, shape: str = "sparse") -> dict[str, object]:
    """One size, in this process."""
    import treatycheck
    from treatycheck.index import ChainIndex, candidates
    from treatycheck.loader import parse_sources, read_source

    t = time.perf_counter()
    files = generate(seed, norms, shape)
    out = tempfile.mkdtemp(prefix=f"treatycheck-check-{norms}-")
    paths = write(files, out)
    gen_s = time.perf_counter() - t

    t = time.perf_counter()
    parse_sources([(p, read_source(p)) for p in paths])
    parse_s = time.perf_counter() - t

    t = time.perf_counter()
    world = treatycheck.load(paths, builtin=False)
    load_s = time.perf_counter() - t

    t = time.perf_counter()
    chains = ChainIndex(world)
    n_candidates = sum(1 for _ in candidates(world, chains, None))
    cand_s = time.perf_counter() - t

    t = time.perf_counter()
    report = treatycheck.check(world, timeout=timeout)
    check_s = time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    kinds: dict[str, int] = {}
    for c in report.conflicts:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    return {
        "norms": norms,
        "files": len(files),
        "treaties": len(world.treaties),
        "generate_s": gen_s,
        "parse_s": parse_s,
        "load_s": load_s,
        "candidates_s": cand_s,
        "check_s": check_s,
        "queries": report.summary.queries,
        "candidates": n_candidates,
        "conflicts": len(report.conflicts),
        "kinds": kinds,
        "errors": report.summary.errors,
        "warnings": report.summary.warnings,
        "unknown": report.summary.unknown,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="check time on generated registers")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated norm counts")
    ap.add_argument("--large", action="store_true", help="also 50,000 norms")
    ap.add_argument("--limit", type=float, default=300.0, help="seconds allowed per size (child process)")
    ap.add_argument("--timeout", type=float, default=10.0, help="solver timeout per query, as `check --timeout`")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--shape", choices=["sparse", "dense"], default="sparse", help="the register's shape (generate.py)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode: one size, JSON on stdout
    args = ap.parse_args(argv)

    if args.one is not None:
        print(json.dumps(measure(args.seed, args.one, args.timeout, args.shape)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.large and 50000 not in sizes:
        sizes.append(50000)
    results: list[dict[str, object]] = []
    header = (
        f"{'norms':>7} {'treaties':>8} {'parse s':>8} {'load s':>7} {'check s':>8} {'pairs s':>8} {'cands':>7} "
        f"{'queries':>8} {'confl':>6} {'peak RSS':>9}"
    )
    print(header, flush=True)
    for n in sizes:
        cmd = [sys.executable, os.path.abspath(__file__), "--one", str(n), "--seed", str(args.seed)]
        cmd += ["--timeout", str(args.timeout), "--shape", args.shape]
        t = time.perf_counter()
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.limit)
        except subprocess.TimeoutExpired:
            print(f"{n:>7} did not finish within {args.limit:.0f} s; larger sizes skipped", flush=True)
            results.append({"norms": n, "timed_out_after_s": args.limit})
            break
        if done.returncode != 0:
            print(f"{n:>7} failed:\n{done.stderr}", flush=True)
            return 1
        r = json.loads(done.stdout.strip().splitlines()[-1])
        r["wall_s"] = time.perf_counter() - t
        results.append(r)
        print(
            f"{r['norms']:>7} {r['treaties']:>8} {r['parse_s']:>8.2f} {r['load_s']:>7.2f} {r['check_s']:>8.1f} "
            f"{r['candidates_s']:>8.1f} {r['candidates']:>7} {r['queries']:>8} {r['conflicts']:>6} {r['peak_rss_mb']:>7.0f} MB",
            flush=True,
        )
    print(
        "\n| norms | parse s | load s | check s | of which pairing s | candidate pairs | queries | conflicts | peak RSS MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        if "timed_out_after_s" in r:
            print(f"| {r['norms']} | | | > {r['timed_out_after_s']:.0f} (stopped) | | | | | |")
            continue
        print(
            f"| {r['norms']} | {r['parse_s']:.2f} | {r['load_s']:.2f} | {r['check_s']:.1f} | {r['candidates_s']:.1f} "
            f"| {r['candidates']} "
            f"| {r['queries']} | {r['conflicts']} | {r['peak_rss_mb']:.0f} |"
        )
    for r in results:
        if r.get("kinds"):
            print(f"conflicts at {r['norms']}: {r['kinds']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
