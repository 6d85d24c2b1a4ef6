"""The Dask backend: the same report on a LocalCluster as in one process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import treatycheck

distributed = pytest.importorskip("distributed")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "european_security_treaty.treaty"


def canonical(report: treatycheck.Report) -> str:
    data = json.loads(report.to_json())
    del data["summary"]["seconds"], data["summary"]["queries"]
    return json.dumps(data, sort_keys=True)


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_local_cluster_gives_the_serial_report(client) -> None:  # type: ignore[no-untyped-def]
    world = treatycheck.load([str(EXAMPLE)])
    serial = treatycheck.check(world, all_conflicts=True)
    remote = treatycheck.check(world, all_conflicts=True, scheduler=client)
    assert canonical(remote) == canonical(serial)
    assert remote.summary.queries > 0


def test_cli_scheduler_address(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    address = client.scheduler.address
    run = subprocess.run(
        [sys.executable, "-m", "treatycheck", "check", str(EXAMPLE), "--format", "json", "--scheduler", address],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr
    local = subprocess.run(
        [sys.executable, "-m", "treatycheck", "check", str(EXAMPLE), "--format", "json", "--no-cache"],
        capture_output=True,
        text=True,
    )
    a, b = json.loads(run.stdout), json.loads(local.stdout)
    for d in (a, b):
        del d["summary"]["seconds"], d["summary"]["queries"]
    assert a == b
