"""The registry of diagnostic codes: every code a diagnostic can carry, once.

In: nothing; this module is a table. Out: :class:`Code`, a string enumeration with one
member per code, named by what the code means (``Code.UNKNOWN_TREATY == "E202"``);
each member carries its severity, the title of its section in ``docs/errors.md`` and
that section's anchor (:class:`Entry`, also in :data:`REGISTRY`). :func:`lookup` turns
a code written as a string into its member, or refuses it.

:class:`~treatycheck.diagnostics.Diagnostic` resolves its code here, so a diagnostic
with an unregistered code, or with a severity other than its code's, cannot be built;
``tests/test_registry.py`` keeps this table, the call sites in ``engine/`` and the
sections of ``docs/errors.md`` in step. A code keeps one meaning for good: a new
meaning gets a new code, numbered in its family (E1xx reading and syntax, E2xx names,
types and references, E3xx the command line, W3xx warnings).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .kinds import Severity

#: The page that documents every code, one section each.
DOCS = "docs/errors.md"


def anchor(heading: str) -> str:
    """The anchor a Markdown renderer (GitHub's rule) gives a heading: lower case,
    punctuation dropped, each space a hyphen (``E209: `shall take any action` `` ->
    ``e209-shall-take-any-action``)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@dataclass(frozen=True)
class Entry:
    """What the registry says of one code."""

    code: str  # "E202"
    severity: Severity
    title: str  # one line, as the heading of its section: "Unknown treaty"

    @property
    def heading(self) -> str:
        """The section's heading in docs/errors.md (without the ``###``)."""
        return f"{self.code}: {self.title}"

    @property
    def anchor(self) -> str:
        """The section's anchor in docs/errors.md (``e202-unknown-treaty``)."""
        return anchor(self.heading)

    @property
    def url(self) -> str:
        """The section as a link relative to the project's root."""
        return f"{DOCS}#{self.anchor}"


_ERROR, _WARNING = Severity.ERROR, Severity.WARNING


class Code(StrEnum):
    """Every diagnostic code. A member *is* its code (``Code.SYNTAX == "E101"``), so
    JSON and SARIF output, and comparisons with plain strings, are unchanged."""

    entry: Entry

    def __new__(cls, code: str, severity: Severity = _ERROR, title: str = "") -> Code:
        # only while the class is built: afterwards Code("E202") looks the member up
        member = str.__new__(cls, code)
        member._value_ = code
        member.entry = Entry(code, severity, title)
        return member

    @property
    def severity(self) -> Severity:
        return self.entry.severity

    # ---- reading the files and syntax
    FILE_UNREADABLE = "E100", _ERROR, "File cannot be read"
    SYNTAX = "E101", _ERROR, "Syntax error"
    TOO_DEEP = "E102", _ERROR, "Nesting too deep"
    # ---- names, types, variables and references
    UNKNOWN_ENTITY = "E200", _ERROR, "Unknown entity, organization or group"
    UNKNOWN_PREDICATE = "E201", _ERROR, "Unknown predicate"
    UNKNOWN_TREATY = "E202", _ERROR, "Unknown treaty"
    REDECLARED = "E203", _ERROR, "Name declared again differently"
    WRONG_ARITY = "E204", _ERROR, "Wrong number of arguments"
    ENTITY_FOR_ACTION = "E205", _ERROR, "Entity where an action is expected"
    ACTOR_NOT_BEARER = "E206", _ERROR, "The action's first argument is not the bearer"
    ACTION_AS_CONDITION = "E207", _ERROR, "An action used as a condition"
    NOT_AN_ACTION = "E208", _ERROR, "A fact or judgement where an action is needed"
    OBLIGED_ANY_ACTION = "E209", _ERROR, "`shall take any action`"
    KEYWORD_AS_PREDICATE = "E210", _ERROR, "Keyword as a predicate name"
    DUPLICATE_ARTICLE = "E211", _ERROR, "Duplicate article"
    DUPLICATE_TREATY = "E212", _ERROR, "Duplicate treaty"
    PARTY_OUTSIDE_TREATY = "E213", _ERROR, "Party forms outside a treaty"
    AXIOM_ACTORS_DIFFER = "E214", _ERROR, "Axiom actions with different actors"
    ACTION_PARAMETERS = "E215", _ERROR, "Action declared with a wrong parameter list"
    TWO_TYPES = "E216", _ERROR, "Variable with two types"
    MEMBERSHIP_LOOP = "E217", _ERROR, "Membership loop"
    GROUP_AS_ENTITY = "E218", _ERROR, "Group used as an entity"
    IN_WITH_STATE = "E219", _ERROR, "`in` with a State"
    # E220 and E224 are not used
    TEMPLATE_PLACEHOLDER = "E221", _ERROR, "Template placeholder that is not a parameter"
    OPTION_TWICE = "E222", _ERROR, "Treaty option given twice"
    INVALID_DATE = "E223", _ERROR, "Invalid date"
    SEPARATE_NEGATIONS = "E225", _ERROR, "Local variable under separate negations"
    DUPLICATE_PARAMETER = "E226", _ERROR, "Duplicate parameter"
    QUANTIFIER_VARIABLE_REUSED = "E227", _ERROR, "Quantifier variable used elsewhere"
    TREATY_RANKS_ITSELF = "E228", _ERROR, "Treaty ranks itself"
    MISSING_ARTICLE = "E229", _ERROR, "Reference to a missing article or sentence"
    ACTION_FOR_ENTITY = "E230", _ERROR, "Action term where an entity is expected"
    WINNER_WITHOUT_PREVAILS = "E231", _ERROR, "Winner named for a status that has none"
    CLASHING_OPTIONS = "E232", _ERROR, "Treaty options that contradict each other"
    UNKNOWN_ARTICLE = "E233", _ERROR, "Precedence sentence naming an unknown article"
    ARTICLE_RANKS_ITSELF = "E234", _ERROR, "Article ranks itself"
    UNKNOWN_READING = "E235", _ERROR, "Unknown reading"
    READING_OUTSIDE_ARTICLE = "E236", _ERROR, "`in reading` outside an article"
    UNKNOWN_DECIDER = "E237", _ERROR, "`decided by` naming no parameter"
    DECIDER_NOT_ENTITY = "E238", _ERROR, "`decided by` on an action or an action parameter"
    NOT_A_NORM_REF = "E239", _ERROR, "`expect` naming a precedence sentence as a norm"
    # ---- the command line
    NEEDS_DASK = "E300", _ERROR, "Dask is not installed"
    UNKNOWN_REF = "E301", _ERROR, "Unknown ref given to `explain`"
    NO_SUCH_READING = "E302", _ERROR, "`--reading` names no declared reading"
    UNKNOWN_PREFERRED = "E303", _ERROR, "`--prefer` names no declared entity"
    # ---- warnings: the input is used, but part of it cannot take effect
    NEVER_BINDS = "W300", _WARNING, "A subject that never binds anyone"
    RECURSION_BOUND = "W310", _WARNING, "A recursive axiom followed only up to a bound"
    TOO_MANY_CHAINS = "W311", _WARNING, "Too many axiom chains"


#: Every code and what the registry says of it, in code order.
REGISTRY: Mapping[Code, Entry] = MappingProxyType({code: code.entry for code in sorted(Code)})


def lookup(code: str) -> Code:
    """The member for ``code`` (a member or its string); ValueError if it is not
    registered, so that a mistyped code fails where it is written."""
    try:
        return Code(code)
    except ValueError:
        raise ValueError(f"`{code}` is not a registered diagnostic code (see {__name__})") from None
