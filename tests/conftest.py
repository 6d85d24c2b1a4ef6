"""Shared test set-up: make the helper modules in tests/ importable, keep the
verdict cache of every CLI run inside a temporary directory, never the user's, and
add the ``--update-golden`` option (test_golden.py rewrites its expected reports)."""

from __future__ import annotations

import os
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("TREATYCHECK_CACHE_DIR", tempfile.mkdtemp(prefix="treatycheck-test-cache-"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/cases/golden/*.txt from the current output instead of comparing (test_golden.py)",
    )
