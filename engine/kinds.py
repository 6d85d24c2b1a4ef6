"""The engine's closed vocabularies, as string enumerations.

Each member *is* its string (``Verdict.PROVED == "proved"``), so JSON, SARIF, cache
keys and old comparisons with plain strings see exactly the words they always saw;
the enumerations only name the closed sets, so that a typo is a name error and a
reader can see every value a field can take. :data:`MODALITY_WORDS` is the one
table of the words each modality is written, read and reported with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class Verdict(StrEnum):
    """What the search says of a candidate pair it asked the solver about."""

    PROVED = "proved"  # a conflict, with a replayed scenario
    UNKNOWN = "unknown"  # the solver gave up (timeout) or the deadline passed


class Modality(StrEnum):
    """What a norm does to its bearer's action (``Norm.modality``)."""

    OBLIGATION = "obligation"  # shall
    PROHIBITION = "prohibition"  # shall not
    PERMISSION = "permission"  # may
    RIGHT = "right"  # has the right to
    EXEMPTION = "exemption"  # need not, may refrain from
    PROTECTED_EXEMPTION = "protected-exemption"  # has the right to refrain from


class ConflictKind(StrEnum):
    """The ways two norms can conflict, named acting side first (``Finding.kind``)."""

    OBLIGATION_PROHIBITION = "obligation-prohibition"
    OBLIGATION_OBLIGATION = "obligation-obligation"
    RIGHT_PROHIBITION = "right-prohibition"
    RIGHT_OBLIGATION = "right-obligation"
    PERMISSION_PROHIBITION = "permission-prohibition"
    OBLIGATION_EXEMPTION = "obligation-exemption"


class Severity(StrEnum):
    """How bad a finding is: a diagnostic's or a conflict's. An error fails the run
    (exit 2 for a diagnostic, exit 1 for a conflict); a warning never does."""

    ERROR = "error"
    WARNING = "warning"


class Status(StrEnum):
    """How treaty law settles a conflict (``Resolution.status``)."""

    PREVAILS = "prevails"  # one side gives way toward every party (a ranking, a claim, lex posterior, ...)
    PARTIAL = "partial"  # the winner prevails between parties to both; the loser still binds toward others
    DISPLACED = "displaced"  # a third, higher norm settles it wherever the two meet
    POLITICAL = "political"  # a commitment on one side: treaty law ranks nothing
    DEADLOCK = "deadlock"  # each side ranks itself above the other
    UNRESOLVED = "unresolved"  # nothing ranks them


class ParamType(StrEnum):
    """What a predicate parameter takes (``Param.type``)."""

    ENTITY = "entity"
    ACTION = "action"


@dataclass(frozen=True)
class ModalityWords:
    """Every word the engine uses for one modality, so that the language, the logic,
    the explanations and the reports cannot drift apart."""

    keyword: str  # as the language writes it: `shall not` (fmt)
    operator: str  # the deontic operator of the logical reading: `F` (explain)
    english: str  # before an action in plain words: `must not see that` (explain)
    english_any: str  # before `take any action`: `must not` (explain)
    role: str  # the label under the modal words in a report: `prohibits` (text, html)
    verb: str  # a norm's part of a scenario story: `forbids` (report)
    imposes: str  # what one text does to a bearer in a diff: `forbids` (compare)
    # other ways the language writes it, read as the same modality (`may refrain from`)
    synonyms: tuple[str, ...] = ()


#: The words of each modality; look up with a Modality or its plain string.
MODALITY_WORDS: Mapping[Modality, ModalityWords] = MappingProxyType(
    {
        Modality.OBLIGATION: ModalityWords(
            keyword="shall",
            operator="O",
            english="must see that",
            english_any="must",
            role="obliges",
            verb="requires",
            imposes="obliges",
        ),
        Modality.PROHIBITION: ModalityWords(
            keyword="shall not",
            operator="F",
            english="must not see that",
            english_any="must not",
            role="prohibits",
            verb="forbids",
            imposes="forbids",
        ),
        Modality.PERMISSION: ModalityWords(
            keyword="may",
            operator="P",
            english="may see that",
            english_any="may",
            role="permits",
            verb="permits",
            imposes="permits",
        ),
        Modality.RIGHT: ModalityWords(
            keyword="has the right to",
            operator="R",
            english="has the right to see that",
            english_any="has the right to",
            role="grants the right",
            verb="protects the right",
            imposes="protects",
        ),
        Modality.EXEMPTION: ModalityWords(
            keyword="need not",
            operator="¬O",
            english="need not see that",
            english_any="need not",
            role="exempts",
            verb="lets its bearer leave undone",
            imposes="exempts",
            synonyms=("may refrain from",),
        ),
        Modality.PROTECTED_EXEMPTION: ModalityWords(
            keyword="has the right to refrain from",
            operator="R¬",
            english="has the right to refrain from seeing that",
            english_any="has the right to refrain from",
            role="grants the right to refrain",
            verb="protects the right to leave undone",
            imposes="protects the freedom not to do",
        ),
    }
)
