"""What ``control`` and ``overlap`` cost on a generated register.

    python benchmarks/bench_analyses.py [--seed 1] [--norms 10000] [--commands control,overlap]

The register of ``benchmarks/generate.py`` with a few ``decided by`` declarations
(:func:`generate.with_decided`: the host's consent to stationing, a party's
judgement that its security is affected). Each run is a fresh process,
``treatycheck control|overlap --no-builtin --format json``, timed by the wall clock:
cold (no cache), then with a cache directory twice (the first fills it, the second
reads it). Printed: seconds per run and what
the analysis found; the answers must be the same in every run.
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
from generate import generate, with_decided, write  # noqa: E402


def run(command: str, directory: str, *extra: str) -> tuple[float, str]:
    """Wall seconds and the JSON report of one run."""
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "treatycheck", command, "--no-builtin", "--format", "json", directory, *extra],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"treatycheck {command} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, done.stdout


def found(command: str, report: str) -> str:
    data = json.loads(report)
    if command == "control":
        s = data["summary"]
        pairs = sum(len(n["bearers"]) for n in data["norms"])
        return f"{s['controlled']} of {s['duties']} duties controlled, {pairs} (duty, bearer) pairs"
    statuses: dict[str, int] = {}
    for n in data["norms"]:
        statuses[n["status"]] = statuses.get(n["status"], 0) + 1
    return ", ".join(f"{v} {k}" for k, v in sorted(statuses.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--norms", type=int, default=10000)
    ap.add_argument("--commands", default="control,overlap")
    args = ap.parse_args(argv)
    root = tempfile.mkdtemp(prefix="treatycheck-analyses-")
    try:
        register = os.path.join(root, "register")
        write(with_decided(generate(args.seed, args.norms)), register)
        print(
            f"register: {args.norms} norms, seed {args.seed}, with `decided by` on host_consents and affects_security"
        )
        for command in args.commands.split(","):
            cache = os.path.join(root, f"cache-{command}")
            runs = [
                ("cold", ("--no-cache",)),
                ("cache fill", ("--cache-dir", cache)),
                ("cached", ("--cache-dir", cache)),
            ]
            answers = set()
            for label, extra in runs:
                wall, report = run(command, register, *extra)
                answers.add(report)
                print(f"{command:8} {label:16} {wall:8.2f} s   {found(command, report)}")
            print(f"{command:8} same answer in every run: {'yes' if len(answers) == 1 else 'NO'}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
