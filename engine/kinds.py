"""The engine's closed vocabularies, as string enumerations.

Each member *is* its string (``Verdict.PROVED == "proved"``), so JSON, SARIF, cache
keys and old comparisons with plain strings see exactly the words they always saw;
the enumerations only name the closed sets, so that a typo is a name error and a
reader can see every value a field can take.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """What the search says of a candidate pair it asked the solver about."""

    PROVED = "proved"  # a conflict, with a replayed scenario
    UNKNOWN = "unknown"  # the solver gave up (timeout) or the deadline passed
