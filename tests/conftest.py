"""Shared test set-up: make the helper modules in tests/ importable, and keep the
verdict cache of every CLI run inside a temporary directory, never the user's."""

from __future__ import annotations

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("TREATYCHECK_CACHE_DIR", tempfile.mkdtemp(prefix="treatycheck-test-cache-"))
