"""Shared test set-up: make the helper modules in tests/ importable."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
